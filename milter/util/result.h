// NAME
//   result - a value or an error message, for functions that must not throw
// SYNOPSIS
//   Result<int> r = parse_x(text);
//   if (!r) log(r.error().message); else use(*r);
//   Result<void> done = Ok();  return Error{"file:3: unknown key"};
// DESCRIPTION
//   The return type of every parse_*, load_* and check_* function. An Error
//   carries one human-readable message; callers prefix context ("file:line: ")
//   with Error::context(). No exceptions cross a Result boundary.
// THREADS
//   A value type; no shared state.
#ifndef PHI_UTIL_RESULT_H
#define PHI_UTIL_RESULT_H

#include <string>
#include <utility>
#include <variant>

namespace phi {

struct Error {
  std::string message;
  // Returns a copy whose message is "prefix: message".
  Error context(const std::string& prefix) const { return Error{prefix + ": " + message}; }
};

struct OkTag {};
inline constexpr OkTag Ok() { return {}; }

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  Result(Error e) : v_(std::in_place_index<1>, std::move(e)) {}
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result(OkTag) {}
  Result(Error e) : err_(std::move(e)), ok_(false) {}
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return err_; }

 private:
  Error err_;
  bool ok_ = true;
};

}  // namespace phi

#endif
