#pragma once
// Virtual time. Everything is int64 nanoseconds in strong types; there is no floating time.
// Instant is a point on the simulation's global timeline (or, in real mode, on a monotonic
// clock); Duration is a signed span. Arithmetic saturates nowhere: callers keep values within
// about 292 years, which SIM_ASSERTs in the scheduler enforce.

#include <compare>
#include <cstdint>
#include <ostream>
#include <string>

namespace sim {

class Duration {
 public:
  constexpr Duration() = default;
  static constexpr Duration Nanos(int64_t ns) { return Duration(ns); }
  static constexpr Duration Micros(int64_t us) { return Duration(us * 1'000); }
  static constexpr Duration Millis(int64_t ms) { return Duration(ms * 1'000'000); }
  static constexpr Duration Seconds(int64_t s) { return Duration(s * 1'000'000'000); }
  static constexpr Duration Minutes(int64_t m) { return Seconds(m * 60); }
  static constexpr Duration Hours(int64_t h) { return Seconds(h * 3600); }
  static constexpr Duration Zero() { return Duration(0); }
  static constexpr Duration Max() { return Duration(INT64_MAX); }

  constexpr int64_t nanos() const { return ns_; }
  constexpr int64_t micros() const { return ns_ / 1'000; }
  constexpr int64_t millis() const { return ns_ / 1'000'000; }
  constexpr int64_t seconds() const { return ns_ / 1'000'000'000; }

  constexpr Duration operator+(Duration o) const { return Duration(ns_ + o.ns_); }
  constexpr Duration operator-(Duration o) const { return Duration(ns_ - o.ns_); }
  constexpr Duration operator-() const { return Duration(-ns_); }
  constexpr Duration operator*(int64_t k) const { return Duration(ns_ * k); }
  constexpr Duration operator/(int64_t k) const { return Duration(ns_ / k); }
  constexpr int64_t operator/(Duration o) const { return ns_ / o.ns_; }
  constexpr Duration operator%(Duration o) const { return Duration(ns_ % o.ns_); }
  constexpr Duration& operator+=(Duration o) { ns_ += o.ns_; return *this; }
  constexpr Duration& operator-=(Duration o) { ns_ -= o.ns_; return *this; }
  constexpr auto operator<=>(const Duration&) const = default;

 private:
  constexpr explicit Duration(int64_t ns) : ns_(ns) {}
  int64_t ns_ = 0;
};

class Instant {
 public:
  constexpr Instant() = default;
  static constexpr Instant FromNanos(int64_t ns) { return Instant(ns); }
  static constexpr Instant Zero() { return Instant(0); }
  static constexpr Instant Max() { return Instant(INT64_MAX); }

  constexpr int64_t nanos() const { return ns_; }
  constexpr Duration SinceZero() const { return Duration::Nanos(ns_); }

  constexpr Instant operator+(Duration d) const { return Instant(ns_ + d.nanos()); }
  constexpr Instant operator-(Duration d) const { return Instant(ns_ - d.nanos()); }
  constexpr Duration operator-(Instant o) const { return Duration::Nanos(ns_ - o.ns_); }
  constexpr Instant& operator+=(Duration d) { ns_ += d.nanos(); return *this; }
  constexpr auto operator<=>(const Instant&) const = default;

 private:
  constexpr explicit Instant(int64_t ns) : ns_(ns) {}
  int64_t ns_ = 0;
};

constexpr Duration operator*(int64_t k, Duration d) { return d * k; }

// "1.25s", "15ms", "3us", "7ns": the largest unit in which the value is at least 1.
inline std::string FormatDuration(Duration d) {
  const int64_t ns = d.nanos();
  const int64_t mag = ns < 0 ? -ns : ns;
  struct Unit { int64_t size; const char* name; };
  constexpr Unit kUnits[] = {{3'600'000'000'000, "h"}, {60'000'000'000, "min"},
                             {1'000'000'000, "s"}, {1'000'000, "ms"}, {1'000, "us"}};
  for (const Unit& u : kUnits) {
    if (mag >= u.size) {
      std::string out = std::to_string(ns / u.size);
      int64_t frac = (mag % u.size) * 1000 / u.size;  // three decimals, truncated
      if (frac != 0) {
        std::string digits = std::to_string(1000 + frac).substr(1);
        while (digits.back() == '0') digits.pop_back();
        out += "." + digits;
      }
      return out + u.name;
    }
  }
  return std::to_string(ns) + "ns";
}

// Seconds with millisecond precision, for timelines: "12.345".
inline std::string FormatInstant(Instant t) {
  const int64_t ms = t.nanos() / 1'000'000;
  return std::to_string(ms / 1000) + "." + std::to_string(1000 + ms % 1000).substr(1);
}

inline std::ostream& operator<<(std::ostream& os, Duration d) { return os << FormatDuration(d); }
inline std::ostream& operator<<(std::ostream& os, Instant t) { return os << FormatInstant(t) << "s"; }

namespace literals {
constexpr Duration operator""_ns(unsigned long long v) { return Duration::Nanos(static_cast<int64_t>(v)); }
constexpr Duration operator""_us(unsigned long long v) { return Duration::Micros(static_cast<int64_t>(v)); }
constexpr Duration operator""_ms(unsigned long long v) { return Duration::Millis(static_cast<int64_t>(v)); }
constexpr Duration operator""_s(unsigned long long v) { return Duration::Seconds(static_cast<int64_t>(v)); }
constexpr Duration operator""_min(unsigned long long v) { return Duration::Minutes(static_cast<int64_t>(v)); }
constexpr Duration operator""_h(unsigned long long v) { return Duration::Hours(static_cast<int64_t>(v)); }
}  // namespace literals

}  // namespace sim
