// NAME
//   testmode - run the whole pipeline on .eml files without an MTA (-t)
// SYNOPSIS
//   struct TestModeOptions { macros, sender, recipients };
//   int run_test_mode(const Config&, const std::vector<std::string>& files,
//                     const TestModeOptions&, std::ostream& out, std::ostream& err);
//   Result<ParsedMessage> split_message(std::string_view raw);
// DESCRIPTION
//   Each file is read, split into header fields (unfolded) and body, and fed
//   through a Session with a RecordingMta, exactly as the milter callbacks
//   would. One JSON object per file is written to `out`, one per line.
//   Without macros there is no live connection and so no current hop; with
//   them (e.g. "{tls_version}=TLSv1.3", "client_addr=192.0.2.1") the current
//   hop is built as in the daemon. Recipients default to the addresses in
//   To and Cc. Escrow decisions are reported but nothing is written
//   unless escrow_writes is set (-E). Returns 0 when every file was processed, 1 otherwise.
// THREADS
//   Single-threaded.
#ifndef PHI_MILTER_TESTMODE_H
#define PHI_MILTER_TESTMODE_H

#include <iosfwd>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "milter/config.h"
#include "milter/util/result.h"

namespace phi {

struct TestModeOptions {
  std::map<std::string, std::string, std::less<>> macros;  // name -> value; client_name/client_addr/helo too
  std::string sender;
  std::vector<std::string> recipients;
  bool escrow_writes = false;  // -E: escrow decisions write real entries and send notices
};

struct ParsedMessage {
  std::vector<std::pair<std::string, std::string>> headers;  // name, value (folding kept as in the file)
  std::string_view body;
};

// Splits a raw RFC 5322 message (CRLF or LF line ends). Never fails on
// malformed input: a line without a colon ends the header.
ParsedMessage split_message(std::string_view raw);

// Addresses found in To and Cc (angle-bracketed or bare addr-spec), bounded.
std::vector<std::string> header_recipients(const ParsedMessage& m);

int run_test_mode(std::shared_ptr<const Config> cfg, const std::vector<std::string>& files,
                  const TestModeOptions& opt, std::ostream& out, std::ostream& err);

}  // namespace phi

#endif
