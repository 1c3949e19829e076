// NAME
//   tnef - read a TNEF stream (winmail.dat, application/ms-tnef) as it streams past
// SYNOPSIS
//   class H : public phi::mime::TnefStream::Handler { ... };
//   phi::mime::TnefStream t(handler);
//   t.feed(bytes); ...  t.finish();
//   t.status(); t.had_errors(); t.attributes();
//   bool is_tnef(first_bytes);
//   bool parse_mapi_props(blob, [](const MapiProp& p) { ... });
//   LzfuStatus lzfu_decompress(compressed, max_out, out);
// DESCRIPTION
//   TnefStream walks the attributes of a Transport Neutral Encapsulation
//   Format stream (MS-OXTNEF), which Outlook and Exchange send as a
//   winmail.dat attachment, from bytes pushed in pieces split anywhere: a
//   4-byte signature 0x223E9F78 (little-endian) and a 2-byte key, then
//   attributes of a 1-byte level (1 message, 2 attachment), a 4-byte id, a
//   4-byte length, that many bytes of data and a 2-byte checksum (the sum of
//   the data bytes modulo 65536). begin() is called for every attribute;
//   when the handler accepts it, data() gets its bytes in pieces (as they
//   arrive: nothing is buffered here) and end() follows the checksum.
//   A checksum mismatch sets had_errors() and reading goes on.
//   Status: Reading, Done (finish() between two attributes), and the
//   stops, after which input is ignored: Truncated (finish() anywhere
//   else: the stream was cut; end() is then called for an accepted
//   attribute that was cut, with checksum_ok false) and Malformed (no TNEF
//   signature, or a level other than 1 and 2 where an attribute starts).
//
//   parse_mapi_props() reads a MAPI property list (attMAPIProps,
//   attAttachment; MS-OXTNEF 2.1.3.4) held in memory: a count, then per
//   property its type and id, for a named property (id >= 0x8000) its GUID
//   and LID or name, and its value(s). fn is called once per value with the
//   value's bytes (fixed-size types their bytes, variable ones -- string8,
//   unicode, binary, object -- their data without the padding). It returns
//   false when the list is cut or has a type whose size it cannot know;
//   the values before that were already given.
//
//   lzfu_decompress() decompresses PR_RTF_COMPRESSED (MS-OXRTFCP): a
//   16-byte header (compressed size, raw size, "LZFu" compressed or
//   "MELA" uncompressed, CRC), then control bytes whose bits (least
//   significant first) each announce a literal byte or a 2-byte
//   big-endian reference (12-bit offset into a 4096-byte dictionary
//   initialised with kLzfuPrebuf, 4-bit length - 2); a reference to the
//   current write position ends the stream. Output stops at max_out bytes
//   (SizeLimit). The CRC of an "LZFu" stream (MS-OXRTFCP 2.1.3.2: CRC-32,
//   polynomial 0xEDB88320, initial value 0, no final XOR, over the
//   compressed bytes after the header, those after the end reference
//   included) is computed as they are read and checked once the end
//   reference is reached: a mismatch is BadCrc, the whole output being
//   appended all the same. It is not checked when decoding stops earlier
//   (Truncated, SizeLimit), nor for "MELA", whose CRC is 0. A stream
//   shorter than the compressed size its header declares is Truncated,
//   even when its end reference is there.
// INPUT
//   Untrusted. TnefStream keeps at most 14 bytes of framing; an attribute's
//   data is counted down, never allocated, whatever length it declares.
//   parse_mapi_props() and lzfu_decompress() are linear in their input (plus
//   the output, which max_out bounds); lzfu's state is its 4 KB dictionary
//   and a running CRC.
// THREADS
//   One TnefStream per stream, used by one thread at a time; the functions
//   are reentrant.
#ifndef PHI_MIME_TNEF_H
#define PHI_MIME_TNEF_H

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace phi::mime {

namespace tnef {
inline constexpr uint32_t kSignature = 0x223E9F78;
inline constexpr uint8_t kLevelMessage = 1;
inline constexpr uint8_t kLevelAttachment = 2;
// Attribute ids (type in the high word, id in the low word).
inline constexpr uint32_t kAttSubject = 0x00018004;
inline constexpr uint32_t kAttBody = 0x0001800C;
inline constexpr uint32_t kAttMapiProps = 0x00069003;
inline constexpr uint32_t kAttOemCodepage = 0x00069007;
inline constexpr uint32_t kAttAttachRenddata = 0x00069002;
inline constexpr uint32_t kAttAttachTitle = 0x00018010;
inline constexpr uint32_t kAttAttachData = 0x0006800F;
inline constexpr uint32_t kAttAttachment = 0x00069005;
// MAPI property types and ids.
inline constexpr uint16_t kPtString8 = 0x001E;
inline constexpr uint16_t kPtUnicode = 0x001F;
inline constexpr uint16_t kPtBinary = 0x0102;
inline constexpr uint16_t kPtObject = 0x000D;
inline constexpr uint16_t kPtLong = 0x0003;
inline constexpr uint16_t kPrSubject = 0x0037;
inline constexpr uint16_t kPrBody = 0x1000;
inline constexpr uint16_t kPrRtfCompressed = 0x1009;
inline constexpr uint16_t kPrBodyHtml = 0x1013;
inline constexpr uint16_t kPrAttachDataObj = 0x3701;
inline constexpr uint16_t kPrAttachMethod = 0x3705;
inline constexpr uint16_t kPrAttachLongFilename = 0x3707;
inline constexpr uint32_t kAttachEmbeddedMsg = 5;  // PR_ATTACH_METHOD afEmbeddedMessage
}  // namespace tnef

// The TNEF signature starts these bytes.
bool is_tnef(std::string_view first_bytes);

struct TnefAttribute {
  uint8_t level = 0;    // 1 message, 2 attachment
  uint32_t id = 0;      // e.g. tnef::kAttAttachData
  uint32_t length = 0;  // bytes of data, as declared
};

class TnefStream {
 public:
  class Handler {
   public:
    virtual ~Handler() = default;
    // Every attribute, in stream order. Return true to get its data.
    virtual bool begin(const TnefAttribute& a) = 0;
    virtual void data(std::string_view bytes) = 0;
    // After the data of an accepted attribute: whether its checksum matched
    // (false also when the stream was cut inside it).
    virtual void end(bool checksum_ok) = 0;
  };
  enum class Status { Reading, Done, Truncated, Malformed };

  explicit TnefStream(Handler& h) : h_(h) {}
  void feed(std::string_view bytes);
  void finish();

  Status status() const { return status_; }
  bool had_errors() const { return errors_; }
  size_t attributes() const { return attributes_; }

 private:
  enum class State { Signature, Header, Data, Checksum };
  size_t collect(std::string_view in, size_t want);

  Handler& h_;
  Status status_ = Status::Reading;
  State state_ = State::Signature;
  std::string buf_;  // the fixed-size piece being collected
  TnefAttribute a_;
  uint32_t left_ = 0;  // data bytes left in the current attribute
  uint16_t sum_ = 0;   // checksum of its data so far
  bool want_ = false;  // the handler takes its data
  bool errors_ = false;
  size_t attributes_ = 0;
};

struct MapiProp {
  uint16_t type = 0;       // without the multi-value flag 0x1000
  uint16_t id = 0;
  bool named = false;      // id >= 0x8000: a named property (its GUID and name are skipped)
  bool multi = false;      // 0x1000 was set in the type
  uint32_t index = 0;      // the value's index among the property's values
  std::string_view value;  // the value's bytes
};
bool parse_mapi_props(std::string_view blob, const std::function<void(const MapiProp&)>& fn);

inline constexpr size_t kLzfuPrebufLen = 207;
extern const char kLzfuPrebuf[kLzfuPrebufLen + 1];
// BadCrc: decoded to its end reference, but the CRC in the header does not match.
enum class LzfuStatus { Ok, Truncated, Malformed, SizeLimit, BadCrc };
// Appends the decompressed RTF to `out` (at most max_out bytes).
LzfuStatus lzfu_decompress(std::string_view in, uint64_t max_out, std::string& out);

}  // namespace phi::mime

#endif
