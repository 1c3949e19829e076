// rules_parser - tokenize and parse the policy file into a RuleSet (see rules_parser.h).
#include "milter/util/files.h"
#include "policy/rules_parser.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>

#include "milter/util/strings.h"

namespace phi::policy {
namespace {

struct Token {
  std::string text;
  size_t line = 0;
  bool quoted = false;
};

std::string where(const std::string& file, size_t line) { return file + ":" + std::to_string(line); }

std::string shown(std::string_view s) { return "\"" + std::string(s.substr(0, 64)) + "\""; }

// Reads a double-quoted string starting at line[i] == '"'; advances i past it.
Result<std::string> read_quoted(std::string_view line, size_t& i) {
  std::string out;
  for (++i; i < line.size(); ++i) {
    char c = line[i];
    if (c == '"') { ++i; return out; }
    if (c == '\\' && i + 1 < line.size()) c = line[++i];
    out += c;
  }
  return Error{"unterminated quoted text"};
}

Result<void> tokenize_line(std::string_view line, size_t line_no, std::vector<Token>& out) {
  size_t i = 0;
  while (i < line.size()) {
    if (is_space(line[i])) { ++i; continue; }
    Token t{"", line_no, line[i] == '"'};
    if (t.quoted) {
      auto q = read_quoted(line, i);
      if (!q) return q.error();
      t.text = std::move(*q);
    } else {
      size_t j = i;
      while (j < line.size() && !is_space(line[j]) && line[j] != '"') ++j;
      if (j < line.size() && line[j] == '"') return Error{"'\"' inside a word; put blanks around quoted text"};
      t.text = std::string(line.substr(i, j - i));
      i = j;
    }
    if (out.size() >= kMaxRuleTokens) return Error{"rule longer than " + std::to_string(kMaxRuleTokens) + " words"};
    out.push_back(std::move(t));
  }
  return Ok();
}

struct Keyword { const char* word; CondKind kind; };
constexpr Keyword kFlagConds[] = {
    {"outbound", CondKind::Outbound}, {"inbound", CondKind::Inbound}, {"phi", CondKind::Phi},
    {"pii", CondKind::Pii}, {"phi-in-subject", CondKind::PhiInSubject}, {"uninspected", CondKind::Uninspected},
    {"tls-mandatory", CondKind::TlsMandatory}, {"never-secure", CondKind::NeverSecure},
    {"local-delivery", CondKind::LocalDelivery}, {"always", CondKind::Always},
};
constexpr Keyword kListConds[] = {
    {"category", CondKind::Category}, {"sender-domain", CondKind::SenderDomain},
    {"recipient-domain", CondKind::RecipientDomain}, {"hop-tls", CondKind::HopTls}, {"path-tls", CondKind::PathTls},
};
constexpr const char* kReserved[] = {"rule", "if", "then", "and", "or", "not"};

bool is_reserved(std::string_view s) {
  for (const char* r : kReserved)
    if (iequals(s, r)) return true;
  return false;
}

bool valid_name(std::string_view s) {
  if (s.empty() || s.size() > kMaxRuleName) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
      return false;
  return !is_reserved(s);
}

bool valid_word(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '*'))
      return false;
  return true;
}

bool valid_tls_state(std::string_view s) {
  return s == "encrypted" || s == "plaintext" || s == "unknown" || s == "internal";
}

// Checks that a reply text or reason is printable ASCII of bounded length.
Result<void> check_text(std::string_view s) {
  if (s.empty()) return Error{"empty quoted text"};
  if (s.size() > kMaxReplyText) return Error{"quoted text longer than " + std::to_string(kMaxReplyText) + " bytes"};
  for (char c : s)
    if (c < 0x20 || c > 0x7e) return Error{"quoted text must be printable ASCII (no control characters or 8-bit bytes)"};
  return Ok();
}

class RuleParser {
 public:
  RuleParser(const std::vector<Token>& t, const std::string& file) : t_(t), file_(file) {}
  Result<Rule> parse();

 private:
  const Token* peek() const { return i_ < t_.size() ? &t_[i_] : nullptr; }
  bool peek_is(const char* w) const { return peek() && !peek()->quoted && iequals(peek()->text, w); }
  size_t line() const { return t_.empty() ? 0 : t_[std::min(i_, t_.size() - 1)].line; }
  Error fail(const std::string& msg) const { return Error{where(file_, line()) + ": " + msg}; }
  Error fail_at(const Token& t, const std::string& msg) const { return Error{where(file_, t.line) + ": " + msg}; }
  Result<std::vector<std::string>> parse_list(const std::string& what);
  Result<Cond> parse_atom();
  Result<void> parse_condition(Rule& r);
  Result<void> parse_action(Rule& r);
  Result<void> parse_reply(Rule& r, char cls);

  const std::vector<Token>& t_;
  const std::string& file_;
  size_t i_ = 0;
};

Result<std::vector<std::string>> RuleParser::parse_list(const std::string& what) {
  std::vector<std::string> items;
  bool after_comma = false;
  while (peek() && !peek()->quoted) {
    std::string_view tok = peek()->text;
    if (is_reserved(tok) || (!items.empty() && !after_comma && tok.front() != ',')) break;
    ++i_;
    for (auto item : split_list(tok)) items.emplace_back(item);
    after_comma = tok.back() == ',';
  }
  if (items.empty()) return fail(what + " needs a list of values");
  return items;
}

Result<Cond> RuleParser::parse_atom() {
  Cond c;
  while (peek_is("not")) { c.negated = !c.negated; ++i_; }
  const Token* t = peek();
  if (!t) return fail("condition missing after \"not\"");
  if (t->quoted) return fail("quoted text where a condition was expected");
  c.line = t->line;
  ++i_;
  for (const auto& k : kFlagConds)
    if (iequals(t->text, k.word)) { c.kind = k.kind; return c; }
  if (iequals(t->text, "direction")) {
    const Token* d = peek();
    auto dir = d ? parse_direction(d->text) : std::nullopt;
    if (!dir) return fail("direction needs inbound or outbound");
    ++i_;
    c.kind = *dir == Direction::Outbound ? CondKind::Outbound : CondKind::Inbound;
    return c;
  }
  if (iequals(t->text, "score")) {
    if (!peek_is(">=")) return fail("score needs \">= NUMBER\"");
    ++i_;
    const Token* n = peek();
    if (!n) return fail("score needs \">= NUMBER\"");
    ++i_;
    double v = 0;
    auto [p, ec] = std::from_chars(n->text.data(), n->text.data() + n->text.size(), v);
    if (n->quoted || ec != std::errc() || p != n->text.data() + n->text.size() || !std::isfinite(v) || v < 0)
      return fail_at(*n, "bad number " + shown(n->text) + " after score >=");
    if (v > 1) return fail_at(*n, "score >= " + n->text + " can never match: the score is between 0 and 1");
    c.kind = CondKind::ScoreAtLeast;
    c.number = v;
    return c;
  }
  for (const auto& k : kListConds) {
    if (!iequals(t->text, k.word)) continue;
    c.kind = k.kind;
    auto items = parse_list(k.word);
    if (!items) return items.error();
    if (k.kind == CondKind::SenderDomain || k.kind == CondKind::RecipientDomain) {
      auto d = DomainList::parse(*items);
      if (!d) return fail(std::string(k.word) + ": " + d.error().message);
      c.domains = std::move(*d);
      return c;
    }
    for (auto& w : *items) {
      w = to_lower(w);
      bool tls = k.kind == CondKind::HopTls || k.kind == CondKind::PathTls;
      if (tls && !valid_tls_state(w))
        return fail(std::string(k.word) + ": " + shown(w) + " is not one of encrypted, plaintext, unknown, internal");
      if (!tls && !valid_word(w)) return fail("category: " + shown(w) + " is not a category name");
    }
    c.words = std::move(*items);
    return c;
  }
  return fail_at(*t, "unknown condition " + shown(t->text));
}

Result<void> RuleParser::parse_condition(Rule& r) {
  r.any_of.emplace_back();
  while (true) {
    if (!peek() || peek_is("then")) return fail("condition missing before " + std::string(peek() ? "\"then\"" : "the end of the rule"));
    auto c = parse_atom();
    if (!c) return c.error();
    r.any_of.back().push_back(std::move(*c));
    if (peek_is("and")) { ++i_; continue; }
    if (peek_is("or")) { ++i_; r.any_of.emplace_back(); continue; }
    return Ok();
  }
}

// Optional [NXX] [N.7.N] ["text"] after reject (cls '5') or tempfail (cls '4').
Result<void> RuleParser::parse_reply(Rule& r, char cls) {
  r.smtp_code = cls == '5' ? "550" : "451";
  r.status_code = cls == '5' ? "5.7.1" : "4.7.1";
  r.text = cls == '5' ? "Message refused by the PHI encryption policy" : "Message deferred by the PHI encryption policy, try again later";
  const Token* t = peek();
  if (t && !t->quoted && t->text.size() == 3 && std::isdigit(static_cast<unsigned char>(t->text[0]))) {
    if (t->text[0] != cls || !std::isdigit(static_cast<unsigned char>(t->text[1])) || !std::isdigit(static_cast<unsigned char>(t->text[2])))
      return fail("bad SMTP reply code " + shown(t->text) + " (expected " + cls + "XX)");
    r.smtp_code = t->text;
    t = (++i_, peek());
  }
  if (t && !t->quoted && !t->text.empty() && std::isdigit(static_cast<unsigned char>(t->text[0]))) {
    const std::string& s = t->text;
    bool ok = s.size() >= 5 && s.size() <= 7 && s[0] == cls && s.compare(1, 3, ".7.") == 0 &&
              s.find_first_not_of("0123456789", 4) == std::string::npos;
    if (!ok) return fail("bad enhanced status code " + shown(s) + " (expected " + cls + ".7.N)");
    r.status_code = s;
    t = (++i_, peek());
  }
  if (t && t->quoted) {
    if (auto ok = check_text(t->text); !ok) return fail(ok.error().message);
    r.text = t->text;
    ++i_;
  }
  return Ok();
}

Result<void> RuleParser::parse_action(Rule& r) {
  const Token* t = peek();
  if (!t) return fail("action missing after \"then\"");
  if (t->quoted) return fail("quoted text where an action was expected");
  ++i_;
  static const std::pair<const char*, Action> kActions[] = {
      {"accept", Action::Accept}, {"tag", Action::Tag}, {"quarantine", Action::Quarantine},
      {"reject", Action::Reject}, {"tempfail", Action::Tempfail}, {"escrow", Action::Escrow},
      {"route-tls", Action::RouteTls}};
  auto it = std::find_if(std::begin(kActions), std::end(kActions), [&](const auto& a) { return iequals(t->text, a.first); });
  if (it == std::end(kActions)) return fail_at(*t, "unknown action " + shown(t->text));
  r.action = it->second;
  if (r.action == Action::Reject || r.action == Action::Tempfail) {
    if (auto ok = parse_reply(r, r.action == Action::Reject ? '5' : '4'); !ok) return ok;
  } else if (r.action == Action::Quarantine) {
    r.text = "policy rule " + r.name;
    if (peek() && peek()->quoted) {
      if (auto ok = check_text(peek()->text); !ok) return fail(ok.error().message);
      r.text = peek()->text;
      ++i_;
    }
  }
  if (peek_is("and")) {
    ++i_;
    if (!peek_is("tag")) return fail("only \"and tag\" may follow an action");
    ++i_;
    r.tag = true;
  }
  if (peek()) return fail("unexpected " + shown(peek()->text) + " after the action");
  return Ok();
}

Result<Rule> RuleParser::parse() {
  Rule r;
  r.line = line();
  if (!peek_is("rule")) return fail("expected \"rule NAME ...\", got " + shown(peek()->text));
  ++i_;
  if (!peek() || peek_is("if") || peek_is("then")) return fail("rule without a name");
  if (peek()->quoted || !valid_name(peek()->text))
    return fail("bad rule name " + shown(peek()->text) + " (letters, digits, '-', '_', '.'; at most 64; not a keyword)");
  r.name = peek()->text;
  ++i_;
  if (peek_is("if")) {
    ++i_;
    if (auto ok = parse_condition(r); !ok) return ok.error();
  }
  if (!peek_is("then")) {
    if (!peek()) return fail("rule \"" + r.name + "\" has no \"then ACTION\"");
    return fail("expected \"and\", \"or\" or \"then\", got " + shown(peek()->text));
  }
  ++i_;
  if (auto ok = parse_action(r); !ok) return ok.error();
  return r;
}

// Splits the text into logical rules (a line starting with white space continues one).
Result<std::vector<std::vector<Token>>> split_rules(std::string_view text, const std::string& file) {
  std::vector<std::vector<Token>> rules;
  Lines lines(text);
  std::string_view line;
  while (lines.next(line)) {
    const size_t line_no = lines.number();
    if (line.size() > kMaxLineBytes) return Error{where(file, line_no) + ": line longer than " + std::to_string(kMaxLineBytes) + " bytes"};
    std::string_view body = trim(line);
    if (body.empty() || body.front() == '#') continue;
    if (!is_space(line.front())) {
      if (rules.size() >= kMaxRules) return Error{where(file, line_no) + ": more than " + std::to_string(kMaxRules) + " rules"};
      rules.emplace_back();
    } else if (rules.empty()) {
      return Error{where(file, line_no) + ": continuation line without a rule"};
    }
    if (auto ok = tokenize_line(line, line_no, rules.back()); !ok) return ok.error().context(where(file, line_no));
  }
  return rules;
}

}  // namespace

Result<RuleSet> parse_rules(std::string_view text, const std::string& file_name) {
  if (text.size() > kMaxPolicyBytes) return Error{file_name + ": larger than " + std::to_string(kMaxPolicyBytes >> 20) + " MiB"};
  auto chunks = split_rules(text, file_name);
  if (!chunks) return chunks.error();
  RuleSet set;
  set.source = file_name;
  std::map<std::string, size_t> seen;  // lower-case name -> line
  for (const auto& tokens : *chunks) {
    auto r = RuleParser(tokens, file_name).parse();
    if (!r) return r.error();
    auto [it, fresh] = seen.emplace(to_lower(r->name), r->line);
    if (!fresh)
      return Error{where(file_name, r->line) + ": duplicate rule name \"" + r->name + "\" (first at line " + std::to_string(it->second) + ")"};
    set.rules.push_back(std::move(*r));
  }
  if (set.rules.empty()) return Error{file_name + ": no rules (write at least \"rule default then accept\")"};
  return set;
}

Result<RuleSet> load_rules(const std::string& path) {
  auto text = load_file(path, kMaxPolicyBytes);
  if (!text) return text.error();
  return parse_rules(*text, path);
}

Result<void> check_categories(const RuleSet& rules, const std::vector<std::string>& known) {
  for (const auto& r : rules.rules)
    for (const auto& all : r.any_of)
      for (const auto& c : all) {
        if (c.kind != CondKind::Category) continue;
        for (const auto& w : c.words) {
          if (w == "*" || std::find(known.begin(), known.end(), w) != known.end()) continue;
          std::string list;
          for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
          return Error{where(rules.source, c.line ? c.line : r.line) + ": unknown category " + shown(w) + " (known: " + list + ")"};
        }
      }
  return Ok();
}

std::string default_policy_path() {
  std::string installed = std::string(PHI_PKGDATADIR) + "/default.policy";
  if (::access(installed.c_str(), R_OK) == 0) return installed;
  return std::string(PHI_SRCDIR) + "/policy/data/default.policy";
}

}  // namespace phi::policy
