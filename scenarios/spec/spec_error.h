#pragma once
// What a spec loader reports when the input is wrong: a list of errors, each naming the file
// (or the `--set` argument), the line, the JSON pointer and a message that lists the allowed
// values. Errors are values: nothing in scenarios/spec throws out of its API, because a bad
// spec is an expected input (exit code 2), not a bug in mallsim.

#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "sim/assert.h"

namespace scenarios {

struct SpecError {
  // A file path, or a `--set key=value` argument for errors in an override.
  std::string file;
  int line = 0;          // 1-based; 0 when the error is not in a file (an override)
  int column = 0;        // 1-based; 0 when unknown
  std::string key_path;  // JSON pointer of the offending value ("" for the whole document)
  // The text printed after the location. It names key_path itself, because the message styles
  // differ: "unknown key 'x' at /x (...)" but "/workload: missing required key 'name'".
  std::string message;
  // Syntax errors print line:column, validation errors print the line only.
  bool syntax = false;

  // "file:line: message", "file:line:col: message" or "--set k=v: message".
  std::string ToString() const;
};

// One error per line, in the order given.
std::string FormatErrors(const std::vector<SpecError>& errors);

// Sorts errors so that file errors come first by line and column, then override errors in
// argument order (stable), and drops exact duplicates.
void SortErrors(std::vector<SpecError>* errors);

// Either a value or a non-empty list of errors.
template <class T>
class [[nodiscard]] SpecResult {
 public:
  SpecResult(T value) : v_(std::move(value)) {}                        // NOLINT: implicit by design
  SpecResult(std::vector<SpecError> errors) : v_(std::move(errors)) {  // NOLINT: implicit
    SIM_ASSERT(!std::get<1>(v_).empty());
  }

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // REQUIRES: ok()
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // REQUIRES: !ok()
  const std::vector<SpecError>& errors() const { return std::get<1>(v_); }
  std::string ErrorText() const { return FormatErrors(errors()); }

 private:
  std::variant<T, std::vector<SpecError>> v_;
};

}  // namespace scenarios
