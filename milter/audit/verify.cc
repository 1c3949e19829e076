// audit/verify - stream the chain through its files and classify the first damage.
#include "milter/audit/verify.h"

#include <cerrno>
#include <cstring>

namespace phi::audit {

Result<bool> RecordReader::next(Line& out) {
  for (;;) {
    if (!open_) {
      if (index_ >= files_.size()) return false;
      in_ = std::ifstream(files_[index_], std::ios::binary);
      if (!in_) return Error{files_[index_] + ": cannot open: " + std::strerror(errno)};
      open_ = true;
      line_ = 0;
    }
    std::streambuf* sb = in_.rdbuf();
    out = Line{};
    out.file = index_;
    out.first_in_file = line_ == 0;
    int c = sb->sbumpc();
    if (c == std::char_traits<char>::eof()) {
      open_ = false;
      in_.close();
      ++index_;
      continue;
    }
    size_t length = 0;
    while (c != std::char_traits<char>::eof() && c != '\n') {
      if (++length > kMaxRecordBytes) { out.too_long = true; out.text.clear(); }
      if (!out.too_long) out.text.push_back(static_cast<char>(c));
      c = sb->sbumpc();
    }
    out.torn = c == std::char_traits<char>::eof();
    out.number = ++line_;
    return true;
  }
}

namespace {

struct State {
  std::optional<ChainHead> last;
  std::string last_file;
  uint64_t last_line = 0;
  bool checkpoint_seen = false;
};

struct Checked {
  std::optional<ParsedRecord> rec;
  bool hmac_ok = false;
};

Checked check_line(const AuditKey& key, const Line& l) {
  Checked c;
  if (l.too_long || l.torn) return c;
  auto r = parse_record(l.text);
  if (!r) return c;
  c.hmac_ok = check_record_hmac(key, l.text);
  c.rec = std::move(*r);
  return c;
}

VerifyProblem problem(const std::vector<std::string>& files, const Line& l, uint64_t seq, const char* kind,
                      std::string detail) {
  return VerifyProblem{files[l.file], l.number, seq, kind, std::move(detail)};
}

// Classifies the current record given the chain so far and the next line.
std::optional<VerifyProblem> classify(const std::vector<std::string>& files, const AuditKey& key, const State& st,
                                      const Line& cur, const Checked& c, const Line* next) {
  uint64_t expected = st.last ? st.last->seq + 1 : 0;
  if (cur.too_long) return problem(files, cur, expected, "edited", "line longer than any record");
  if (cur.torn) return problem(files, cur, expected, "truncated", "incomplete last record (no newline; torn write or cut file)");
  if (!c.rec) return problem(files, cur, expected, "edited", "not a valid record");
  const ParsedRecord& r = *c.rec;
  if (!c.hmac_ok) {
    if (st.last && next) {
      Checked n = check_line(key, *next);
      if (n.rec && n.hmac_ok && n.rec->seq == expected && n.rec->prev == st.last->hash)
        return problem(files, cur, r.seq, "inserted", "forged record (bad HMAC); the next record links to the one before it");
    }
    return problem(files, cur, r.seq, "edited", "HMAC does not match the record");
  }
  if (!st.last) return std::nullopt;
  const JsonValue* previous = r.doc.get("previous");
  if (r.kind == "start" && previous && previous->is_null())
    return problem(files, cur, r.seq, "broken", "a new chain starts here (files out of order, or the link to seq " + std::to_string(st.last->seq) + " was lost)");
  if (r.seq > expected) {
    std::string missing = "seq " + std::to_string(expected) + (r.seq - 1 > expected ? ".." + std::to_string(r.seq - 1) : "");
    if (cur.first_in_file)
      return problem(files, cur, r.seq, "truncated", st.last_file + " ends at seq " + std::to_string(st.last->seq) +
                                                         " but this file continues from seq " + std::to_string(r.seq - 1) +
                                                         " (" + missing + " missing)");
    if (next) {
      Checked n = check_line(key, *next);
      if (n.rec && n.hmac_ok && n.rec->seq == expected)
        return problem(files, cur, r.seq, "reordered", "seq " + std::to_string(r.seq) + " comes before seq " + std::to_string(expected));
    }
    return problem(files, cur, r.seq, "deleted", missing + " missing before this record");
  }
  if (r.seq < expected)
    return problem(files, cur, r.seq, "reordered", "seq " + std::to_string(r.seq) + " after seq " + std::to_string(st.last->seq) + " (moved or replayed)");
  if (r.prev != st.last->hash)
    return problem(files, cur, r.seq, "broken", cur.first_in_file ? "this file does not continue the previous one"
                                                                   : "prev is not the hash of the record before");
  return std::nullopt;
}

// A writer that finds its log ending in a torn line (it stopped mid-record:
// a crash, a power loss) ends that line and goes on with a start record
// that continues the chain from the last whole record, with that record's
// next sequence number; when that start record is cut short in turn, the
// next writer does the same after two torn lines, and so on. A run of such
// lines is not damage when the line after it is exactly that start record:
// a record edited or cut by hand is not, since the record after it links to
// it, and a start record linking past it would need the key. Each torn line
// is at most a record long (the writer never writes a longer one), so a
// longer line is never taken for one; how many there are is not bounded
// (each failed recovery adds one) and costs no memory here.
bool torn_write_recovered(const AuditKey& key, const ChainHead& last, const Line& next) {
  Checked n = check_line(key, next);
  return n.rec && n.hmac_ok && n.rec->kind == "start" && n.rec->seq == last.seq + 1 && n.rec->prev == last.hash;
}

}  // namespace

Result<VerifyReport> verify_files(const std::vector<std::string>& files, const AuditKey& key,
                                  const std::optional<ChainHead>& checkpoint) {
  VerifyReport rep;
  RecordReader reader(files);
  State st;
  Line cur, nxt;
  auto have = reader.next(cur);
  if (!have) return have.error();
  while (*have) {
    auto have_next = reader.next(nxt);
    if (!have_next) return have_next.error();
    Checked c = check_line(key, cur);
    if (!c.rec && !cur.too_long && !cur.torn && st.last) {
      // A run of whole lines that are not records, in one file: skip to the
      // line after it, keeping only what the note needs.
      uint64_t run = 1, bytes = cur.text.size();
      while (*have_next && nxt.file == cur.file && !nxt.too_long && !nxt.torn && !check_line(key, nxt).rec) {
        ++run;
        bytes += nxt.text.size();
        have_next = reader.next(nxt);
        if (!have_next) return have_next.error();
      }
      if (*have_next && nxt.file == cur.file && torn_write_recovered(key, *st.last, nxt)) {
        std::string where = files[cur.file] + ":" + std::to_string(cur.number);
        std::string what = "a torn write (" + std::to_string(bytes) + " bytes, not a record)";
        if (run > 1) {
          where += "-" + std::to_string(nxt.number - 1);
          what = std::to_string(run) + " torn writes (" + std::to_string(bytes) + " bytes in all, none a record)";
        }
        rep.notes.push_back(where + ": " + what + " before the start record at line " + std::to_string(nxt.number) +
                            ", which continues the chain from seq " + std::to_string(st.last->seq) +
                            (run > 1 ? ": writers stopped mid-record, and while recovering, and were restarted"
                                     : ": the writer stopped mid-record and was restarted"));
        rep.torn_writes += run;
        cur = std::move(nxt);
        have = have_next;
        continue;
      }
      // Not recovered from: the chain breaks at the run's first line.
      rep.problem = problem(files, cur, st.last->seq + 1, "edited", "not a valid record");
      return rep;
    }
    if (auto p = classify(files, key, st, cur, c, *have_next ? &nxt : nullptr)) { rep.problem = std::move(p); return rep; }
    ChainHead h{c.rec->seq, sha256_hex(cur.text)};
    if (!st.last && (c.rec->seq != 1 || c.rec->prev != kGenesisPrev))
      rep.notes.push_back("the chain begins at seq " + std::to_string(h.seq) + ", continuing a file not given");
    if (checkpoint && h.seq == checkpoint->seq) {
      st.checkpoint_seen = true;
      if (h.hash != checkpoint->hash) {
        rep.problem = VerifyProblem{files[cur.file], cur.number, h.seq, "edited", "record differs from the checkpoint's head"};
        return rep;
      }
    }
    if (!rep.first) rep.first = h;
    st.last = h;
    st.last_file = files[cur.file];
    st.last_line = cur.number;
    rep.last = h;
    ++rep.records;
    cur = std::move(nxt);
    have = have_next;
  }
  if (checkpoint && !st.checkpoint_seen) {
    if (!st.last || st.last->seq < checkpoint->seq) {
      std::string end = st.last ? "seq " + std::to_string(st.last->seq) : "no records";
      rep.problem = VerifyProblem{files.empty() ? "" : files.back(), st.last_line + 1, checkpoint->seq, "truncated",
                                  "the log ends at " + end + " but the checkpoint names seq " + std::to_string(checkpoint->seq)};
    } else {
      rep.notes.push_back("the checkpoint's seq " + std::to_string(checkpoint->seq) + " is before the files given");
    }
  }
  return rep;
}

}  // namespace phi::audit
