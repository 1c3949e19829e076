// milter - libmilter callbacks and the daemon's run loop (see milter.h).
#include "milter/milter.h"

#include <libmilter/mfapi.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>

#include <cstring>
#include <exception>
#include <string>
#include <thread>

#include "milter/log.h"
#include "milter/mta.h"
#include "milter/session.h"
#include "milter/util/sockopt.h"

namespace phi {
namespace {

ConfigHolder* g_holder = nullptr;

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

template <class F>
sfsistat guarded(SMFICTX* ctx, const char* where, F&& f) {
  auto* s = static_cast<Session*>(smfi_getpriv(ctx));
  LibmilterMta mta(ctx);
  try {
    if (!s) {
      log_line(LogLevel::Error, "", where, "no session state; answering OnInternalError");
      return no_session_answer();
    }
    return to_sfsistat(f(*s, mta));
  } catch (const std::exception& e) {
    return to_sfsistat(s->internal_error(mta, where, std::string("exception: ") + e.what()));
  } catch (...) {
    return to_sfsistat(s->internal_error(mta, where, "unknown exception"));
  }
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
  try {
    auto* s = new Session(g_holder->load());
    if (smfi_setpriv(ctx, s) != MI_SUCCESS) {
      delete s;
      log_line(LogLevel::Error, "", "milter", "smfi_setpriv failed");
      return no_session_answer();
    }
  } catch (...) {
    log_line(LogLevel::Error, "", "milter", "cannot create session state");
    return no_session_answer();
  }
  std::string h = host ? host : "", a = format_addr(addr);
  return guarded(ctx, "connect", [&](Session& s, Mta& m) { return s.on_connect(m, h, a); });
}

sfsistat cb_helo(SMFICTX* ctx, char* helo) {
  std::string h = helo ? helo : "";
  return guarded(ctx, "helo", [&](Session& s, Mta& m) { return s.on_helo(m, h); });
}

sfsistat cb_envfrom(SMFICTX* ctx, char** argv) {
  return guarded(ctx, "envfrom", [&](Session& s, Mta& m) { return s.on_envfrom(m, arg0(argv)); });
}

sfsistat cb_envrcpt(SMFICTX* ctx, char** argv) {
  return guarded(ctx, "envrcpt", [&](Session& s, Mta& m) { return s.on_envrcpt(m, arg0(argv)); });
}

sfsistat cb_header(SMFICTX* ctx, char* name, char* value) {
  return guarded(ctx, "header", [&](Session& s, Mta& m) {
    return s.on_header(m, name ? name : "", value ? value : "");
  });
}

sfsistat cb_eoh(SMFICTX* ctx) {
  return guarded(ctx, "eoh", [&](Session& s, Mta& m) { return s.on_eoh(m); });
}

sfsistat cb_body(SMFICTX* ctx, unsigned char* chunk, size_t len) {
  return guarded(ctx, "body", [&](Session& s, Mta& m) {
    return s.on_body(m, std::string_view(reinterpret_cast<const char*>(chunk), len));
  });
}

sfsistat cb_eom(SMFICTX* ctx) {
  return guarded(ctx, "eom", [&](Session& s, Mta& m) { return s.on_eom(m); });
}

sfsistat cb_abort(SMFICTX* ctx) {
  return guarded(ctx, "abort", [&](Session& s, Mta& m) { return s.on_abort(m); });
}

sfsistat cb_close(SMFICTX* ctx) {
  delete static_cast<Session*>(smfi_getpriv(ctx));
  smfi_setpriv(ctx, nullptr);
  return SMFIS_CONTINUE;
}

struct smfiDesc g_desc = {
    const_cast<char*>("phimilter"),
    SMFI_VERSION,
    SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_ADDRCPT | SMFIF_DELRCPT | SMFIF_CHGBODY | SMFIF_QUARANTINE,
    cb_connect, cb_helo, cb_envfrom, cb_envrcpt, cb_header, cb_eoh, cb_body, cb_eom, cb_abort, cb_close,
    nullptr,  // unknown
    nullptr,  // data
    nullptr,  // negotiate
};

void reload_loop(std::string path, bool missing_ok, sigset_t set) {
  for (;;) {
    int sig = 0;
    if (sigwait(&set, &sig) != 0) continue;
    if (sig != SIGUSR1) continue;
    auto next = load_config(path, missing_ok);
    if (!next) {
      log_line(LogLevel::Error, "", "config", "reload failed, keeping the running configuration: " + next.error().message);
      continue;
    }
    auto r = log_setup((*next)->settings);
    if (!r) log_line(LogLevel::Error, "", "config", "reload: " + r.error().message);
    g_holder->store(*next);
    log_line(LogLevel::Notice, "", "config", "reloaded " + (path.empty() ? std::string("built-in defaults") : path));
  }
}

}  // namespace

Result<void> milter_setup(ConfigHolder& holder) {
  g_holder = &holder;
  auto cfg = holder.load();
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
  if (!n) log_line(LogLevel::Warning, "", "milter", "TCP_NODELAY: " + n.error().message);
  else if (*n > 0) log_line(LogLevel::Debug, "", "milter", "TCP_NODELAY set on the listening socket");
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
  log_line(LogLevel::Notice, "", "milter", std::string("starting, socket ") + g_holder->load()->settings.Socket);
  int rc = smfi_main();
  log_line(LogLevel::Notice, "", "milter", "stopped");
  return rc == MI_SUCCESS ? 0 : 1;
}

}  // namespace phi
