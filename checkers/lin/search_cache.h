#pragma once
// The memo table of the Wing-Gong/Lowe search: the set of configurations (linearized ops,
// model state) already explored. Lowe's observation is that two paths reaching the same
// configuration have the same future, so the second one can be cut.
//
// Compact keys: Porcupine stores a full n-bit bitset per entry, which is what makes a
// 100,000-op history need more than 20 GB. Here a linearized set is stored as `lo` (every op
// below it is linearized) plus only the words from lo/64 to the highest linearized op, a span
// bounded by the history's concurrency rather than its length. The 64-bit hash (Zobrist XOR of
// per-op keys, mixed with the state's hash) is maintained incrementally by the search.
//
// Open addressing with linear probing over an index table; lookups only, never iterated, so
// nothing depends on the hash layout.

#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace checkers::lin {

template <class State>
class SearchCache {
 public:
  SearchCache() : table_(kInitialSlots, kEmpty) {}

  // Inserts the configuration; false if it was already present.
  template <class EqualFn>
  bool Insert(uint64_t hash, uint32_t lo, std::span<const uint64_t> words, const State& state,
              EqualFn equal) {
    size_t mask = table_.size() - 1;
    for (size_t slot = hash & mask;; slot = (slot + 1) & mask) {
      const uint32_t index = table_[slot];
      if (index == kEmpty) {
        table_[slot] = static_cast<uint32_t>(entries_.size());
        entries_.push_back(Entry{hash, lo, static_cast<uint32_t>(arena_.size()),
                                 static_cast<uint32_t>(words.size()), state});
        arena_.insert(arena_.end(), words.begin(), words.end());
        if (entries_.size() * 2 > table_.size()) Grow();
        return true;
      }
      const Entry& e = entries_[index];
      if (e.hash == hash && e.lo == lo && e.words_count == words.size() &&
          std::memcmp(arena_.data() + e.words_offset, words.data(),
                      words.size() * sizeof(uint64_t)) == 0 &&
          equal(e.state, state)) {
        return false;
      }
    }
  }

  size_t size() const { return entries_.size(); }
  uint64_t bytes() const {
    return entries_.capacity() * sizeof(Entry) + arena_.capacity() * sizeof(uint64_t) +
           table_.size() * sizeof(uint32_t);
  }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;
  static constexpr size_t kInitialSlots = 1024;

  struct Entry {
    uint64_t hash;
    uint32_t lo;
    uint32_t words_offset;  // into arena_; the arena stays below 2^32 words (32 GB)
    uint32_t words_count;
    State state;
  };

  void Grow() {
    std::vector<uint32_t> bigger(table_.size() * 2, kEmpty);
    const size_t mask = bigger.size() - 1;
    for (uint32_t index = 0; index < entries_.size(); ++index) {
      size_t slot = entries_[index].hash & mask;
      while (bigger[slot] != kEmpty) slot = (slot + 1) & mask;
      bigger[slot] = index;
    }
    table_.swap(bigger);
  }

  std::vector<uint32_t> table_;
  std::vector<Entry> entries_;
  std::vector<uint64_t> arena_;
};

}  // namespace checkers::lin
