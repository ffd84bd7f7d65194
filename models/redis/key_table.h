#pragma once
// KeyTable<K, V, Hash>: a hash map for tables looked up on every command: the keyspace (string
// keys, looked up by string_view) and a server's connections.
//
// Open addressing with linear probing over 16-byte (hash, node) slots, at most 3/4 full, and
// backward-shift deletion (no tombstones). Each key and value live in a node of their own, so
// a V* stays valid while other keys are inserted or erased (command code holds an Entry* while
// it writes other keys), as it did with std::unordered_map. A lookup reads one or two adjacent
// slots and then the node: two cache misses on a keyspace larger than the cache, where
// unordered_map's bucket -> previous node -> node chain costs three.
//
// Determinism: the table is only looked up, never iterated in an order that reaches the
// simulation; equality and copying do not depend on the slot order.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/int128.h"

namespace models::redis {

// Hashes std::string keys and the string_views they are looked up by alike. Every command hashes
// its key, and most keys are short: up to 16 bytes they are mixed inline (wyhash's short-input
// path: two overlapping loads, two 64x64->128 multiplications), longer ones by std::hash. Only
// the table's slot order depends on it, which nothing observes.
struct StringKeyHash {
  uint64_t operator()(std::string_view key) const {
    const size_t n = key.size();
    if (n > 16) return std::hash<std::string_view>{}(key);
    const char* p = key.data();
    uint64_t a = 0;
    uint64_t b = 0;
    if (n >= 8) {
      a = Load<uint64_t>(p);
      b = Load<uint64_t>(p + n - 8);
    } else if (n >= 4) {
      a = Load<uint32_t>(p);
      b = Load<uint32_t>(p + n - 4);
    } else if (n > 0) {
      a = (uint64_t{static_cast<unsigned char>(p[0])} << 16) |
          (uint64_t{static_cast<unsigned char>(p[n / 2])} << 8) |
          uint64_t{static_cast<unsigned char>(p[n - 1])};
    }
    return Mix(kSecret1 ^ n, Mix(a ^ kSecret1, b ^ kSecret0));
  }

 private:
  static constexpr uint64_t kSecret0 = 0xa0761d6478bd642full;
  static constexpr uint64_t kSecret1 = 0xe7037ed1a0b428dbull;

  template <class T>
  static uint64_t Load(const char* p) {
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }
  static uint64_t Mix(uint64_t a, uint64_t b) {
    const sim::UInt128 r = static_cast<sim::UInt128>(a) * b;
    return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
  }
};

// Lookups take any L that Hash accepts and K compares equal with (K itself, or string_view for
// string keys); a new node's key is K(key).
template <class K, class V, class Hash = std::hash<K>>
class KeyTable {
 public:
  struct Node {
    K key;
    V value;
  };

  KeyTable() = default;
  KeyTable(const KeyTable& other) : slots_(other.slots_.size()), size_(other.size_) {
    for (size_t i = 0; i < slots_.size(); ++i) {
      const Slot& s = other.slots_[i];
      if (s.node != nullptr) slots_[i] = Slot{s.hash, new Node(*s.node)};
    }
  }
  KeyTable(KeyTable&& other) noexcept
      : slots_(std::move(other.slots_)), size_(std::exchange(other.size_, 0)) {
    other.slots_.clear();
  }
  KeyTable& operator=(KeyTable other) noexcept {
    std::swap(slots_, other.slots_);
    std::swap(size_, other.size_);
    return *this;
  }
  ~KeyTable() { Clear(); }

  size_t size() const { return size_; }

  template <class L>
  V* Find(const L& key) const {
    if (size_ == 0) return nullptr;
    const uint64_t hash = HashOf(key);
    const size_t mask = slots_.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      const Slot& s = slots_[i];
      if (s.node == nullptr) return nullptr;
      if (s.hash == hash && s.node->key == key) return &s.node->value;
    }
  }

  // The value under key, value-initialised when the key is new; second says whether it was.
  template <class L>
  std::pair<V*, bool> FindOrInsert(const L& key) {
    if (V* found = Find(key)) return {found, false};
    if ((size_ + 1) * 4 > slots_.size() * 3) Grow();
    const uint64_t hash = HashOf(key);
    Node* node = new Node{K(key), V{}};
    Place(Slot{hash, node});
    ++size_;
    return {&node->value, true};
  }

  // Returns whether the key was there.
  template <class L>
  bool Erase(const L& key) {
    if (size_ == 0) return false;
    const uint64_t hash = HashOf(key);
    const size_t mask = slots_.size() - 1;
    size_t hole = hash & mask;
    for (;; hole = (hole + 1) & mask) {
      const Slot& s = slots_[hole];
      if (s.node == nullptr) return false;
      if (s.hash == hash && s.node->key == key) break;
    }
    delete slots_[hole].node;
    --size_;
    // Backward shift: a later slot of the run moves into the hole unless its home lies
    // cyclically in (hole, j], so every key stays reachable from its home without tombstones.
    for (size_t j = (hole + 1) & mask; slots_[j].node != nullptr; j = (j + 1) & mask) {
      const size_t home = slots_[j].hash & mask;
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        slots_[hole] = slots_[j];
        hole = j;
      }
    }
    slots_[hole] = Slot{};
    return true;
  }

  void Clear() {
    for (Slot& s : slots_) delete s.node;
    slots_.clear();
    size_ = 0;
  }

  // Equal as sets of (key, value) pairs.
  bool operator==(const KeyTable& other) const {
    if (size_ != other.size_) return false;
    for (const Slot& s : slots_) {
      if (s.node == nullptr) continue;
      const V* theirs = other.Find(s.node->key);
      if (theirs == nullptr || !(*theirs == s.node->value)) return false;
    }
    return true;
  }

 private:
  struct Slot {
    uint64_t hash = 0;
    Node* node = nullptr;  // nullptr: empty
  };

  template <class L>
  static uint64_t HashOf(const L& key) {
    return static_cast<uint64_t>(Hash{}(key));
  }

  // REQUIRES: a free slot, and the key not in the table.
  void Place(Slot slot) {
    const size_t mask = slots_.size() - 1;
    size_t i = slot.hash & mask;
    while (slots_[i].node != nullptr) i = (i + 1) & mask;
    slots_[i] = slot;
  }

  void Grow() {
    std::vector<Slot> old = std::exchange(slots_, std::vector<Slot>(
                                                      slots_.empty() ? 16 : slots_.size() * 2));
    for (const Slot& s : old) {
      if (s.node != nullptr) Place(s);
    }
  }

  std::vector<Slot> slots_;  // size a power of two (or zero)
  size_t size_ = 0;
};

}  // namespace models::redis
