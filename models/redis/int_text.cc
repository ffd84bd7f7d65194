#include "models/redis/int_text.h"

#include <limits>

namespace models::redis {

std::optional<int64_t> ParseRedisInt(std::string_view text) {
  // LONG_STR_SIZE in Redis is 21: anything with 21 or more bytes is rejected outright.
  constexpr size_t kMaxLength = 20;
  if (text.empty() || text.size() > kMaxLength) return std::nullopt;
  if (text == "0") return 0;
  size_t pos = 0;
  const bool negative = text[0] == '-';
  if (negative) {
    pos = 1;
    if (pos == text.size()) return std::nullopt;
  }
  if (text[pos] < '1' || text[pos] > '9') return std::nullopt;
  uint64_t magnitude = 0;
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  for (; pos < text.size(); ++pos) {
    const char ch = text[pos];
    if (ch < '0' || ch > '9') return std::nullopt;
    const auto digit = static_cast<uint64_t>(ch - '0');
    if (magnitude > kMax / 10) return std::nullopt;
    magnitude *= 10;
    if (magnitude > kMax - digit) return std::nullopt;
    magnitude += digit;
  }
  constexpr uint64_t kMaxPositive = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (negative) {
    if (magnitude > kMaxPositive + 1) return std::nullopt;
    // Negate in unsigned arithmetic so INT64_MIN needs no signed overflow.
    return static_cast<int64_t>(0 - magnitude);
  }
  if (magnitude > kMaxPositive) return std::nullopt;
  return static_cast<int64_t>(magnitude);
}

std::optional<int64_t> CheckedAdd(int64_t a, int64_t b) {
  int64_t out = 0;
  if (__builtin_add_overflow(a, b, &out)) return std::nullopt;
  return out;
}

}  // namespace models::redis
