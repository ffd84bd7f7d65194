#pragma once
// Probabilities as exact ratios, never doubles: Ratio{1, 100} is one chance in a hundred.
// Chance(Ratio) in Rng draws an integer below the denominator, so the outcome for a given
// stream position is the same on every machine.

#include <cstdint>
#include <string>

namespace sim {

struct Ratio {
  uint64_t numerator = 0;
  uint64_t denominator = 1;

  static constexpr Ratio Never() { return Ratio{0, 1}; }
  static constexpr Ratio Always() { return Ratio{1, 1}; }
  static constexpr Ratio Percent(uint64_t p) { return Ratio{p, 100}; }
  static constexpr Ratio PerMille(uint64_t p) { return Ratio{p, 1000}; }

  constexpr bool IsValid() const { return denominator > 0 && numerator <= denominator; }
  constexpr bool IsZero() const { return numerator == 0; }
  constexpr bool operator==(const Ratio&) const = default;
  std::string ToString() const { return std::to_string(numerator) + "/" + std::to_string(denominator); }
};

}  // namespace sim
