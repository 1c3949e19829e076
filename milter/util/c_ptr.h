// NAME
//   c_ptr - RAII ownership of C library handles
// SYNOPSIS
//   using EvpCipherCtx = CPtr<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>;
//   EvpCipherCtx ctx{EVP_CIPHER_CTX_new()};
// DESCRIPTION
//   A unique_ptr whose deleter calls the C library's free function, so that
//   nobody calls a *_free by hand. Also UniqueFd for file descriptors.
// THREADS
//   Same as std::unique_ptr.
#ifndef PHI_UTIL_C_PTR_H
#define PHI_UTIL_C_PTR_H

#include <unistd.h>

#include <memory>
#include <utility>

namespace phi {

template <auto F>
struct CFree {
  template <class T>
  void operator()(T* p) const noexcept { F(p); }
};
template <class T, auto F>
using CPtr = std::unique_ptr<T, CFree<F>>;

// Owns a file descriptor; closes it on destruction.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept {
    if (this != &o) { reset(); fd_ = std::exchange(o.fd_, -1); }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }
  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

}  // namespace phi

#endif
