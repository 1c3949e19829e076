// ole_native - the file inside an OLE 1 object: a "\1Ole10Native" stream, RTF's \objdata (see ole_native.h).
#include "milter/mime/ole_native.h"

#include <algorithm>

#include "milter/mime/charset.h"
#include "milter/util/le.h"

namespace phi::mime {
namespace {

constexpr uint32_t kLinked = 0x00010000;
constexpr size_t kMaxPath = 1024;  // a label, a path or a temporary path longer than this: no package

// A NUL-terminated string at `at`: its end (the NUL), or npos.
size_t string_end(std::string_view h, size_t at) {
  if (at > h.size()) return std::string_view::npos;
  size_t nul = h.find('\0', at);
  return nul != std::string_view::npos && nul - at <= kMaxPath ? nul : std::string_view::npos;
}

std::string file_name(std::string_view label, std::string_view path) {
  std::string_view n = label;
  if (n.empty()) {
    size_t cut = path.find_last_of("\\/:");
    n = cut == std::string_view::npos ? path : path.substr(cut + 1);
  }
  std::string out = convert_to_utf8("windows-1252", n, nullptr);
  for (char& c : out)
    if (c == '\r' || c == '\n') c = ' ';
  return out;
}

}  // namespace

void OleNative::feed(std::string_view piece) {
  if (st_ == State::Head) {
    size_t take = std::min(piece.size(), kMaxNativeHead - head_.size());
    head_.append(piece.substr(0, take));
    piece.remove_prefix(take);
    if (!decide(head_.size() >= kMaxNativeHead)) return;
  }
  if (st_ == State::Data) pass(piece);
}

void OleNative::finish() {
  if (st_ == State::Head) decide(true);
  if (st_ == State::Data && left_ > 0) damaged_ = true;
  st_ = State::Done;
}

// The package's head: the total length, the type 2, label, path, flags,
// the temporary path's length and text, the file's length. A head that
// does not parse so (and cannot become one with more bytes) is an OLE 1
// object's native data: the total length, then the data.
bool OleNative::decide(bool whole) {
  std::string_view h = head_;
  if (h.size() < 6 && !whole) return false;
  if (h.size() < 4) {
    damaged_ = !h.empty();
    st_ = State::Done;
    return true;
  }
  uint32_t total = le32(h.data());
  bool more = false;  // a package's head, not yet all held
  if (h.size() >= 6 && le16(h.data() + 4) == 2) {
    size_t label = string_end(h, 6);
    size_t path = label == std::string_view::npos ? label : string_end(h, label + 1);
    if (path != std::string_view::npos && h.size() >= path + 9) {
      uint32_t flags = le32(h.data() + path + 1), temp = le32(h.data() + path + 5);
      size_t data_at = path + 9 + size_t(std::min<uint32_t>(temp, kMaxPath + 1)) + 4;
      if (flags == kLinked) {
        st_ = State::Done;
        return true;
      }
      if (temp <= kMaxPath + 1 && h.size() >= data_at) {
        found_ = true;
        name_(file_name(h.substr(6, label - 6), h.substr(label + 1, path - label - 1)));
        left_ = le32(h.data() + data_at - 4);
        st_ = State::Data;
        std::string rest = head_.substr(data_at);
        head_.clear();
        pass(rest);
        return true;
      }
      more = temp <= kMaxPath + 1;
    } else {
      more = h.size() < 6 + 2 * (kMaxPath + 1) + 9;  // a NUL may still come
    }
  }
  if (more && !whole) return false;
  // Native data: the length, then as many bytes.
  found_ = true;
  name_("");
  left_ = total;
  st_ = State::Data;
  std::string rest = head_.substr(4);
  head_.clear();
  pass(rest);
  return true;
}

void OleNative::pass(std::string_view b) {
  size_t n = size_t(std::min<uint64_t>(b.size(), left_));
  if (n > 0) bytes_(b.substr(0, n));
  left_ -= n;
  if (left_ == 0) st_ = State::Done;
}

void Ole1Object::feed(std::string_view piece) {
  if (done_) return;
  if (!head_done_) {
    size_t take = std::min(piece.size(), kMaxOle1Head - head_.size());
    head_.append(piece.substr(0, take));
    piece.remove_prefix(take);
    if (!decide(head_.size() >= kMaxOle1Head)) return;
  }
  if (!done_) pass(piece);
}

void Ole1Object::finish() {
  if (!head_done_) decide(true);
  if (!done_ && left_ > 0) damaged_ = true;
  if (package_) package_->finish();
  done_ = true;
}

// The head: version (4), format (4), three length-prefixed names, the
// native data's length (4). False while more is needed.
bool Ole1Object::decide(bool whole) {
  std::string_view h = head_;
  size_t at = 8;
  std::string_view class_name;
  int names = 0;
  for (; names < 3; ++names) {
    if (h.size() < at + 4) break;
    uint32_t n = le32(h.data() + at);
    if (n > kMaxOle1Head) {
      at = std::string_view::npos;
      break;
    }
    if (h.size() < at + 4 + n) break;
    if (names == 0) class_name = h.substr(at + 4, n ? n - 1 : 0);
    at += 4 + n;
  }
  bool complete = names == 3 && h.size() >= at + 4;  // and the native data's length
  if (complete) at += 4;
  if (!complete && at != std::string_view::npos && !whole) return false;
  head_done_ = true;
  if (!complete || le32(h.data() + 4) != 2) {  // no head, or an object linked or static: no file here
    damaged_ = !complete && !h.empty();
    done_ = true;
    head_.clear();
    return true;
  }
  left_ = le32(h.data() + at - 4);
  if (class_name == "Package") {  // a packaged file: the Ole10Native stream without its length
    package_ = std::make_unique<OleNative>([](std::string_view) {}, bytes_);
    std::string size(4, '\0');
    put_le32(size.data(), static_cast<uint32_t>(left_));  // read from 4 bytes above
    package_->feed(size);
  } else {
    found_ = true;
  }
  std::string rest = head_.substr(at);
  head_.clear();
  pass(rest);
  return true;
}

void Ole1Object::pass(std::string_view b) {
  size_t n = size_t(std::min<uint64_t>(b.size(), left_));
  if (n > 0) {
    if (package_) package_->feed(b.substr(0, n));
    else bytes_(b.substr(0, n));
  }
  left_ -= n;
  if (left_ == 0) done_ = true;
}

}  // namespace phi::mime
