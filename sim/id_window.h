#pragma once
// IdWindow<T>: a map from sequential ids (1, 2, 3, ...) to values, for things that are
// created in id order and mostly finish in roughly that order: pending RPC calls, timers.
// The live ids always lie in [base, next); they sit in a ring indexed by id, so insert, find
// and erase are O(1) without allocation once the ring has grown to the widest window seen
// (the number of ids created while the oldest live one waits). Ids are handed out here, in
// sequence, so callers that mix them into hashes stay deterministic.

#include <cstdint>
#include <optional>
#include <vector>

#include "sim/assert.h"

namespace sim {

template <typename T>
class IdWindow {
 public:
  IdWindow() : ring_(16) {}

  // Stores `value` under the next id and returns that id.
  uint64_t Insert(T value) {
    if (next_ - base_ == ring_.size()) Grow();
    const uint64_t id = next_++;
    ring_[id & (ring_.size() - 1)].emplace(std::move(value));
    ++size_;
    return id;
  }

  T* Find(uint64_t id) {
    if (id < base_ || id >= next_) return nullptr;
    std::optional<T>& slot = ring_[id & (ring_.size() - 1)];
    return slot ? &*slot : nullptr;
  }

  // Removes id if present; returns whether it was.
  bool Erase(uint64_t id) {
    if (Find(id) == nullptr) return false;
    ring_[id & (ring_.size() - 1)].reset();
    --size_;
    while (base_ < next_ && !ring_[base_ & (ring_.size() - 1)]) ++base_;
    return true;
  }

  size_t size() const { return size_; }
  uint64_t next_id() const { return next_; }

 private:
  void Grow() {
    std::vector<std::optional<T>> bigger(ring_.size() * 2);
    for (uint64_t id = base_; id < next_; ++id) {
      bigger[id & (bigger.size() - 1)] = std::move(ring_[id & (ring_.size() - 1)]);
    }
    ring_.swap(bigger);
  }

  std::vector<std::optional<T>> ring_;  // capacity a power of two
  uint64_t base_ = 1;
  uint64_t next_ = 1;
  size_t size_ = 0;
};

}  // namespace sim
