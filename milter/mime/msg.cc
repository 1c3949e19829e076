// msg - Outlook message files' subject and body (see msg.h).
#include "milter/mime/msg.h"

#include <string>
#include <utility>

#include "milter/mime/charset.h"
#include "milter/mime/html.h"
#include "milter/mime/rtf.h"
#include "milter/mime/tnef.h"
#include "milter/util/strings.h"

namespace phi::mime {
namespace {

constexpr std::string_view kProps = "__substg1.0_";
constexpr std::string_view kAttachment = "__attach_version1.0_#";
// A string property's two stream types, Unicode first, and their charsets.
constexpr std::pair<std::string_view, std::string_view> kStringTypes[] = {{"001F", "utf-16le"},
                                                                          {"001E", "windows-1252"}};

// A string property's stream as UTF-8, without its terminating NULs.
std::string string_value(std::string bytes, std::string_view charset) {
  while (!bytes.empty() && bytes.back() == '\0') bytes.pop_back();
  if (charset == "utf-16le" && bytes.size() % 2) bytes.push_back('\0');
  return convert_to_utf8(charset, bytes, nullptr);
}

// Whether an HTML body may hold a file: a data: URL anywhere (a picture
// pasted into it; a "data:" in its text only costs a second reading).
bool html_has_files(std::string_view html) {
  for (size_t at = html.find(':'); at != std::string_view::npos; at = html.find(':', at + 1))
    if (at >= 4 && iequals(html.substr(at - 4, 4), "data")) return true;
  return false;
}

// The storage `root` ("" for the file's top) listed.
OleListing listing_of(const OleFile& f, std::string_view root) { return root.empty() ? f.listing() : f.listing(root); }

class Reader {
 public:
  Reader(OleFile& f, std::string_view root, uint64_t max, const std::function<void(std::string_view)>& out, MsgText& r)
      : f_(f), root_(root), max_(max), out_(out), r_(r) {}

  // A string property, Unicode first: false when the message has neither.
  bool string(std::string_view tag) {
    std::string bytes;
    for (auto [type, charset] : kStringTypes) {
      OleStream st = prop(std::string(kProps) + std::string(tag) + std::string(type), bytes);
      if (st == OleStream::Missing) continue;
      if (st != OleStream::Read) {
        r_.damaged = true;
        return true;
      }
      emit(string_value(std::move(bytes), charset));
      return true;
    }
    return false;
  }

  // The formatted body: PR_BODY_HTML, else PR_RTF_COMPRESSED (LZFu). With
  // a plain body, it is read only when it holds files (a picture, an
  // object); to `file` when given, else converted here.
  void formatted(bool plain, const MsgBodyFile& file) {
    std::string bytes;
    OleStream st = prop(std::string(kProps) + "10130102", bytes);
    if (st == OleStream::Read) {
      std::string html = convert_to_utf8("", bytes, nullptr);  // unlabelled: UTF-8 where valid, else Windows-1252
      if (plain && !html_has_files(html)) return;
      if (file) return file("text/html; charset=utf-8", html);
      std::string text;
      HtmlToText h;
      h.feed(html, text);
      h.finish(text);
      return emit(text);
    }
    if (st != OleStream::Missing) {
      r_.damaged = true;
      return;
    }
    st = prop(std::string(kProps) + "10090102", bytes);
    if (st == OleStream::Missing) return;
    if (st != OleStream::Read) {
      r_.damaged = true;
      return;
    }
    std::string rtf;
    LzfuStatus z = lzfu_decompress(bytes, max_ > kMaxMsgRtf / 8 ? kMaxMsgRtf : max_ * 8, rtf);
    if (z != LzfuStatus::Ok && z != LzfuStatus::BadCrc) r_.damaged = true;
    if (plain && rtf.find("\\pict") == std::string::npos && rtf.find("\\objdata") == std::string::npos) return;
    if (file) return file("text/rtf", rtf);
    std::string text;
    RtfToText t;
    t.feed(rtf, text);
    t.finish(text);
    emit(text);
  }

 private:
  // A property stream of the message, at most max_ bytes (counted in r_.read).
  OleStream prop(const std::string& name, std::string& out) {
    OleStream st;
    if (root_.empty()) {
      st = f_.read(name, max_, out);
    } else {
      out.clear();
      st = f_.read(root_, name, max_, [&](std::string_view b) { out.append(b); });
      if (st != OleStream::Read) out.clear();
    }
    r_.read += out.size();
    return st;
  }

  void emit(std::string text) {
    for (char c : text)
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') ++r_.characters;
    text.push_back('\n');
    out_(text);
  }

  OleFile& f_;
  const std::string_view root_;
  const uint64_t max_;
  const std::function<void(std::string_view)>& out_;
  MsgText& r_;
};

// A string property of the attachment storage `storage`, Unicode first,
// at most max_bytes ("" when it has neither).
std::string storage_string(OleFile& f, const std::string& storage, std::string_view tag, uint64_t max_bytes) {
  for (auto [type, charset] : kStringTypes) {
    std::string bytes;
    OleStream st = f.read(storage, std::string(kProps) + std::string(tag) + std::string(type), max_bytes,
                          [&](std::string_view b) { bytes.append(b); });
    if (st != OleStream::Read) continue;
    std::string s = string_value(std::move(bytes), charset);
    for (char& c : s)
      if (c == '\r' || c == '\n') c = ' ';  // a name or type, one line
    if (!s.empty()) return s;
  }
  return {};
}

}  // namespace

std::vector<MsgAttachment> msg_attachments(OleFile& file, size_t max_attachments, std::string_view root) {
  constexpr uint64_t kMaxName = 4096;
  std::vector<MsgAttachment> out;
  for (const auto& name : listing_of(file, root).names) {
    if (!name.starts_with(kAttachment)) continue;
    if (out.size() == max_attachments) break;
    MsgAttachment a;
    a.storage = root.empty() ? name : std::string(root) + "/" + name;
    const std::string& n = a.storage;
    OleListing l = file.listing(n);
    if (!l.valid) {
      a.damaged = true;
      out.push_back(std::move(a));
      continue;
    }
    a.data = l.has(kMsgAttachData);
    a.object = l.has(kMsgAttachObject);
    a.filename = storage_string(file, n, "3707", kMaxName);                      // PR_ATTACH_LONG_FILENAME
    if (a.filename.empty()) a.filename = storage_string(file, n, "3704", kMaxName);  // PR_ATTACH_FILENAME
    if (a.filename.empty()) a.filename = storage_string(file, n, "3001", kMaxName);  // PR_DISPLAY_NAME
    a.mime_type = storage_string(file, n, "370E", kMaxName);                     // PR_ATTACH_MIME_TAG
    out.push_back(std::move(a));
  }
  return out;
}

bool is_msg(const OleListing& top) {
  if (!top.valid || !top.has("__properties_version1.0")) return false;
  for (const auto& n : top.names)
    if (n.starts_with(kProps)) return true;
  return false;
}

MsgText msg_text(OleFile& file, uint64_t max_bytes, const std::function<void(std::string_view)>& out,
                 const MsgBodyFile& body_file, std::string_view root) {
  MsgText r;
  for (const auto& n : listing_of(file, root).names)
    if (n.starts_with(kAttachment)) ++r.attachments;
  Reader read(file, root, max_bytes, out, r);
  read.string("0037");  // PR_SUBJECT
  bool plain = read.string("1000");  // PR_BODY
  if (!plain || body_file) read.formatted(plain, body_file);
  return r;
}

}  // namespace phi::mime
