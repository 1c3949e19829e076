// NAME
//   audit/verify - check an audit chain over one or more files, name the first damage
// SYNOPSIS
//   Result<VerifyReport> verify_files(const std::vector<std::string>& files, const AuditKey& key,
//                                     const std::optional<ChainHead>& checkpoint);
//   class RecordReader { bool next(Line&); };  // bounded line reader over files in order
// DESCRIPTION
//   Reads the files in the order given as one chain and checks every
//   record: its structure, its HMAC, that seq is one more than the record
//   before and that prev is the SHA-256 of the line before. The first
//   problem ends the check and is named as one of
//     edited     the record's HMAC does not match (any byte changed)
//     inserted   a record with a bad HMAC whose successor links to the
//                record before it (a forged record was slipped in)
//     deleted    seq jumps forward inside a file
//     reordered  seq goes back, or jumps forward and the next record
//                holds the missing seq
//     truncated  a file's last line is incomplete; the next file's start
//                record continues from a later seq than the previous file
//                ended with; or the log ends before the checkpoint's seq
//     broken     prev does not match although seq does; or a start record
//                begins a new chain in the middle
//   A checkpoint (seq, head) kept elsewhere catches a cut-off tail: the
//   record with that seq must exist and hash to head.
//   A run of lines that are not records (each at most kMaxRecordBytes)
//   right before a start record continuing from the last whole record is
//   what a writer that stopped mid-record (and maybe again mid-recovery)
//   leaves: each line is counted in torn_writes, the run gets one note.
//   Any other line that is not a record is "edited", at the run's start.
// INPUT
//   Untrusted files; lines longer than kMaxRecordBytes are reported, not
//   buffered; memory is bounded by two records.
// THREADS
//   Any thread; no shared state.
#ifndef PHI_AUDIT_VERIFY_H
#define PHI_AUDIT_VERIFY_H

#include <cstdint>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "milter/audit/crypto.h"
#include "milter/audit/record.h"
#include "milter/util/result.h"

namespace phi::audit {

struct VerifyProblem {
  std::string file;
  uint64_t line = 0;
  uint64_t seq = 0;     // the record's seq, or the expected one when unreadable
  std::string kind;     // edited, inserted, deleted, reordered, truncated, broken
  std::string detail;
};

struct VerifyReport {
  uint64_t records = 0;
  std::optional<ChainHead> first, last;
  std::optional<VerifyProblem> problem;
  std::vector<std::string> notes;
  uint64_t torn_writes = 0;  // torn lines a writer's start record recovered from (each has a note)
};

Result<VerifyReport> verify_files(const std::vector<std::string>& files, const AuditKey& key,
                                  const std::optional<ChainHead>& checkpoint);

struct Line {
  size_t file = 0;        // index into the file list
  uint64_t number = 0;    // 1-based line number in that file
  std::string text;       // without the newline; empty when too_long
  bool torn = false;      // the file ended without a newline after it
  bool too_long = false;  // longer than kMaxRecordBytes
  bool first_in_file = false;
};

// Reads lines from files in order, bounded to kMaxRecordBytes per line.
class RecordReader {
 public:
  explicit RecordReader(std::vector<std::string> files) : files_(std::move(files)) {}
  // False at the end of the last file; an unreadable file is an error.
  Result<bool> next(Line& out);
  const std::vector<std::string>& files() const { return files_; }

 private:
  std::vector<std::string> files_;
  size_t index_ = 0;
  std::ifstream in_;
  bool open_ = false;
  uint64_t line_ = 0;
};

}  // namespace phi::audit

#endif
