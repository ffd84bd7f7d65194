#pragma once
// The general linearizability search: Wing & Gong's backtracking over the history's call and
// return events, with Lowe's memoisation of (linearized set, model state) (G. Lowe, "Testing
// for linearizability", 2017; the algorithm Porcupine implements).
//
// Events sit in a doubly linked list ordered by time, a call before a return at equal times
// (closed intervals). The search walks the list: at a call whose op the model accepts in the
// current state, and whose resulting configuration is new, it linearizes the op (lifting its
// call and return out of the list) and restarts from the head; reaching a return means the
// op owning it could not be linearized before it, so the last choice is undone. Unknown ops
// have no return event: they can be linearized anywhere after their call or never, and the
// search succeeds once every op with a known outcome is linearized.
//
// Guarantees: ok and illegal are exact answers for the model; unknown comes only from the
// BudgetMeter (steps, memo bytes, injected clock). Deterministic: the walk order depends only
// on the ops, and the memo table is only looked up.

#include <algorithm>
#include <bit>
#include <span>
#include <vector>

#include "checkers/lin/budget.h"
#include "checkers/lin/model.h"
#include "checkers/lin/search_cache.h"
#include "checkers/lin/verdict.h"

namespace checkers::lin {

struct SearchOutcome {
  Verdict verdict = Verdict::kUnknown;
  BudgetCause cause = BudgetCause::kNone;
  uint64_t cache_entries = 0;
  uint64_t cache_bytes = 0;
  size_t deepest = 0;  // most ops linearized at once on any path
  // When illegal: the search never looked past the call of op frontier_ops - 1, so the ops
  // [0, frontier_ops) (in call order) are by themselves not linearizable: the same walk fails
  // on them. The window shrink starts from there.
  size_t frontier_ops = 0;
};

template <SequentialModel M>
class WglSearch {
 public:
  using State = typename M::State;
  using Op = TimedOp<typename M::Op>;

  // REQUIRES: ops sorted by call time (ties in any fixed order); `meter` outlives Run().
  WglSearch(const M& model, std::span<const Op> ops, BudgetMeter& meter)
      : model_(model), ops_(ops), meter_(meter), bits_(ops.size() / 64 + 2, 0) {
    BuildList();
  }

  SearchOutcome Run() {
    SearchOutcome outcome;
    outcome.verdict = Search(&outcome);
    for (int32_t node = 1; node <= max_node_; ++node) outcome.frontier_ops += is_call_[node];
    outcome.cache_entries = cache_.size();
    outcome.cache_bytes = cache_.bytes();
    if (outcome.verdict == Verdict::kUnknown) outcome.cause = meter_.cause();
    return outcome;
  }

 private:
  struct Frame {
    int32_t node = -1;
    State state{};
    bool forced = false;  // linearized by the reduction in FindForced: no alternative to try
  };
  static constexpr uint64_t kChargeBatch = 1024;
  static constexpr size_t kMemoryCheckEvery = 4096;

  Verdict Search(SearchOutcome* outcome) {
    std::vector<Frame> stack;
    State state = model_.Init();
    size_t known_left = 0;
    for (const Op& op : ops_) known_left += op.unknown ? 0 : 1;
    const auto linearize = [&](int32_t node, const State& next_state, bool forced) {
      const uint32_t op = node_op_[node];
      stack.push_back(Frame{node, state, forced});
      outcome->deepest = std::max(outcome->deepest, stack.size());
      state = next_state;
      Lift(node);
      known_left -= ops_[op].unknown ? 0 : 1;
    };
    int32_t node = next_[0];
    uint64_t uncharged = 0;
    while (known_left > 0) {
      if (++uncharged == kChargeBatch) {
        if (!meter_.Charge(uncharged)) return Verdict::kUnknown;
        uncharged = 0;
      }
      max_node_ = std::max(max_node_, node);
      if (cache_.size() % kMemoryCheckEvery == 0 &&
          !meter_.MemoryAllows(cache_.bytes() + stack.capacity() * sizeof(Frame))) {
        return Verdict::kUnknown;
      }
      bool backtrack = !is_call_[node];
      if (node == next_[0] && !backtrack) {
        const ForcedStep forced = FindForced(state);
        if (forced.node != -1) {
          linearize(forced.node, state, /*forced=*/true);
          node = next_[0];
          continue;
        }
        backtrack = forced.dominated;
      }
      if (!backtrack) {
        const uint32_t op = node_op_[node];
        std::optional<State> next_state = model_.Step(state, ops_[op].op);
        if (next_state && Remember(op, *next_state)) {
          linearize(node, *next_state, /*forced=*/false);
          node = next_[0];
        } else {
          node = next_[node];
        }
        continue;
      }
      // Undo the last free choice; forced steps above it had no alternatives.
      Frame frame;
      do {
        if (stack.empty()) return Verdict::kIllegal;
        frame = stack.back();
        stack.pop_back();
        const uint32_t undone = node_op_[frame.node];
        state = frame.state;
        ClearBit(undone);
        Unlift(frame.node);
        known_left += ops_[undone].unknown ? 0 : 1;
      } while (frame.forced);
      node = next_[frame.node];
    }
    meter_.Charge(uncharged);
    return Verdict::kOk;
  }

  struct ForcedStep {
    int32_t node = -1;       // an op to linearize now without branching
    bool dominated = false;  // the configuration is already known to fail
  };

  // Partial-order reduction: an op that is legal now and leaves the state unchanged (a read of
  // the current value, a failed cas) can be linearized first without loss. Every op still
  // pending returns after its call (it precedes the first return event in the list), so
  // moving it ahead of them breaks no real-time order, and the states after it are the same.
  // Hence the current configuration succeeds iff the one with the op linearized does: if that
  // one is memoised (explored and failed), so is this one.
  ForcedStep FindForced(const State& state) {
    for (int32_t node = next_[0]; node != -1 && is_call_[node]; node = next_[node]) {
      max_node_ = std::max(max_node_, node);
      const uint32_t op = node_op_[node];
      std::optional<State> next_state = model_.Step(state, ops_[op].op);
      if (!next_state || !model_.Equal(*next_state, state)) continue;
      if (Remember(op, *next_state)) return ForcedStep{node, false};
      return ForcedStep{-1, true};
    }
    return ForcedStep{};
  }

  // Marks `op` linearized and records the configuration; on a repeat, undoes the mark.
  bool Remember(uint32_t op, const State& state) {
    SetBit(op);
    const uint32_t first_word = lo_ / 64;
    const size_t words_count = hi_ >= static_cast<int64_t>(lo_) ? hi_ / 64 - first_word + 1 : 0;
    const uint64_t hash = zobrist_ ^ Mix64(model_.Hash(state) ^ 0x6a09e667f3bcc909ULL);
    const std::span<const uint64_t> words(bits_.data() + first_word, words_count);
    if (cache_.Insert(hash, lo_, words, state,
                      [this](const State& a, const State& b) { return model_.Equal(a, b); })) {
      return true;
    }
    ClearBit(op);
    return false;
  }

  void SetBit(uint32_t op) {
    bits_[op / 64] |= 1ULL << (op % 64);
    zobrist_ ^= Mix64(op + 1);
    hi_ = std::max<int64_t>(hi_, op);
    if (op != lo_) return;
    // Advance lo_ to the first op not linearized; the extra zero word bounds the scan.
    size_t word_index = lo_ / 64;
    uint64_t free_bits = ~bits_[word_index] & (~0ULL << (lo_ % 64));
    while (free_bits == 0) free_bits = ~bits_[++word_index];
    lo_ = static_cast<uint32_t>(word_index * 64 + std::countr_zero(free_bits));
  }

  void ClearBit(uint32_t op) {
    bits_[op / 64] &= ~(1ULL << (op % 64));
    zobrist_ ^= Mix64(op + 1);
    lo_ = std::min(lo_, op);
    if (static_cast<int64_t>(op) != hi_) return;
    while (hi_ >= 0 && (bits_[hi_ / 64] & (1ULL << (hi_ % 64))) == 0) --hi_;
  }

  void BuildList() {
    struct Event {
      int64_t time;
      bool is_return;
      uint32_t op;
    };
    std::vector<Event> events;
    events.reserve(ops_.size() * 2);
    for (uint32_t i = 0; i < ops_.size(); ++i) {
      events.push_back(Event{ops_[i].call, false, i});
      if (!ops_[i].unknown) events.push_back(Event{ops_[i].ret, true, i});
    }
    std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
      if (a.time != b.time) return a.time < b.time;
      if (a.is_return != b.is_return) return !a.is_return;
      return a.op < b.op;
    });
    const size_t nodes = events.size() + 1;  // node 0 is the head sentinel
    next_.assign(nodes, -1);
    prev_.assign(nodes, -1);
    node_op_.assign(nodes, 0);
    is_call_.assign(nodes, 0);
    match_.assign(nodes, -1);
    std::vector<int32_t> call_node(ops_.size(), -1);
    for (size_t i = 0; i < events.size(); ++i) {
      const auto node = static_cast<int32_t>(i + 1);
      prev_[node] = node - 1;
      next_[node - 1] = node;
      node_op_[node] = events[i].op;
      is_call_[node] = events[i].is_return ? 0 : 1;
      if (events[i].is_return) {
        match_[call_node[events[i].op]] = node;
      } else {
        call_node[events[i].op] = node;
      }
    }
  }

  void Unlink(int32_t node) {
    next_[prev_[node]] = next_[node];
    if (next_[node] != -1) prev_[next_[node]] = prev_[node];
  }
  void Relink(int32_t node) {
    next_[prev_[node]] = node;
    if (next_[node] != -1) prev_[next_[node]] = node;
  }
  // Dancing links: Unlift restores exactly what Lift removed, in reverse order.
  void Lift(int32_t call) {
    Unlink(call);
    if (match_[call] != -1) Unlink(match_[call]);
  }
  void Unlift(int32_t call) {
    if (match_[call] != -1) Relink(match_[call]);
    Relink(call);
  }

  const M& model_;
  std::span<const Op> ops_;
  BudgetMeter& meter_;
  std::vector<int32_t> next_;
  std::vector<int32_t> prev_;
  std::vector<uint32_t> node_op_;
  std::vector<uint8_t> is_call_;
  std::vector<int32_t> match_;  // call node -> its return node, -1 for unknown ops
  std::vector<uint64_t> bits_;  // linearized ops, plus one always-zero word at the end
  uint32_t lo_ = 0;             // every op below lo_ is linearized
  int64_t hi_ = -1;             // highest linearized op, -1 if none
  uint64_t zobrist_ = 0;        // XOR of Mix64(op + 1) over linearized ops
  int32_t max_node_ = 0;        // furthest event the walk ever examined
  SearchCache<State> cache_;
};

}  // namespace checkers::lin
