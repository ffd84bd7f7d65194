#pragma once
// The three answers of a linearizability check. `unknown` means the budget ran out before an
// answer was found; it is never reported as a pass.

#include <cstdint>
#include <string_view>

namespace checkers::lin {

enum class Verdict : uint8_t { kOk, kIllegal, kUnknown };

inline std::string_view VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kOk: return "ok";
    case Verdict::kIllegal: return "illegal";
    case Verdict::kUnknown: return "unknown";
  }
  return "?";
}

}  // namespace checkers::lin
