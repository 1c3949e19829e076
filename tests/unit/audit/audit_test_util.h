// NAME
//   audit_test_util - temporary directories, key files and sample events for audit tests
// SYNOPSIS
//   TempDir dir;  std::string key_path = write_key_file(dir, 32, 0600);
//   MessageEvent e = sample_message(3);
// THREADS
//   Test code; one thread unless stated.
#ifndef PHI_TESTS_AUDIT_TEST_UTIL_H
#define PHI_TESTS_AUDIT_TEST_UTIL_H

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "milter/audit/record.h"
#include "milter/audit/writer.h"

namespace phi::audit::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "phi-audit-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline std::string write_key_file(const TempDir& d, size_t bytes, mode_t mode, const std::string& name = "key") {
  std::string p = d.file(name);
  std::ofstream(p, std::ios::binary) << std::string(bytes, 'k');
  ::chmod(p.c_str(), mode);
  return p;
}

inline AuditKey test_key() { return AuditKey{std::string(32, 'k')}; }

inline std::string read_file(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_file(const std::string& p, const std::string& text) {
  std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
}

inline std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  for (std::string l; std::getline(ss, l);) out.push_back(l);
  return out;
}

inline std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

inline MessageEvent sample_message(int n, int64_t time = 1795390903) {  // 2026-11-22 23:41:43 UTC
  MessageEvent e;
  e.time = time;
  e.queue_id = "4ABC" + std::to_string(n);
  e.message_id = "<m" + std::to_string(n) + "@example.net>";
  e.sender = "alice@example.net";
  e.recipients = {{"bob@example.org", "escrow", "phi-insecure"}, {"carol@example.org", "escrow", "phi-insecure"}};
  e.client_name = "mail.example.net";
  e.client_addr = "192.0.2.4";
  e.tls = HopTls{"TLSv1.3", "TLS_AES_256_GCM_SHA384", 256, "OK"};
  e.path = PathCounts{3, 2, 1, 0, 0, "plaintext"};
  e.dkim = "pass";
  e.categories = {{"ssn", 1}, {"icd10", 2}};
  e.escrow_id = "E" + std::to_string(n);
  return e;
}

inline AuditOptions options(const std::string& path, const std::string& checkpoint_file = "") {
  AuditOptions o;
  o.path = path;
  o.key = test_key();
  o.checkpoint_file = checkpoint_file;
  return o;
}

}  // namespace phi::audit::testing

#endif
