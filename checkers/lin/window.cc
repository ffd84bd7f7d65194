#include "checkers/lin/window.h"

#include <algorithm>
#include <numeric>
#include <optional>

namespace checkers::lin {
namespace {

// Greedy shrinking costs one probe per op per pass; beyond this size a window is reported as
// found by the two binary searches.
constexpr size_t kGreedyOpsMax = 2000;
constexpr uint64_t kProbeMemoryBytesMax = 256ULL << 20;

// Removing a write from a subset would turn the reads of its value into reads of a value nobody
// wrote, a different (and uninteresting) violation. So every probe first drops, transitively,
// the ops whose observed value (a read's result, a successful cas's expected value) is written
// somewhere in the partition but by no op of the subset.
class Closure {
 public:
  explicit Closure(const CompiledRegister& reg)
      : needs_(reg.ops.size(), 0), writes_(reg.ops.size(), 0),
        writers_total_(reg.model.values().size(), 0) {
    for (size_t p = 0; p < reg.ops.size(); ++p) {
      const RegisterOp& op = reg.ops[p].op;
      const bool known_swap = op.kind == OpKind::kCas && op.ok && !op.unknown;
      if (op.kind == OpKind::kRead) needs_[p] = op.value;
      if (known_swap) needs_[p] = op.expected;
      if (op.kind == OpKind::kWrite || (op.kind == OpKind::kCas && (op.ok || op.unknown))) {
        writes_[p] = op.value;
        ++writers_total_[static_cast<size_t>(op.value)];
      }
    }
  }

  std::vector<size_t> Close(std::vector<size_t> positions) const {
    std::vector<uint32_t> writers_in(writers_total_.size(), 0);
    for (size_t p : positions) {
      if (writes_[p] != 0) ++writers_in[static_cast<size_t>(writes_[p])];
    }
    for (bool dropped = true; dropped;) {
      dropped = false;
      std::vector<size_t> kept;
      kept.reserve(positions.size());
      for (size_t p : positions) {
        const auto need = static_cast<size_t>(needs_[p]);
        if (need != 0 && writers_total_[need] > 0 && writers_in[need] == 0) {
          if (writes_[p] != 0) --writers_in[static_cast<size_t>(writes_[p])];
          dropped = true;
          continue;
        }
        kept.push_back(p);
      }
      positions.swap(kept);
    }
    return positions;
  }

 private:
  std::vector<int32_t> needs_;   // value the op observed (0: none or nil)
  std::vector<int32_t> writes_;  // value the op may store (0: none)
  std::vector<uint32_t> writers_total_;
};

class Prober {
 public:
  Prober(const CompiledRegister& reg, Algorithm algorithm, uint64_t steps_max)
      : reg_(reg), algorithm_(algorithm), steps_max_(steps_max), closure_(reg) {}

  // The subset's closure (see Closure), which is what Illegal() checks.
  std::vector<size_t> Close(std::vector<size_t> positions) const {
    return closure_.Close(std::move(positions));
  }

  // REQUIRES: `positions` is closed and ascending. When the subset is not linearizable, returns
  // a range end covering the subset's frontier (CheckCompiled's frontier_ops), else nullopt.
  std::optional<size_t> Illegal(const std::vector<size_t>& positions) {
    if (positions.empty() || spent_ >= steps_max_) return std::nullopt;
    Budget budget;
    budget.steps_max = steps_max_ - spent_;
    budget.memory_bytes_max = kProbeMemoryBytesMax;
    BudgetMeter meter(budget);
    const CompiledRegister subset = SubsetOf(reg_, positions);
    const PartitionVerdict verdict = CheckCompiled(subset, algorithm_, meter);
    spent_ += meter.steps() + 1;
    if (verdict.verdict != Verdict::kIllegal) return std::nullopt;
    return positions.at(std::clamp<size_t>(verdict.frontier_ops, 1, positions.size()) - 1) + 1;
  }

 private:
  const CompiledRegister& reg_;
  Algorithm algorithm_;
  uint64_t steps_max_;
  uint64_t spent_ = 0;
  Closure closure_;
};

std::vector<size_t> Range(size_t begin, size_t end) {
  std::vector<size_t> positions(end - begin);
  std::iota(positions.begin(), positions.end(), begin);
  return positions;
}

}  // namespace

Window MinimalWindow(const CompiledRegister& reg, Algorithm algorithm, uint64_t steps_max,
                     size_t frontier_ops) {
  Prober prober(reg, algorithm, steps_max);
  const size_t n = reg.ops.size();
  // (1) prefix [0, legal) is linearizable (or not shown otherwise), [0, illegal) is not. An
  // illegal probe's frontier can cut the upper end below the probed midpoint.
  size_t legal = 0;
  size_t illegal = std::clamp<size_t>(frontier_ops, 1, n);
  std::vector<size_t> best = Range(0, n);  // smallest set known to be illegal
  while (illegal - legal > 1) {
    const size_t mid = legal + (illegal - legal) / 2;
    std::vector<size_t> probe = prober.Close(Range(0, mid));
    if (const auto end = prober.Illegal(probe)) {
      illegal = std::min(mid, *end);
      best = std::move(probe);
    } else {
      legal = mid;
    }
  }
  Window window;
  window.prefix_ops = illegal - 1;
  window.unplaceable = illegal - 1;
  // (2) [start, illegal) is not linearizable, [late, illegal) is (or not shown otherwise).
  size_t start = 0;
  size_t late = illegal;
  while (late - start > 1) {
    const size_t mid = start + (late - start) / 2;
    (prober.Illegal(prober.Close(Range(mid, illegal))) ? start : late) = mid;
  }
  window.positions = prober.Close(Range(start, illegal));
  if (!prober.Illegal(window.positions)) {
    window.positions = best;  // a probe ran out of budget: fall back to a verified set
    return window;
  }
  if (window.positions.size() > kGreedyOpsMax) return window;
  // (3) drop ops (with their dependents) one at a time until a pass removes nothing.
  for (bool shrunk = true; shrunk;) {
    shrunk = false;
    for (size_t i = window.positions.size(); i-- > 0;) {
      if (i >= window.positions.size()) continue;  // dependents went with an earlier removal
      std::vector<size_t> candidate = window.positions;
      candidate.erase(candidate.begin() + static_cast<std::ptrdiff_t>(i));
      candidate = prober.Close(std::move(candidate));
      if (prober.Illegal(candidate)) {
        window.positions = std::move(candidate);
        shrunk = true;
      }
    }
  }
  return window;
}

}  // namespace checkers::lin
