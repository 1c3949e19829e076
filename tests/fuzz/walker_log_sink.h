// NAME
//   walker_log_sink - a Sink for the Walker's fuzz targets that logs every event as one string
// SYNOPSIS
//   phi::mime::fuzz::LogSink sink; phi::mime::Walker w(lim, sink); ...; sink.log_
// DESCRIPTION
//   Part begins, texts, ends and uninspected reports in order; consecutive
//   Body texts of a part are joined, so that the log does not depend on how
//   the input was split. Two runs of one input compare their logs:
//   check_attachment_split(in, content_type) walks `in` as the bytes of an
//   attachment of that type (transfer encoding `cte`, "binary" unless
//   given) whole and in chunks of
//   1 to 97 bytes, and aborts when the two logs differ. EchoReader stands
//   in for the PDF, OCR, legacy Office and archive converters (tests/fuzz
//   only: no process); for a 7z or RAR archive it gives back the bytes
//   after the first kPackedMagic as the tar stream bsdtar would write, so
//   that the fuzzer's tar bytes behind a 7z or RAR signature drive the
//   PackedReader.
// THREADS
//   Fuzz targets only.
#ifndef PHI_TESTS_FUZZ_WALKER_LOG_SINK_H
#define PHI_TESTS_FUZZ_WALKER_LOG_SINK_H

#include <cstdint>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "milter/mime/walker.h"

namespace phi::mime::fuzz {

// Records events; consecutive Body texts of a part are joined.
class LogSink : public phi::mime::Sink {
 public:
  void part_begin(const phi::mime::PartInfo& p) override { log_ += "\nB" + p.id + p.content_type + p.filename; }
  void text(const phi::mime::PartInfo& p, phi::mime::TextKind k, std::string_view t) override {
    std::string head = "\nT" + p.id + std::to_string(static_cast<int>(k)) + ":";
    if (k != phi::mime::TextKind::Body || last_ != head) log_ += head;
    log_.append(t);
    last_ = head;
  }
  void part_end(const phi::mime::PartInfo& p) override { log_ += "\nE" + p.id; last_.clear(); }
  void uninspected(const phi::mime::PartInfo& p, std::string_view r) override {
    log_ += "\nU" + p.id + std::string(r);
    last_.clear();
  }
  std::string log_, last_;
};

// A DocumentReader of PDFs and images (images of kEchoMinBytes or more)
// that converts nothing: each document's text is its kind, size and a hash
// of its bytes, so a log shows whether the Walker handed every byte, in
// order, whatever the split. Every fourth document (by that hash) reports
// a reason too, every seventh is refused (as when no process is free).
inline constexpr uint64_t kEchoMinBytes = 40;
inline constexpr size_t kPackedMagic = 8;  // 7z's signature and 2 bytes, RAR 5's signature
class EchoReader : public phi::mime::DocumentReader {
 public:
  struct Doc : phi::mime::Document {
    explicit Doc(std::string kind) : kind(std::move(kind)) {}
    void feed(std::string_view b) override {
      for (unsigned char c : b) hash = (hash ^ c) * 1099511628211ull;
      size += b.size();
      if (kind == "archive") held.append(b);
    }
    std::string finish(const std::function<void(std::string_view)>& text) override {
      if (kind == "archive") {
        if (held.size() > kPackedMagic) text(std::string_view(held).substr(kPackedMagic));
      } else {
        text(kind + " " + std::to_string(size) + " " + std::to_string(hash));
      }
      return hash % 4 == 0 ? kind : "";
    }
    std::string kind;
    uint64_t hash = 14695981039346656037ull, size = 0;
    std::string held;  // an archive's bytes
  };
  std::unique_ptr<phi::mime::Document> open(std::string_view kind) const override {
    if (++opened_ % 7 == 0) return nullptr;
    return std::make_unique<Doc>(std::string(kind));
  }
  bool reads(std::string_view kind) const override {
    return kind == "pdf" || kind == "image" || kind == "office" || kind == "archive";
  }
  uint64_t min_bytes(std::string_view kind) const override { return kind == "image" ? kEchoMinBytes : 0; }

 private:
  mutable unsigned opened_ = 0;
};

// The Walker's log for `in` as one attachment of `content_type`, fed whole
// or (split) in pseudo-random chunks drawn from `seed`.
inline std::string walk_attachment(std::string_view in, const char* content_type, unsigned seed, bool split,
                                   const char* cte = "binary") {
  LogSink sink;
  phi::mime::Limits lim;
  lim.max_parts = 64;
  lim.max_part_bytes = 1 << 18;
  EchoReader documents;
  phi::mime::Walker w(lim, sink, &documents);
  w.header("Content-Type", content_type);
  w.header("Content-Transfer-Encoding", cte);
  w.end_of_headers();
  while (!in.empty()) {
    seed = seed * 1103515245u + 12345u;
    size_t n = split ? 1 + (seed >> 16) % 97 : in.size();
    if (n > in.size()) n = in.size();
    w.body(in.substr(0, n));
    in.remove_prefix(n);
  }
  w.finish();
  return sink.log_ + (w.had_errors() ? "\n!" : "\n.") + (w.truncated() ? "t" : "");
}

inline void check_attachment_split(std::string_view in, const char* content_type, const char* cte = "binary") {
  unsigned seed = in.empty() ? 7u : static_cast<unsigned char>(in[in.size() / 2]);
  if (walk_attachment(in, content_type, seed, false, cte) != walk_attachment(in, content_type, seed, true, cte))
    std::abort();
}

}  // namespace phi::mime::fuzz

#endif
