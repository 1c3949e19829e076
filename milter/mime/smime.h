// NAME
//   smime - the signed content of an opaque-signed S/MIME part, as it streams past
// SYNOPSIS
//   phi::mime::SignedContentStream s([&](std::string_view bytes) { ... });
//   s.feed(ber); ...  s.finish();
//   s.status();
// DESCRIPTION
//   An S/MIME part (application/pkcs7-mime, a .p7m file) is a CMS
//   ContentInfo (RFC 5652) in BER. Enveloped (encrypted) data cannot be
//   read without the recipient's key, but signed data carries its content
//   in the clear: a MIME entity, inside the SignedData's
//   encapContentInfo.eContent OCTET STRING. Outlook and other clients send
//   "opaque-signed" mail this way; anyone can read it, so it is no more
//   protected than plain text.
//   The stream walks the path ContentInfo -> content type (must be
//   id-signedData, 1.2.840.113549.1.7.2) -> [0] -> SignedData -> version,
//   digestAlgorithms (skipped) -> encapContentInfo -> eContentType
//   (skipped) -> [0] -> eContent, and hands the eContent's bytes to the
//   callback as they arrive: a primitive OCTET STRING, or a constructed one
//   of primitive pieces (definite or indefinite length, nested at most
//   kMaxOctetNesting deep), as OpenSSL writes with -stream. Nothing after
//   the eContent (certificates, signatures) is read, and no signature is
//   checked: the content is classified, not trusted.
//   Status: Reading; Done (the eContent has ended); NotSigned (another
//   content type: enveloped, authenticated or compressed data); NoContent
//   (a detached signature or certificates only: nothing to read);
//   Truncated (finish() before the eContent ended); Malformed (not the BER
//   of a SignedData: a wrong tag, a length that does not fit, a high tag
//   number, an indefinite length where a skipped field is).
// INPUT
//   Untrusted. Memory: one TLV header and one OBJECT IDENTIFIER (at most
//   kMaxOidBytes). Time: linear in the input.
// THREADS
//   One object per part, used by one thread at a time.
#ifndef PHI_MIME_SMIME_H
#define PHI_MIME_SMIME_H

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace phi::mime {

inline constexpr size_t kMaxOidBytes = 32;     // a content type OID longer than this is not signedData
inline constexpr size_t kMaxOctetNesting = 4;  // constructed OCTET STRINGs inside one another

class SignedContentStream {
 public:
  enum class Status { Reading, Done, NotSigned, NoContent, Truncated, Malformed };
  using Output = std::function<void(std::string_view)>;

  explicit SignedContentStream(Output out);
  void feed(std::string_view bytes);
  void finish();
  Status status() const { return status_; }
  // The content type said signedData (so a Truncated or Malformed stream was a signed one).
  bool is_signed() const { return is_signed_; }

 private:
  // Where on the path the next TLV is expected.
  enum class Step { ContentInfo, ContentType, Explicit, SignedData, Version, DigestAlgs, Encap, EContentType,
                    EContentTag, Octets };
  enum class Body { None, Skip, Oid, Data };  // what the current value's bytes are for
  struct Frame {  // an open constructed eContent OCTET STRING (or its [0])
    bool indefinite;
    uint64_t left;  // definite: content bytes not yet read
  };
  bool header_complete();
  void on_header();
  void enter_octets();
  void start_value(Body b);
  bool fits(uint64_t n) const;
  void consumed(uint64_t n);
  void end_body();
  void close_frames();
  void stop(Status s) { status_ = s; }

  Output out_;
  Status status_ = Status::Reading;
  bool is_signed_ = false;
  Step step_ = Step::ContentInfo;
  std::string hdr_;  // the TLV header being read
  uint8_t tag_ = 0;
  bool indefinite_ = false;
  uint64_t len_ = 0;
  Body body_ = Body::None;
  uint64_t body_left_ = 0;
  std::string oid_;
  bool encap_indefinite_ = false;
  uint64_t encap_left_ = 0;  // encapContentInfo (definite): bytes after its eContentType
  std::vector<Frame> frames_;
};

}  // namespace phi::mime

#endif
