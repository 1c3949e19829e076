// NAME
//   mta - what a session may ask of the MTA, behind one small interface
// SYNOPSIS
//   class Mta { virtual std::string macro(name); virtual Result<void> insert_header(...); ... };
//   enum class Status { Continue, Accept, Reject, Tempfail, Discard };
// DESCRIPTION
//   Session logic talks to the MTA only through Mta. Two implementations:
//   LibmilterMta (milter/callbacks.cc) forwards to smfi_*; RecordingMta
//   (milter/recording_mta.h) records every request and serves macros from
//   a table, for unit tests and `phimilter -t`. No "if (testmode)" anywhere.
//   Header indexes are 1-based per name, as smfi_chgheader() counts them;
//   insert_header() position 0 is the top of the header.
// THREADS
//   An Mta belongs to one callback invocation.
#ifndef PHI_MILTER_MTA_H
#define PHI_MILTER_MTA_H

#include <string>
#include <string_view>

#include "milter/util/result.h"

namespace phi {

enum class Status { Continue, Accept, Reject, Tempfail, Discard };

class Mta {
 public:
  virtual ~Mta() = default;
  // The macro's value, or "" when the MTA did not send it.
  virtual std::string macro(std::string_view name) = 0;
  virtual Result<void> insert_header(size_t position, std::string_view name, std::string_view value) = 0;
  virtual Result<void> add_header(std::string_view name, std::string_view value) = 0;
  virtual Result<void> delete_header(std::string_view name, size_t index) = 0;
  virtual Result<void> add_rcpt(std::string_view rcpt) = 0;
  virtual Result<void> del_rcpt(std::string_view rcpt) = 0;
  virtual Result<void> replace_body(std::string_view chunk) = 0;
  virtual Result<void> quarantine(std::string_view reason) = 0;
  // rcode "451"/"550", xcode "4.3.0"/"5.7.1", text without CR/LF.
  virtual Result<void> set_reply(std::string_view rcode, std::string_view xcode, std::string_view text) = 0;
};

}  // namespace phi

#endif
