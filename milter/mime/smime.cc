// smime - the signed content of an opaque-signed S/MIME part (see smime.h).
#include "milter/mime/smime.h"

#include <algorithm>
#include <utility>

namespace phi::mime {
namespace {

constexpr uint8_t kSequence = 0x30, kSet = 0x31, kInteger = 0x02, kOid = 0x06, kOctets = 0x04,
                  kOctetsConstructed = 0x24, kExplicit0 = 0xA0, kEndOfContents = 0x00;
// 1.2.840.113549.1.7.2, id-signedData, as DER contents octets.
constexpr std::string_view kSignedDataOid("\x2A\x86\x48\x86\xF7\x0D\x01\x07\x02", 9);

}  // namespace

SignedContentStream::SignedContentStream(Output out) : out_(std::move(out)) {}

void SignedContentStream::feed(std::string_view bytes) {
  while (!bytes.empty() && status_ == Status::Reading) {
    if (body_ != Body::None) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(body_left_, bytes.size()));
      std::string_view piece = bytes.substr(0, n);
      bytes.remove_prefix(n);
      body_left_ -= n;
      consumed(n);
      if (status_ != Status::Reading) return;
      if (body_ == Body::Oid) oid_.append(piece);
      else if (body_ == Body::Data) out_(piece);
      if (body_left_ == 0) end_body();
      continue;
    }
    hdr_.push_back(bytes.front());
    bytes.remove_prefix(1);
    if (header_complete()) on_header();
  }
}

void SignedContentStream::finish() {
  if (status_ == Status::Reading) status_ = Status::Truncated;
}

// A TLV header is in hdr_ when its length octets are: one, or 1 + N for the long form.
bool SignedContentStream::header_complete() {
  if (hdr_.size() < 2) return false;
  auto l0 = static_cast<uint8_t>(hdr_[1]);
  if (l0 <= 0x80) return true;
  size_t n = l0 & 0x7F;
  if (n > 8) {
    stop(Status::Malformed);  // a length beyond 64 bits (0xFF is reserved)
    return false;
  }
  return hdr_.size() == 2 + n;
}

void SignedContentStream::on_header() {
  tag_ = static_cast<uint8_t>(hdr_[0]);
  auto l0 = static_cast<uint8_t>(hdr_[1]);
  indefinite_ = l0 == 0x80;
  len_ = l0 < 0x80 ? l0 : 0;
  for (size_t i = 2; i < hdr_.size(); ++i) len_ = len_ << 8 | static_cast<uint8_t>(hdr_[i]);
  size_t header_bytes = hdr_.size();
  hdr_.clear();
  consumed(header_bytes);
  if (status_ != Status::Reading) return;
  if ((tag_ & 0x1F) == 0x1F || (indefinite_ && !(tag_ & 0x20)) || (!indefinite_ && !fits(len_))) {
    stop(Status::Malformed);  // a high tag number; an indefinite length on a primitive; longer than what holds it
    return;
  }
  auto expect = [this](uint8_t tag, bool may_be_indefinite) {
    if (tag_ == tag && (may_be_indefinite || !indefinite_)) return true;
    stop(Status::Malformed);
    return false;
  };
  switch (step_) {
    case Step::ContentInfo:
      if (expect(kSequence, true)) step_ = Step::ContentType;
      return;
    case Step::ContentType:
      if (!expect(kOid, false)) return;
      if (len_ > kMaxOidBytes) stop(Status::NotSigned);
      else start_value(Body::Oid);
      return;
    case Step::Explicit:
      if (expect(kExplicit0, true)) step_ = Step::SignedData;
      return;
    case Step::SignedData:
      if (expect(kSequence, true)) step_ = Step::Version;
      return;
    case Step::Version:
      if (expect(kInteger, false)) start_value(Body::Skip);
      return;
    case Step::DigestAlgs:
      if (expect(kSet, false)) start_value(Body::Skip);
      return;
    case Step::Encap:
      if (!expect(kSequence, true)) return;
      encap_indefinite_ = indefinite_;
      encap_left_ = len_;
      step_ = Step::EContentType;
      return;
    case Step::EContentType:
      if (expect(kOid, false)) start_value(Body::Skip);
      return;
    case Step::EContentTag:
      if (tag_ == kEndOfContents && len_ == 0 && encap_indefinite_) {
        stop(Status::NoContent);  // the encapContentInfo ends after its type: a detached signature
        return;
      }
      if (!expect(kExplicit0, true)) return;
      frames_.push_back({indefinite_, len_});
      step_ = Step::Octets;
      close_frames();  // an empty [0]
      return;
    case Step::Octets:
      enter_octets();
      return;
  }
}

// A TLV inside the eContent's [0]: an OCTET STRING, primitive (its bytes
// are the content) or constructed (its pieces are), or the end of an
// indefinite-length one.
void SignedContentStream::enter_octets() {
  if (tag_ == kEndOfContents && len_ == 0) {
    if (!frames_.back().indefinite) {
      stop(Status::Malformed);
      return;
    }
    frames_.pop_back();
    close_frames();
    return;
  }
  if (tag_ == kOctetsConstructed) {
    if (frames_.size() > kMaxOctetNesting) {
      stop(Status::Malformed);
      return;
    }
    frames_.push_back({indefinite_, len_});
    close_frames();
    return;
  }
  if (tag_ != kOctets) {
    stop(Status::Malformed);
    return;
  }
  start_value(Body::Data);
}

// The value of the TLV just read (len_ bytes) is for `b`.
void SignedContentStream::start_value(Body b) {
  body_ = b;
  body_left_ = len_;
  if (body_left_ == 0) end_body();
}

// A value of n bytes fits in what holds it: the encapContentInfo (while
// its type is read) and every definite-length frame open. Checked at the
// header, so that a value's bytes are passed on or refused whole, however
// the input is split.
bool SignedContentStream::fits(uint64_t n) const {
  if (step_ == Step::EContentType && !encap_indefinite_ && encap_left_ < n) return false;
  for (const Frame& f : frames_)
    if (!f.indefinite && f.left < n) return false;
  return true;
}

// n bytes of the input read: they count against the encapContentInfo
// (while its type is read) and every definite-length frame open.
void SignedContentStream::consumed(uint64_t n) {
  if (!fits(n)) {
    stop(Status::Malformed);  // a header running past what holds it
    return;
  }
  if (step_ == Step::EContentType && !encap_indefinite_) encap_left_ -= n;
  for (Frame& f : frames_)
    if (!f.indefinite) f.left -= n;
}

void SignedContentStream::end_body() {
  Body b = std::exchange(body_, Body::None);
  switch (b) {
    case Body::Oid:
      is_signed_ = oid_ == kSignedDataOid;
      if (is_signed_) step_ = Step::Explicit;
      else stop(Status::NotSigned);
      return;
    case Body::Data:
      close_frames();
      return;
    case Body::Skip:
      if (step_ == Step::Version) {
        step_ = Step::DigestAlgs;
      } else if (step_ == Step::DigestAlgs) {
        step_ = Step::Encap;
      } else if (step_ == Step::EContentType) {
        step_ = Step::EContentTag;
        if (!encap_indefinite_ && encap_left_ == 0) stop(Status::NoContent);
      }
      return;
    case Body::None: return;
  }
}

// Definite-length frames whose bytes are all read are closed; the eContent
// ends when its [0] is.
void SignedContentStream::close_frames() {
  while (!frames_.empty() && !frames_.back().indefinite && frames_.back().left == 0) frames_.pop_back();
  if (frames_.empty() && step_ == Step::Octets) stop(Status::Done);
}

}  // namespace phi::mime
