// rtf - streaming RTF-to-text state machine: groups, destinations, code pages, \uN.
#include "milter/mime/rtf.h"

#include <algorithm>

#include "milter/mime/metafile.h"
#include "milter/mime/office_pictures.h"
#include "milter/mime/ole_native.h"
#include "milter/util/strings.h"

namespace phi::mime {
namespace {

constexpr std::string_view kSignature = "{\\rtf";
constexpr uint32_t kReplacement = 0xFFFD;

// Destinations whose content is not text. Sorted (std::binary_search).
constexpr std::string_view kSkipped[] = {
    "aftncn", "aftnsep", "aftnsepc", "atnauthor", "atndate", "atnicn", "atnid", "atnparent",
    "atnref", "atntime", "bkmkend", "bkmkstart", "blipuid", "colorschememapping", "colortbl",
    "datafield", "datastore", "defchp", "defpap", "docvar", "falt", "fchars", "fileinfo",
    "filetbl", "fldinst", "fontemb", "fontfile", "fonttbl", "ftncn", "ftnsep", "ftnsepc",
    "generator", "keycode", "latentstyles", "lchars", "listoverridetable", "listpicture",
    "listtable", "mmathPr", "nonshppict", "objclass", "objdata", "objname", "panose", "pgdsctbl",
    "pgptbl", "picprop", "private", "protusertbl", "revtbl", "rsidtbl", "shprslt", "sn", "sp",
    "stylesheet", "sv", "tc", "template", "themedata", "txe", "userprops", "wgrffmtfilter", "xe",
    "xmlattrname", "xmlattrvalue", "xmlclose", "xmlnstbl", "xmlopen"};
static_assert(std::is_sorted(std::begin(kSkipped), std::end(kSkipped)));

// Text destinations that a reader shows apart from the text around them
// (Word inserts a footnote or comment where it is referenced): a line of
// their own, so that they cannot join a word before or after them.
bool own_line(std::string_view w) {
  static constexpr std::string_view kOwnLine[] = {
      "annotation", "footer", "footerf", "footerl", "footerr", "footnote", "header", "headerf",
      "headerl", "headerr", "shptxt"};
  return std::binary_search(std::begin(kOwnLine), std::end(kOwnLine), w);
}

// \*\ destinations that hold text a reader shows.
bool star_text(std::string_view w) { return w == "shpinst" || w == "annotation" || w == "shptxt"; }

enum class Kind { Break, Char, Drop };
struct Word { std::string_view name; Kind kind; uint32_t value; };
// Sorted by name (std::lower_bound).
constexpr Word kWords[] = {
    {"bullet", Kind::Char, 0x2022}, {"cell", Kind::Break, '\t'}, {"column", Kind::Break, '\n'},
    {"emdash", Kind::Char, 0x2014}, {"emspace", Kind::Char, ' '}, {"endash", Kind::Char, 0x2013},
    {"enspace", Kind::Char, ' '}, {"ldblquote", Kind::Char, 0x201C}, {"line", Kind::Break, '\n'},
    {"lquote", Kind::Char, 0x2018}, {"ltrmark", Kind::Drop, 0}, {"nestcell", Kind::Break, '\t'},
    {"nestrow", Kind::Break, '\n'}, {"page", Kind::Break, '\n'}, {"par", Kind::Break, '\n'},
    {"qmspace", Kind::Char, ' '}, {"rdblquote", Kind::Char, 0x201D}, {"row", Kind::Break, '\n'},
    {"rquote", Kind::Char, 0x2019}, {"rtlmark", Kind::Drop, 0}, {"sect", Kind::Break, '\n'},
    {"tab", Kind::Break, '\t'}, {"zwbo", Kind::Drop, 0}, {"zwj", Kind::Drop, 0},
    {"zwnbo", Kind::Drop, 0}, {"zwnj", Kind::Drop, 0}};

static_assert(std::is_sorted(std::begin(kWords), std::end(kWords),
                             [](const Word& a, const Word& b) { return a.name < b.name; }));

const Word* find_word(std::string_view w) {
  auto it = std::lower_bound(std::begin(kWords), std::end(kWords), w,
                             [](const Word& e, std::string_view k) { return e.name < k; });
  return it != std::end(kWords) && it->name == w ? it : nullptr;
}

// Invisible characters (soft hyphen, zero-width space/joiners, word
// joiner, BOM): dropped, as by html.cc, so they cannot split an identifier.
bool invisible(uint32_t cp) {
  return cp == 0xAD || (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF;
}

// The code page of \fcharsetN, 0 for the document's.
uint16_t charset_code_page(int64_t n) {
  switch (n) {
    case 77: return 10000;
    case 128: return 932;
    case 129: return 949;
    case 130: return 1361;
    case 134: return 936;
    case 136: return 950;
    case 161: return 1253;
    case 162: return 1254;
    case 163: return 1258;
    case 177: return 1255;
    case 178: return 1256;
    case 186: return 1257;
    case 204: return 1251;
    case 222: return 874;
    case 238: return 1250;
    case 254: return 437;
    case 255: return 850;
    default: return 0;  // 0 ANSI, 1 default, 2 symbol and the rest
  }
}

// Whether code page `cp` is decoded with the built-in Windows-1252 table.
bool builtin_cp(int cp) { return cp == 1252 || codepage_charset(cp).empty(); }

int64_t clamp_param(int64_t v, int64_t lo, int64_t hi) { return std::min(std::max(v, lo), hi); }

}  // namespace

// The charset name CharsetConverter gets for a code page; "" for the
// built-in Windows-1252 (1252 itself, and code pages not listed here).
std::string codepage_charset(int cp) {
  switch (cp) {
    case 10000: return "macintosh";
    case 20866: return "koi8-r";
    case 21866: return "koi8-u";
    case 28605: return "iso-8859-15";
    case 65001: return "utf-8";
    case 437: case 737: case 775: case 850: case 852: case 855: case 857: case 860: case 861:
    case 862: case 863: case 864: case 865: case 866: case 869: case 874: case 932: case 936:
    case 949: case 950: case 1250: case 1251: case 1253: case 1254: case 1255: case 1256:
    case 1257: case 1258: case 1361:
      return "cp" + std::to_string(cp);
    default:
      if (cp >= 28592 && cp <= 28599) return "iso-8859-" + std::to_string(cp - 28590);
      return "";
  }
}

RtfToText::RtfToText(EmbeddedDocument* documents) : documents_(documents), file_(documents) {}
RtfToText::~RtfToText() = default;

void RtfToText::feed(std::string_view in, std::string& out) {
  out_start_ = out.size();
  for (size_t k = 0; sig_pos_ < kSignature.size() && k < in.size(); ++k) {
    if (in[k] == kSignature[sig_pos_]) ++sig_pos_;
    else { sig_pos_ = kSignature.size(); errors_ = true; }
  }
  size_t i = 0;
  while (i < in.size()) {
    if (st_ == State::Bin) {
      uint64_t n = std::min<uint64_t>(bin_left_, in.size() - i);
      if (pict_depth_ != 0 && depth_ == pict_depth_) pict_bytes(in.substr(i, n), false, out);
      i += n;
      bin_left_ -= n;
      if (bin_left_ == 0) st_ = State::Text;
      continue;
    }
    if (st_ == State::Text) {
      size_t j = text_run(in, i, out);
      if (j != i) { i = j; continue; }
    }
    if (step(static_cast<unsigned char>(in[i]), out)) ++i;
  }
  if (out.size() > out_start_) last_out_ = out.back();
}

// A run of bytes that need no state change: inside a skipped group,
// everything but '\', '{' and '}'; in plain Windows-1252 text with nothing
// pending, printable ASCII.
size_t RtfToText::text_run(std::string_view in, size_t i, std::string& out) {
  size_t j = i;
  if (skip_depth_ != 0) {
    while (j < in.size() && in[j] != '\\' && in[j] != '{' && in[j] != '}') ++j;
    if (pict_depth_ != 0 && depth_ == pict_depth_) pict_bytes(in.substr(i, j - i), true, out);  // a picture's data
    return j;
  }
  if (group_start_ || uc_left_ > 0 || high_ != 0) return i;
  if (!builtin_cp(cur_.cp ? cur_.cp : doc_cp_)) return i;
  while (j < in.size()) {
    auto c = static_cast<unsigned char>(in[j]);
    if (c < 0x20 || c >= 0x7F || c == '\\' || c == '{' || c == '}') break;
    ++j;
  }
  if (j != i) {
    flush_converter(out);
    out.append(in.data() + i, j - i);
  }
  return j;
}

// One byte; false if it was not consumed and must be stepped again.
bool RtfToText::step(unsigned char c, std::string& out) {
  switch (st_) {
    case State::Text:
      if (c == '\\') st_ = State::Backslash;
      else if (c == '{') open_group();
      else if (c == '}') close_group(out);
      else if (c == '\r' || c == '\n') {}  // not text
      else if (skip_depth_ == 0 && !skipped({}, out)) cp_byte(c, out);
      return true;
    case State::Backslash:
      if (ascii_alpha(c)) {
        word_[0] = static_cast<char>(c);
        word_len_ = 1;
        word_long_ = false;
        neg_ = false;
        has_param_ = false;
        param_ = 0;
        st_ = State::Word;
      } else if (c == '\'') {
        st_ = State::Hex1;
      } else {
        st_ = State::Text;
        control_symbol(c, out);
      }
      return true;
    case State::Word:
      if (ascii_alpha(c)) {
        if (word_len_ < kMaxControlWord) word_[word_len_++] = static_cast<char>(c);
        else word_long_ = true;
        return true;
      }
      if (c == '-') { neg_ = true; st_ = State::Param; return true; }
      if (ascii_digit(c)) { st_ = State::Param; return false; }
      end_word(out);
      return c == ' ';  // the delimiting blank belongs to the word
    case State::Param:
      if (ascii_digit(c)) {
        has_param_ = true;
        if (param_ < kMaxParam) param_ = std::min<int64_t>(param_ * 10 + (c - '0'), kMaxParam);
        return true;
      }
      end_word(out);
      return c == ' ';
    case State::Hex1:
    case State::Hex2: {
      int v = hex_value(static_cast<char>(c));
      if (v < 0) {  // "\'" without two hex digits: dropped
        errors_ = true;
        st_ = State::Text;
        return false;
      }
      if (st_ == State::Hex1) {
        hex_hi_ = static_cast<unsigned>(v);
        st_ = State::Hex2;
        return true;
      }
      st_ = State::Text;
      if (skip_depth_ == 0 && !skipped({}, out)) cp_byte(static_cast<unsigned char>(hex_hi_ * 16 + v), out);
      return true;
    }
    case State::Bin:  // handled by feed()
      return true;
  }
  return true;
}

void RtfToText::open_group() {
  uc_left_ = 0;
  if (depth_ < kMaxDepth) {
    saved_[depth_] = cur_;
    own_line_[depth_] = false;
  }
  ++depth_;
  group_start_ = true;
  star_ = false;
}

void RtfToText::close_group(std::string& out) {
  uc_left_ = 0;
  group_start_ = false;
  star_ = false;
  if (depth_ == 0) { errors_ = true; return; }
  if (depth_ == pict_depth_) end_pict(out);
  if (depth_ == skip_depth_) { skip_depth_ = 0; skip_fonts_ = false; skip_pictures_ = false; font_entry_ = -1; }
  if (info_depth_ != 0 && (depth_ == info_depth_ || depth_ == info_depth_ + 1) && skip_depth_ == 0)
    break_if_needed(out);  // each \info sub-destination on a line of its own
  if (depth_ == info_depth_) info_depth_ = 0;
  if (depth_ <= kMaxDepth && own_line_[depth_ - 1] && skip_depth_ == 0) break_if_needed(out);
  --depth_;
  if (depth_ < kMaxDepth) cur_ = saved_[depth_];
}

void RtfToText::end_word(std::string& out) {
  st_ = State::Text;
  int64_t p = neg_ ? -param_ : param_;
  std::string_view w = word_long_ ? std::string_view() : std::string_view(word_, word_len_);
  control_word(w, has_param_, has_param_ ? p : 0, out);
}

// Whether the current group is skipped, deciding it at the group's first
// token (`word` is the control word, empty for anything else).
bool RtfToText::skipped(std::string_view word, std::string& out) {
  if (skip_depth_ != 0) return true;
  if (!group_start_) return false;
  group_start_ = false;
  if (star_) {
    star_ = false;
    if (word == "shppict") return false;  // not text, but the \pict in it is read
    if (word == "objdata") {  // an embedded object (an Excel sheet in the letter): a file
      begin_pict(out);
      object_ = std::make_unique<Ole1Object>([this](std::string_view b) { file_.held().append(b); });
      pict_read_ = true;
      return true;
    }
    if (!star_text(word)) { begin_skip(false); return true; }
  } else if (word == "pict") {
    begin_pict(out);
    return true;
  } else if (word == "fonttbl") {
    begin_skip(true);
    return true;
  } else if (std::binary_search(std::begin(kSkipped), std::end(kSkipped), word)) {
    begin_skip(false);
    skip_pictures_ = word == "sp";  // a floating picture: {\sp{\sn pib}{\sv{\pict ...}}}
    return true;
  }
  if (word == "info" && info_depth_ == 0) info_depth_ = depth_;
  if (own_line(word) && depth_ <= kMaxDepth) {
    own_line_[depth_ - 1] = true;
    break_if_needed(out);
  }
  return false;
}

// Only called at a group's first token, so depth_ >= 1.
void RtfToText::begin_skip(bool fonts) {
  skip_depth_ = depth_;
  skip_fonts_ = fonts;
  skip_pictures_ = false;
  font_entry_ = -1;
}

// A \pict group begins (its first token): skipped as text, its data (hex
// digits or \bin bytes at its own depth, after the words that say its
// format) a picture, read when its format is PNG or JPEG. Pictures in
// pictures are not looked for.
void RtfToText::begin_pict(std::string& out) {
  flush_converter(out);  // the text before it goes first
  resolve_surrogate(out);
  pict_depth_ = depth_;
  pict_read_ = false;
  pict_data_ = false;
  pict_dib_ = false;
  pict_hex_ = HexDecoder();
  if (skip_depth_ == 0) begin_skip(false);
}

// Bytes of the picture's data: hex digits (anything else between them
// is ignored) or \bin's raw bytes.
void RtfToText::pict_bytes(std::string_view raw, bool hex, std::string& out) {
  if (raw.empty()) return;
  if (meta_) {  // a metafile's bytes: its text, where it is, without a reader (its bitmaps with one)
    meta_sink_ = &out;
    meta_->feed(decoded(raw, hex));
    meta_text(out);
    return;
  }
  if (!pict_read_ || !documents_) {  // not read: only whether it had data counts
    if (!hex) pict_data_ = true;
    for (size_t k = 0; hex && k < raw.size() && !pict_data_; ++k) pict_data_ = hex_value(raw[k]) >= 0;
    return;
  }
  std::string& held = file_.held();
  if (object_) {  // the object's head, then its native data: the file
    object_->feed(decoded(raw, hex));
  } else if (!hex) {
    held.append(raw);
  } else {
    pict_hex_.decode(raw, held);
  }
  pict_data_ = pict_data_ || !held.empty();
  if (pict_dib_ && held.size() < kDibHead) return;  // its header first
  if (pict_dib_) dib_file(dib_size(held));
  file_.pass(out, out_start_, last_out_);
}

// A DIB's first bytes are held (kDibHead, or all of it: `size`): the .bmp
// file header goes before them (bmp_file_header); a header that makes no
// sense leaves the picture unread ("image", at its end).
void RtfToText::dib_file(uint64_t size) {
  pict_dib_ = false;
  std::string& held = file_.held();
  std::string header = bmp_file_header(held, size);
  if (header.empty()) {
    pict_read_ = false;
    held.clear();
    return;
  }
  held.insert(0, header);
}

// A piece of an object's or a metafile's data, decoded (held in
// object_bytes_ until the next piece).
std::string_view RtfToText::decoded(std::string_view raw, bool hex) {
  object_bytes_.clear();
  if (!hex) object_bytes_.append(raw);
  else pict_hex_.decode(raw, object_bytes_);
  pict_data_ = pict_data_ || !object_bytes_.empty();
  return object_bytes_;
}

// The picture's group closes (or the input ends in it): a picture read is
// ended, its text after the text before it; one of a format not read, or
// with nobody to read it, makes unread() "image" (an object: "office",
// also when its data is cut; a metafile: when it drew no text and no
// bitmap that was read, or a bitmap that was not read).
void RtfToText::end_pict(std::string& out) {
  if (meta_) {
    meta_sink_ = &out;
    meta_->finish();
    meta_text(out);
    if (!meta_->unread().empty() && pict_data_ && unread_.empty())
      unread_ = meta_->unread();  // no text drawn (a logo, a drawing), a bitmap not read
    meta_.reset();
    meta_any_ = false;
    pict_depth_ = 0;
    return;
  }
  bool damaged = false;
  if (object_) {
    object_->finish();
    damaged = object_->damaged();
  }
  if (pict_read_ && documents_ && pict_dib_) dib_file(file_.held().size());  // shorter than kDibHead
  if (pict_read_ && documents_) file_.end(out, out_start_, last_out_);
  else if (pict_data_ && unread_.empty()) unread_ = object_ ? "office" : "image";
  if (damaged && unread_.empty()) unread_ = "office";
  object_.reset();
  pict_depth_ = 0;
}

// A bitmap the metafile draws (a screenshot pasted as a metafile): read
// as a PNG picture is, through file_ (idle while a metafile is read), its
// text after the metafile's before it.
void RtfToText::meta_picture(std::string_view b, bool end) {
  std::string& out = *meta_sink_;
  meta_text(out);
  if (end) {
    file_.end(out, out_start_, last_out_);
    return;
  }
  file_.held().append(b);
  file_.pass(out, out_start_, last_out_);
}

// The text a metafile drew so far, to `out`, on lines of its own.
void RtfToText::meta_text(std::string& out) {
  if (meta_out_.empty()) return;
  if (!meta_any_) break_if_needed(out);
  meta_any_ = true;
  out.append(meta_out_);
  meta_out_.clear();
}

void RtfToText::control_word(std::string_view w, bool has_param, int64_t param, std::string& out) {
  if (w == "bin") {  // binary data, in any destination
    bin_left_ = has_param && param > 0 ? static_cast<uint64_t>(param) : 0;
    if (bin_left_ > 0) st_ = State::Bin;
    if (skip_depth_ == 0) skipped(w, out);
    return;
  }
  if (skip_depth_ != 0) {
    if (skip_fonts_) font_table_word(w, param);
    bool format = pict_depth_ != 0 && depth_ == pict_depth_ && !pict_data_;  // a word of the picture's, before its data
    if (format && (w == "pngblip" || w == "jpegblip" || w == "dibitmap")) {
      pict_read_ = true;  // \wbitmap, \macpict...: not read
      pict_dib_ = w == "dibitmap";  // given as the .bmp file it would be (dib_file())
    } else if (format && !object_ && !meta_ && (w == "emfblip" || w == "wmetafile")) {
      meta_ = std::make_unique<MetafileText>(  // its text, read here; its bitmaps by documents_, as pictures
          [this](std::string_view t) { meta_out_.append(t); }, false,
          documents_ ? MetafilePicture([this](std::string_view b, bool end) { meta_picture(b, end); }) : MetafilePicture());
    } else if (pict_depth_ == 0 && skip_pictures_ && group_start_ && w == "pict") {
      begin_pict(out);
    }
    group_start_ = false;
    return;
  }
  if (skipped(w, out)) return;
  if (const Word* k = find_word(w)) {
    switch (k->kind) {
      case Kind::Break: emit_break(static_cast<char>(k->value), out); return;
      case Kind::Char: emit_char(k->value, out); return;
      case Kind::Drop: return;
    }
  }
  if (w == "u") { unicode(param, has_param, out); return; }
  if (w == "uc") { cur_.uc = static_cast<uint16_t>(has_param ? clamp_param(param, 0, kMaxUcSkip) : 1); return; }
  if (w == "f") { cur_.cp = static_cast<uint16_t>(font_cp(param)); return; }
  if (w == "plain") { cur_.cp = static_cast<uint16_t>(font_cp(deff_)); return; }
  if (w == "deff") { deff_ = param; return; }
  if (w == "ansicpg" && has_param) { doc_cp_ = static_cast<int>(clamp_param(param, 0, 65535)); return; }
  if (w == "mac") { doc_cp_ = 10000; return; }
  if (w == "pc") { doc_cp_ = 437; return; }
  if (w == "pca") { doc_cp_ = 850; return; }
  // Anything else is formatting, or unknown: not text.
}

// Inside \fonttbl: each \fN starts an entry; \fcharsetN and \cpgN set its code page.
void RtfToText::font_table_word(std::string_view w, int64_t param) {
  if (w == "f") {
    if (nfonts_ < kMaxFonts) {
      fonts_[nfonts_] = Font{static_cast<int32_t>(clamp_param(param, INT32_MIN, INT32_MAX)), 0, 0};
      font_entry_ = static_cast<int>(nfonts_++);
    } else {
      font_entry_ = -1;
    }
  } else if (w == "fcharset" && font_entry_ >= 0) {
    fonts_[font_entry_].charset_cp = charset_code_page(param);
  } else if (w == "cpg" && font_entry_ >= 0) {
    fonts_[font_entry_].cpg = static_cast<uint16_t>(clamp_param(param, 0, 65535));
  }
}

int RtfToText::font_cp(int64_t num) const {
  for (size_t k = nfonts_; k-- > 0;)  // a later entry for the same number wins
    if (fonts_[k].num == num) return fonts_[k].cpg ? fonts_[k].cpg : fonts_[k].charset_cp;
  return 0;
}

void RtfToText::control_symbol(unsigned char c, std::string& out) {
  if (skip_depth_ != 0) return;
  if (c == '*') {
    if (group_start_ && !star_) star_ = true;  // decided at the next token
    else skipped({}, out);  // "{\*\*": skipped; elsewhere: nothing
    return;
  }
  if (skipped({}, out)) return;
  switch (c) {
    case '~': emit_char(' ', out); return;
    case '_': emit_char('-', out); return;
    case '-': emit_char(0, out); return;  // optional hyphen: a character, not shown
    case '{': case '}': case '\\': emit_char(c, out); return;
    case '\r': case '\n': emit_break('\n', out); return;  // "\<CR>" is \par
    case '\t': emit_break('\t', out); return;
    default: return;  // \| \: and the rest: not text
  }
}

// A byte of the current code page, from the text or a \'hh.
void RtfToText::cp_byte(unsigned char b, std::string& out) {
  if (uc_left_ > 0) { --uc_left_; return; }
  if (b < 0x20 && b != '\t') return;  // NUL and control bytes are not text
  resolve_surrogate(out);
  int cp = cur_.cp ? cur_.cp : doc_cp_;
  if (cp != 1252 && use_converter(cp, out)) {
    char ch = static_cast<char>(b);
    conv_->convert(std::string_view(&ch, 1), out);
    conv_used_ = true;
    return;
  }
  flush_converter(out);
  if (b < 0x80) out.push_back(static_cast<char>(b));
  else if (b != 0xAD) append_utf8(out, windows1252_code_point(b));  // soft hyphen: invisible
}

void RtfToText::unicode(int64_t param, bool has_param, std::string& out) {
  flush_converter(out);
  uc_left_ = 0;
  uint32_t cp;
  if (!has_param || param < -32768 || param > 65535) {
    errors_ = true;
    cp = kReplacement;
  } else {
    cp = static_cast<uint32_t>(param < 0 ? param + 65536 : param);
  }
  if (high_ != 0 && cp >= 0xDC00 && cp <= 0xDFFF) {
    append_utf8(out, 0x10000 + ((high_ - 0xD800) << 10) + (cp - 0xDC00));
    high_ = 0;
  } else {
    resolve_surrogate(out);
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      high_ = cp;
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
      errors_ = true;
      append_utf8(out, kReplacement);
    } else if (invisible(cp)) {
      // dropped: it must not split an identifier
    } else if (cp >= 0x20 || cp == '\t') {
      append_utf8(out, cp);
    } else if (cp == '\n' || cp == '\r') {
      out.push_back('\n');
    }
  }
  uc_left_ = has_param ? cur_.uc : 0;
}

// A character from a control symbol or word: counts as fallback after \uN.
void RtfToText::emit_char(uint32_t cp, std::string& out) {
  if (uc_left_ > 0) { --uc_left_; return; }
  flush_converter(out);
  resolve_surrogate(out);
  if (cp != 0) append_utf8(out, cp);
}

void RtfToText::emit_break(char c, std::string& out) {
  uc_left_ = 0;
  flush_converter(out);
  resolve_surrogate(out);
  out.push_back(c);
}

void RtfToText::break_if_needed(std::string& out) {
  uc_left_ = 0;
  flush_converter(out);
  resolve_surrogate(out);
  // What this converter wrote last, in this call or an earlier one: the
  // caller's buffer may hold only this call's output.
  char last = out.size() > out_start_ ? out.back() : last_out_;
  if (last != 0 && last != '\n') out.push_back('\n');
}

void RtfToText::resolve_surrogate(std::string& out) {
  if (high_ == 0) return;
  high_ = 0;
  errors_ = true;
  append_utf8(out, kReplacement);
}

// Makes conv_ the converter of code page `cp`; false if the built-in
// Windows-1252 table is to be used instead.
bool RtfToText::use_converter(int cp, std::string& out) {
  if (conv_ && conv_cp_ == cp) return true;
  for (size_t k = 0; k < nfailed_; ++k)
    if (failed_cps_[k] == cp) return false;
  Converter* slot = nullptr;
  for (auto& v : convs_)
    if (v.c && v.cp == cp) slot = &v;
  if (!slot) {
    std::string name = codepage_charset(cp);
    std::unique_ptr<CharsetConverter> c;
    if (!name.empty()) c = std::make_unique<CharsetConverter>(name);
    if (!c || !c->known()) {
      if (nfailed_ < failed_cps_.size()) failed_cps_[nfailed_++] = cp;
      return false;
    }
    flush_converter(out);  // before its slot may be reused
    conv_ = nullptr;
    slot = &convs_[next_conv_];
    next_conv_ = (next_conv_ + 1) % convs_.size();
    slot->cp = cp;
    slot->c = std::move(c);
  }
  flush_converter(out);
  conv_ = slot->c.get();
  conv_cp_ = cp;
  return true;
}

// Writes what the converter holds (an incomplete multi-byte character
// becomes U+FFFD) before anything else is written.
void RtfToText::flush_converter(std::string& out) {
  if (!conv_used_) return;
  conv_used_ = false;
  conv_->finish(out);
  if (conv_->had_errors()) errors_ = true;
}

void RtfToText::finish(std::string& out) {
  out_start_ = out.size();
  switch (st_) {
    case State::Word:
    case State::Param: end_word(out); break;
    case State::Hex1:
    case State::Hex2: errors_ = true; break;
    default: break;
  }
  if (st_ == State::Bin && bin_left_ > 0) errors_ = true;  // truncated \bin data
  st_ = State::Text;
  bin_left_ = 0;
  flush_converter(out);
  resolve_surrogate(out);
  if (pict_depth_ != 0) end_pict(out);  // a picture cut short is read as far as it goes
  if (depth_ != 0) errors_ = true;
  if (sig_pos_ < kSignature.size()) errors_ = true;
  if (out.size() > out_start_) last_out_ = out.back();
}

std::string rtf_to_text(std::string_view rtf, bool* had_errors) {
  RtfToText r;
  std::string out;
  r.feed(rtf, out);
  r.finish(out);
  if (had_errors && r.had_errors()) *had_errors = true;
  return out;
}

}  // namespace phi::mime
