// main - phimilter(8): options, configuration, privileges, daemon start.
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "milter/audit_service.h"
#include "milter/config.h"
#include "milter/log.h"
#include "milter/milter.h"
#include "milter/testmode.h"

namespace {

void usage(std::ostream& o) {
  o << "usage: phimilter [-f] [-c FILE]\n"
       "       phimilter -n [-c FILE]\n"
       "       phimilter -t [-c FILE] [-E] [-D NAME=VALUE]... [-s SENDER] [-r RCPT]... FILE.eml...\n"
       "       phimilter -V\n"
       "  -c FILE  configuration file (default /etc/phimilter/phimilter.conf;\n"
       "           built-in defaults when it does not exist)\n"
       "  -f       stay in the foreground\n"
       "  -n       check the configuration, print settings that differ from defaults, exit\n"
       "  -t       test mode: run the pipeline on .eml files, print one JSON object each\n"
       "  -D       test mode: an MTA macro for the current hop, e.g. -D '{tls_version}=TLSv1.3'\n"
       "           (also client_name, client_addr, helo); without -D there is no current hop\n"
       "  -s, -r   test mode: envelope sender and recipients (default: To and Cc)\n"
       "  -E       test mode: really escrow (write entries, send notices); default: report only\n"
       "  -V       print the version and exit\n";
}

// Switches to user[:group]; returns "" or an error text.
std::string drop_privileges(const std::string& spec) {
  if (spec.empty()) return "";
  auto colon = spec.find(':');
  std::string user = spec.substr(0, colon);
  struct passwd* pw = getpwnam(user.c_str());
  if (!pw) return "UserID: unknown user " + user;
  gid_t gid = pw->pw_gid;
  if (colon != std::string::npos) {
    struct group* gr = getgrnam(spec.substr(colon + 1).c_str());
    if (!gr) return "UserID: unknown group " + spec.substr(colon + 1);
    gid = gr->gr_gid;
  }
  if (getuid() == pw->pw_uid && getgid() == gid) return "";
  if (initgroups(pw->pw_name, gid) != 0) return std::string("initgroups: ") + std::strerror(errno);
  if (setgid(gid) != 0) return std::string("setgid: ") + std::strerror(errno);
  if (setuid(pw->pw_uid) != 0) return std::string("setuid: ") + std::strerror(errno);
  return "";
}

std::string daemonize() {
  pid_t pid = fork();
  if (pid < 0) return std::string("fork: ") + std::strerror(errno);
  if (pid > 0) _exit(0);
  if (setsid() < 0) return std::string("setsid: ") + std::strerror(errno);
  pid = fork();
  if (pid < 0) return std::string("fork: ") + std::strerror(errno);
  if (pid > 0) _exit(0);
  if (chdir("/") != 0) return std::string("chdir: ") + std::strerror(errno);
  int fd = open("/dev/null", O_RDWR);
  if (fd >= 0) {
    dup2(fd, 0);
    dup2(fd, 1);
    dup2(fd, 2);
    if (fd > 2) close(fd);
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_path = phi::kDefaultConfigPath;
  bool config_given = false, foreground = false, check_only = false, test_mode = false;
  phi::TestModeOptions topt;
  int c;
  while ((c = getopt(argc, argv, "c:fntED:s:r:Vh")) != -1) {
    switch (c) {
      case 'c': config_path = optarg; config_given = true; break;
      case 'f': foreground = true; break;
      case 'n': check_only = true; break;
      case 't': test_mode = true; break;
      case 'E': topt.escrow_writes = true; break;
      case 'D': {
        std::string kv = optarg;
        auto eq = kv.find('=');
        if (eq == std::string::npos) { std::cerr << "phimilter: -D needs NAME=VALUE\n"; return 2; }
        topt.macros[kv.substr(0, eq)] = kv.substr(eq + 1);
        break;
      }
      case 's': topt.sender = optarg; break;
      case 'r': topt.recipients.emplace_back(optarg); break;
      case 'V': std::cout << "phimilter " << PACKAGE_VERSION << "\n"; return 0;
      case 'h': usage(std::cout); return 0;
      default: usage(std::cerr); return 2;
    }
  }
  // The default file may be absent (built-in defaults); a file named with -c must exist.
  auto cfg = phi::load_config(config_path, !config_given);
  if (!cfg) {
    std::cerr << "phimilter: " << cfg.error().message << "\n";
    return 1;
  }
  if (check_only) {
    std::cout << "# phimilter " << PACKAGE_VERSION << ": configuration OK ("
              << ((*cfg)->source.empty() ? "built-in defaults" : (*cfg)->source) << ")\n";
    for (const auto& [k, v] : phi::non_default_settings((*cfg)->settings)) std::cout << k << " " << v << "\n";
    std::cout << "# " << phi::config_summary(**cfg) << "\n";
    for (const auto& w : phi::config_warnings(**cfg)) std::cout << "# warning: " << w << "\n";
    return 0;
  }
  if (test_mode) {
    if (optind >= argc) { std::cerr << "phimilter: -t needs at least one file\n"; return 2; }
    phi::log_setup_stderr(phi::LogLevel::Warning);
    std::vector<std::string> files(argv + optind, argv + argc);
    return phi::run_test_mode(*cfg, files, topt, std::cout, std::cerr);
  }
  if (optind < argc) { usage(std::cerr); return 2; }

  const auto& s = (*cfg)->settings;
  umask(static_cast<mode_t>(s.UMask));
  if (auto r = phi::log_setup(s); !r) {
    std::cerr << "phimilter: " << r.error().message << "\n";
    return 1;
  }
  phi::ConfigHolder holder;
  holder.store(*cfg);
  phi::AuditService audit;
  if (auto r = phi::milter_setup(holder, &audit); !r) {
    std::cerr << "phimilter: " << r.error().message << "\n";
    return 1;
  }
  if (auto e = drop_privileges(s.UserID); !e.empty()) {
    std::cerr << "phimilter: " << e << "\n";
    return 1;
  }
  if (auto r = phi::milter_open_socket(); !r) {
    std::cerr << "phimilter: " << r.error().message << "\n";
    return 1;
  }
  if (!foreground) {
    if (auto e = daemonize(); !e.empty()) {
      std::cerr << "phimilter: " << e << "\n";
      return 1;
    }
  }
  if (!s.PidFile.empty()) {
    std::ofstream pf(s.PidFile, std::ios::trunc);
    if (pf) pf << getpid() << "\n";
    else phi::log_line(phi::LogLevel::Warning, "", "main", "cannot write PidFile " + s.PidFile);
  }
  // The audit log is opened as the user that writes it, in the final process.
  // A log that cannot be opened does not stop the daemon: every message is
  // answered OnAuditError (and the open retried) until it can be.
  if (auto r = audit.configure(**cfg); !r)
    phi::log_line(phi::LogLevel::Error, "", "audit",
                  r.error().message + "; answering OnAuditError (" + s.OnAuditError + ") until it opens");
  int rc = phi::milter_run((*cfg)->source.empty() ? config_path : (*cfg)->source, !config_given);
  audit.close();  // closing checkpoint
  if (!s.PidFile.empty()) unlink(s.PidFile.c_str());
  return rc;
}
