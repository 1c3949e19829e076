// NAME
//   inspect - one message's content inspection: MIME walker feeding the classifier
// SYNOPSIS
//   Inspection in(cfg[, findings, read_documents]);  // per message, when the Config has a classifier
//   in.header(name, value); in.end_of_headers(); in.body(chunk)...;
//   policy::Verdict v = in.finish();
// DESCRIPTION
//   Streams the message through mime::Walker and hands every decoded text to
//   a policy::Scan: body text part by part, the top-level Subject as the
//   Subject field, file names and display names as their own fields. A
//   forwarded message's Subject is content of the forward, so it is scanned
//   as body text. Parts the walker cannot inspect are passed on as
//   uninspected with their type and reason, never as clean. Content beyond
//   MaxMessageBytes is not inspected and is reported as uninspected. PDF,
//   image and legacy Office parts are read through the Config's documents
//   (PdfToText, OcrProgram, LegacyOfficeToText), when there are any,
//   within DocumentTimeBudget for the whole message (DocumentBudget);
//   with read_documents false (inbound mail under InboundDocuments no)
//   they are not read but reported uninspected under their kind.
// INPUT
//   Untrusted. Memory is bounded by the walker's and the scan's limits.
// THREADS
//   One Inspection per message; used by one callback at a time.
#ifndef PHI_MILTER_INSPECT_H
#define PHI_MILTER_INSPECT_H

#include <memory>
#include <string_view>

#include "milter/config.h"
#include "milter/mime/walker.h"
#include "policy/classifier.h"

namespace phi {

class Inspection {
 public:
  explicit Inspection(const Config& cfg, policy::Findings findings = policy::Findings::Keep, bool read_documents = true);
  ~Inspection();
  Inspection(const Inspection&) = delete;
  Inspection& operator=(const Inspection&) = delete;

  void header(std::string_view name, std::string_view value);
  void end_of_headers();
  void body(std::string_view chunk);
  // Ends the walk and returns the verdict; call once.
  policy::Verdict finish();
  bool had_decode_errors() const;
  // A part could not be read only because its reader could not run now
  // (uninspected "unavailable": PdfProcesses or OcrProcesses busy, the
  // converter not starting).
  // The message must not pass on a verdict that missed it: the caller
  // answers as for an internal error, so that the MTA retries it.
  bool reader_unavailable() const;

 private:
  class Adapter;
  std::unique_ptr<policy::Scan> scan_;
  std::unique_ptr<Adapter> adapter_;
  std::unique_ptr<DocumentBudget> documents_;  // outlives walker_
  std::unique_ptr<mime::Walker> walker_;
};

}  // namespace phi

#endif
