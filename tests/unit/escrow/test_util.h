// NAME
//   test_util - temporary directories and key rings for the escrow tests
// SYNOPSIS
//   TempDir d;  d.path();  d.write("name", text, 0600);
//   std::shared_ptr<const KeyRing> ring("k1 <hex>\n...");
// THREADS
//   Test helpers; one thread.
#ifndef PHI_TESTS_ESCROW_TEST_UTIL_H
#define PHI_TESTS_ESCROW_TEST_UTIL_H

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

#include "milter/escrow/key_ring.h"

namespace phi::escrow::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "phi-escrow-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) std::abort();
    path_ = tmpl;
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  std::string write(const std::string& name, const std::string& text, mode_t mode) const {
    std::string p = file(name);
    std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
    chmod(p.c_str(), mode);
    return p;
  }

 private:
  std::string path_;
};

inline std::string read_file(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void write_file(const std::string& p, const std::string& data) {
  std::ofstream(p, std::ios::binary | std::ios::trunc) << data;
}

inline const char* kHex1 = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
inline const char* kHex2 = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff000102030405060708090a0b0c0d0e0f";
inline const char* kHex3 = "4242424242424242424242424242424242424242424242424242424242424242";

inline std::shared_ptr<const KeyRing> ring(const std::string& text) {
  auto r = parse_key_ring(text, "keys");
  EXPECT_TRUE(r.ok()) << (r ? "" : r.error().message);
  return r ? *r : nullptr;
}

}  // namespace phi::escrow::testing

#endif
