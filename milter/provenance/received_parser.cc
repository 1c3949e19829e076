// received_parser - one linear pass that splits a Received: body into clauses.
#include "milter/provenance/received_parser.h"

#include "milter/util/strings.h"

namespace phi::provenance {
namespace {

// Keywords that start a clause. RFC 5321 names from/by/via/with/id/for;
// RFC 8314 registers tls; the rest are written by common MTAs.
constexpr std::string_view kKeywords[] = {"from", "by", "via", "with", "id", "for", "tls", "envelope-from",
                                          "envelope-sender"};

bool is_keyword(std::string_view w) {
  for (auto k : kKeywords)
    if (iequals(w, k)) return true;
  return false;
}

// Folding and every control character count as white space.
bool is_ws(char c) { return is_space(c) || (static_cast<unsigned char>(c) < 32); }

class Parser {
 public:
  Parser(std::string_view text, const ReceivedLimits& lim, ReceivedParts& out) : s_(text), lim_(lim), out_(out) {}

  Result<void> run() {
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (is_ws(c)) { ++i_; continue; }
      if (c == ';') {
        out_.date = std::string(trim(collapse(s_.substr(i_ + 1))));
        return Ok();
      }
      if (c == '(') {
        auto r = comment();
        if (!r) return r.error();
        continue;
      }
      if (c == ')') { ++i_; continue; }  // stray close: ignore
      word();
      if (stopped_) return Ok();
    }
    return Ok();
  }

 private:
  // Reads a comment starting at '(' up to its matching ')' (or the end).
  Result<void> comment() {
    size_t depth = 0;
    std::string text;
    for (; i_ < s_.size(); ++i_) {
      char c = s_[i_];
      if (c == '\\' && i_ + 1 < s_.size()) {
        text += s_[++i_];
        continue;
      }
      if (c == '(') {
        if (++depth > lim_.max_comment_depth) return Error{"comments nested deeper than " + std::to_string(lim_.max_comment_depth)};
        if (depth > 1) text += c;
        continue;
      }
      if (c == ')') {
        if (--depth == 0) { ++i_; break; }
        text += c;
        continue;
      }
      text += is_ws(c) ? ' ' : c;
    }
    add_comment(collapse(text));
    return Ok();
  }

  void add_comment(std::string text) {
    auto& list = out_.clauses.empty() ? out_.leading_comments : out_.clauses.back().comments;
    if (list.size() >= kMaxReceivedComments) { out_.truncated = true; return; }
    list.push_back(std::move(text));
  }

  // Reads one word: a domain literal, an angle address, a quoted string, or
  // a run of characters up to white space, '(' or ';'.
  void word() {
    size_t start = i_;
    char c = s_[i_];
    char close = c == '[' ? ']' : c == '<' ? '>' : c == '"' ? '"' : 0;
    if (close) {
      ++i_;
      while (i_ < s_.size() && s_[i_] != close) {
        if (close == '"' && s_[i_] == '\\' && i_ + 1 < s_.size()) ++i_;
        ++i_;
      }
      if (i_ < s_.size()) ++i_;
    }
    while (i_ < s_.size() && !is_ws(s_[i_]) && s_[i_] != '(' && s_[i_] != ';') ++i_;
    std::string_view w = s_.substr(start, i_ - start);
    if (is_keyword(w)) {
      if (out_.clauses.size() >= lim_.max_clauses) {
        out_.truncated = true;
        stopped_ = true;
        return;
      }
      out_.clauses.push_back(ReceivedClause{to_lower(w), {}, {}});
      return;
    }
    if (out_.clauses.empty()) out_.clauses.push_back(ReceivedClause{"", {}, {}});  // words before any keyword
    auto& v = out_.clauses.back().value;
    if (!v.empty()) v += ' ';
    v += collapse(w);
  }

  // Replaces runs of white space (folding included) by one space.
  static std::string collapse(std::string_view in) {
    std::string out;
    out.reserve(in.size());
    bool space = false;
    for (char c : in) {
      if (is_ws(c)) { space = true; continue; }
      if (space && !out.empty()) out += ' ';
      space = false;
      out += c;
    }
    return out;
  }

  std::string_view s_;
  const ReceivedLimits& lim_;
  ReceivedParts& out_;
  size_t i_ = 0;
  bool stopped_ = false;
};

void fill_standard(ReceivedParts& p) {
  struct { std::string_view kw; std::string ReceivedParts::*field; } map[] = {
      {"from", &ReceivedParts::from}, {"by", &ReceivedParts::by},   {"via", &ReceivedParts::via},
      {"with", &ReceivedParts::with}, {"id", &ReceivedParts::id},   {"for", &ReceivedParts::for_},
  };
  for (const auto& m : map)
    if (const auto* c = p.find(m.kw)) p.*(m.field) = c->value;
}

}  // namespace

const ReceivedClause* ReceivedParts::find(std::string_view keyword) const {
  for (const auto& c : clauses)
    if (c.keyword == keyword) return &c;
  return nullptr;
}

Result<ReceivedParts> parse_received(std::string_view body, const ReceivedLimits& lim) {
  ReceivedParts p;
  if (body.size() > lim.max_bytes) {
    body = body.substr(0, lim.max_bytes);
    p.truncated = true;
  }
  Parser parser(body, lim, p);
  auto r = parser.run();
  if (!r) return r.error();
  bool any_keyword = false;
  for (const auto& c : p.clauses)
    if (!c.keyword.empty()) any_keyword = true;
  if (!any_keyword && p.leading_comments.empty() && p.date.empty())
    return Error{"no clause, comment or date in Received field"};
  fill_standard(p);
  return p;
}

}  // namespace phi::provenance
