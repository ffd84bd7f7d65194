#pragma once
// The checker's budget. Linearizability checking is NP-complete, so every check is bounded and
// running out turns into the verdict `unknown`, never a pass. The library itself counts steps
// (model Step calls and backtracks, one per op for the polynomial algorithm) and memo-table
// bytes, which keeps it deterministic; wall-clock limits are injected from outside through
// `out_of_time`, which is polled every kPollSteps steps (real/lincheck_command.cc passes a
// monotonic-clock deadline there; deterministic callers leave it empty).

#include <cstdint>
#include <functional>
#include <string_view>

namespace checkers::lin {

struct Budget {
  uint64_t steps_max = 200'000'000;        // over all partitions of one check
  uint64_t memory_bytes_max = 1ULL << 30;  // peak memo-table bytes of one partition's search
  std::function<bool()> out_of_time;       // optional; true stops the check
};

enum class BudgetCause : uint8_t { kNone, kSteps, kMemory, kTime };
inline std::string_view BudgetCauseName(BudgetCause cause) {
  switch (cause) {
    case BudgetCause::kNone: return "none";
    case BudgetCause::kSteps: return "step budget";
    case BudgetCause::kMemory: return "memory budget";
    case BudgetCause::kTime: return "time budget";
  }
  return "?";
}

// Counts steps against a Budget. Not thread-safe; one meter per check.
class BudgetMeter {
 public:
  static constexpr uint64_t kPollSteps = 4096;

  explicit BudgetMeter(const Budget& budget) : budget_(budget) {}

  // Charges `steps`; false (and a cause) once the step budget or the injected clock ran out.
  bool Charge(uint64_t steps) {
    steps_ += steps;
    if (steps_ > budget_.steps_max) return Exhaust(BudgetCause::kSteps);
    if (steps_ >= next_poll_) {
      next_poll_ = steps_ + kPollSteps;
      if (budget_.out_of_time && budget_.out_of_time()) return Exhaust(BudgetCause::kTime);
    }
    return cause_ == BudgetCause::kNone;
  }
  bool MemoryAllows(uint64_t bytes) {
    if (bytes <= budget_.memory_bytes_max) return true;
    return Exhaust(BudgetCause::kMemory);
  }

  uint64_t steps() const { return steps_; }
  bool exhausted() const { return cause_ != BudgetCause::kNone; }
  BudgetCause cause() const { return cause_; }
  const Budget& budget() const { return budget_; }

 private:
  bool Exhaust(BudgetCause cause) {
    if (cause_ == BudgetCause::kNone) cause_ = cause;
    return false;
  }

  const Budget& budget_;
  uint64_t steps_ = 0;
  uint64_t next_poll_ = 0;
  BudgetCause cause_ = BudgetCause::kNone;
};

}  // namespace checkers::lin
