// tnef_reader - a TNEF attachment's message text and its attachments as parts, for the Sink (see entity.h).
#include <algorithm>
#include <vector>

#include "milter/mime/entity.h"
#include "milter/util/strings.h"

namespace phi::mime::detail {
namespace {

constexpr uint64_t kFingerprintSeed = 0xcbf29ce484222325ull;  // FNV-1a offset basis

// A text's fingerprint for "the same body written twice": FNV-1a over its
// bytes other than white space and NUL (attBody ends its lines in CRLF,
// PR_BODY may add a NUL or drop the last line break), and their count.
void fingerprint(std::string_view utf8, uint64_t& hash, uint64_t& count) {
  for (char c : utf8) {
    if (c == '\0' || is_space(c)) continue;
    hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
    ++count;
  }
}

// A MAPI or TNEF string without its terminating NULs (unit: 1 for 8-bit, 2 for UTF-16).
std::string_view trim_nul(std::string_view s, size_t unit) {
  while (s.size() >= unit && s.substr(s.size() - unit).find_first_not_of('\0') == std::string_view::npos)
    s.remove_suffix(unit);
  return s;
}

}  // namespace

TnefReader::TnefReader(WalkState& ws, const PartInfo& info, bool& open)
    : ContainerReader(ws, info, open, ws.tnef_depth), tnef_(*this) {}

// The charset of 8-bit strings: the stream's OEM code page (attOemCodepage), Windows-1252 by default.
std::string TnefReader::charset() const {
  std::string cs = codepage_charset(codepage_);
  return cs.empty() ? "windows-1252" : cs;
}

void TnefReader::emit_body(std::string_view utf8) {
  if (utf8.empty()) return;
  own();
  ws_.sink.text(info_, TextKind::Body, utf8);
  any_text_ = true;
}

// A subject (attSubject, or PR_SUBJECT in attMAPIProps) is one Subject value
// with the TNEF part's id (never the message's own Subject): a NUL-terminated
// string of `unit`-byte characters in `charset`. Its first kMaxTnefString
// bytes are read (`cut`: attSubject was cut to them already), the cut is
// reported "size-limit"; a subject the same as the one given last (Outlook
// writes both attributes) is not given again.
void TnefReader::emit_subject(std::string_view charset, std::string_view bytes, size_t unit, bool cut) {
  bytes = trim_nul(bytes, unit);
  if (bytes.size() > kMaxTnefString) {
    bytes = bytes.substr(0, kMaxTnefString - kMaxTnefString % unit);
    cut = true;
  }
  std::string s = convert_to_utf8(charset, bytes, &ws_.errors);
  if (!s.empty() && s != subject_) {
    own();
    ws_.sink.text(info_, TextKind::Subject, s);
    subject_ = std::move(s);
  }
  if (cut) {
    ws_.truncated = true;
    report_own("size-limit");
  }
}

// The texts of the message (attBody, PR_BODY, ...) are separate: no token spans two.
void TnefReader::separate() {
  if (any_text_) emit_body("\n");
}

// How many of `want` bytes of message text may still be read (max_part_bytes); reports the cut once.
uint64_t TnefReader::text_room(uint64_t want) {
  uint64_t room = ws_.lim.max_part_bytes - std::min(text_bytes_, ws_.lim.max_part_bytes);
  if (want > room) {
    ws_.truncated = true;
    report_own("size-limit");
    want = room;
  }
  text_bytes_ += want;
  return want;
}

bool TnefReader::begin(const TnefAttribute& a) {
  kind_ = Kind::None;
  buf_.clear();
  buf_cap_ = kMaxTnefString;
  if (a.level == tnef::kLevelMessage) {
    end_attachment();  // message attributes come first; one after the attachments ends the last of them
    switch (a.id) {
      case tnef::kAttSubject:
        kind_ = Kind::Subject;
        buf_cap_ = kMaxTnefString + 1;  // and its NUL
        return true;
      case tnef::kAttOemCodepage: kind_ = Kind::Codepage; return true;
      case tnef::kAttBody:
        kind_ = Kind::Body;
        separate();
        body_conv_.emplace(charset());
        return true;
      case tnef::kAttMapiProps:
        if (a.length > ws_.lim.max_part_bytes) {
          ws_.truncated = true;
          report_own("size-limit");
          return false;
        }
        kind_ = Kind::MessageProps;
        buf_cap_ = a.length;
        return true;
      default: return false;
    }
  }
  if (a.id == tnef::kAttAttachRenddata) {
    start_attachment();
    return false;
  }
  if (!in_attachment_) start_attachment();  // attachment attributes without their attAttachRenddata
  if (skip_attachment_) return false;
  switch (a.id) {
    case tnef::kAttAttachTitle: kind_ = Kind::Title; return true;
    case tnef::kAttAttachData:
      open_child();
      if (!child_) return false;
      child_data_ = true;
      kind_ = Kind::Data;
      return true;
    case tnef::kAttAttachment:
      if (a.length > ws_.lim.max_part_bytes) {
        open_child();
        ws_.truncated = true;
        if (child_) ws_.report(child_->info(), "size-limit");
        return false;
      }
      kind_ = Kind::AttachProps;
      buf_cap_ = a.length;
      return true;
    default: return false;
  }
}

void TnefReader::data(std::string_view bytes) {
  switch (kind_) {
    case Kind::Data:
      if (child_) child_->feed(bytes);
      return;
    case Kind::Body: {
      uint64_t n = text_room(bytes.size());
      s1_.clear();
      body_conv_->convert(bytes.substr(0, static_cast<size_t>(n)), s1_);
      fingerprint(s1_, att_body_hash_, att_body_chars_);
      emit_body(s1_);
      return;
    }
    case Kind::None: return;
    default: {
      uint64_t room = buf_cap_ - std::min<uint64_t>(buf_.size(), buf_cap_);
      if (bytes.size() > room) {  // a subject or title longer than kMaxTnefString
        ws_.truncated = true;
        if (kind_ == Kind::Subject) subject_cut_ = true;
        if (kind_ == Kind::Title) name_cut_ = true;
      }
      buf_.append(bytes.substr(0, static_cast<size_t>(std::min<uint64_t>(room, bytes.size()))));
      return;
    }
  }
}

void TnefReader::end(bool checksum_ok) {
  if (!checksum_ok) ws_.errors = true;
  Kind kind = kind_;
  kind_ = Kind::None;
  switch (kind) {
    case Kind::Subject:
      emit_subject(charset(), buf_, 1, subject_cut_);
      subject_cut_ = false;
      break;
    case Kind::Codepage:
      if (buf_.size() >= 4) {
        uint32_t cp = static_cast<unsigned char>(buf_[0]) | static_cast<unsigned char>(buf_[1]) << 8 |
                      static_cast<uint32_t>(static_cast<unsigned char>(buf_[2])) << 16 |
                      static_cast<uint32_t>(static_cast<unsigned char>(buf_[3])) << 24;
        codepage_ = cp <= 65535 ? static_cast<int>(cp) : 1252;
      }
      break;
    case Kind::Body:
      s1_.clear();
      body_conv_->finish(s1_);
      fingerprint(s1_, att_body_hash_, att_body_chars_);
      emit_body(s1_);
      att_body_read_ = true;
      if (body_conv_->had_errors()) ws_.errors = true;
      body_conv_.reset();
      break;
    case Kind::MessageProps: message_props(buf_); break;
    case Kind::Title: add_name(convert_to_utf8(charset(), trim_nul(buf_, 1), &ws_.errors)); break;
    case Kind::AttachProps: attachment_props(buf_); break;
    default: break;
  }
  buf_.clear();
  buf_.shrink_to_fit();  // a property list may have been large
}

void TnefReader::start_attachment() {
  end_attachment();
  in_attachment_ = true;
  skip_attachment_ = !take_part();
}

void TnefReader::end_attachment() {
  if (!in_attachment_) return;
  if (!child_ && !skip_attachment_ && !title_.empty()) open_child();  // no data: its name is still classified
  end_child();
  in_attachment_ = false;
  skip_attachment_ = false;
  child_data_ = false;
  name_cut_ = false;
  title_.clear();
  extra_names_.clear();
}

// The attachment's part begins: its first name is its file name, the others follow as Filename values.
void TnefReader::open_child() {
  if (child_ || skip_attachment_ || !in_attachment_) return;
  begin_child(title_);
  // A title longer than kMaxTnefString, or names beyond it: what was kept
  // is classified, and the cut is said.
  if (name_cut_) ws_.report(child_->info(), "size-limit");
  std::string_view rest = extra_names_;
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    std::string_view name = rest.substr(0, nl);
    if (!name.empty()) ws_.sink.text(child_->info(), TextKind::Filename, name);
    rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
  }
  extra_names_.clear();
}

void TnefReader::add_name(std::string name) {
  if (name.empty() || name.find('\n') != std::string::npos) {
    if (name.empty()) return;
    std::replace(name.begin(), name.end(), '\n', ' ');
  }
  if (child_) {
    if (name != child_->info().filename) ws_.sink.text(child_->info(), TextKind::Filename, name);
    return;
  }
  if (title_.empty()) {
    title_ = std::move(name);
  } else if (name != title_ && extra_names_.size() + name.size() < kMaxTnefString) {
    extra_names_ += name;
    extra_names_ += '\n';
  } else if (name != title_) {
    ws_.truncated = true;
    name_cut_ = true;
  }
}

// Text of one message property: charset conversion, then HTML or RTF
// stripping, in slices of kMaxSlice bytes so that what is held besides the
// property list stays small.
void TnefReader::convert_text(std::string_view charset, std::string_view bytes, bool html, bool rtf) {
  bytes = bytes.substr(0, static_cast<size_t>(text_room(bytes.size())));
  if (bytes.empty()) return;
  separate();
  std::optional<RtfToText> r;
  std::optional<CharsetConverter> conv;
  std::optional<HtmlToText> h;
  if (rtf) r.emplace(&body_doc_);
  else conv.emplace(charset);
  if (html) h.emplace(&body_doc_);
  for (bool last = false; !last;) {
    std::string_view piece = bytes.substr(0, std::min(bytes.size(), kMaxSlice));
    bytes.remove_prefix(piece.size());
    last = bytes.empty();
    s1_.clear();
    if (r) {
      r->feed(piece, s1_);
      if (last) r->finish(s1_);
      emit_body(s1_);
      continue;
    }
    conv->convert(piece, s1_);
    if (last) conv->finish(s1_);
    if (!h) {
      emit_body(s1_);
      continue;
    }
    s2_.clear();
    h->feed(s1_, s2_);
    if (last) h->finish(s2_);
    emit_body(s2_);
  }
  if ((r && r->had_errors()) || (conv && conv->had_errors()) || (h && h->had_errors())) ws_.errors = true;
  if (r && !r->unread().empty()) report_own(r->unread());  // a picture of the body not read
  if (h && !h->unread().empty()) report_own(h->unread());
}

// Whether PR_BODY (in `charset`) is the text attBody gave, white space
// aside: then it is not classified a second time (its findings would
// count twice). A body attBody cut at max_part_bytes is never the same.
bool TnefReader::same_as_att_body(std::string_view charset, std::string_view bytes) {
  uint64_t hash = kFingerprintSeed, chars = 0;
  bool errors = false;
  fingerprint(convert_to_utf8(charset, bytes, &errors), hash, chars);
  return hash == att_body_hash_ && chars == att_body_chars_;
}

// attMAPIProps: PR_SUBJECT, PR_BODY, PR_BODY_HTML and PR_RTF_COMPRESSED are the message's text.
void TnefReader::message_props(std::string_view blob) {
  bool ok = parse_mapi_props(blob, [this](const MapiProp& p) {
    if (p.named || p.multi) return;
    std::string_view cs8 = p.type == tnef::kPtUnicode ? "utf-16le" : "";
    std::string cp = charset();
    if (p.type == tnef::kPtString8) cs8 = cp;
    if (p.id == tnef::kPrSubject && (p.type == tnef::kPtString8 || p.type == tnef::kPtUnicode)) {
      emit_subject(cs8, p.value, p.type == tnef::kPtUnicode ? 2 : 1);
    } else if (p.id == tnef::kPrBody && (p.type == tnef::kPtString8 || p.type == tnef::kPtUnicode)) {
      std::string_view body = trim_nul(p.value, p.type == tnef::kPtUnicode ? 2 : 1);
      if (att_body_read_ && same_as_att_body(cs8, body)) return;  // Outlook writes the plain body twice
      convert_text(cs8, body, false, false);
    } else if (p.id == tnef::kPrBodyHtml && (p.type == tnef::kPtString8 || p.type == tnef::kPtBinary)) {
      // Binary HTML names its charset in a <meta> only: read unlabelled (UTF-8 where valid, else Windows-1252).
      convert_text(p.type == tnef::kPtBinary ? "" : cs8, trim_nul(p.value, 1), true, false);
    } else if (p.id == tnef::kPrRtfCompressed && p.type == tnef::kPtBinary) {
      std::string rtf;
      uint64_t room = ws_.lim.max_part_bytes - std::min(text_bytes_, ws_.lim.max_part_bytes);
      LzfuStatus st = lzfu_decompress(p.value, room, rtf);
      convert_text("", rtf, false, true);  // what was decoded is read, whatever came after it
      if (st == LzfuStatus::SizeLimit) {
        ws_.truncated = true;
        report_own("size-limit");
      } else if (st == LzfuStatus::BadCrc) {
        ws_.errors = true;  // decoded to its end all the same: all of it was read (as after a bad attribute checksum)
      } else if (st != LzfuStatus::Ok) {
        ws_.errors = true;  // cut, or not LZFu nor MELA: the rest of the RTF is unread
        report_own("binary");
      }
    }
  });
  if (!ok) {  // cut, or a property whose size is unknown: the properties after it are unread
    ws_.errors = true;
    report_own("binary");
  }
}

// attAttachment: the attachment's long file name, and whether it is an embedded message.
void TnefReader::attachment_props(std::string_view blob) {
  bool embedded = false, object = false;
  std::vector<std::string> names;
  bool ok = parse_mapi_props(blob, [&](const MapiProp& p) {
    if (p.named || p.multi) return;
    if (p.id == tnef::kPrAttachLongFilename && p.type == tnef::kPtString8)
      names.push_back(convert_to_utf8(charset(), trim_nul(p.value, 1), &ws_.errors));
    else if (p.id == tnef::kPrAttachLongFilename && p.type == tnef::kPtUnicode)
      names.push_back(convert_to_utf8("utf-16le", trim_nul(p.value, 2), &ws_.errors));
    else if (p.id == tnef::kPrAttachMethod && p.type == tnef::kPtLong && p.value.size() >= 4)
      embedded = static_cast<unsigned char>(p.value[0]) == tnef::kAttachEmbeddedMsg && p.value.substr(1, 3) ==
                 std::string_view("\0\0\0", 3);
    else if (p.id == tnef::kPrAttachDataObj && p.type == tnef::kPtObject)
      object = true;
  });
  for (auto& n : names) add_name(std::move(n));
  if (!ok) {  // the attachment's properties after the damage (names, method) are unread
    ws_.errors = true;
    if (child_) ws_.report(child_->info(), "binary");  // its part, once per attAttachment
    else report_own("binary");
  }
  if ((embedded || object) && !child_data_) {
    // An embedded message (or OLE object) is another TNEF stream inside this one: not read.
    open_child();
    if (child_) {
      if (embedded) ws_.truncated = true;
      child_->stop(embedded ? "depth-limit" : "binary");
    }
  }
}

void TnefReader::finish() {
  tnef_.finish();
  end_attachment();
  if (tnef_.had_errors()) ws_.errors = true;
  if (tnef_.status() != TnefStream::Status::Done) report_own("binary");  // cut or malformed: not read to the end
}

}  // namespace phi::mime::detail
