// key_ring - parse and check EscrowKeyFile (see key_ring.h).
#include "milter/escrow/key_ring.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "milter/util/files.h"
#include "milter/util/strings.h"

namespace phi::escrow {

const MasterKey* KeyRing::find(std::string_view id) const {
  for (const auto& k : keys_)
    if (k.id == id) return &k;
  return nullptr;
}

bool valid_key_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxKeyIdBytes) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

namespace {

// Parses one non-comment line "ID HEX" into a key.
Result<MasterKey> parse_key_line(std::string_view line) {
  size_t sp = 0;
  while (sp < line.size() && !is_space(line[sp])) ++sp;
  std::string_view id = line.substr(0, sp);
  std::string_view hex = trim(line.substr(sp));
  if (!valid_key_id(id)) return Error{"bad key id (1 to 64 characters of A-Z a-z 0-9 . _ -)"};
  if (hex.size() != kKeyBytes * 2)
    return Error{"key " + std::string(id) + ": expected " + std::to_string(kKeyBytes * 2) + " hex digits, got " +
                 std::to_string(hex.size())};
  auto key = hex_decode(hex);
  if (!key) return Error{"key " + std::string(id) + ": " + key.error().message};
  MasterKey k{std::string(id), SecretBytes(std::move(*key))};
  return k;
}

}  // namespace

Result<std::shared_ptr<const KeyRing>> parse_key_ring(std::string_view text, const std::string& file_name) {
  if (text.size() > kMaxKeyFileBytes) return Error{file_name + ": larger than " + std::to_string(kMaxKeyFileBytes) + " bytes"};
  std::vector<MasterKey> keys;
  size_t line_no = 0, pos = 0;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    std::string_view line = trim(text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos));
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    const std::string where = file_name + ":" + std::to_string(line_no);
    auto k = parse_key_line(line);
    if (!k) return k.error().context(where);
    for (const auto& old : keys)
      if (old.id == k->id) return Error{where + ": key id " + k->id + " given twice"};
    if (keys.size() >= kMaxKeys) return Error{where + ": more than " + std::to_string(kMaxKeys) + " keys"};
    keys.push_back(std::move(*k));
  }
  if (keys.empty()) return Error{file_name + ": no keys (expected lines \"ID HEX\" with 64 hex digits)"};
  return std::shared_ptr<const KeyRing>(std::make_shared<KeyRing>(std::move(keys)));
}

Result<std::shared_ptr<const KeyRing>> load_key_file(const std::string& path) { return load_key_file(path, geteuid()); }

Result<std::shared_ptr<const KeyRing>> load_key_file(const std::string& path, uid_t owner) {
  // O_NONBLOCK: a FIFO by that name is refused below instead of waited on
  // (a regular file reads the same either way).
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  if (!fd) return Error{path + ": cannot open: " + std::strerror(errno)};
  struct stat st;
  if (fstat(fd.get(), &st) != 0) return Error{path + ": cannot stat: " + std::strerror(errno)};
  if (!S_ISREG(st.st_mode)) return Error{path + ": not a regular file"};
  if (st.st_mode & 077) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Error{path + ": mode " + mode + " grants group or other access; use chmod 600"};
  }
  if (st.st_uid != owner && st.st_uid != 0)
    return Error{path + ": " + wrong_owner(st.st_uid, owner)};
  if (static_cast<size_t>(st.st_size) > kMaxKeyFileBytes) return Error{path + ": larger than " + std::to_string(kMaxKeyFileBytes) + " bytes"};
  SecretBytes text(Bytes(static_cast<size_t>(st.st_size) + 1, '\0'));
  Bytes& buf = text.mutable_str();
  size_t got = 0;
  while (got < buf.size()) {
    ssize_t n = ::read(fd.get(), buf.data() + got, buf.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error{path + ": read error: " + std::strerror(errno)};
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  if (got > kMaxKeyFileBytes) return Error{path + ": larger than " + std::to_string(kMaxKeyFileBytes) + " bytes"};
  return parse_key_ring(std::string_view(buf).substr(0, got), path);
}

}  // namespace phi::escrow
