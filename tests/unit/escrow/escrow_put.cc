// escrow_put - test helper: escrow standard input under CONF, print the id and pickup tokens.
#include <ctime>
#include <iostream>

#include "milter/config.h"
#include "milter/escrow/store.h"

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: escrow_put CONF SENDER RCPT...\n";
    return 2;
  }
  auto cfg = phi::load_config(argv[1], false);
  if (!cfg || !(*cfg)->escrow) {
    std::cerr << "escrow_put: " << (cfg ? "escrow not configured" : cfg.error().message) << "\n";
    return 1;
  }
  phi::escrow::EntryMeta meta;
  meta.sender = argv[2];
  for (int i = 3; i < argc; ++i) meta.recipients.push_back(argv[i]);
  meta.rule = "test-rule";
  meta.categories = {{"ssn", 1}};
  auto w = (*cfg)->escrow->begin(meta, std::time(nullptr));
  if (!w) { std::cerr << "escrow_put: " << w.error().message << "\n"; return 1; }
  char buf[4096];
  while (std::cin.read(buf, sizeof buf) || std::cin.gcount() > 0)
    if (auto r = (*w)->write(std::string_view(buf, static_cast<size_t>(std::cin.gcount()))); !r) {
      std::cerr << "escrow_put: " << r.error().message << "\n";
      return 1;
    }
  auto id = (*w)->commit();
  if (!id) { std::cerr << "escrow_put: " << id.error().message << "\n"; return 1; }
  std::cout << *id << "\n";
  for (const auto& t : (*w)->tokens()) std::cout << t.text << "\n";
  return 0;
}
