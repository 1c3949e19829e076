// recording_mta - records MTA requests for tests and test mode.
#include "milter/recording_mta.h"

namespace phi {

std::string RecordingMta::macro(std::string_view name) {
  auto it = macros.find(name);
  return it == macros.end() ? std::string() : it->second;
}

Result<void> RecordingMta::record(MtaEdit e) {
  if (fail.count(e.kind)) return Error{e.kind + " failed (injected)"};
  edits.push_back(std::move(e));
  return Ok();
}

Result<void> RecordingMta::insert_header(size_t position, std::string_view name, std::string_view value) {
  return record({"insert_header", std::string(name), std::string(value), position});
}
Result<void> RecordingMta::add_header(std::string_view name, std::string_view value) {
  return record({"add_header", std::string(name), std::string(value), 0});
}
Result<void> RecordingMta::delete_header(std::string_view name, size_t index) {
  return record({"delete_header", std::string(name), "", index});
}
Result<void> RecordingMta::add_rcpt(std::string_view rcpt) { return record({"add_rcpt", "", std::string(rcpt), 0}); }
Result<void> RecordingMta::del_rcpt(std::string_view rcpt) { return record({"del_rcpt", "", std::string(rcpt), 0}); }
Result<void> RecordingMta::replace_body(std::string_view chunk) {
  return record({"replace_body", "", std::string(chunk), 0});
}
Result<void> RecordingMta::quarantine(std::string_view reason) {
  return record({"quarantine", "", std::string(reason), 0});
}
Result<void> RecordingMta::set_reply(std::string_view rcode, std::string_view xcode, std::string_view text) {
  return record({"set_reply", std::string(rcode) + " " + std::string(xcode), std::string(text), 0});
}

}  // namespace phi
