// config - parse phimilter.conf into Settings and build Config snapshots.
#include "milter/config.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "milter/util/files.h"
#include "milter/util/strings.h"
#include "policy/rules_parser.h"

namespace phi {
namespace {

constexpr size_t kMaxConfigBytes = 1 << 20;  // a config file larger than this is refused
constexpr size_t kMaxLineBytes = 8192;

Result<uint64_t> parse_uint(std::string_view v, int base = 10) {
  uint64_t n = 0;
  if (v.empty()) return Error{"expected a number"};
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n, base);
  if (ec != std::errc() || p != v.data() + v.size())
    return Error{"\"" + std::string(v) + "\" is not a " + (base == 8 ? "octal " : "") + "number"};
  return n;
}

Result<uint64_t> parse_scaled(std::string_view v, const std::map<char, uint64_t>& units, const char* what) {
  if (v.empty()) return Error{std::string("expected ") + what};
  uint64_t mult = 1;
  char last = ascii_lower(v.back());
  if (auto it = units.find(last); it != units.end()) {
    mult = it->second;
    v.remove_suffix(1);
  }
  auto n = parse_uint(v);
  if (!n) return Error{std::string("expected ") + what + ", got \"" + std::string(v) + "\""};
  if (*n > UINT64_MAX / mult) return Error{"value too large"};
  return *n * mult;
}

bool valid_header_name(std::string_view v) {
  if (v.empty() || v.size() > 64) return false;
  for (char c : v)
    if (c <= 32 || c >= 127 || c == ':') return false;
  return true;
}

Result<void> check_socket(std::string_view v) {
  auto colon = v.find(':');
  std::string_view proto = colon == std::string_view::npos ? "" : v.substr(0, colon);
  std::string_view rest = colon == std::string_view::npos ? v : v.substr(colon + 1);
  if (colon == std::string_view::npos && !v.empty() && v[0] == '/') return Ok();  // bare path = unix
  if (proto == "unix" || proto == "local") {
    if (rest.empty() || rest[0] != '/') return Error{"a unix socket needs an absolute path, as in local:/run/phimilter/phimilter.sock"};
    if (rest.size() > 100) return Error{"socket path longer than 100 bytes"};
    return Ok();
  }
  if (proto == "inet" || proto == "inet6") {
    auto at = rest.find('@');
    auto port = parse_uint(rest.substr(0, at));
    if (!port || *port == 0 || *port > 65535) return Error{"expected inet:PORT@HOST with a port from 1 to 65535"};
    if (at != std::string_view::npos && at + 1 >= rest.size()) return Error{"empty host after '@'"};
    return Ok();
  }
  return Error{"unknown socket type \"" + std::string(proto) + "\" (use unix:, local:, inet: or inet6:)"};
}

Result<std::string> parse_text(KeyType t, std::string_view v, std::string_view allowed) {
  switch (t) {
    case KeyType::Choice:
      {
        std::string_view rest = allowed;
        while (!rest.empty()) {
          auto bar = rest.find('|');
          auto opt = rest.substr(0, bar);
          if (iequals(opt, v)) return std::string(opt);
          rest = bar == std::string_view::npos ? std::string_view{} : rest.substr(bar + 1);
        }
      }
      return Error{"\"" + std::string(v) + "\" is not one of " + std::string(allowed)};
    case KeyType::Socket: {
      auto r = check_socket(v);
      if (!r) return r.error();
      return std::string(v);
    }
    case KeyType::LogTarget:
      if (v == "syslog" || v == "stderr" || (!v.empty() && v[0] == '/')) return std::string(v);
      return Error{"expected syslog, stderr or an absolute file path"};
    case KeyType::HeaderName:
      if (!valid_header_name(v)) return Error{"\"" + std::string(v) + "\" is not a valid header name"};
      return std::string(v);
    case KeyType::Path:
      if (!v.empty() && v[0] != '/') return Error{"expected an absolute path"};
      return std::string(v);
    default:
      return std::string(v);
  }
}

template <KeyType T>
Result<void> parse_into(std::string_view v, const char* allowed, typename KeyValueType<T>::type& out) {
  if constexpr (T == KeyType::Bool) {
    if (iequals(v, "yes") || iequals(v, "true") || iequals(v, "on") || v == "1") { out = true; return Ok(); }
    if (iequals(v, "no") || iequals(v, "false") || iequals(v, "off") || v == "0") { out = false; return Ok(); }
    return Error{"expected yes or no, got \"" + std::string(v) + "\""};
  } else if constexpr (T == KeyType::Int) {
    auto r = parse_uint(v);
    if (!r) return r.error();
    out = *r;
    return Ok();
  } else if constexpr (T == KeyType::Octal) {
    auto r = parse_uint(v, 8);
    if (!r) return r.error();
    if (*r > 0777) return Error{"mode larger than 0777"};
    out = *r;
    return Ok();
  } else if constexpr (T == KeyType::Bytes) {
    auto r = parse_scaled(v, {{'k', 1024ull}, {'m', 1024ull * 1024}, {'g', 1024ull * 1024 * 1024}}, "a size such as 512k or 50M");
    if (!r) return r.error();
    out = *r;
    return Ok();
  } else if constexpr (T == KeyType::Seconds) {
    auto r = parse_scaled(v, {{'s', 1ull}, {'m', 60ull}, {'h', 3600ull}, {'d', 86400ull}}, "a duration such as 30s, 5m, 12h or 30d");
    if (!r) return r.error();
    out = *r;
    return Ok();
  } else if constexpr (T == KeyType::List) {
    out.clear();
    for (auto item : split_list(v)) out.emplace_back(item);
    return Ok();
  } else {
    auto r = parse_text(T, v, allowed);
    if (!r) return r.error();
    out = std::move(*r);
    return Ok();
  }
}

template <class V>
std::string show_value(const V& v) {
  if constexpr (std::is_same_v<V, bool>) return v ? "yes" : "no";
  else if constexpr (std::is_same_v<V, uint64_t>) return std::to_string(v);
  else if constexpr (std::is_same_v<V, std::vector<std::string>>) {
    std::string s;
    for (const auto& i : v) s += (s.empty() ? "" : ", ") + i;
    return s;
  } else return v;
}

std::vector<KeyEntry> make_keys() {
  std::vector<KeyEntry> keys;
#define PHI_KEY(name, kind, def, allowed, doc)                                              \
  keys.push_back(KeyEntry{#name, KeyType::kind, def, allowed, doc,                        \
                          [](Settings& s, std::string_view v) {                            \
                            return parse_into<KeyType::kind>(v, allowed, s.name);          \
                          },                                                               \
                          [](const Settings& s) { return show_value(s.name); }});
#include "milter/config_keys.def"
#undef PHI_KEY
  return keys;
}

Settings make_defaults() {
  Settings s;
  for (const auto& k : config_keys()) {
    auto r = k.set(s, k.default_text);
    if (!r) std::abort();  // a bad built-in default is a programming error; a unit test covers it
  }
  return s;
}

constexpr size_t kMaxPortalUrlBytes = 512;

}  // namespace

// Owner the key files must have: the UserID user when we run as root and will
// switch to it, otherwise ourselves.
Result<uid_t> key_file_owner(const Settings& s) {
  if (geteuid() != 0 || s.UserID.empty()) return geteuid();
  std::string user = s.UserID.substr(0, s.UserID.find(':'));
  struct passwd* pw = getpwnam(user.c_str());
  if (!pw) return Error{"UserID: unknown user \"" + user + "\""};
  return pw->pw_uid;
}

namespace {

// UserID names a user (and group) this host has: the daemon switches to it
// at start, after phimilter -n or a reload would have passed.
Result<void> check_user_id(const std::string& spec) {
  if (spec.empty()) return Ok();
  auto colon = spec.find(':');
  std::string user = spec.substr(0, colon);
  if (user.empty() || !getpwnam(user.c_str())) return Error{"UserID: unknown user \"" + user + "\""};
  if (colon != std::string::npos) {
    std::string group = spec.substr(colon + 1);
    if (group.empty() || !getgrnam(group.c_str())) return Error{"UserID: unknown group \"" + group + "\""};
  }
  return Ok();
}

// A LogTarget file must be one the daemon can open for appending (at start,
// and on every reload as UserID): an existing file is opened (and closed,
// nothing written); a missing one needs a directory we may create it in.
// Nothing is created here, so phimilter -n leaves no file behind.
Result<void> check_log_target(const std::string& target) {
  if (target == "syslog" || target == "stderr") return Ok();
  const std::string what = "LogTarget " + target;
  struct stat st;
  if (::stat(target.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Error{what + ": is a directory"};
    int fd = ::open(target.c_str(), O_WRONLY | O_APPEND | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) return Error{what + ": cannot open for appending: " + std::strerror(errno)};
    ::close(fd);
    return Ok();
  }
  if (errno != ENOENT) return Error{what + ": " + std::strerror(errno)};
  const auto slash = target.rfind('/');
  const std::string dir = slash == 0 ? "/" : target.substr(0, slash);
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return Error{what + ": directory " + dir + " does not exist"};
  if (::faccessat(AT_FDCWD, dir.c_str(), W_OK | X_OK, AT_EACCESS) != 0)
    return Error{what + ": cannot create it in " + dir + ": " + std::strerror(errno)};
  return Ok();
}

Result<void> check_portal_url(std::string_view url) {
  if (!istarts_with(url, "https://") && !istarts_with(url, "http://"))
    return Error{"PortalURL: expected an http:// or https:// URL"};
  if (url.size() > kMaxPortalUrlBytes) return Error{"PortalURL: longer than " + std::to_string(kMaxPortalUrlBytes) + " bytes"};
  for (unsigned char c : url)
    if (c <= 32 || c >= 127) return Error{"PortalURL: spaces, control or non-ASCII characters are not allowed"};
  return Ok();
}

// A converter's program (PdfToText, OcrProgram): false with `unavailable`
// set when it is the built-in default and missing (its package is not
// installed: `package` says which); an error when one named in the
// configuration is not an executable file.
Result<bool> converter_program(const std::string& key, const std::string& path, const std::string& default_path,
                               const std::string& package, std::string& unavailable) {
  struct stat st;
  bool missing = ::stat(path.c_str(), &st) != 0 && errno == ENOENT;
  if (missing && path == default_path) {
    unavailable = path + " missing (install " + package + ")";
    return false;
  }
  if (missing || !S_ISREG(st.st_mode) || ::access(path.c_str(), X_OK) != 0)
    return Error{key + " " + path + ": not an executable file"};
  return true;
}

// A converter's XxxTimeout, XxxMemoryLimit (at least min_memory) and
// XxxProcesses, checked; off_hint says how to read no such file instead.
Result<ConverterLimits> converter_limits(std::string_view prefix, uint64_t timeout, uint64_t memory,
                                         uint64_t min_memory, uint64_t processes, uint64_t max_message,
                                         std::string_view off_hint) {
  const std::string p(prefix);
  if (timeout == 0) return Error{p + "Timeout: must be longer than 0s"};
  if (processes == 0) return Error{p + "Processes: must be at least 1 (" + std::string(off_hint) + ")"};
  if (memory < min_memory) return Error{p + "MemoryLimit: must be at least " + std::to_string(min_memory >> 20) + "M"};
  ConverterLimits l;
  l.timeout = std::chrono::seconds(timeout);
  l.memory_limit = memory;
  l.max_text = std::min<uint64_t>(32ull << 20, max_message);
  l.processes = unsigned(std::min<uint64_t>(processes, 1024));
  return l;
}

// A copy of the archive reader (null when there is none) whose archives
// take no slot of their own: for 7z and RAR files attached to a PDF or a
// .msg, which are read in the slot the PDF or the .msg holds, one at a
// time. Slots are then only ever waited for in one order (archive, then
// office, then PDF, then OCR), so no two documents wait for each other's.
std::shared_ptr<const mime::DocumentReader> archive_in_caller_slot(const Config& cfg) {
  if (!cfg.archive) return nullptr;
  ArchiveOptions o = cfg.archive->options();
  o.in_caller_slot = true;
  return std::make_shared<const ArchiveToTar>(std::move(o));
}

// The PDF reader when PdfToText is set. The built-in default program may be
// missing (poppler-utils not installed: PDFs are then uninspected, with a
// warning); a program named in the configuration must be an executable file.
// `office` and `archive` read the Office 97-2003 and .msg files and the
// 7z and RAR archives attached to a PDF, in its slot.
Result<void> build_pdf(Config& cfg, std::shared_ptr<const mime::DocumentReader> office,
                       std::shared_ptr<const mime::DocumentReader> archive) {
  const Settings& s = cfg.settings;
  if (s.PdfToText.empty()) {
    cfg.pdf_unavailable = "PdfToText is empty";
    return Ok();
  }
  auto limits = converter_limits("Pdf", s.PdfTimeout, s.PdfMemoryLimit, 64ull << 20, s.PdfProcesses, s.MaxMessageBytes,
                                 "set PdfToText empty to read no PDF");
  if (!limits) return limits.error();
  auto usable = converter_program("PdfToText", s.PdfToText, default_settings().PdfToText, "poppler-utils",
                                  cfg.pdf_unavailable);
  if (!usable) return usable.error();
  if (!*usable) return Ok();
  PdfOptions o;
  static_cast<ConverterLimits&>(o) = *limits;
  o.program = s.PdfToText;
  // Scanned pages: poppler's pdftoppm, from the same directory as pdftotext.
  if (cfg.ocr) {
    std::string render = s.PdfToText.substr(0, s.PdfToText.rfind('/') + 1) + "pdftoppm";
    if (::access(render.c_str(), X_OK) == 0) {
      o.render_program = render;
      o.ocr = cfg.ocr;
      // Pictures on pages with text: pdfimages lists them, from the same package.
      std::string list = s.PdfToText.substr(0, s.PdfToText.rfind('/') + 1) + "pdfimages";
      if (::access(list.c_str(), X_OK) == 0) o.image_list_program = list;
      else cfg.pdf_scans = list + " missing: pictures on PDF pages with text are not read";
    } else {
      cfg.pdf_scans = render + " missing: scanned PDF pages are not read";
    }
  }
  // Files attached to PDFs and their comments: qpdf decodes the streams and lists the objects.
  if (!s.PdfObjects.empty()) {
    std::string unavailable;
    auto files = converter_program("PdfObjects", s.PdfObjects, default_settings().PdfObjects, "qpdf",
                                   unavailable);
    if (!files) return files.error();
    if (*files)
      o.qpdf_program = s.PdfObjects;
    else
      cfg.pdf_files = "PdfObjects " + unavailable +
                      ": files attached to PDFs (their PDFs reported uninspected) and comments on PDFs are not read";
  }
  // Office 97-2003, .msg, 7z and RAR files attached to PDFs, read once qpdf
  // has decoded them, in the PDF's slot.
  if (!o.qpdf_program.empty()) {
    o.office = std::move(office);
    o.archive = std::move(archive);
  }
  cfg.pdf = std::make_shared<const PdfToText>(std::move(o));
  return Ok();
}

// The image reader when OcrProgram is set; as build_pdf. tesseract is only
// recommended by the package, so a missing default program is no warning.
Result<void> build_ocr(Config& cfg) {
  const Settings& s = cfg.settings;
  if (s.OcrProgram.empty()) {
    cfg.ocr_unavailable = "OcrProgram is empty";
    return Ok();
  }
  if (!valid_ocr_language(s.OcrLanguage))
    return Error{"OcrLanguage: \"" + s.OcrLanguage + "\" is not a list of tesseract languages (eng, eng+spa)"};
  auto limits = converter_limits("Ocr", s.OcrTimeout, s.OcrMemoryLimit, 128ull << 20, s.OcrProcesses, s.MaxMessageBytes,
                                 "set OcrProgram empty to read no image");
  if (!limits) return limits.error();
  if (s.OcrMinBytes > (16ull << 20)) return Error{"OcrMinBytes: must be at most 16M"};
  auto usable = converter_program("OcrProgram", s.OcrProgram, default_settings().OcrProgram, "tesseract-ocr",
                                  cfg.ocr_unavailable);
  if (!usable) return usable.error();
  if (!*usable) return Ok();
  // Debian's tesseract reads its models from kTessdata (no TESSDATA_PREFIX
  // reaches it): a language without one would fail every image.
  constexpr const char* kTessdata = "/usr/share/tesseract-ocr/5/tessdata";
  struct stat dir;
  if (s.OcrProgram == default_settings().OcrProgram && ::stat(kTessdata, &dir) == 0 && S_ISDIR(dir.st_mode)) {
    std::string_view langs = s.OcrLanguage;  // names joined by '+' (valid_ocr_language)
    while (!langs.empty()) {
      size_t plus = langs.find('+');
      std::string lang(langs.substr(0, plus));
      langs = plus == std::string_view::npos ? std::string_view() : langs.substr(plus + 1);
      std::string model = std::string(kTessdata) + "/" + lang + ".traineddata";
      if (::access(model.c_str(), R_OK) == 0) continue;
      std::string package = "tesseract-ocr-" + to_lower(lang);
      std::replace(package.begin(), package.end(), '_', '-');
      return Error{"OcrLanguage: no " + lang + " model in " + kTessdata + " (install " + package + ")"};
    }
    // Without its osd model tesseract reads every page as it lies.
    std::string osd = std::string(kTessdata) + "/osd.traineddata";
    if (s.OcrOrientation && ::access(osd.c_str(), R_OK) != 0)
      return Error{std::string("OcrOrientation: no osd model in ") + kTessdata +
                   " (install tesseract-ocr-osd, or set OcrOrientation no)"};
  }
  OcrOptions o;
  // The decoder's built-in path missing (a build run where it was built, not
  // installed): HEIF images stay unread, as images do without tesseract.
  if (s.OcrHeifProgram.empty()) {
    cfg.ocr_heif = "OcrHeifProgram is empty";
  } else {
    auto heif = converter_program("OcrHeifProgram", s.OcrHeifProgram, default_settings().OcrHeifProgram,
                                  "phimilter, or run make install", cfg.ocr_heif);
    if (!heif) return heif.error();
    if (*heif) o.heif_program = s.OcrHeifProgram;
  }
  static_cast<ConverterLimits&>(o) = *limits;
  o.program = s.OcrProgram;
  o.language = s.OcrLanguage;
  o.min_bytes = s.OcrMinBytes;
  o.orientation = s.OcrOrientation;
  cfg.ocr = std::make_shared<const ImageOcr>(std::move(o));
  return Ok();
}

// The Word, Excel and PowerPoint 97-2003 reader's options when
// LegacyOfficeToText is set (nullopt when it is empty); as build_ocr
// (catdoc is only recommended by the package). xls2csv comes from the same
// directory (the catdoc package); missing, Excel files are not read, with
// a warning. PowerPoint files are read by phimilter. Taken before the PDF
// reader, which reads such files attached to a PDF (pdf_office()).
Result<std::optional<LegacyOfficeOptions>> office_options(Config& cfg) {
  const Settings& s = cfg.settings;
  if (s.LegacyOfficeToText.empty()) {
    cfg.office_unavailable = "LegacyOfficeToText is empty";
    return std::optional<LegacyOfficeOptions>();
  }
  auto limits = converter_limits("LegacyOffice", s.LegacyOfficeTimeout, s.LegacyOfficeMemoryLimit, 64ull << 20,
                                 s.LegacyOfficeProcesses, s.MaxMessageBytes,
                                 "set LegacyOfficeToText empty to read no such file");
  if (!limits) return limits.error();
  auto usable = converter_program("LegacyOfficeToText", s.LegacyOfficeToText, default_settings().LegacyOfficeToText,
                                  "catdoc", cfg.office_unavailable);
  if (!usable) return usable.error();
  LegacyOfficeOptions o;
  static_cast<ConverterLimits&>(o) = *limits;
  if (*usable) {
    o.word = s.LegacyOfficeToText;
    const std::string dir = s.LegacyOfficeToText.substr(0, s.LegacyOfficeToText.rfind('/') + 1);
    if (std::string xls2csv = dir + "xls2csv"; ::access(xls2csv.c_str(), X_OK) == 0)
      o.excel = xls2csv;
    else
      cfg.office_partial = xls2csv + " missing: Excel 97-2003 files are not read";
  }  // else the default catdoc is missing: PowerPoint files only, which need no program
  return std::optional<LegacyOfficeOptions>(std::move(o));
}

// The reader of Office 97-2003 and .msg files attached to a PDF: its
// documents run in the PDF's slot (in_caller_slot), and the files attached
// to a .msg there are read without PDFs (images by OCR, 7z and RAR
// archives in the slot too), so that a PDF never waits for a second PDF
// slot while holding one.
std::shared_ptr<const mime::DocumentReader> pdf_office(const Config& cfg,
                                                       const std::optional<LegacyOfficeOptions>& office,
                                                       const std::shared_ptr<const mime::DocumentReader>& archive) {
  if (!office) return nullptr;
  LegacyOfficeOptions o = *office;
  o.in_caller_slot = true;
  if (cfg.ocr || archive) o.attachments = std::make_shared<const Converters>(nullptr, cfg.ocr, nullptr, archive);
  return std::make_shared<const LegacyOffice>(std::move(o));
}

// The Office reader of the mail's attachments: files attached to an
// Outlook .msg are read with PDFs and images, and 7z and RAR archives in
// the .msg's slot (all built before this).
void build_office(Config& cfg, std::optional<LegacyOfficeOptions> office,
                  const std::shared_ptr<const mime::DocumentReader>& archive) {
  if (!office) return;
  if (cfg.pdf || cfg.ocr || archive)
    office->attachments = std::make_shared<const Converters>(cfg.pdf, cfg.ocr, nullptr, archive);
  cfg.office = std::make_shared<const LegacyOffice>(std::move(*office));
}

// The 7z and RAR reader when ArchiveToTar is set; as build_pdf (the package
// depends on libarchive-tools: a missing default program is a warning).
Result<void> build_archive(Config& cfg) {
  const Settings& s = cfg.settings;
  if (s.ArchiveToTar.empty()) {
    cfg.archive_unavailable = "ArchiveToTar is empty";
    return Ok();
  }
  auto limits = converter_limits("Archive", s.ArchiveTimeout, s.ArchiveMemoryLimit, 64ull << 20, s.ArchiveProcesses,
                                 s.MaxMessageBytes, "set ArchiveToTar empty to read no 7z or RAR archive");
  if (!limits) return limits.error();
  auto usable = converter_program("ArchiveToTar", s.ArchiveToTar, default_settings().ArchiveToTar, "libarchive-tools",
                                  cfg.archive_unavailable);
  if (!usable) return usable.error();
  if (!*usable) return Ok();
  ArchiveOptions o;
  static_cast<ConverterLimits&>(o) = *limits;
  o.program = s.ArchiveToTar;
  cfg.archive = std::make_shared<const ArchiveToTar>(std::move(o));
  return Ok();
}

// Loads the escrow keys and builds the store when EscrowKeyFile is set. The
// built-in default key file may be missing (escrow is then unavailable and
// escrow decisions answer tempfail); a key file named in the configuration
// must load.
Result<void> build_escrow(Config& cfg) {
  const Settings& s = cfg.settings;
  cfg.escrow_notice_from = s.EscrowNoticeFrom.empty() ? "postmaster@" + cfg.authserv_id : s.EscrowNoticeFrom;
  cfg.portal_url = s.PortalURL.empty() ? "https://" + cfg.authserv_id + "/phimilter/pickup/" : s.PortalURL;
  if (s.EscrowKeyFile.empty()) {
    cfg.escrow_unavailable = "EscrowKeyFile is empty";
    return Ok();
  }
  struct stat st;
  if (s.EscrowKeyFile == default_settings().EscrowKeyFile && ::lstat(s.EscrowKeyFile.c_str(), &st) != 0 && errno == ENOENT) {
    cfg.escrow_unavailable = s.EscrowKeyFile + " missing";
    return Ok();
  }
  if (auto r = check_portal_url(cfg.portal_url); !r) return r;
  if (s.EscrowRetention == 0) return Error{"EscrowRetention: must be longer than 0s"};
  if (s.EscrowMaxBytes == 0) return Error{"EscrowMaxBytes: must be larger than 0"};
  if (split_list(s.NoticeSendmail).empty()) return Error{"NoticeSendmail: needed when escrow is configured"};
  if (s.NoticeTimeout == 0) return Error{"NoticeTimeout: must be longer than 0s"};
  if (s.NoticeTimeout > 3600) return Error{"NoticeTimeout: at most 1h (the MTA stops waiting for phimilter long before)"};
  if (s.EscrowDirectory.empty() || ::stat(s.EscrowDirectory.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return Error{"EscrowDirectory: " + s.EscrowDirectory + " is not an existing directory"};
  auto owner = key_file_owner(s);
  if (!owner) return owner.error();
  auto keys = escrow::load_key_file(s.EscrowKeyFile, *owner);
  if (!keys) return keys.error().context("EscrowKeyFile");
  escrow::StoreOptions opt{s.EscrowDirectory, static_cast<int64_t>(s.EscrowRetention), s.EscrowMaxBytes};
  cfg.escrow = std::make_shared<const escrow::Store>(std::move(opt), std::move(*keys));
  return Ok();
}

// The installed data directory, else the source tree's copy (uninstalled
// build tree).
std::string installed_data_dir() {
  if (access(PHI_PKGDATADIR "/icd10cm_codes.txt", R_OK) == 0) return PHI_PKGDATADIR;
  return PHI_SRCDIR "/policy/data";
}

// The shipped dictionaries: DataDirectory, else the installed ones.
std::string classifier_data_dir(const Settings& s) {
  return s.DataDirectory.empty() ? installed_data_dir() : s.DataDirectory;
}

// A DataDirectory copied from an older version lacks the files added since:
// the error names this version's copy of the missing one.
std::string missing_data_file_hint(const Settings& s, const std::string& msg) {
  const std::string prefix = s.DataDirectory + "/";
  auto end = msg.find(": cannot open: ");
  if (s.DataDirectory.empty() || msg.rfind(prefix, 0) != 0 || end == std::string::npos) return msg;
  std::string file = msg.substr(prefix.size(), end - prefix.size());
  if (file.empty() || file.find('/') != std::string::npos) return msg;
  std::string ours = installed_data_dir() + "/" + file;
  if (ours == msg.substr(0, end) || access(ours.c_str(), R_OK) != 0) return msg;
  return msg + "; this version's copy is " + ours + " (a copy of the data made from an older version needs it)";
}

// Which key a classifier build error is about.
const char* classifier_error_key(const Settings& s, const std::string& msg) {
  if (!s.CustomDetectors.empty() && msg.rfind(s.CustomDetectors, 0) == 0) return "CustomDetectors";
  for (const auto& item : s.CustomDictionaries) {
    auto eq = item.find('=');
    if (msg.find(eq == std::string::npos ? item : item.substr(eq + 1)) != std::string::npos) return "CustomDictionaries";
  }
  if (msg.find("TYPE") != std::string::npos || msg.find("dictionary type") != std::string::npos) return "CustomDictionaries";
  return "DataDirectory";
}

Result<std::shared_ptr<const policy::Classifier>> build_classifier(const Settings& s) {
  policy::ClassifierOptions o;
  o.data_dir = classifier_data_dir(s);
  o.dictionary_files = s.CustomDictionaries;
  o.detectors_file = s.CustomDetectors;
  auto c = policy::Classifier::build(o);
  if (!c) return Error{missing_data_file_hint(s, c.error().message)}.context(classifier_error_key(s, c.error().message));
  return c;
}

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0 || buf[0] == 0) return "localhost";
  return buf;
}

// A master.cf service name or Sendmail mailer name, as {rcpt_mailer} passes it.
bool valid_transport_name(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
      return false;
  return true;
}

// Builds the policy objects of the snapshot; errors name the key.
Result<void> build_policy(const Settings& s, Config& cfg) {
  auto rules = policy::load_rules(s.PolicyFile.empty() ? policy::default_policy_path() : s.PolicyFile);
  if (!rules) return rules.error().context("PolicyFile");
  if (cfg.classifier)
    if (auto known = policy::check_categories(*rules, cfg.classifier->category_names()); !known)
      return known.error().context("PolicyFile");
  rules->mode = s.Mode == "monitor" ? policy::Mode::Monitor : policy::Mode::Enforce;
  rules->tag_show_categories = s.TagShowCategories;
  rules->route_tls_header = s.RouteTLSHeader;
  cfg.rules = std::make_shared<const policy::RuleSet>(std::move(*rules));
  auto internal = HostList::parse(s.InternalNetworks);
  if (!internal) return internal.error().context("InternalNetworks");
  cfg.internal_networks = std::make_shared<const HostList>(std::move(*internal));
  for (const auto& t : s.LocalTransports)
    if (!valid_transport_name(t))
      return Error{"LocalTransports: \"" + t.substr(0, 64) +
                   "\" is not a transport name (letters, digits, '-', '_', '.'; at most 64)"};
  auto never = policy::DomainList::parse(s.NeverSecureDomains);
  if (!never) return never.error().context("NeverSecureDomains");
  auto table = policy::load_tls_policy_table(s.TLSPolicyMap, s.PostmapCommand, s.PostfixConfigDir);
  if (!table) return table.error().context("TLSPolicyMap");
  auto level = policy::parse_tls_level(s.TLSDefaultLevel);
  if (!level) return Error{"TLSDefaultLevel: unknown level"};
  cfg.tls_posture = std::make_shared<const policy::TlsPostureResolver>(std::move(*table), *level, std::move(*never));
  return Ok();
}

}  // namespace

const std::vector<KeyEntry>& config_keys() {
  static const std::vector<KeyEntry> keys = make_keys();
  return keys;
}

const Settings& default_settings() {
  static const Settings s = make_defaults();
  return s;
}

Result<Settings> parse_settings(std::string_view text, const std::string& file_name) {
  Settings s = default_settings();
  std::map<std::string, size_t> seen;  // lower-case key -> line
  Lines lines(text);
  std::string_view line;
  while (lines.next(line)) {
    const size_t line_no = lines.number();
    const std::string where = file_name + ":" + std::to_string(line_no);
    if (line.size() > kMaxLineBytes) return Error{where + ": line longer than " + std::to_string(kMaxLineBytes) + " bytes"};
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    size_t k = 0;
    while (k < line.size() && !is_space(line[k])) ++k;
    std::string_view key = line.substr(0, k);
    std::string_view value = trim(line.substr(k));
    const KeyEntry* entry = nullptr;
    for (const auto& e : config_keys())
      if (iequals(e.name, key)) { entry = &e; break; }
    if (!entry) return Error{where + ": unknown key \"" + std::string(key).substr(0, 64) + "\""};
    auto [it, fresh] = seen.emplace(to_lower(key), line_no);
    if (!fresh)
      return Error{where + ": " + entry->name + " given twice (first at line " + std::to_string(it->second) + ")"};
    if (value.empty() && entry->type != KeyType::String && entry->type != KeyType::Path && entry->type != KeyType::List)
      return Error{where + ": " + entry->name + " needs a value"};
    auto r = entry->set(s, value);
    if (!r) return r.error().context(where + ": " + entry->name);
    s.key_lines[entry->name] = line_no;
  }
  return s;
}

std::vector<std::pair<std::string, std::string>> non_default_settings(const Settings& s) {
  std::vector<std::pair<std::string, std::string>> out;
  const Settings& d = default_settings();
  for (const auto& k : config_keys()) {
    auto v = k.show(s);
    if (v != k.show(d)) out.emplace_back(k.name, v);
  }
  return out;
}

std::string config_summary(const Config& cfg) {
  const Settings& s = cfg.settings;
  std::string out = "config " + (cfg.source.empty() ? std::string("built-in defaults") : cfg.source);
  if (cfg.rules) {
    out += std::string("; mode ") + (cfg.rules->mode == policy::Mode::Enforce ? "enforce" : "monitor");
    out += "; policy " + cfg.rules->source + " (" + std::to_string(cfg.rules->rules.size()) + " rules)";
  }
  out += cfg.escrow ? "; escrow on (" + s.EscrowDirectory + ")" : "; escrow off (" + cfg.escrow_unavailable + ")";
  out += cfg.audit ? "; audit on (" + s.AuditLog + ")" : std::string("; audit off (AuditLog is empty)");
  out += std::string("; DKIM verify ") + (cfg.dkim ? "on" : "off");
  if (cfg.classifier) out += "; " + std::to_string(cfg.classifier->pattern_count()) + " detectors";
  out += cfg.pdf ? "; PDF text on (" + s.PdfToText +
                       (!cfg.pdf->options().ocr ? ", scanned pages unread"
                        : cfg.pdf->options().image_list_program.empty() ? ", scanned pages by OCR"
                                                                         : ", scanned pages and pictures by OCR") +
                       (cfg.pdf->options().qpdf_program.empty() ? ", attached files and comments unread)"
                                                                : ", attached files and comments by qpdf)")
                 : "; PDF text off (" + cfg.pdf_unavailable + ")";
  out += cfg.ocr ? "; OCR on (" + s.OcrProgram + " -l " + s.OcrLanguage +
                       (s.OcrOrientation ? ", pages turned upright" : ", pages read as they lie") +
                       (cfg.ocr->options().heif_program.empty() ? ", HEIF unread: " + cfg.ocr_heif + ")"
                                                                  : ", HEIF by " + s.OcrHeifProgram + ")")
                 : "; OCR off (" + cfg.ocr_unavailable + ")";
  if (!cfg.office)
    out += "; Word/Excel/PowerPoint 97-2003 text off (" + cfg.office_unavailable + ")";
  else if (cfg.office->options().word.empty())
    out += "; PowerPoint 97-2003 text on, Word/Excel off (" + cfg.office_unavailable + ")";
  else
    out += "; Word/Excel/PowerPoint 97-2003 text on (" + s.LegacyOfficeToText + ")";
  out += cfg.archive ? "; 7z/RAR on (" + s.ArchiveToTar + ")" : "; 7z/RAR off (" + cfg.archive_unavailable + ")";
  if (cfg.documents && !s.InboundDocuments) out += "; inbound documents unread (InboundDocuments no)";
  return out;
}

namespace {
bool asks_tls_mandatory(const policy::Rule& r) {
  for (const auto& all : r.any_of)
    for (const auto& c : all)
      if (c.kind == policy::CondKind::TlsMandatory) return true;
  return false;
}

// Transports that deliver over the network in Postfix's and Sendmail's
// stock configurations (and contrib/postfix's route-tls transport).
constexpr const char* kNetworkTransports[] = {"smtp", "relay", "smtp-tls", "esmtp", "smtp8", "dsmtp"};
}  // namespace

std::vector<std::string> config_warnings(const Config& cfg) {
  std::vector<std::string> out;
  for (const auto& t : cfg.settings.LocalTransports)
    for (const char* net : kNetworkTransports)
      if (t == net)
        out.push_back("LocalTransports names " + t + ", which delivers over the network: the local-delivery "
                      "condition is true for its recipients, and the shipped policy then neither escrows nor "
                      "routes their PHI");
  if (!cfg.pdf && !cfg.settings.PdfToText.empty())
    out.push_back("PdfToText " + cfg.pdf_unavailable + ": PDF attachments are not read, they are reported uninspected");
  if (!cfg.pdf_scans.empty()) out.push_back(cfg.pdf_scans);
  if (!cfg.pdf_files.empty()) out.push_back(cfg.pdf_files);
  if (!cfg.archive && !cfg.settings.ArchiveToTar.empty())
    out.push_back("ArchiveToTar " + cfg.archive_unavailable +
                  ": 7z and RAR attachments are not read, they are reported uninspected");
  if (!cfg.office_partial.empty()) out.push_back(cfg.office_partial);
  if (!cfg.rules) return out;
  const bool enforce = cfg.rules->mode == policy::Mode::Enforce;
  const bool no_tls_map = cfg.settings.TLSPolicyMap.empty() && cfg.tls_posture &&
                          !policy::is_mandatory(cfg.tls_posture->default_level());
  for (const auto& r : cfg.rules->rules) {
    const std::string rule = "rule " + r.name + " (" + cfg.rules->source + ":" + std::to_string(r.line) + ")";
    if (!cfg.escrow && enforce && r.action == policy::Action::Escrow)
      out.push_back(rule + " escrows, but escrow is off (" + cfg.escrow_unavailable +
                    "): the messages it decides get OnInternalError (" + cfg.settings.OnInternalError + ")");
    if (no_tls_map && asks_tls_mandatory(r))
      out.push_back(rule + " asks whether a recipient domain has mandatory TLS, but no TLSPolicyMap is set and "
                    "TLSDefaultLevel is " + cfg.settings.TLSDefaultLevel +
                    ": no domain has it (set TLSPolicyMap to the table of Postfix's smtp_tls_policy_maps)");
  }
  return out;
}

namespace {

// Every build error starts with the name of the key it is about ("Key: why"
// or "Key value: why"); when the file set that key, "source:line: " goes in
// front, as for the errors parse_settings finds.
Error locate_error(const KeyLines& lines, const std::string& source, Error e) {
  if (source.empty()) return e;
  for (const auto& k : config_keys()) {
    const std::string_view name = k.name;
    const std::string& m = e.message;
    if (m.size() <= name.size() || m.compare(0, name.size(), name) != 0) continue;
    if (m[name.size()] != ':' && m[name.size()] != ' ') continue;
    auto it = lines.find(name);
    if (it == lines.end()) return e;
    return e.context(source + ":" + std::to_string(it->second));
  }
  return e;
}

Result<std::shared_ptr<const Config>> build_config_unlocated(Settings settings, std::string source) {
  if (auto r = check_user_id(settings.UserID); !r) return r.error();
  if (auto r = check_log_target(settings.LogTarget); !r) return r.error();
  auto cfg = std::make_shared<Config>();
  auto classifier = build_classifier(settings);
  if (!classifier) return classifier.error();
  cfg->classifier = std::move(*classifier);
  cfg->authserv_id = settings.AuthservID.empty() ? host_name() : settings.AuthservID;
  if (audit::AuditOptions probe; !audit::parse_checkpoint_interval(settings.AuditCheckpointInterval, probe))
    return Error{"AuditCheckpointInterval: expected a record count (1000) or a duration (10m)"};
  if (!settings.AuditLog.empty()) {
    auto owner = key_file_owner(settings);
    if (!owner) return owner.error();
    auto audit = audit::make_audit_options(settings.AuditLog, settings.AuditKeyFile, settings.AuditCheckpointInterval,
                                           settings.AuditCheckpointFile, settings.AuditSync, *owner);
    // The error names AuditKeyFile or AuditCheckpointInterval; when the key
    // file is the built-in default, point at the AuditLog line that needs it.
    if (!audit) return settings.key_lines.contains("AuditKeyFile") ? audit.error() : audit.error().context("AuditLog");
    cfg->audit = std::move(*audit);
  }
  auto internal = HostList::parse(settings.InternalHosts);
  if (!internal) return internal.error().context("InternalHosts");
  cfg->internal_hosts = std::move(*internal);
  if (settings.DKIMVerify) {
    auto lib = provenance::DkimLibrary::create(settings.DKIMKeyFile);
    if (!lib) return lib.error().context(settings.DKIMKeyFile.empty() ? "DKIMVerify" : "DKIMKeyFile");
    cfg->dkim = std::move(*lib);
  }
  cfg->settings = std::move(settings);
  cfg->source = std::move(source);
  if (auto r = build_escrow(*cfg); !r) return r.error();
  if (auto r = build_ocr(*cfg); !r) return r.error();
  if (auto r = build_archive(*cfg); !r) return r.error();  // before the PDF reader: files attached to a PDF
  auto office = office_options(*cfg);
  if (!office) return office.error();
  const auto nested_archive = archive_in_caller_slot(*cfg);  // for 7z and RAR files inside a PDF or a .msg
  // After OCR (the scanned pages) and the Office options (files attached to a PDF).
  if (auto r = build_pdf(*cfg, pdf_office(*cfg, *office, nested_archive), nested_archive); !r) return r.error();
  build_office(*cfg, std::move(*office), nested_archive);  // after the PDF reader: files attached to a .msg
  if (cfg->settings.DocumentTimeBudget == 0) return Error{"DocumentTimeBudget: must be longer than 0s"};
  if (cfg->pdf || cfg->ocr || cfg->office || cfg->archive)
    cfg->documents = std::make_shared<const Converters>(cfg->pdf, cfg->ocr, cfg->office, cfg->archive);
  // Derived objects (pattern database, policy, escrow keys, ...) are built
  // here by their modules; any failure makes the whole snapshot invalid.
  if (auto ok = build_policy(cfg->settings, *cfg); !ok) return ok.error();
  return std::shared_ptr<const Config>(std::move(cfg));
}

}  // namespace

const std::vector<std::string>& start_only_keys() {
  static const std::vector<std::string> keys = {"Socket", "PidFile", "UserID", "UMask", "MilterTimeout"};
  return keys;
}

std::vector<std::string> changed_start_only_keys(const Settings& running, const Settings& next) {
  std::vector<std::string> out;
  for (const auto& k : config_keys())
    if (std::find(start_only_keys().begin(), start_only_keys().end(), k.name) != start_only_keys().end() &&
        k.show(running) != k.show(next))
      out.emplace_back(k.name);
  return out;
}

Result<std::shared_ptr<const Config>> build_config(Settings settings, std::string source) {
  auto lines = settings.key_lines;
  auto cfg = build_config_unlocated(std::move(settings), source);
  if (!cfg) return locate_error(lines, source, cfg.error());
  return cfg;
}

Result<std::shared_ptr<const Config>> load_config(const std::string& path, bool missing_ok) {
  if (missing_ok && ::access(path.c_str(), F_OK) != 0 && errno == ENOENT)
    return build_config(default_settings(), "");
  auto text = load_file(path, kMaxConfigBytes);
  if (!text) return text.error();
  auto s = parse_settings(*text, path);
  if (!s) return s.error();
  return build_config(std::move(*s), path);
}

}  // namespace phi
