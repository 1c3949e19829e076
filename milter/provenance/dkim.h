// NAME
//   dkim - verify a message's DKIM signatures with libopendkim
// SYNOPSIS
//   Result<std::shared_ptr<const DkimLibrary>> DkimLibrary::create(key_file);
//   DkimVerifier v(lib);            // one per message
//   v.header(name, value); ...; v.end_of_headers();
//   v.body(chunk); ...;             // streamed, bounded memory
//   DkimOutcome r = v.finish();     // {result, domain}
//   std::string_view dkim_result_name(DkimResult);
// DESCRIPTION
//   A thin wrapper around libopendkim. DkimLibrary owns one DKIM_LIB handle
//   (shared by all sessions of a Config snapshot, as opendkim(8) does) and
//   chooses where public keys come from: DNS by default, or, when key_file
//   is not empty, libopendkim's file query method (DKIM_QUERY_FILE), whose
//   lines read "selector._domainkey.example.com v=DKIM1; k=rsa; p=...". Tests
//   and offline use take the file, never public DNS.
//
//   A DkimVerifier follows one message: headers as the MTA hands them over
//   (a lone LF in a folded value becomes CRLF), then the body chunk by chunk
//   straight into libopendkim (nothing is buffered here), then finish():
//     pass       some signature verified; domain = its d=
//     fail       signatures present, none verified; domain = the first d=
//     none       no DKIM-Signature (even when the header is malformed)
//     temperror  the key could not be fetched (DNS or file failure)
//   Once an error occurs further input is ignored and finish() reports it.
//   A message's signatures are untrusted too, and each one costs a key
//   lookup: only the first kMaxDkimSignatures of a message (in header
//   order) are verified, the others ignored, and a DNS query waits at most
//   kDkimDnsTimeoutSeconds (opendkim(8)'s MaximumSignaturesToVerify and
//   DNSTimeout defaults). Without them a message with hundreds of
//   signatures for domains whose name servers never answer held its thread
//   for libopendkim's 10 s per signature, long after the MTA gave up.
// INPUT
//   Untrusted header and body bytes; libopendkim bounds its own parsing.
// THREADS
//   DkimLibrary is immutable and shared; a DkimVerifier belongs to one
//   message (one callback at a time).
#ifndef PHI_PROVENANCE_DKIM_H
#define PHI_PROVENANCE_DKIM_H

#include <memory>
#include <string>
#include <string_view>

#include "milter/util/result.h"

namespace phi::provenance {

enum class DkimResult { None, Pass, Fail, TempError };

inline constexpr int kMaxDkimSignatures = 3;
inline constexpr unsigned kDkimDnsTimeoutSeconds = 5;

constexpr std::string_view dkim_result_name(DkimResult r) {
  switch (r) {
    case DkimResult::Pass: return "pass";
    case DkimResult::Fail: return "fail";
    case DkimResult::TempError: return "temperror";
    case DkimResult::None: break;
  }
  return "none";
}

struct DkimOutcome {
  DkimResult result = DkimResult::None;
  std::string domain;  // signing domain (d=), empty when none
};

class DkimLibrary {
 public:
  static Result<std::shared_ptr<const DkimLibrary>> create(const std::string& key_file);
  ~DkimLibrary();
  DkimLibrary(const DkimLibrary&) = delete;
  DkimLibrary& operator=(const DkimLibrary&) = delete;
  void* handle() const { return lib_; }  // DKIM_LIB*

 private:
  DkimLibrary() = default;
  void* lib_ = nullptr;
};

class DkimVerifier {
 public:
  explicit DkimVerifier(std::shared_ptr<const DkimLibrary> lib);
  ~DkimVerifier();
  DkimVerifier(const DkimVerifier&) = delete;
  DkimVerifier& operator=(const DkimVerifier&) = delete;

  void header(std::string_view name, std::string_view value);
  void end_of_headers();
  void body(std::string_view chunk);
  DkimOutcome finish();

 private:
  std::shared_ptr<const DkimLibrary> lib_;
  void* dkim_ = nullptr;  // DKIM*
  bool failed_ = false;   // an input step failed; finish() reports Fail/None
  bool finished_ = false;
  bool saw_signature_ = false;  // a DKIM-Signature field was seen
  int status_ = 0;
  DkimOutcome outcome_;
};

}  // namespace phi::provenance

#endif
