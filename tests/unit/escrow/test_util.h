// NAME
//   test_util - temporary directories and key rings for the escrow tests
// SYNOPSIS
//   TempDir d;  d.path();  d.write("name", text, 0600);
//   std::shared_ptr<const KeyRing> ring("k1 <hex>\n...");
//   set_fsync_for_tests(fsync_fails_for<S_IFDIR>);   // directories' fsync fails (EIO)
// THREADS
//   Test helpers; one thread.
#ifndef PHI_TESTS_ESCROW_TEST_UTIL_H
#define PHI_TESTS_ESCROW_TEST_UTIL_H

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
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

// An fsync(2) stand-in for set_fsync_for_tests() (milter/util/files.h): fails with EIO for the
// descriptors whose file type (S_IFREG, S_IFDIR) is kType, fsyncs others.
template <mode_t kType>
int fsync_fails_for(int fd) {
  struct stat st {};
  if (fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == kType) {
    errno = EIO;
    return -1;
  }
  return ::fsync(fd);
}

}  // namespace phi::escrow::testing

#endif
