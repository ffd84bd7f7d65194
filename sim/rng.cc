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

namespace {

// ln(k / 128) for k = 90 .. 182, correctly rounded (computed to 60 digits with Python's
// decimal module and rounded once): the points Ln reduces its argument to.
constexpr int kLnTableFirst = 90;
constexpr double kLnTable[] = {
    -0x1.68ac83e9c6a14p-2, -0x1.5d5bddf595f30p-2, -0x1.522ae0738a3d8p-2,
    -0x1.4718dc271c41bp-2, -0x1.3c25277333184p-2, -0x1.314f1e1d35ce4p-2,
    -0x1.269621134db92p-2, -0x1.1bf99635a6b95p-2, -0x1.1178e8227e47cp-2,
    -0x1.07138604d5862p-2, -0x1.f991c6cb3b379p-3, -0x1.e530effe71012p-3,
    -0x1.d1037f2655e7bp-3, -0x1.bd087383bd8adp-3, -0x1.a93ed3c8ad9e3p-3,
    -0x1.95a5adcf7017fp-3, -0x1.823c16551a3c2p-3, -0x1.6f0128b756abcp-3,
    -0x1.5bf406b543db2p-3, -0x1.4913d8333b561p-3, -0x1.365fcb0159016p-3,
    -0x1.23d712a49c202p-3, -0x1.1178e8227e47cp-3, -0x1.fe89139dbd566p-4,
    -0x1.da727638446a2p-4, -0x1.b6ac88dad5b1cp-4, -0x1.9335e5d594989p-4,
    -0x1.700d30aeac0e1p-4, -0x1.4d3115d207eacp-4, -0x1.2aa04a44717a5p-4,
    -0x1.08598b59e3a07p-4, -0x1.ccb73cdddb2ccp-5, -0x1.894aa149fb343p-5,
    -0x1.466aed42de3eap-5, -0x1.0415d89e74444p-5, -0x1.8492528c8cabfp-6,
    -0x1.0205658935847p-6, -0x1.010157588de71p-7, 0x0.0p+0,
    0x1.fe02a6b106789p-8, 0x1.fc0a8b0fc03e4p-7, 0x1.7b91b07d5b11bp-6,
    0x1.f829b0e783300p-6, 0x1.39e87b9febd60p-5, 0x1.77458f632dcfcp-5,
    0x1.b42dd711971bfp-5, 0x1.f0a30c01162a6p-5, 0x1.16536eea37ae1p-4,
    0x1.341d7961bd1d1p-4, 0x1.51b073f06183fp-4, 0x1.6f0d28ae56b4cp-4,
    0x1.8c345d6319b21p-4, 0x1.a926d3a4ad563p-4, 0x1.c5e548f5bc743p-4,
    0x1.e27076e2af2e6p-4, 0x1.fec9131dbeabbp-4, 0x1.0d77e7cd08e59p-3,
    0x1.1b72ad52f67a0p-3, 0x1.29552f81ff523p-3, 0x1.371fc201e8f74p-3,
    0x1.44d2b6ccb7d1ep-3, 0x1.526e5e3a1b438p-3, 0x1.5ff3070a793d4p-3,
    0x1.6d60fe719d21dp-3, 0x1.7ab890210d909p-3, 0x1.87fa06520c911p-3,
    0x1.9525a9cf456b4p-3, 0x1.a23bc1fe2b563p-3, 0x1.af3c94e80bff3p-3,
    0x1.bc286742d8cd6p-3, 0x1.c8ff7c79a9a22p-3, 0x1.d5c216b4fbb91p-3,
    0x1.e27076e2af2e6p-3, 0x1.ef0adcbdc5936p-3, 0x1.fb9186d5e3e2bp-3,
    0x1.0402594b4d041p-2, 0x1.0a324e27390e3p-2, 0x1.1058bf9ae4ad5p-2,
    0x1.1675cababa60ep-2, 0x1.1c898c16999fbp-2, 0x1.22941fbcf7966p-2,
    0x1.2895a13de86a3p-2, 0x1.2e8e2bae11d31p-2, 0x1.347dd9a987d55p-2,
    0x1.3a64c556945eap-2, 0x1.404308686a7e4p-2, 0x1.4618bc21c5ec2p-2,
    0x1.4be5f957778a1p-2, 0x1.51aad872df82dp-2, 0x1.5767717455a6cp-2,
    0x1.5d1bdbf5809cap-2, 0x1.62c82f2b9c795p-2, 0x1.686c81e9b14afp-2,
};

}  // namespace

double Rng::Ln(double x) {
  SIM_ASSERT(x > 0.0);
  SIM_ASSERT(x <= 1.0);
  // x = m * 2^e with m in [0.5, 1), read off the IEEE-754 bits (what frexp does, without
  // the call; x >= 2^-53 is never subnormal); m is then centred on 1, in [0.707, 1.414).
  // ln(m) = ln(c) + 2 atanh((m - c) / (m + c)) with c = k/128 the nearest grid point, ln(c)
  // from the table: |y| <= 2^-9, so four terms of the series reach full precision, where
  // the series around 1 alone needed twelve. A message's delay draws one of these, so the
  // chain of dependent operations is on the path of every message. Only IEEE-754 basic
  // operations are used (and -ffp-contract=off forbids fusing them), hence bit-identical
  // results everywhere, unlike libm's log.
  uint64_t bits = 0;
  std::memcpy(&bits, &x, sizeof bits);
  const auto biased = static_cast<int>((bits >> 52) & 0x7ff);
  SIM_ASSERT(biased != 0);
  int e = biased - 1022;
  bits = (bits & ~(uint64_t{0x7ff} << 52)) | (uint64_t{1022} << 52);
  double m = 0;
  std::memcpy(&m, &bits, sizeof m);
  // Centre m on 1 so that x near 1 gives c == 1, ln(c) == 0. Which way it goes is a coin flip
  // for a uniform draw, so it is computed without a branch (m * 1.0 and m * 2.0 are exact).
  const int low = m < 0.70710678118654752440 ? 1 : 0;
  m *= static_cast<double>(1 + low);
  e -= low;
  const int k = static_cast<int>(m * 128.0 + 0.5);  // m * 128 is exact
  const double c = static_cast<double>(k) * (1.0 / 128);
  const double y = (m - c) / (m + c);  // m - c is exact (Sterbenz)
  const double y2 = y * y;
  // y2 <= 2^-18: the next term, y^8 / 9, is below 2^-75 of the sum.
  double poly = 1.0 / 7;
  poly = poly * y2 + 1.0 / 5;
  poly = poly * y2 + 1.0 / 3;
  poly = poly * y2 + 1.0;
  const double ln_m = kLnTable[k - kLnTableFirst] + 2.0 * (y * poly);
  constexpr double kLn2 = 0.693147180559945309417232121458176568;
  return ln_m + static_cast<double>(e) * kLn2;
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
