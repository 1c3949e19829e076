// milter - libmilter callbacks and the daemon's run loop (see milter.h).
#include "milter/milter.h"

#include <libmilter/mfapi.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <systemd/sd-daemon.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "milter/audit_service.h"
#include "milter/log.h"
#include "milter/mta.h"
#include "milter/reload.h"
#include "milter/session.h"
#include "milter/stage_guard.h"
#include "milter/util/sockopt.h"

namespace phi {
namespace {

ConfigHolder* g_holder = nullptr;
AuditService* g_audit = nullptr;  // may be null (no audit service)
std::shared_ptr<const Config> g_started;  // the configuration the daemon started with
std::vector<uint16_t> g_tcp_ports;  // local ports of our TCP listeners (set before any connection)

// libmilter hands callbacks no descriptor, but its context (struct smfi_str
// in sendmail's libmilter/libmilter.h, the same since 8.12) begins with
// `sthread_t ctx_id; socket_t ctx_sd;`. The value read there is trusted only
// when it is a connected TCP socket on one of our listening ports; anything
// else (a unix socket, another layout) answers -1.
int mta_tcp_socket(SMFICTX* ctx) {
  if (g_tcp_ports.empty()) return -1;
  int fd = -1;
  std::memcpy(&fd, reinterpret_cast<const char*>(ctx) + sizeof(pthread_t), sizeof fd);
  if (fd < 0) return -1;
  uint16_t port = tcp_connection_port(fd);
  if (port == 0 || std::find(g_tcp_ports.begin(), g_tcp_ports.end(), port) == g_tcp_ports.end()) {
    static std::once_flag once;
    std::call_once(once, [] {
      log_line(LogLevel::Warning, "", "milter",
               "cannot find the MTA connection's TCP socket in libmilter's context: immediate ACKs are off, "
               "so inet connections may wait for delayed ACKs (see the quickack route option in phimilter(8))");
    });
    return -1;
  }
  return fd;
}

// Acknowledge at once what the MTA sent without waiting for a reply, once
// nothing more from it waits to be read (see tcp_ack_if_drained in
// milter/util/sockopt.h): commands that arrive together (MAIL, RCPT and
// DATA from a pipelining client; the headers, body and end of message)
// then cost no ACK of their own.
void ack_now(SMFICTX* ctx) {
  auto* s = static_cast<Session*>(smfi_getpriv(ctx));
  if (s && s->tcp_fd() >= 0) tcp_ack_if_drained(s->tcp_fd());
}

class LibmilterMta : public Mta {
 public:
  explicit LibmilterMta(SMFICTX* ctx) : ctx_(ctx) {}
  std::string macro(std::string_view name) override {
    std::string n(name);
    const char* v = smfi_getsymval(ctx_, n.data());
    return v ? std::string(v) : std::string();
  }
  Result<void> insert_header(size_t position, std::string_view name, std::string_view value) override {
    std::string n(name), v(value);
    return check(smfi_insheader(ctx_, static_cast<int>(position), n.data(), v.data()), "smfi_insheader");
  }
  Result<void> add_header(std::string_view name, std::string_view value) override {
    std::string n(name), v(value);
    return check(smfi_addheader(ctx_, n.data(), v.data()), "smfi_addheader");
  }
  Result<void> delete_header(std::string_view name, size_t index) override {
    std::string n(name);
    return check(smfi_chgheader(ctx_, n.data(), static_cast<int>(index), nullptr), "smfi_chgheader");
  }
  Result<void> add_rcpt(std::string_view rcpt) override {
    std::string r(rcpt);
    return check(smfi_addrcpt(ctx_, r.data()), "smfi_addrcpt");
  }
  Result<void> del_rcpt(std::string_view rcpt) override {
    std::string r(rcpt);
    return check(smfi_delrcpt(ctx_, r.data()), "smfi_delrcpt");
  }
  Result<void> replace_body(std::string_view chunk) override {
    auto* p = reinterpret_cast<unsigned char*>(const_cast<char*>(chunk.data()));
    return check(smfi_replacebody(ctx_, p, static_cast<int>(chunk.size())), "smfi_replacebody");
  }
  Result<void> quarantine(std::string_view reason) override {
    std::string r(reason);
    return check(smfi_quarantine(ctx_, r.data()), "smfi_quarantine");
  }
  Result<void> set_reply(std::string_view rcode, std::string_view xcode, std::string_view text) override {
    std::string r(rcode), x(xcode), t(text);
    for (auto& c : t)
      if (c == '\r' || c == '\n' || c == '%') c = ' ';
    return check(smfi_setreply(ctx_, r.data(), x.data(), t.data()), "smfi_setreply");
  }

 private:
  static Result<void> check(int rc, const char* what) {
    if (rc == MI_SUCCESS) return Ok();
    return Error{std::string(what) + " failed"};
  }
  SMFICTX* ctx_;
};

sfsistat to_sfsistat(Status s) {
  switch (s) {
    case Status::Continue: return SMFIS_CONTINUE;
    case Status::Accept: return SMFIS_ACCEPT;
    case Status::Reject: return SMFIS_REJECT;
    case Status::Tempfail: return SMFIS_TEMPFAIL;
    case Status::Discard: return SMFIS_DISCARD;
  }
  return SMFIS_TEMPFAIL;
}

// The answer when there is no Session to ask (allocation failed in connect).
sfsistat no_session_answer() {
  auto cfg = g_holder->load();
  const auto& a = cfg->settings.OnInternalError;
  if (a == "accept") return SMFIS_ACCEPT;
  if (a == "reject") return SMFIS_REJECT;
  return SMFIS_TEMPFAIL;
}

// Runs g(session, mta), which returns the callback's answer, with the
// connection's Session; without one (allocation failed) answers OnInternalError.
template <class G>
sfsistat with_session(SMFICTX* ctx, const char* where, G&& g) {
  auto* s = static_cast<Session*>(smfi_getpriv(ctx));
  if (!s) {
    log_line(LogLevel::Error, "", where, "no session state; answering OnInternalError");
    return no_session_answer();
  }
  LibmilterMta mta(ctx);
  return std::forward<G>(g)(*s, mta);
}

template <class F>
sfsistat guarded(SMFICTX* ctx, const char* where, F&& f) {
  return with_session(ctx, where, [&](Session& s, Mta& m) { return to_sfsistat(guard_stage(s, m, where, f)); });
}

// The actions phimilter may take, and the stages it asks the MTA not to
// wait for a reply to (every stage of a message before its end: MAIL FROM,
// each RCPT TO, one header command each, end of headers, body chunks;
// phimilter decides at end of message), their failures answered there.
// Connect and HELO, once per connection, still reply.
constexpr unsigned long kActions =
    SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_ADDRCPT | SMFIF_DELRCPT | SMFIF_CHGBODY | SMFIF_QUARANTINE;
constexpr unsigned long kQuietStages = SMFIP_NR_MAIL | SMFIP_NR_RCPT | SMFIP_NR_HDR | SMFIP_NR_EOH | SMFIP_NR_BODY;

// A stage the MTA may expect no reply for (see stage_guard.h).
template <class F>
sfsistat quiet_stage(SMFICTX* ctx, const char* where, unsigned long stage, F&& f) {
  return with_session(ctx, where, [&](Session& s, Mta& m) {
    auto answer = guard_quiet_stage(s, m, where, stage, f);
    return answer ? to_sfsistat(*answer) : SMFIS_NOREPLY;
  });
}

// The session of a connection, made by whichever callback comes first
// (negotiate when the MTA speaks milter protocol 6, else connect).
Session* session_for(SMFICTX* ctx) {
  if (auto* s = static_cast<Session*>(smfi_getpriv(ctx))) return s;
  try {
    SessionOptions options;
    options.findings = policy::Findings::Skip;  // the daemon reports categories and counts, never findings
    auto* s = new Session(g_holder->load(), nullptr, options, SessionServices{g_audit});
    s->set_tcp_fd(mta_tcp_socket(ctx));
    if (s->tcp_fd() >= 0) log_line(LogLevel::Debug, "", "milter", "MTA connection over TCP: immediate ACKs on");
    if (smfi_setpriv(ctx, s) == MI_SUCCESS) return s;
    delete s;
    log_line(LogLevel::Error, "", "milter", "smfi_setpriv failed");
  } catch (...) {
    log_line(LogLevel::Error, "", "milter", "cannot create session state");
  }
  return nullptr;
}

sfsistat cb_negotiate(SMFICTX* ctx, unsigned long f0, unsigned long f1, unsigned long, unsigned long, unsigned long* pf0,
                      unsigned long* pf1, unsigned long* pf2, unsigned long* pf3) {
  if ((f0 & kActions) != kActions)
    log_line(LogLevel::Warning, "", "milter", "the MTA does not offer every message edit phimilter may need");
  *pf0 = f0 & kActions;
  *pf1 = f1 & (SMFIP_NODATA | SMFIP_NOUNKNOWN);  // callbacks phimilter has not got
  *pf2 = *pf3 = 0;
  Session* s = session_for(ctx);
  if (!s) return SMFIS_CONTINUE;  // connect answers OnInternalError; every stage replies meanwhile
  // Over TCP, take the DATA command after all: the MTA sends the DATA
  // macros either way, and with no reply to carry the ACK for them it
  // holds the headers back (Nagle) until the milter's delayed ACK.
  if (s->tcp_fd() >= 0) *pf1 &= ~static_cast<unsigned long>(SMFIP_NODATA);
  *pf1 |= f1 & kQuietStages;
  s->set_quiet_stages(*pf1 & kQuietStages);
  return SMFIS_CONTINUE;
}

std::string format_addr(const _SOCK_ADDR* sa) {
  if (!sa) return "";
  char buf[INET6_ADDRSTRLEN] = {};
  if (sa->sa_family == AF_INET)
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, buf, sizeof buf);
  else if (sa->sa_family == AF_INET6)
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, buf, sizeof buf);
  return buf;
}

std::string arg0(char** argv) { return argv && argv[0] ? argv[0] : ""; }

sfsistat cb_connect(SMFICTX* ctx, char* host, _SOCK_ADDR* addr) {
  if (!session_for(ctx)) return no_session_answer();
  std::string h = host ? host : "", a = format_addr(addr);
  return guarded(ctx, "connect", [&](Session& s, Mta& m) { return s.on_connect(m, h, a); });
}

sfsistat cb_helo(SMFICTX* ctx, char* helo) {
  std::string h = helo ? helo : "";
  return guarded(ctx, "helo", [&](Session& s, Mta& m) { return s.on_helo(m, h); });
}

sfsistat cb_envfrom(SMFICTX* ctx, char** argv) {
  if (auto* s = static_cast<Session*>(smfi_getpriv(ctx))) guard_new_message(*s);
  ack_now(ctx);
  return quiet_stage(ctx, "envfrom", SMFIP_NR_MAIL, [&](Session& s, Mta& m) { return s.on_envfrom(m, arg0(argv)); });
}

sfsistat cb_envrcpt(SMFICTX* ctx, char** argv) {
  ack_now(ctx);
  return quiet_stage(ctx, "envrcpt", SMFIP_NR_RCPT, [&](Session& s, Mta& m) { return s.on_envrcpt(m, arg0(argv)); });
}

sfsistat cb_data(SMFICTX*) { return SMFIS_CONTINUE; }

sfsistat cb_header(SMFICTX* ctx, char* name, char* value) {
  ack_now(ctx);
  return quiet_stage(ctx, "header", SMFIP_NR_HDR, [&](Session& s, Mta& m) {
    return s.on_header(m, name ? name : "", value ? value : "");
  });
}

sfsistat cb_eoh(SMFICTX* ctx) {
  ack_now(ctx);
  return quiet_stage(ctx, "eoh", SMFIP_NR_EOH, [&](Session& s, Mta& m) { return s.on_eoh(m); });
}

sfsistat cb_body(SMFICTX* ctx, unsigned char* chunk, size_t len) {
  ack_now(ctx);
  return quiet_stage(ctx, "body", SMFIP_NR_BODY, [&](Session& s, Mta& m) {
    return s.on_body(m, std::string_view(reinterpret_cast<const char*>(chunk), len));
  });
}

// Over TCP, holds the end-of-message actions in the socket while the callback
// runs and sends them together when it returns, before libmilter's reply:
// each header change and body chunk is one write, and with TCP_NODELAY each
// write would be a segment of its own (about 20 for a pickup notice).
class CorkedActions {
 public:
  explicit CorkedActions(SMFICTX* ctx) {
    auto* s = static_cast<Session*>(smfi_getpriv(ctx));
    fd_ = s ? s->tcp_fd() : -1;
    if (fd_ >= 0) tcp_cork(fd_, true);
  }
  ~CorkedActions() {
    if (fd_ >= 0) tcp_cork(fd_, false);
  }
  CorkedActions(const CorkedActions&) = delete;
  CorkedActions& operator=(const CorkedActions&) = delete;

 private:
  int fd_;
};

sfsistat cb_eom(SMFICTX* ctx) {
  CorkedActions corked(ctx);
  return with_session(ctx, "eom", [](Session& s, Mta& m) { return to_sfsistat(guard_end_of_message(s, m)); });
}

sfsistat cb_abort(SMFICTX* ctx) {
  return with_session(ctx, "abort", [](Session& s, Mta& m) { return to_sfsistat(guard_abort(s, m)); });
}

sfsistat cb_close(SMFICTX* ctx) {
  delete static_cast<Session*>(smfi_getpriv(ctx));
  smfi_setpriv(ctx, nullptr);
  return SMFIS_CONTINUE;
}

struct smfiDesc g_desc = {
    const_cast<char*>("phimilter"),
    SMFI_VERSION,
    kActions,
    cb_connect, cb_helo, cb_envfrom, cb_envrcpt, cb_header, cb_eoh, cb_body, cb_eom, cb_abort, cb_close,
    nullptr,  // unknown
    cb_data,  // data: only asked for over TCP (see cb_negotiate)
    cb_negotiate,
};

// The status line systemctl status shows (sd_notify(3) does nothing when
// no service manager listens: NOTIFY_SOCKET unset), on one line whatever
// the text holds: a line break would start another assignment (READY=1,
// say) in the notification.
void notify_status(std::string text) {
  std::replace_if(text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  (void)sd_notifyf(0, "STATUS=%s", text.c_str());
}

// What the configuration in force does, and what in it will fail: to the
// log and to the status line.
void log_config(const Config& cfg) {
  const std::string summary = config_summary(cfg);
  log_line(LogLevel::Notice, "", "config", summary);
  for (const auto& w : config_warnings(cfg)) log_line(LogLevel::Warning, "", "config", w);
  notify_status(summary);
}

void reload_loop(std::string path, bool missing_ok, sigset_t set) {
  for (;;) {
    int sig = 0;
    if (sigwait(&set, &sig) != 0) continue;
    if (sig != SIGUSR1) continue;
    auto next = load_config(path, missing_ok);
    // A configuration whose log cannot be opened is not installed either:
    // nothing of it applies, rather than half of it.
    Result<std::vector<std::string>> installed =
        next ? install_reload(*g_holder, g_started->settings, *next) : Result<std::vector<std::string>>(next.error());
    if (!installed) {
      log_line(LogLevel::Error, "", "config", "reload failed, keeping the running configuration: " + installed.error().message);
      notify_status("reload failed, running the previous configuration: " + installed.error().message);
      if (g_audit)  // still follow a rotated audit log (logrotate's postrotate)
        if (auto a = g_audit->reopen(); !a) log_line(LogLevel::Error, "", "audit", "reopen: " + a.error().message);
      continue;
    }
    if (g_audit)
      if (auto a = g_audit->configure(**next); !a) log_line(LogLevel::Error, "", "audit", "reload: " + a.error().message);
    log_line(LogLevel::Notice, "", "config", "reloaded " + (path.empty() ? std::string("built-in defaults") : path));
    for (const auto& w : *installed) log_line(LogLevel::Warning, "", "config", w);
    log_config(**next);
  }
}

}  // namespace

Result<void> milter_setup(ConfigHolder& holder, AuditService* audit) {
  g_holder = &holder;
  g_audit = audit;
  auto cfg = holder.load();
  g_started = cfg;
  if (smfi_register(g_desc) != MI_SUCCESS) return Error{"smfi_register failed"};
  std::string conn = cfg->settings.Socket;
  if (!conn.empty() && conn[0] == '/') conn = "local:" + conn;
  if (smfi_setconn(conn.data()) != MI_SUCCESS) return Error{"Socket " + conn + ": smfi_setconn failed"};
  smfi_settimeout(static_cast<int>(cfg->settings.MilterTimeout));
  return Ok();
}

Result<void> milter_open_socket() {
  if (smfi_opensocket(true) != MI_SUCCESS) return Error{"cannot open the milter socket (see syslog for libmilter's reason)"};
  // inet sockets: without TCP_NODELAY each reply can wait for the MTA's
  // delayed ACK (Nagle); accepted sockets inherit it from the listener.
  auto n = set_tcp_nodelay_on_listeners();
  if (!n) {
    log_line(LogLevel::Warning, "", "milter", "TCP_NODELAY: " + n.error().message);
  } else if (!n->empty()) {
    g_tcp_ports = *n;
    log_line(LogLevel::Debug, "", "milter", "TCP_NODELAY set on the listening socket");
  }
  return Ok();
}

int milter_run(const std::string& config_path, bool missing_ok) {
  // Block the signals libmilter's own signal thread waits for (SIGHUP,
  // SIGTERM, SIGINT) and ours (SIGUSR1) before any thread starts: a thread
  // with SIGTERM unblocked would take it with the default action and kill the
  // process instead of letting libmilter stop gracefully.
  sigset_t blocked;
  sigemptyset(&blocked);
  for (int sig : {SIGUSR1, SIGHUP, SIGTERM, SIGINT}) sigaddset(&blocked, sig);
  pthread_sigmask(SIG_BLOCK, &blocked, nullptr);  // inherited by every thread started later
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  std::thread(reload_loop, config_path, missing_ok, set).detach();
  log_line(LogLevel::Notice, "", "milter",
           std::string("phimilter " PACKAGE_VERSION " starting, socket ") + g_holder->load()->settings.Socket);
  log_config(*g_holder->load());
  // The socket listens (milter_open_socket) and the audit log is set up:
  // systemd (Type=notify) may start Postfix now; connections made before
  // smfi_main accepts them wait in the listen backlog.
  (void)sd_notify(0, "READY=1");
  int rc = smfi_main();
  (void)sd_notify(0, "STOPPING=1");
  log_line(LogLevel::Notice, "", "milter", "stopped");
  return rc == MI_SUCCESS ? 0 : 1;
}

}  // namespace phi
