// store - durable, authenticated, encrypted escrow entries on disk (see store.h).
#include "milter/escrow/store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "milter/util/files.h"

namespace phi::escrow {
namespace {

std::string sys_error(const std::string& what) { return what + ": " + std::strerror(errno); }

Result<void> write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error{sys_error("write")};
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Ok();
}

// Reads exactly n bytes at offset; a short file is an error.
Result<Bytes> read_at(int fd, uint64_t offset, size_t n) {
  Bytes out(n, '\0');
  size_t got = 0;
  while (got < n) {
    ssize_t r = ::pread(fd, out.data() + got, n - got, static_cast<off_t>(offset + got));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return Error{sys_error("read")};
    if (r == 0) return Error{"truncated (file ends before its header says)"};
    got += static_cast<size_t>(r);
  }
  return out;
}

Result<void> fsync_dir(const std::string& dir) {
  UniqueFd d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!d) return Error{sys_error(dir + ": open directory")};
  if (sync_fd(d.get()) != 0) return Error{sys_error(dir + ": fsync directory")};
  return Ok();
}

// Reads the magic, length and header of an open entry file.
Result<std::pair<std::string, EntryHeader>> read_prefix(int fd) {
  auto fixed = read_at(fd, 0, kPrefixFixedBytes);
  if (!fixed) return fixed.error();
  auto len = parse_prefix_length(*fixed);
  if (!len) return len.error();
  auto text = read_at(fd, kPrefixFixedBytes, *len);
  if (!text) return text.error();
  auto h = parse_header(*text);
  if (!h) return h.error();
  return std::make_pair(*fixed + *text, std::move(*h));
}

Result<uint64_t> file_size(int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0) return Error{sys_error("stat")};
  return static_cast<uint64_t>(st.st_size);
}

// Offset of the sealed message, and its plaintext length, given the file size.
Result<std::pair<uint64_t, uint64_t>> body_span(const std::string& prefix, const EntryHeader& h, uint64_t size) {
  uint64_t offset = prefix.size() + h.meta_length + kTagBytes;
  if (size < offset + kTagBytes) return Error{"truncated (no room for the message tag)"};
  return std::make_pair(offset, size - offset - kTagBytes);
}

bool has_suffix(std::string_view s, std::string_view suf) {
  return s.size() >= suf.size() && s.substr(s.size() - suf.size()) == suf;
}

// Whether open(O_TMPFILE) failed because the kernel or filesystem lacks it
// (old kernels see O_DIRECTORY|O_WRONLY: EISDIR), not for a reason the named
// fallback would meet as well (missing directory, permissions, disk full).
bool tmpfile_unsupported(int err) { return err == EOPNOTSUPP || err == EISDIR || err == EINVAL; }

// Gives the unnamed file open on fd the name `path`; never replaces an
// existing name (EEXIST is an error). Through /proc/self/fd, which needs no
// privilege; without /proc, AT_EMPTY_PATH (which kernels before 6.10 allow
// only with CAP_DAC_READ_SEARCH; later ones also to the file's opener).
Result<void> link_unnamed(int fd, const std::string& path, const std::string& proc_fd_dir) {
  const std::string proc = proc_fd_dir + "/" + std::to_string(fd);
  if (::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, path.c_str(), AT_SYMLINK_FOLLOW) == 0) return Ok();
  if (errno != ENOENT) return Error{sys_error(path + ": link")};
  if (::linkat(fd, "", AT_FDCWD, path.c_str(), AT_EMPTY_PATH) == 0) return Ok();
  const std::string empty_path_error = std::strerror(errno);
  return Error{path + ": link: " + std::strerror(ENOENT) + " (through " + proc + "), " + empty_path_error +
               " (AT_EMPTY_PATH)"};
}

}  // namespace

// ---- writer ---------------------------------------------------------------

EntryWriter::~EntryWriter() {
  if (!done_) abort();
}

void EntryWriter::abort() {
  if (done_) return;
  done_ = true;
  fd_.reset();  // an O_TMPFILE writer's file has no name: closing it is all
  if (!temp_path_.empty()) ::unlink(temp_path_.c_str());
}

Result<void> EntryWriter::write_raw(std::string_view bytes) {
  auto r = write_all(fd_.get(), bytes);
  if (!r) failed_ = where_ + ": " + r.error().message;
  return r;
}

Result<void> EntryWriter::write(std::string_view chunk) {
  if (done_) return Error{"escrow entry already committed or aborted"};
  if (!failed_.empty()) return Error{failed_};
  if (chunk.size() > max_bytes_ - written_) {
    failed_ = "message larger than the escrow limit of " + std::to_string(max_bytes_) + " bytes";
    return Error{failed_};
  }
  written_ += chunk.size();
  Bytes out;
  while (!chunk.empty()) {
    auto piece = chunk.substr(0, kIoChunkBytes);
    chunk.remove_prefix(piece.size());
    out.clear();
    if (auto r = body_.update(piece, out); !r) {
      failed_ = r.error().message;
      return r;
    }
    if (auto r = write_raw(out); !r) return Error{failed_};
  }
  return Ok();
}

Result<std::string> EntryWriter::commit() {
  if (done_) return Error{"escrow entry already committed or aborted"};
  if (!failed_.empty()) { abort(); return Error{failed_}; }
  auto tag = body_.finish_encrypt();
  if (!tag) { abort(); return tag.error(); }
  if (auto r = write_raw(*tag); !r) { abort(); return Error{failed_}; }
  if (sync_fd(fd_.get()) != 0) { auto e = sys_error(where_ + ": fsync"); abort(); return Error{e}; }
  if (temp_path_.empty()) {  // O_TMPFILE: the file gets its one and only name now
    if (auto r = link_unnamed(fd_.get(), final_path_, proc_fd_dir_); !r) { abort(); return r.error(); }
    fd_.reset();
  } else {
    fd_.reset();
    if (::rename(temp_path_.c_str(), final_path_.c_str()) != 0) {
      auto e = sys_error(final_path_ + ": rename");
      abort();
      return Error{e};
    }
  }
  done_ = true;
  if (auto r = fsync_dir(directory_); !r) {
    ::unlink(final_path_.c_str());  // not durable: the MTA keeps the message instead
    return r.error();
  }
  return header_.id;
}

// ---- reader ---------------------------------------------------------------

Result<void> EntryReader::decrypt_body(const std::function<Result<void>(std::string_view)>* sink) const {
  Gcm g;
  if (auto r = g.init(Gcm::Mode::Decrypt, data_key_.str(), header_.body_nonce, section_aad(prefix_, "body")); !r) return r;
  Bytes out;
  for (uint64_t done = 0; done < body_bytes_;) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(kIoChunkBytes, body_bytes_ - done));
    auto in = read_at(fd_.get(), body_offset_ + done, n);
    if (!in) return in.error();
    out.clear();
    if (auto r = g.update(*in, out); !r) return r;
    if (sink)
      if (auto r = (*sink)(out); !r) return r;
    done += n;
  }
  auto tag = read_at(fd_.get(), body_offset_ + body_bytes_, kTagBytes);
  if (!tag) return tag.error();
  if (auto r = g.finish_decrypt(*tag); !r) return r.error().context("message");
  return Ok();
}

Result<void> EntryReader::verify_body() const {
  auto r = decrypt_body(nullptr);
  if (!r) return r.error().context("entry " + header_.id);
  return Ok();
}

Result<void> EntryReader::copy_body(const std::function<Result<void>(std::string_view)>& sink) const {
  if (auto r = verify_body(); !r) return r;  // nothing leaves before the tag checks
  auto r = decrypt_body(&sink);
  if (!r) return r.error().context("entry " + header_.id);
  return Ok();
}

Result<void> EntryReader::copy_body(std::ostream& out) const {
  return copy_body([&out](std::string_view b) -> Result<void> {
    if (!out.write(b.data(), static_cast<std::streamsize>(b.size()))) return Error{"output write failed"};
    return Ok();
  });
}

// ---- store ----------------------------------------------------------------

Store::Store(StoreOptions options, std::shared_ptr<const KeyRing> keys) : options_(std::move(options)), keys_(std::move(keys)) {}

std::string Store::entry_path(std::string_view id) const {
  return options_.directory + "/" + std::string(id) + std::string(kEntrySuffix);
}

namespace {
// Fills in id, times, key wrap and nonces of a new header; returns the data key.
Result<SecretBytes> seal_new_header(EntryHeader& h, const MasterKey& mk, int64_t now, int64_t retention) {
  // One draw, cut into id, data key and three nonces.
  constexpr size_t kIdBytes = kEntryIdHexBytes / 2;
  auto draw = random_bytes(kIdBytes + kKeyBytes + 3 * kNonceBytes);
  if (!draw) return draw.error();
  SecretBytes rnd(std::move(*draw));  // wiped when done: it holds the data key
  std::string_view r = rnd.str();
  auto take = [&r](size_t n) {
    std::string_view piece = r.substr(0, n);
    r.remove_prefix(n);
    return Bytes(piece);
  };
  h.id = hex_encode(take(kIdBytes));
  SecretBytes data_key(take(kKeyBytes));
  h.wrap_nonce = take(kNonceBytes);
  h.meta_nonce = take(kNonceBytes);
  h.body_nonce = take(kNonceBytes);
  h.created = now;
  h.expires = now + retention;
  h.key_id = mk.id;
  auto wrapped = gcm_seal(mk.key.str(), h.wrap_nonce, wrap_aad(h), data_key.str());
  if (!wrapped) return wrapped.error();
  h.wrapped_key = std::move(*wrapped);
  return data_key;
}
}  // namespace

Result<std::unique_ptr<EntryWriter>> Store::begin(const EntryMeta& meta, int64_t now) const {
  if (meta.recipients.empty() || meta.recipients.size() > kMaxRecipients)
    return Error{"escrow needs 1 to " + std::to_string(kMaxRecipients) + " recipients"};
  std::unique_ptr<EntryWriter> w(new EntryWriter());
  EntryHeader& h = w->header_;
  auto data_key = seal_new_header(h, keys_->newest(), now, options_.retention_seconds);
  if (!data_key) return data_key.error();
  for (size_t i = 0; i < meta.recipients.size(); ++i) {
    auto t = make_pickup_token(h.expires);
    if (!t) return t.error();
    h.tokens.push_back(t->hash);
    w->tokens_.push_back(std::move(*t));
  }
  SecretBytes meta_text(format_meta(meta));
  if (meta_text.str().size() > kMaxMetaBytes) return Error{"escrow metadata larger than " + std::to_string(kMaxMetaBytes) + " bytes"};
  h.meta_length = meta_text.str().size();
  const std::string prefix = format_prefix(h);
  auto sealed_meta = gcm_seal(data_key->str(), h.meta_nonce, section_aad(prefix, "meta"), meta_text.str());
  if (!sealed_meta) return sealed_meta.error();
  if (auto r = w->body_.init(Gcm::Mode::Encrypt, data_key->str(), h.body_nonce, section_aad(prefix, "body")); !r) return r.error();
  w->directory_ = options_.directory;
  w->final_path_ = entry_path(h.id);
  w->proc_fd_dir_ = options_.proc_fd_dir;
  w->max_bytes_ = options_.max_bytes;
  // No name until commit(): a crash leaves nothing behind. Not O_EXCL, which
  // would forbid the linkat() that names it.
  if (options_.use_o_tmpfile) {
    w->fd_.reset(::open(options_.directory.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600));
    if (!w->fd_ && !tmpfile_unsupported(errno)) {
      w->done_ = true;
      return Error{sys_error(options_.directory + ": create (O_TMPFILE)")};
    }
    w->where_ = w->final_path_ + " (unnamed until commit)";
  }
  if (!w->fd_) {  // the named fallback
    const std::string temp = options_.directory + "/" + std::string(kTempPrefix) + h.id;
    w->fd_.reset(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!w->fd_) {
      w->done_ = true;
      return Error{sys_error(temp + ": create")};
    }
    w->temp_path_ = w->where_ = temp;
  }
  if (auto r = w->write_raw(prefix + *sealed_meta); !r) return Error{w->failed_};
  return w;
}

Result<std::unique_ptr<EntryReader>> Store::open(std::string_view id) const {
  const std::string what = "entry " + std::string(id).substr(0, 64);
  if (!valid_entry_id(id)) return Error{what + ": not an entry id (32 hex digits)"};
  std::unique_ptr<EntryReader> rd(new EntryReader());
  auto fd = open_regular(entry_path(id), O_RDONLY);
  if (!fd) return fd.error().context(what);
  rd->fd_ = std::move(*fd);
  auto pre = read_prefix(rd->fd_.get());
  if (!pre) return pre.error().context(what);
  rd->prefix_ = std::move(pre->first);
  rd->header_ = std::move(pre->second);
  const EntryHeader& h = rd->header_;
  if (h.id != id) return Error{what + ": header names a different entry"};
  const MasterKey* mk = keys_->find(h.key_id);
  if (!mk) return Error{what + ": unknown key id \"" + h.key_id + "\" (not in the key file)"};
  auto key = gcm_open(mk->key.str(), h.wrap_nonce, wrap_aad(h), h.wrapped_key);
  if (!key) return Error{what + ": cannot unwrap the data key with key \"" + h.key_id + "\": wrong key or damaged header"};
  rd->data_key_ = SecretBytes(std::move(*key));
  auto sealed = read_at(rd->fd_.get(), rd->prefix_.size(), h.meta_length + kTagBytes);
  if (!sealed) return sealed.error().context(what);
  auto plain = gcm_open(rd->data_key_.str(), h.meta_nonce, section_aad(rd->prefix_, "meta"), *sealed);
  if (!plain) return plain.error().context(what + ": metadata");
  SecretBytes meta_text(std::move(*plain));
  auto m = parse_meta(meta_text.str());
  if (!m) return m.error().context(what);
  rd->meta_ = std::move(*m);
  if (rd->meta_.recipients.size() != h.tokens.size()) return Error{what + ": recipient count differs from token count"};
  auto size = file_size(rd->fd_.get());
  if (!size) return size.error().context(what);
  auto span = body_span(rd->prefix_, h, *size);
  if (!span) return span.error().context(what);
  rd->body_offset_ = span->first;
  rd->body_bytes_ = span->second;
  return rd;
}

Result<void> Store::verify(std::string_view id) const {
  auto rd = open(id);
  if (!rd) return rd.error();
  return (*rd)->verify_body();
}

Result<EntryInfo> Store::read_info(const std::string& id) const {
  EntryInfo info;
  info.id = id;
  struct stat st;
  info.released = ::stat((options_.directory + "/" + id + std::string(kReleasedSuffix)).c_str(), &st) == 0;
  bool missing = false;
  auto fd = open_regular(entry_path(id), O_RDONLY, 0, &missing);
  if (missing) return fd.error().context("entry " + id);  // removed meanwhile
  if (!fd) {  // a FIFO, device, socket or symbolic link by that name is damage, not an entry
    info.damage = fd.error().message;
    return info;
  }
  auto pre = read_prefix(fd->get());
  auto size = file_size(fd->get());
  if (!pre || !size) {
    info.damage = !pre ? pre.error().message : size.error().message;
    return info;
  }
  auto span = body_span(pre->first, pre->second, *size);
  if (!span) info.damage = span.error().message;
  info.created = pre->second.created;
  info.expires = pre->second.expires;
  info.recipients = pre->second.tokens.size();
  info.body_bytes = span ? span->second : 0;
  return info;
}

Result<std::vector<EntryInfo>> Store::list() const {
  using Dir = CPtr<DIR, closedir>;
  Dir d(::opendir(options_.directory.c_str()));
  if (!d) return Error{sys_error(options_.directory)};
  std::vector<EntryInfo> out;
  while (struct dirent* e = ::readdir(d.get())) {
    std::string_view name = e->d_name;
    if (!has_suffix(name, kEntrySuffix)) continue;
    std::string id(name.substr(0, name.size() - kEntrySuffix.size()));
    if (!valid_entry_id(id)) continue;
    auto info = read_info(id);
    if (info) out.push_back(std::move(*info));  // a file removed meanwhile is skipped
  }
  std::sort(out.begin(), out.end(), [](const EntryInfo& a, const EntryInfo& b) {
    return a.created != b.created ? a.created < b.created : a.id < b.id;
  });
  return out;
}

Result<void> Store::remove(std::string_view id) const {
  if (!valid_entry_id(id)) return Error{"not an entry id (32 hex digits)"};
  const std::string marker = options_.directory + "/" + std::string(id) + std::string(kReleasedSuffix);
  if (::unlink(entry_path(id).c_str()) != 0) return Error{sys_error("entry " + std::string(id))};
  ::unlink(marker.c_str());
  return fsync_dir(options_.directory);
}

Result<void> Store::mark_released(std::string_view id, int64_t now) const {
  if (!valid_entry_id(id)) return Error{"not an entry id (32 hex digits)"};
  const std::string path = options_.directory + "/" + std::string(id) + std::string(kReleasedSuffix);
  // A FIFO by that name is refused instead of waited on (open_regular).
  auto fd = open_regular(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (!fd) return fd.error().context(path);
  if (auto r = write_all(fd->get(), "released " + std::to_string(now) + "\n"); !r) return r.error().context(path);
  if (sync_fd(fd->get()) != 0) return Error{sys_error(path + ": fsync")};
  return fsync_dir(options_.directory);
}

Result<size_t> Store::purge_expired(int64_t now) const {
  auto entries = list();
  if (!entries) return entries.error();
  size_t n = 0;
  for (const auto& e : *entries) {
    if (!e.damage.empty() || e.expires > now) continue;
    if (auto r = remove(e.id); !r) return r.error();
    ++n;
  }
  return n;
}

Result<size_t> Store::clean_temp_files(int64_t now, int64_t min_age) const {
  using Dir = CPtr<DIR, closedir>;
  Dir d(::opendir(options_.directory.c_str()));
  if (!d) return Error{sys_error(options_.directory)};
  size_t n = 0;
  while (struct dirent* e = ::readdir(d.get())) {
    std::string_view name = e->d_name;
    if (name.substr(0, kTempPrefix.size()) != kTempPrefix) continue;
    const std::string path = options_.directory + "/" + std::string(name);
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    if (now - static_cast<int64_t>(st.st_mtime) < min_age) continue;
    if (::unlink(path.c_str()) == 0) ++n;
  }
  return n;
}

}  // namespace phi::escrow
