// NAME
//   command - self-registering subcommands of phimilterctl(8)
// SYNOPSIS
//   static const bool registered = register_command(
//       "escrow", "list, show, release, purge and verify escrowed mail", &escrow_main);
//   int escrow_main(int argc, char** argv);   // argv[0] is "escrow"
// DESCRIPTION
//   Each subcommand lives in its own tools/ctl_<name>.cc, linked directly
//   into phimilterctl, and registers itself at start-up, so adding one does
//   not touch a shared table. Exit status: 0 success, 1 failure or a check
//   that found damage, 2 usage error.
// THREADS
//   Registration happens before main(); lookups afterwards are read-only.
#ifndef PHI_TOOLS_COMMAND_H
#define PHI_TOOLS_COMMAND_H

#include <map>
#include <string>

namespace phi::tools {

using CommandMain = int (*)(int argc, char** argv);

struct Command {
  std::string summary;
  CommandMain main;
};

bool register_command(const char* name, const char* summary, CommandMain main);
const std::map<std::string, Command>& commands();

}  // namespace phi::tools

#endif
