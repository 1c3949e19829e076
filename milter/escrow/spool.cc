// spool - an anonymous encrypted temporary copy of a streaming message (see spool.h).
#include "milter/escrow/spool.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "milter/escrow/store.h"

namespace phi::escrow {
namespace {

constexpr std::string_view kSpoolAad = "phimilter-spool-1";

std::string sys_error(const std::string& what) { return what + ": " + std::strerror(errno); }

}  // namespace

Spool::~Spool() = default;

Result<std::unique_ptr<Spool>> Spool::create(const std::string& directory, uint64_t max_bytes, uint64_t memory_bytes) {
  std::unique_ptr<Spool> s(new Spool());
  s->directory_ = directory;
  s->max_bytes_ = max_bytes;
  s->memory_bytes_ = memory_bytes;
  if (memory_bytes == 0)
    if (auto r = s->spill(); !r) return r.error();
  return s;
}

// Moves the bytes held in memory to a new nameless encrypted file.
Result<void> Spool::spill() {
  auto key = random_bytes(kKeyBytes);
  auto nonce = random_bytes(kNonceBytes);
  auto name = random_bytes(16);
  if (!key || !nonce || !name) return Error{"the OpenSSL random generator failed"};
  key_ = SecretBytes(std::move(*key));
  nonce_ = std::move(*nonce);
  if (auto r = gcm_.init(Gcm::Mode::Encrypt, key_.str(), nonce_, kSpoolAad); !r) return r.error();
  const std::string path = directory_ + "/" + std::string(kSpoolPrefix) + hex_encode(*name);
  fd_.reset(::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd_) return Error{sys_error(path + ": create")};
  if (::unlink(path.c_str()) != 0) return Error{sys_error(path + ": unlink")};
  std::string held;
  held.swap(memory_);
  return seal(held);
}

Result<void> Spool::fail(std::string why) {
  if (failed_.empty()) failed_ = std::move(why);
  return Error{failed_};
}

Result<void> Spool::write(std::string_view chunk) {
  if (!failed_.empty()) return Error{failed_};
  if (read_) return fail("spool written after it was read");
  if (chunk.size() > max_bytes_ - written_)
    return fail("message larger than the escrow limit of " + std::to_string(max_bytes_) + " bytes");
  written_ += chunk.size();
  if (!on_disk() && written_ <= memory_bytes_) {
    memory_.append(chunk);
    return Ok();
  }
  if (!on_disk())
    if (auto r = spill(); !r) return fail(r.error().message);
  if (auto r = seal(chunk); !r) return fail(r.error().message);
  return Ok();
}

// Encrypts `chunk` onto the end of the file.
Result<void> Spool::seal(std::string_view chunk) {
  Bytes out;
  while (!chunk.empty()) {
    auto piece = chunk.substr(0, kIoChunkBytes);
    chunk.remove_prefix(piece.size());
    out.clear();
    if (auto r = gcm_.update(piece, out); !r) return r.error();
    std::string_view rest = out;
    while (!rest.empty()) {
      ssize_t n = ::write(fd_.get(), rest.data(), rest.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Error{sys_error("escrow spool: write")};
      rest.remove_prefix(static_cast<size_t>(n));
    }
  }
  return Ok();
}

Result<void> Spool::copy_to(const std::function<Result<void>(std::string_view)>& sink) {
  if (!failed_.empty()) return Error{failed_};
  if (read_) return fail("spool read twice");
  read_ = true;
  if (!on_disk()) {
    std::string held;
    held.swap(memory_);
    if (auto r = sink(held); !r) return fail(r.error().message);
    return Ok();
  }
  auto tag = gcm_.finish_encrypt();
  if (!tag) return fail(tag.error().message);
  Gcm dec;
  if (auto r = dec.init(Gcm::Mode::Decrypt, key_.str(), nonce_, kSpoolAad); !r) return fail(r.error().message);
  Bytes in(kIoChunkBytes, '\0'), out;
  for (uint64_t done = 0; done < written_;) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(kIoChunkBytes, written_ - done));
    ssize_t n = ::pread(fd_.get(), in.data(), want, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(sys_error("escrow spool: read"));
    if (n == 0) return fail("escrow spool: file shorter than written");
    out.clear();
    if (auto r = dec.update(std::string_view(in.data(), static_cast<size_t>(n)), out); !r) return fail(r.error().message);
    if (auto r = sink(out); !r) return fail(r.error().message);
    done += static_cast<uint64_t>(n);
  }
  if (auto r = dec.finish_decrypt(*tag); !r) return fail("escrow spool: " + r.error().message);
  return Ok();
}

}  // namespace phi::escrow
