// NAME
//   recording_mta - an Mta that records requests instead of sending them
// SYNOPSIS
//   RecordingMta m;  m.macros["{tls_version}"] = "TLSv1.3";
//   session.on_eom(m);  for (auto& e : m.edits) ...
// DESCRIPTION
//   Used by unit tests and by test mode (-t) to run the real session logic
//   without an MTA. Every request is appended to `edits` in order; a request
//   can be made to fail by naming its kind in `fail`, to test error paths.
// THREADS
//   One per thread.
#ifndef PHI_MILTER_RECORDING_MTA_H
#define PHI_MILTER_RECORDING_MTA_H

#include <map>
#include <set>
#include <string>
#include <vector>

#include "milter/mta.h"

namespace phi {

struct MtaEdit {
  std::string kind;  // insert_header, add_header, delete_header, add_rcpt, del_rcpt, replace_body, quarantine, set_reply
  std::string name;
  std::string value;
  size_t index = 0;
};

class RecordingMta : public Mta {
 public:
  std::map<std::string, std::string, std::less<>> macros;
  std::vector<MtaEdit> edits;
  std::set<std::string, std::less<>> fail;  // kinds that return an error

  std::string macro(std::string_view name) override;
  Result<void> insert_header(size_t position, std::string_view name, std::string_view value) override;
  Result<void> add_header(std::string_view name, std::string_view value) override;
  Result<void> delete_header(std::string_view name, size_t index) override;
  Result<void> add_rcpt(std::string_view rcpt) override;
  Result<void> del_rcpt(std::string_view rcpt) override;
  Result<void> replace_body(std::string_view chunk) override;
  Result<void> quarantine(std::string_view reason) override;
  Result<void> set_reply(std::string_view rcode, std::string_view xcode, std::string_view text) override;

 private:
  Result<void> record(MtaEdit e);
};

}  // namespace phi

#endif
