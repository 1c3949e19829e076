// NAME
//   ole_native - the file inside an OLE 1 object: a "\1Ole10Native" stream (a package), RTF's \objdata
// SYNOPSIS
//   OleNative n([](std::string_view name) {...}, [](std::string_view bytes) {...});
//   n.feed(piece); ... n.finish();
//   n.found(); n.damaged();
//   Ole1Object o([](std::string_view bytes) {...}); o.feed(decoded_objdata); o.finish();
// DESCRIPTION
//   A file inserted into a Word, Excel or PowerPoint 97-2003 document as
//   an object (Insert > Object > Create from file, or dragged in) whose
//   program is no OLE server (a CSV, a text file, a PDF without Acrobat)
//   is stored by the Object Packager in a stream "\1Ole10Native": the
//   length of what follows, the type 2, the file's label and its path
//   (NUL-terminated ANSI), a word of flags (0x00030000: the file is
//   embedded; 0x00010000: only linked), the length and text of a temporary
//   path, then the file's length and bytes. Another OLE 1 object's native
//   data (the length, then the data) has no name.
//   OleNative reads the stream as it comes: the head (at most
//   kMaxNativeHead bytes) is held until it is whole, then the file's name
//   goes to `name` (the label, else the path's last component, Windows-1252
//   converted to UTF-8, line breaks as blanks; "" for data without one),
//   and its bytes to `bytes` as they come, at most the length the head
//   says. found(): a file began (also an empty one). damaged(): the stream
//   ended before the file's length, or its head is no package's and no
//   native data's (its lengths point past the stream); a linked file (no
//   bytes) is neither found nor damaged.
// INPUT
//   Hostile. Linear time; memory: the head (kMaxNativeHead bytes).
// THREADS
//   One object per stream.
#ifndef PHI_MIME_OLE_NATIVE_H
#define PHI_MIME_OLE_NATIVE_H

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace phi::mime {

inline constexpr size_t kMaxNativeHead = 4096;
inline constexpr size_t kMaxOle1Head = 4096;

// The Object Packager's stream in an object's storage.
inline constexpr std::string_view kOle10Native = "\1Ole10Native";

class OleNative {
 public:
  OleNative(std::function<void(std::string_view)> name, std::function<void(std::string_view)> bytes)
      : name_(std::move(name)), bytes_(std::move(bytes)) {}
  void feed(std::string_view piece);
  void finish();
  bool found() const { return found_; }
  bool damaged() const { return damaged_; }

 private:
  enum class State { Head, Data, Done };
  // Decides from head_ (whole: the stream ended, or kMaxNativeHead held): false while more is needed.
  bool decide(bool whole);
  void pass(std::string_view b);

  std::function<void(std::string_view)> name_, bytes_;
  State st_ = State::Head;
  std::string head_;
  uint64_t left_ = 0;  // the file's bytes still to come
  bool found_ = false, damaged_ = false;
};

// An OLE 1 embedded object as RTF's \objdata holds it (MS-OLEDS
// EmbeddedObject): its version, format (2: embedded), class, topic and
// item names (each a length and NUL-terminated ANSI text), the native
// data's length and the native data: for an OLE 2 object (Excel.Sheet.8,
// Word.Document.8, ...) a compound file, for the class "Package" a
// packaged file (OleNative's stream without its first length). The native
// data's file goes to `bytes`: the compound file as it is, a package's
// file through an OleNative. found(): a file began; damaged(): the data
// ended before its length or its head is none (longer than kMaxOle1Head);
// a linked or static object (format 1, 3) is neither.
class Ole1Object {
 public:
  explicit Ole1Object(std::function<void(std::string_view)> bytes) : bytes_(std::move(bytes)) {}
  void feed(std::string_view piece);
  void finish();
  bool found() const { return found_ || (package_ && package_->found()); }
  bool damaged() const { return damaged_ || (package_ && package_->damaged()); }

 private:
  bool decide(bool whole);
  void pass(std::string_view b);

  std::function<void(std::string_view)> bytes_;
  bool head_done_ = false, done_ = false;
  std::string head_;
  uint64_t left_ = 0;  // native data still to come
  std::unique_ptr<OleNative> package_;
  bool found_ = false, damaged_ = false;
};

}  // namespace phi::mime

#endif
