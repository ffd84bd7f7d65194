#pragma once
// Box: the type-erased payload of a message or an RPC (what std::any was here). Copyable (the
// network duplicates messages), and cheaper where a message spends its life:
//   - moving a Box moves two pointers, where std::any called its type's manager through a
//     pointer at every move (a payload is moved five or six times between sender and handler);
//   - the value lives in a block of the small-block pool (sim/pool.h), whatever its type, so
//     payload types need no pooled operator new of their own;
//   - Get<T>() is one pointer compare against T's operations table.
// Determinism: addresses never reach the simulation; nothing orders or hashes by them.

#include <new>
#include <type_traits>
#include <utility>

#include "sim/pool.h"

namespace sim {

class Box {
 public:
  Box() = default;
  template <class T, class D = std::decay_t<T>>
    requires(!std::is_same_v<D, Box>)
  Box(T&& value)  // NOLINT: implicit, as std::any's
      : ops_(&kOps<D>), value_(new (pool::Allocate(sizeof(D))) D(std::forward<T>(value))) {}
  // A box holding what make() returns, built in place in the pool block: the value is not
  // moved in (a reply built by a handler goes straight into its message).
  template <class F, class D = std::decay_t<std::invoke_result_t<F&>>>
  static Box Emplace(F&& make) {
    Box box;
    void* block = pool::Allocate(sizeof(D));
    try {
      box.value_ = new (block) D(make());
    } catch (...) {
      pool::Free(block, sizeof(D));
      throw;
    }
    box.ops_ = &kOps<D>;
    return box;
  }
  Box(const Box& other)
      : ops_(other.ops_),
        value_(other.ops_ != nullptr ? other.ops_->clone(other.value_) : nullptr) {}
  Box(Box&& other) noexcept
      : ops_(std::exchange(other.ops_, nullptr)), value_(std::exchange(other.value_, nullptr)) {}
  Box& operator=(Box other) noexcept {
    std::swap(ops_, other.ops_);
    std::swap(value_, other.value_);
    return *this;
  }
  ~Box() { Reset(); }

  bool has_value() const { return ops_ != nullptr; }
  void Reset() {
    if (ops_ != nullptr) ops_->destroy(value_);
    ops_ = nullptr;
    value_ = nullptr;
  }

  // The value if it is a T, else nullptr.
  template <class T>
  T* Get() {
    return ops_ == &kOps<T> ? static_cast<T*>(value_) : nullptr;
  }
  template <class T>
  const T* Get() const {
    return ops_ == &kOps<T> ? static_cast<const T*>(value_) : nullptr;
  }

 private:
  struct Ops {
    void (*destroy)(void* value);
    void* (*clone)(const void* value);
  };
  template <class T>
  static void Destroy(void* value) {
    static_cast<T*>(value)->~T();
    pool::Free(value, sizeof(T));
  }
  template <class T>
  static void* Clone(const void* value) {
    return new (pool::Allocate(sizeof(T))) T(*static_cast<const T*>(value));
  }
  // One table per type: its address is the type's identity (an inline variable has one
  // address in the program).
  template <class T>
  static constexpr Ops kOps{&Destroy<T>, &Clone<T>};

  const Ops* ops_ = nullptr;
  void* value_ = nullptr;
};

}  // namespace sim
