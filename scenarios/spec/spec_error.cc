#include "scenarios/spec/spec_error.h"

#include <algorithm>
#include <tuple>

namespace scenarios {

std::string SpecError::ToString() const {
  std::string where = file;
  if (line > 0) {
    where += ":" + std::to_string(line);
    if (syntax && column > 0) where += ":" + std::to_string(column);
  }
  return where + ": " + message;
}

std::string FormatErrors(const std::vector<SpecError>& errors) {
  std::string out;
  for (const SpecError& e : errors) {
    out += e.ToString();
    out += '\n';
  }
  return out;
}

void SortErrors(std::vector<SpecError>* errors) {
  // Override errors (line 0) sort after every file error; std::stable_sort keeps them in the
  // order the validator met them, which follows the order of the arguments.
  auto key = [](const SpecError& e) { return std::make_tuple(e.line == 0, e.line, e.column); };
  std::stable_sort(errors->begin(), errors->end(),
                   [&](const SpecError& a, const SpecError& b) { return key(a) < key(b); });
  auto same = [](const SpecError& a, const SpecError& b) {
    return a.file == b.file && a.line == b.line && a.column == b.column &&
           a.key_path == b.key_path && a.message == b.message;
  };
  errors->erase(std::unique(errors->begin(), errors->end(), same), errors->end());
}

}  // namespace scenarios
