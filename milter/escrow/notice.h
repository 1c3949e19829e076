// NAME
//   notice - the pickup notice an escrowed recipient gets instead of the message
// SYNOPSIS
//   Result<Notice> compose_notice(const NoticeInput& in);
//   std::string format_notice(const Notice& n);     // header fields, CRLF, body
//   std::string expand_subject(std::string_view tmpl, const NoticeInput& in);
// DESCRIPTION
//   Builds a complete RFC 5322 message: From, To, Subject, Date, Message-ID,
//   MIME-Version, Auto-Submitted: auto-generated, the marker field
//   "<marker_header>: <authserv_id>" (phimilter recognises its own notices
//   by it and does not process them again) and a multipart/alternative body
//   with a text/plain and a text/html part. The notice carries the sender,
//   the pickup link and its expiry, and nothing of the original message:
//   no body text, and no original Subject unless the subject template asks
//   for it with {subject}. Template placeholders: {sender}, {expires}
//   (YYYY-MM-DD HH:MM UTC), {subject}. Header values never contain CR or
//   LF; non-ASCII subjects are RFC 2047 encoded. Lines end in CRLF.
// INPUT
//   sender, recipient and original_subject are untrusted: control characters
//   are dropped, lengths are cut (kMaxAddressBytes, kMaxSubjectBytes), and
//   text is HTML-escaped in the HTML part. A link longer than kMaxLinkBytes
//   is refused.
// THREADS
//   Pure apart from the RNG (Message-ID, boundary); any thread.
#ifndef PHI_ESCROW_NOTICE_H
#define PHI_ESCROW_NOTICE_H

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "milter/util/result.h"

namespace phi::escrow {

inline constexpr size_t kMaxAddressBytes = 320;
inline constexpr size_t kMaxSubjectBytes = 200;
inline constexpr size_t kMaxLinkBytes = 900;
inline constexpr std::string_view kDefaultNoticeSubject = "Secure message waiting for you";
inline constexpr std::string_view kDefaultMarkerHeader = "X-PHImilter-Notice";

struct NoticeInput {
  std::string from;              // From: of the notice (EscrowNoticeFrom)
  std::string sender;            // envelope sender of the escrowed message
  std::string recipient;         // the escrowed recipient
  std::string link;              // PortalURL + token
  int64_t expires = 0;           // unix seconds
  int64_t now = 0;               // Date:
  std::string subject_template{kDefaultNoticeSubject};
  std::string original_subject;  // used only through {subject}
  std::string authserv_id;       // marker value and Message-ID domain
  std::string marker_header{kDefaultMarkerHeader};
};

struct Notice {
  std::vector<std::pair<std::string, std::string>> headers;  // name, value; no CR/LF
  std::string body;                                          // MIME body, CRLF line ends
};

Result<Notice> compose_notice(const NoticeInput& in);
std::string format_notice(const Notice& n);
std::string expand_subject(std::string_view tmpl, const NoticeInput& in);

// "Tue, 02 Dec 2026 04:56:00 +0000"
std::string format_rfc5322_date(int64_t t);

}  // namespace phi::escrow

#endif
