// phimilterctl - administration tool: dispatches to registered subcommands.
#include <cstring>
#include <iostream>

#include "tools/command.h"

namespace phi::tools {

namespace {
std::map<std::string, Command>& table() {
  static std::map<std::string, Command> t;
  return t;
}
}  // namespace

bool register_command(const char* name, const char* summary, CommandMain main) {
  table()[name] = Command{summary, main};
  return true;
}

const std::map<std::string, Command>& commands() { return table(); }

}  // namespace phi::tools

int main(int argc, char** argv) {
  using phi::tools::commands;
  auto usage = [](std::ostream& o) {
    o << "usage: phimilterctl COMMAND [ARGS...]\n\ncommands:\n";
    for (const auto& [name, c] : commands()) o << "  " << name << "  " << c.summary << "\n";
    o << "\nSee phimilterctl(8) and phimilterctl-COMMAND(8).\n";
  };
  if (argc < 2 || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "--help")) {
    usage(argc < 2 ? std::cerr : std::cout);
    return argc < 2 ? 2 : 0;
  }
  auto it = commands().find(argv[1]);
  if (it == commands().end()) {
    std::cerr << "phimilterctl: unknown command \"" << argv[1] << "\"\n";
    usage(std::cerr);
    return 2;
  }
  return it->second.main(argc - 1, argv + 1);
}
