// received_parser - one linear pass that splits a Received: body into clauses.
#include "milter/provenance/received_parser.h"

#include <algorithm>

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

// Where the text after "from" (the sending host as the client named itself
// in HELO, which Postfix and Sendmail write there as given, spaces and all)
// ends. kUntilComment: at the first comment, the TCP-info part the MTA
// writes itself; kUntilBy: at the first "by" word, for fields that have no
// comment after the from domain ("from alice by host with local").
enum class FromEnd { kUntilComment, kUntilBy };

// qmail, IronPort and CommuniGate write the client's HELO argument in a
// comment of its own: "(HELO text)". That text cannot hold a parenthesis
// (qmail turns every unsafe character into '?'), so such a comment ends at
// the first ')' and a '(' inside it neither nests nor swallows the rest.
bool starts_helo_comment(std::string_view rest) {
  size_t k = 0;
  while (k < rest.size() && is_space(rest[k])) ++k;
  rest.remove_prefix(k);
  if (rest.size() < 5) return false;
  auto w = rest.substr(0, 4);
  return (iequals(w, "HELO") || iequals(w, "EHLO") || iequals(w, "LHLO")) &&
         (is_space(rest[4]) || static_cast<unsigned char>(rest[4]) < 32);
}

// Folding and every control character count as white space.
bool is_ws(char c) { return is_space(c) || (static_cast<unsigned char>(c) < 32); }

class Parser {
 public:
  Parser(std::string_view text, const ReceivedLimits& lim, FromEnd from_end, ReceivedParts& out)
      : s_(text), lim_(lim), from_end_(from_end), out_(out) {}

  Result<void> run() {
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (is_ws(c)) { ++i_; continue; }
      const bool was_in_from_domain = in_from_domain_;
      if (c == '(' || c == ';') in_from_domain_ = false;
      if (c == ';') {
        out_.date = std::string(trim(collapse(s_.substr(i_ + 1))));
        return Ok();
      }
      if (c == '(') {
        const size_t open = i_;
        auto r = comment();
        if (!r) return r.error();
        if (unclosed_) {
          // A '(' never closed (a client's HELO name "a(b" in Postfix's
          // place) would swallow the TCP-info part, by, with and the date:
          // it is read as text. Every later unclosed '(' lies inside this
          // one's span, one level deeper, so the depth limit bounds the
          // rescans and the field stays linear.
          unclosed_ = false;
          in_from_domain_ = was_in_from_domain;
          i_ = open;
          word(true);
          if (stopped_) return Ok();
        }
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
    if (starts_helo_comment(s_.substr(i_ + 1))) {
      // One search per field at most reaches the end: after a miss there is
      // no ')' further on either.
      size_t close = i_ + 1 >= no_close_from_ ? std::string_view::npos : s_.find(')', i_ + 1);
      if (close != std::string_view::npos) {
        add_comment(collapse(s_.substr(i_ + 1, close - i_ - 1)));
        i_ = close + 1;
        return Ok();
      }
      no_close_from_ = std::min(no_close_from_, i_ + 1);
    }
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
    if (depth > 0) {
      unclosed_ = true;
      return Ok();
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
  // a run of characters up to white space, '(' or ';' (after the first,
  // with `literal_paren`, an unclosed '(' read as text).
  void word(bool literal_paren = false) {
    size_t start = i_;
    if (literal_paren) ++i_;
    char c = literal_paren ? '(' : s_[i_];
    char close = c == '[' ? ']' : c == '<' ? '>' : c == '"' ? '"' : 0;
    if (close) {
      ++i_;
      // An angle address may hold a quoted local part (<"a> b"@example>),
      // which the client chose: a '>' inside the quotes does not end it.
      bool quoted = close == '"';
      while (i_ < s_.size()) {
        char d = s_[i_];
        if (quoted && d == '\\' && i_ + 1 < s_.size()) { i_ += 2; continue; }
        if (d == '"' && close == '>') quoted = !quoted;
        else if (d == close && (!quoted || close == '"')) break;
        ++i_;
      }
      if (i_ < s_.size()) ++i_;
    }
    while (i_ < s_.size() && !is_ws(s_[i_]) && s_[i_] != '(' && s_[i_] != ';') ++i_;
    std::string_view w = s_.substr(start, i_ - start);
    if (in_from_domain_ && from_end_ == FromEnd::kUntilBy && iequals(w, "by")) in_from_domain_ = false;
    // The tls clause (RFC 8314) follows the protocol: Exim writes
    // "with esmtps (TLS1.3) tls CIPHER", others "with ESMTP tls CIPHER id X"
    // or put it last. Before "with" the word is the client's, not a clause.
    bool keyword = !in_from_domain_ && is_keyword(w) && (seen_with_ || !iequals(w, "tls"));
    if (keyword) {
      if (out_.clauses.size() >= lim_.max_clauses) {
        out_.truncated = true;
        stopped_ = true;
        return;
      }
      out_.clauses.push_back(ReceivedClause{to_lower(w), {}, {}});
      if (iequals(w, "with")) seen_with_ = true;
      if (!seen_keyword_ && iequals(w, "from")) in_from_domain_ = true;
      seen_keyword_ = true;
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
  FromEnd from_end_;
  ReceivedParts& out_;
  size_t i_ = 0;
  bool stopped_ = false;
  bool unclosed_ = false;        // comment() reached the end with a '(' open
  bool in_from_domain_ = false;  // between "from" and the end of its domain: no keywords
  bool seen_with_ = false;
  bool seen_keyword_ = false;
  size_t no_close_from_ = std::string_view::npos;  // no ')' at or after this offset
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

namespace {

Result<ReceivedParts> parse_with(std::string_view body, const ReceivedLimits& lim, FromEnd from_end) {
  ReceivedParts p;
  if (body.size() > lim.max_bytes) {
    body = body.substr(0, lim.max_bytes);
    p.truncated = true;
  }
  Parser parser(body, lim, from_end, p);
  auto r = parser.run();
  if (!r) return r.error();
  return p;
}

bool has_word(std::string_view s, std::string_view w) {
  while (!s.empty()) {
    auto sp = s.find(' ');
    if (iequals(s.substr(0, sp), w)) return true;
    if (sp == std::string_view::npos) break;
    s.remove_prefix(sp + 1);
  }
  return false;
}

}  // namespace

Result<ReceivedParts> parse_received(std::string_view body, const ReceivedLimits& lim) {
  auto r = parse_with(body, lim, FromEnd::kUntilComment);
  if (!r) return r.error();
  // No comment ended the from domain before "by" (no TCP-info part, as in
  // "from alice by host with local"): read it again, ending at "by".
  if (const auto* f = r->find("from"); f && !r->find("by") && has_word(f->value, "by"))
    r = parse_with(body, lim, FromEnd::kUntilBy);
  if (!r) return r.error();
  ReceivedParts p = std::move(*r);
  bool any_keyword = false;
  for (const auto& c : p.clauses)
    if (!c.keyword.empty()) any_keyword = true;
  if (!any_keyword && p.leading_comments.empty() && p.date.empty())
    return Error{"no clause, comment or date in Received field"};
  fill_standard(p);
  return p;
}

}  // namespace phi::provenance
