// notice - compose the PHI-free pickup notice for an escrowed recipient.
#include "milter/util/files.h"
#include "milter/escrow/notice.h"

#include <ctime>

#include "milter/escrow/crypto.h"
#include "milter/util/sanitize.h"

namespace phi::escrow {
namespace {

constexpr std::string_view kCrlf = "\r\n";
constexpr size_t kEncodedWordBytes = 45;  // raw bytes per RFC 2047 word: 60 base64 chars

// An address fit for a header field or a line of text: no controls, no
// characters that end or group addresses.
std::string clean_address(std::string_view in) {
  std::string s = sanitize_header_text(in, kMaxAddressBytes);
  std::string out;
  for (char c : s)
    if (c != '<' && c != '>' && c != '"' && c != ',' && c != ';' && c != '(' && c != ')' && c != ' ' && c != '\\') out.push_back(c);
  return out;
}

std::string html_escape(std::string_view in) {
  std::string out;
  for (char c : in) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

bool is_ascii(std::string_view s) {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  return true;
}

std::string base64(std::string_view in) {
  std::string out((in.size() + 2) / 3 * 4 + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

// RFC 2047 B-encoding in words cut on UTF-8 character boundaries.
std::string encode_words(std::string_view s) {
  if (is_ascii(s)) return std::string(s);
  std::string out;
  while (!s.empty()) {
    size_t take = 0;
    while (take < s.size()) {
      size_t n = utf8_sequence_length(s.substr(take));
      if (n == 0) n = 1;
      if (take + n > kEncodedWordBytes) break;
      take += n;
    }
    if (take == 0) take = 1;
    if (!out.empty()) out.push_back(' ');
    out += "=?UTF-8?B?" + base64(s.substr(0, take)) + "?=";
    s.remove_prefix(take);
  }
  return out;
}

std::string format_expiry(int64_t t) { return format_utc(static_cast<std::time_t>(t), "%Y-%m-%d %H:%M UTC"); }

std::string text_part(const std::string& sender, const std::string& link, const std::string& expiry) {
  std::string t;
  t += "You have received a secure message.\r\n\r\n";
  t += "From: " + sender + "\r\n\r\n";
  t += "The message holds protected information, so it was not delivered by\r\n";
  t += "ordinary e-mail. Open it with this personal link:\r\n\r\n";
  t += link + "\r\n\r\n";
  t += "The link works until " + expiry + ".\r\n";
  t += "Do not forward this notice: the link is meant for you only.\r\n";
  return t;
}

std::string html_part(const std::string& sender, const std::string& link, const std::string& expiry) {
  std::string h;
  h += "<!DOCTYPE html>\r\n<html><head><meta charset=\"utf-8\"><title>Secure message</title></head>\r\n<body>\r\n";
  h += "<p>You have received a secure message.</p>\r\n";
  h += "<p>From: " + html_escape(sender) + "</p>\r\n";
  h += "<p>The message holds protected information, so it was not delivered by\r\n";
  h += "ordinary e-mail. Open it with this personal link:</p>\r\n";
  h += "<p><a href=\"" + html_escape(link) + "\">" + html_escape(link) + "</a></p>\r\n";
  h += "<p>The link works until " + html_escape(expiry) + ".<br>\r\n";
  h += "Do not forward this notice: the link is meant for you only.</p>\r\n</body></html>\r\n";
  return h;
}

void add_part(std::string& body, const std::string& boundary, const char* type, const std::string& text) {
  body += "--" + boundary + "\r\n";
  body += std::string("Content-Type: ") + type + "; charset=utf-8\r\n";
  body += std::string("Content-Transfer-Encoding: ") + (is_ascii(text) ? "7bit" : "8bit") + "\r\n\r\n";
  body += text;
}

}  // namespace

std::string format_rfc5322_date(int64_t t) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday % 7], tm.tm_mday, kMonths[tm.tm_mon % 12],
                tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::string expand_subject(std::string_view tmpl, const NoticeInput& in) {
  std::string out;
  while (!tmpl.empty() && out.size() <= kMaxSubjectBytes * 4) {
    if (tmpl.substr(0, 8) == "{sender}") { out += clean_address(in.sender); tmpl.remove_prefix(8); }
    else if (tmpl.substr(0, 9) == "{expires}") { out += format_expiry(in.expires); tmpl.remove_prefix(9); }
    else if (tmpl.substr(0, 9) == "{subject}") { out += sanitize_header_text(in.original_subject, kMaxSubjectBytes); tmpl.remove_prefix(9); }
    else { out.push_back(tmpl.front()); tmpl.remove_prefix(1); }
  }
  return sanitize_header_text(out, kMaxSubjectBytes);
}

Result<Notice> compose_notice(const NoticeInput& in) {
  if (in.link.size() > kMaxLinkBytes) return Error{"pickup link longer than " + std::to_string(kMaxLinkBytes) + " bytes"};
  const std::string link = sanitize_header_text(in.link, kMaxLinkBytes);
  if (link != in.link || link.find(' ') != std::string::npos) return Error{"pickup link holds spaces or control characters"};
  auto rnd = random_bytes(24);
  if (!rnd) return rnd.error();
  const std::string domain = clean_address(in.authserv_id);
  const std::string boundary = "=_phimilter_" + hex_encode(rnd->substr(0, 12));
  const std::string sender = clean_address(in.sender).empty() ? "(no sender address)" : clean_address(in.sender);
  const std::string expiry = format_expiry(in.expires);
  Notice n;
  n.headers = {
      {"From", "<" + clean_address(in.from) + ">"},
      {"To", "<" + clean_address(in.recipient) + ">"},
      {"Subject", encode_words(expand_subject(in.subject_template, in))},
      {"Date", format_rfc5322_date(in.now)},
      {"Message-ID", "<" + hex_encode(rnd->substr(12)) + ".notice@" + domain + ">"},
      {"MIME-Version", "1.0"},
      {"Content-Type", "multipart/alternative; boundary=\"" + boundary + "\""},
      {"Auto-Submitted", "auto-generated"},
      {sanitize_header_text(in.marker_header, 64), sanitize_header_text(in.authserv_id, 255)},
  };
  add_part(n.body, boundary, "text/plain", text_part(sender, link, expiry));
  add_part(n.body, boundary, "text/html", html_part(sender, link, expiry));
  n.body += "--" + boundary + "--\r\n";
  return n;
}

std::string format_notice(const Notice& n) {
  std::string out;
  for (const auto& [name, value] : n.headers) out += name + ": " + value + std::string(kCrlf);
  out += kCrlf;
  out += n.body;
  return out;
}

}  // namespace phi::escrow
