#pragma once
// The one source of randomness in a simulation: xoshiro256** seeded through splitmix64.
//
// Every component gets its own stream with Fork(name). A fork is derived from the parent's
// seed and the name only, never from the parent's position, so adding a component (or a draw
// in one component) does not shift the draws of any other. Golden-value tests pin the
// sequences; changing them is a conscious, reviewed change of every seed's behaviour.

#include <cstdint>
#include <span>
#include <string_view>
#include <utility>

#include "sim/ratio.h"
#include "sim/time.h"

namespace sim {

// splitmix64 step: advances *state and returns the next output.
uint64_t SplitMix64(uint64_t* state);
// FNV-1a over bytes; stable across platforms (used to key forks and BUGGIFY sites).
uint64_t Fnv1a64(std::string_view bytes, uint64_t basis = 0xcbf29ce484222325ULL);

class Rng {
 public:
  explicit Rng(uint64_t seed);

  uint64_t seed() const { return seed_; }

  // The next raw 64-bit output.
  uint64_t Next();
  // Uniform in [0, bound). REQUIRES: bound > 0. Unbiased (Lemire's multiply-and-reject).
  uint64_t Below(uint64_t bound);
  // Uniform in [lo, hi], inclusive. REQUIRES: lo <= hi.
  int64_t Uniform(int64_t lo, int64_t hi);
  Duration Uniform(Duration lo, Duration hi);
  // True with probability ratio.numerator / ratio.denominator. REQUIRES: ratio.IsValid().
  bool Chance(Ratio ratio);
  // Uniform index in [0, size). REQUIRES: size > 0.
  size_t Index(size_t size) { return static_cast<size_t>(Below(size)); }
  // Fisher-Yates shuffle.
  template <class T>
  void Shuffle(std::span<T> items) {
    for (size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[Index(i)]);
  }
  // Exponentially distributed with the given mean, rounded to whole nanoseconds and capped at
  // 50 means (a tail cut keeps one unlucky draw from stalling a run for virtual days).
  // The logarithm is computed with +,-,*,/ only, so the result is the same on every IEEE-754
  // machine (see Ln below).
  Duration Exponential(Duration mean);
  // An independent stream named by `name`, derived from this stream's seed only.
  Rng Fork(std::string_view name) const;

  // Deterministic natural logarithm of x in (0, 1], exposed for tests.
  static double Ln(double x);

 private:
  uint64_t seed_;
  uint64_t s_[4];
};

}  // namespace sim
