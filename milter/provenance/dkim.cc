// dkim - libopendkim verification wrapper (see dkim.h).
#include "milter/provenance/dkim.h"

// dkim.h is a C header that uses C99's _Bool; C++ calls it bool.
#define _Bool bool
extern "C" {
#include <opendkim/dkim.h>
}
#undef _Bool

#include <cstring>
#include <vector>

#include "milter/util/strings.h"

namespace phi::provenance {
namespace {

DKIM_LIB* lib_of(const std::shared_ptr<const DkimLibrary>& l) { return static_cast<DKIM_LIB*>(l->handle()); }

// libopendkim's prescreen callback (at end of headers): the signatures past
// the first kMaxDkimSignatures get no key lookup and no verification.
DKIM_CBSTAT verify_only_the_first(DKIM*, DKIM_SIGINFO** sigs, int nsigs) {
  for (int i = kMaxDkimSignatures; i < nsigs; ++i) dkim_sig_ignore(sigs[i]);
  return DKIM_CBSTAT_CONTINUE;
}

std::string sig_domain(DKIM_SIGINFO* sig) {
  if (!sig) return {};
  const unsigned char* d = dkim_sig_getdomain(sig);
  if (!d) return {};
  std::string s(reinterpret_cast<const char*>(d));
  return s.substr(0, 253);
}

}  // namespace

Result<std::shared_ptr<const DkimLibrary>> DkimLibrary::create(const std::string& key_file) {
  std::shared_ptr<DkimLibrary> l(new DkimLibrary());
  DKIM_LIB* lib = dkim_init(nullptr, nullptr);
  if (!lib) return Error{"dkim_init failed"};
  l->lib_ = lib;
  unsigned int flags = DKIM_LIBFLAGS_FIXCRLF;
  if (dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_FLAGS, &flags, sizeof flags) != DKIM_STAT_OK)
    return Error{"cannot set libopendkim flags"};
  unsigned int timeout = kDkimDnsTimeoutSeconds;
  if (dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_TIMEOUT, &timeout, sizeof timeout) != DKIM_STAT_OK)
    return Error{"cannot set libopendkim's DNS timeout"};
  if (dkim_set_prescreen(lib, verify_only_the_first) != DKIM_STAT_OK)
    return Error{"cannot set libopendkim's signature prescreen"};
  if (!key_file.empty()) {
    dkim_query_t q = DKIM_QUERY_FILE;
    std::vector<char> path(key_file.begin(), key_file.end());
    path.push_back('\0');
    if (dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_QUERYMETHOD, &q, sizeof q) != DKIM_STAT_OK ||
        dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_QUERYINFO, path.data(), path.size()) != DKIM_STAT_OK)
      return Error{"cannot select the key file query method"};
  }
  return std::shared_ptr<const DkimLibrary>(std::move(l));
}

DkimLibrary::~DkimLibrary() {
  if (lib_) dkim_close(static_cast<DKIM_LIB*>(lib_));
}

DkimVerifier::DkimVerifier(std::shared_ptr<const DkimLibrary> lib) : lib_(std::move(lib)) {
  DKIM_STAT st = DKIM_STAT_OK;
  if (lib_) dkim_ = dkim_verify(lib_of(lib_), reinterpret_cast<const unsigned char*>("phimilter"), nullptr, &st);
  if (!dkim_) failed_ = true;
}

DkimVerifier::~DkimVerifier() {
  if (dkim_) dkim_free(static_cast<DKIM*>(dkim_));
}

void DkimVerifier::header(std::string_view name, std::string_view value) {
  if (iequals(name, "DKIM-Signature")) saw_signature_ = true;
  if (failed_ || finished_) return;
  std::string h;
  h.reserve(name.size() + value.size() + 8);
  h.append(name);
  h += ": ";
  for (size_t i = 0; i < value.size(); ++i) {  // lone LF in a folded value -> CRLF
    if (value[i] == '\n' && (i == 0 || value[i - 1] != '\r')) h += '\r';
    h += value[i];
  }
  DKIM_STAT st = dkim_header(static_cast<DKIM*>(dkim_), reinterpret_cast<u_char*>(h.data()), h.size());
  if (st != DKIM_STAT_OK) { failed_ = true; status_ = st; }
}

void DkimVerifier::end_of_headers() {
  if (failed_ || finished_) return;
  DKIM_STAT st = dkim_eoh(static_cast<DKIM*>(dkim_));
  if (st != DKIM_STAT_OK) { failed_ = true; status_ = st; }
}

void DkimVerifier::body(std::string_view chunk) {
  if (failed_ || finished_ || chunk.empty()) return;
  std::vector<u_char> buf(chunk.begin(), chunk.end());  // libopendkim wants a mutable buffer
  DKIM_STAT st = dkim_body(static_cast<DKIM*>(dkim_), buf.data(), buf.size());
  if (st != DKIM_STAT_OK) { failed_ = true; status_ = st; }
}

DkimOutcome DkimVerifier::finish() {
  if (finished_) return outcome_;
  finished_ = true;
  DKIM* d = static_cast<DKIM*>(dkim_);
  DKIM_STAT st = static_cast<DKIM_STAT>(status_);
  if (!failed_) st = dkim_eom(d, nullptr);
  if (st == DKIM_STAT_NOSIG || !d || !saw_signature_) return outcome_ = {DkimResult::None, {}};
  DKIM_SIGINFO* sig = dkim_getsignature(d);
  if (st == DKIM_STAT_OK && sig && DKIM_SIG_CHECK(sig)) return outcome_ = {DkimResult::Pass, sig_domain(sig)};
  if (!sig) {  // maybe none was usable; take the first one seen
    DKIM_SIGINFO** sigs = nullptr;
    int n = 0;
    if (dkim_getsiglist(d, &sigs, &n) == DKIM_STAT_OK && n > 0) sig = sigs[0];
  }
  if (!sig && st != DKIM_STAT_OK) {
    if (st == DKIM_STAT_SYNTAX || st == DKIM_STAT_BADSIG || st == DKIM_STAT_CANTVRFY) return outcome_ = {DkimResult::Fail, {}};
    return outcome_ = {DkimResult::None, {}};
  }
  bool temp = st == DKIM_STAT_KEYFAIL || (sig && dkim_sig_geterror(sig) == DKIM_SIGERROR_KEYFAIL);
  return outcome_ = {temp ? DkimResult::TempError : DkimResult::Fail, sig_domain(sig)};
}

}  // namespace phi::provenance
