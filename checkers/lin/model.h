#pragma once
// The sequential specification interface of the linearizability checker, after Porcupine's
// Model: an initial state, a pure Step(state, op) that says whether the op (its input and its
// observed output) is legal in that state and what the next state is, Hash/Equal on states for
// the search's memo table, and describe functions for printing. Partitioning by key is done
// before a model sees any op (partition.h), so a model only describes one independent object.
//
// A model must be a pure function of its arguments: the search calls Step any number of times
// in any order and memoises on (linearized set, state).

#include <concepts>
#include <cstdint>
#include <optional>
#include <string>

namespace checkers::lin {

template <class M>
concept SequentialModel =
    requires(const M& m, const typename M::State& s, const typename M::Op& op) {
      { m.Init() } -> std::same_as<typename M::State>;
      { m.Step(s, op) } -> std::same_as<std::optional<typename M::State>>;
      { m.Hash(s) } -> std::convertible_to<uint64_t>;
      { m.Equal(s, s) } -> std::convertible_to<bool>;
      { m.DescribeOp(op) } -> std::convertible_to<std::string>;
      { m.DescribeState(s) } -> std::convertible_to<std::string>;
    };

// One operation as the search sees it: its interval, whether its outcome is indeterminate, the
// model's compiled form of input+output, and the index of the op in the original history.
template <class Op>
struct TimedOp {
  int64_t call = 0;
  int64_t ret = 0;       // INT64_MAX when unknown
  bool unknown = false;  // may take effect at any point after call, or never
  Op op;
  uint32_t origin = 0;  // index into History::ops
};

// SplitMix64's finaliser: a cheap, well-distributed 64-bit mix used for hashing.
constexpr uint64_t Mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace checkers::lin
