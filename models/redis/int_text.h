#pragma once
// Fidelity contract: Redis's own integer text rules (util.c string2ll). A value is an integer
// only in canonical decimal form: an optional '-', no '+', no spaces, no leading zeros, no
// "-0", at most 20 characters, within int64. INCR, EXPIRE, LRANGE and friends all parse with
// these rules, so the model rejects exactly the strings the real server rejects.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace models::redis {

std::optional<int64_t> ParseRedisInt(std::string_view text);

inline std::string FormatRedisInt(int64_t value) { return std::to_string(value); }

// a + b and a - b without overflow; nullopt when the exact result does not fit in int64.
std::optional<int64_t> CheckedAdd(int64_t a, int64_t b);

}  // namespace models::redis
