#pragma once
// Errors as values. Expected failures of the modelled system (a timeout, a refused
// connection, a conflict, a rejected command) are a closed set of codes carried by
// Result<T>; SIM_ASSERT is only for bugs in mallsim itself.
//
// Each code also says how a client operation that met it ends in the history, Jepsen style:
// kTimeout is indeterminate ("info": the request may or may not have been applied); every
// other code means the operation definitely did not take effect ("fail").

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace sim {

enum class Errc : uint8_t {
  kTimeout,        // no answer in time: outcome unknown
  kUnavailable,    // refused, node down, connection reset before sending: not applied
  kRejected,       // the server answered with an error (e.g. a Redis error reply)
  kConflict,       // duplicate key, version mismatch, lock-wait timeout, deadlock
  kNotFound,
  kNotLeader,
  kInvalid,        // a malformed request
  kCancelled,      // the caller's node crashed or the operation was abandoned
};

inline std::string_view ErrcName(Errc code) {
  switch (code) {
    case Errc::kTimeout: return "timeout";
    case Errc::kUnavailable: return "unavailable";
    case Errc::kRejected: return "rejected";
    case Errc::kConflict: return "conflict";
    case Errc::kNotFound: return "not_found";
    case Errc::kNotLeader: return "not_leader";
    case Errc::kInvalid: return "invalid";
    case Errc::kCancelled: return "cancelled";
  }
  return "unknown";
}

struct Error {
  Errc code = Errc::kUnavailable;
  std::string detail;

  bool Indeterminate() const { return code == Errc::kTimeout; }
  std::string ToString() const {
    return detail.empty() ? std::string(ErrcName(code))
                          : std::string(ErrcName(code)) + ": " + detail;
  }
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}                 // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}             // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // REQUIRES: ok()
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  // REQUIRES: !ok()
  const Error& error() const { return std::get<1>(v_); }
  Errc code() const { return error().code; }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }
  Errc code() const { return error_.code; }

 private:
  Error error_;
  bool ok_ = true;
};

inline Error MakeError(Errc code, std::string detail = {}) { return Error{code, std::move(detail)}; }

}  // namespace sim
