// inner_file - a file inside a document read by a Walker of its own (see inner_file.h).
#include "milter/inner_file.h"

#include <cctype>

namespace phi {
namespace {

// A file name as an RFC 2231 parameter value (UTF-8, percent-encoded).
std::string rfc2231(std::string_view name) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "utf-8''";
  for (unsigned char c : name) {
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_') {
      out += char(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

std::string_view weightier(std::string_view a, std::string_view b) {
  for (std::string_view r : {"unavailable", "time-limit"})
    if (a == r || b == r) return r;
  return a.empty() ? b : a;
}

void InnerFile::Sink::text(const mime::PartInfo&, mime::TextKind kind, std::string_view utf8) {
  if (line_) text_("\n");
  line_ = false;
  text_(utf8);
  if (kind != mime::TextKind::Body) text_("\n");  // a name or subject is one value
}

InnerFile::InnerFile(const Text& text, const mime::DocumentReader* docs, std::string_view content_type,
                     std::string_view filename, const mime::Limits& limits)
    : sink_(text), walker_(limits, sink_, docs) {
  walker_.header("Content-Type", content_type.empty() ? "application/octet-stream" : content_type);
  walker_.header("Content-Disposition", filename.empty() ? std::string("attachment")
                                                          : "attachment; filename*=" + rfc2231(filename));
  walker_.end_of_headers();
}

std::string InnerFile::finish() {
  walker_.finish();
  return sink_.reason();
}

}  // namespace phi
