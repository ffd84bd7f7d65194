#include "sim/rng.h"

#include <cstring>

#include "sim/assert.h"
#include "sim/int128.h"

namespace sim {

uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t Fnv1a64(std::string_view bytes, uint64_t basis) {
  uint64_t h = basis;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

Rng::Rng(uint64_t seed) : seed_(seed) {
  uint64_t sm = seed;
  for (uint64_t& word : s_) word = SplitMix64(&sm);
}

static inline uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t Rng::Next() {
  const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

uint64_t Rng::Below(uint64_t bound) {
  SIM_ASSERT(bound > 0);
  UInt128 m = static_cast<UInt128>(Next()) * bound;
  uint64_t low = static_cast<uint64_t>(m);
  if (low < bound) {
    const uint64_t threshold = (0 - bound) % bound;
    while (low < threshold) {
      m = static_cast<UInt128>(Next()) * bound;
      low = static_cast<uint64_t>(m);
    }
  }
  return static_cast<uint64_t>(m >> 64);
}

int64_t Rng::Uniform(int64_t lo, int64_t hi) {
  SIM_ASSERT_LE(lo, hi);
  const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
  if (span == UINT64_MAX) return static_cast<int64_t>(Next());
  return static_cast<int64_t>(static_cast<uint64_t>(lo) + Below(span + 1));
}

Duration Rng::Uniform(Duration lo, Duration hi) {
  return Duration::Nanos(Uniform(lo.nanos(), hi.nanos()));
}

bool Rng::Chance(Ratio ratio) {
  SIM_ASSERT(ratio.IsValid());
  if (ratio.numerator == 0) return false;
  if (ratio.numerator == ratio.denominator) return true;
  return Below(ratio.denominator) < ratio.numerator;
}

double Rng::Ln(double x) {
  SIM_ASSERT(x > 0.0);
  SIM_ASSERT(x <= 1.0);
  // x = m * 2^e with m in [0.5, 1), read off the IEEE-754 bits (what frexp does, without
  // the call; x >= 2^-53 is never subnormal). ln(m) = 2 atanh((m-1)/(m+1)), a series in y^2
  // (Horner form). Only IEEE-754 basic operations are used (and -ffp-contract=off forbids
  // fusing them), hence bit-identical results everywhere, unlike libm's log.
  uint64_t bits = 0;
  std::memcpy(&bits, &x, sizeof bits);
  const auto biased = static_cast<int>((bits >> 52) & 0x7ff);
  SIM_ASSERT(biased != 0);
  int e = biased - 1022;
  bits = (bits & ~(uint64_t{0x7ff} << 52)) | (uint64_t{1022} << 52);
  double m = 0;
  std::memcpy(&m, &bits, sizeof m);
  if (m < 0.70710678118654752440) {  // center m on 1 so |y| <= 0.172 and ln(1) is exactly 0
    m *= 2.0;
    e -= 1;
  }
  const double y = (m - 1.0) / (m + 1.0);
  const double y2 = y * y;
  // |y| <= 0.172, so y^2 <= 0.0295 and 12 terms of sum y^(2k+1)/(2k+1) reach full precision.
  // Written out (the same operations in the same order as a loop from 1/23 down to 1): a
  // message's delay draws one of these, so it is on the path of every message.
  double poly = 1.0 / 23;
  poly = poly * y2 + 1.0 / 21;
  poly = poly * y2 + 1.0 / 19;
  poly = poly * y2 + 1.0 / 17;
  poly = poly * y2 + 1.0 / 15;
  poly = poly * y2 + 1.0 / 13;
  poly = poly * y2 + 1.0 / 11;
  poly = poly * y2 + 1.0 / 9;
  poly = poly * y2 + 1.0 / 7;
  poly = poly * y2 + 1.0 / 5;
  poly = poly * y2 + 1.0 / 3;
  poly = poly * y2 + 1.0;
  const double sum = y * poly;
  constexpr double kLn2 = 0.693147180559945309417232121458176568;
  return 2.0 * sum + static_cast<double>(e) * kLn2;
}

Duration Rng::Exponential(Duration mean) {
  SIM_ASSERT(mean >= Duration::Zero());
  if (mean == Duration::Zero()) return mean;
  // u in (0, 1]: 53 random bits, never zero.
  const double u = static_cast<double>((Next() >> 11) + 1) * 0x1.0p-53;
  const double draw = -Ln(u) * static_cast<double>(mean.nanos());
  const double cap = 50.0 * static_cast<double>(mean.nanos());
  return Duration::Nanos(static_cast<int64_t>(draw < cap ? draw : cap));
}

Rng Rng::Fork(std::string_view name) const {
  uint64_t mix = seed_ ^ Fnv1a64(name);
  return Rng(SplitMix64(&mix));
}

}  // namespace sim
