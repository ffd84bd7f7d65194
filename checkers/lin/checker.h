#pragma once
// The linearizability checker (checker name `kv.linearizable` / `register.linearizable`).
//
// What it checks: whether a history of register or KV operations (history.h) has a
// linearization against the register model, per key for kv (P-compositionality). Each
// partition whose ops are reads and writes with unique written values is checked by the
// polynomial Gibbons-Korach algorithm (unique_register.h), unknown writes included; any other
// partition (cas, a value written twice) by the Wing-Gong/Lowe search (wgl_search.h).
//
// Guarantees: `ok` and `illegal` are exact; `unknown` means the budget (budget.h) ran out and
// is never a pass. On `illegal` the result names a small non-linearizable window: the op that
// cannot be placed after the longest linearizable prefix of its partition, together with the
// ops it conflicts with, shrunk greedily while it stays non-linearizable (1-minimal: removing
// any single op makes it linearizable, unless the shrink's own budget ran out first).
// Deterministic: the same history and budget give the same answer and window.

#include <string>
#include <vector>

#include "checkers/lin/budget.h"
#include "checkers/lin/history.h"
#include "checkers/lin/register_model.h"
#include "checkers/lin/verdict.h"
#include "sim/result.h"

namespace checkers::lin {

enum class Algorithm : uint8_t {
  kAuto,          // unique-value algorithm where a partition qualifies, the search elsewhere
  kGeneral,       // always the search (for benchmarks and cross-checks)
  kUniqueValues,  // the polynomial algorithm; a partition that does not qualify uses the search
};

struct CheckOptions {
  Algorithm algorithm = Algorithm::kAuto;
  bool minimise_window = true;
  uint64_t window_steps_max = 20'000'000;  // total effort of the window shrink
};

struct CheckResult {
  Verdict verdict = Verdict::kOk;
  size_t ops_count = 0;
  size_t partitions_count = 0;
  size_t unique_value_partitions = 0;  // checked by the polynomial algorithm
  size_t general_partitions = 0;       // checked by the search
  uint64_t steps = 0;
  uint64_t cache_bytes_peak = 0;
  BudgetCause unknown_cause = BudgetCause::kNone;
  // When illegal:
  std::string failing_key;
  std::string reason;
  size_t prefix_ops = 0;          // longest linearizable prefix (by call) of that partition
  size_t unplaceable_op = 0;      // history index of the op that cannot follow that prefix
  std::vector<size_t> window;     // history indices, by call time
};

// The verdict of one compiled partition, with the chosen algorithm.
struct PartitionVerdict {
  Verdict verdict = Verdict::kUnknown;
  bool used_unique_values = false;
  uint64_t cache_bytes = 0;
  std::string reason;
  // When illegal: reg.ops[0, frontier_ops) alone is already not linearizable.
  size_t frontier_ops = 0;
};
PartitionVerdict CheckCompiled(const CompiledRegister& reg, Algorithm algorithm,
                               BudgetMeter& meter);

// Errors (sim::Errc::kInvalid) only for histories that break ValidateHistory.
sim::Result<CheckResult> Check(const History& history, const Budget& budget,
                               const CheckOptions& options = {});
sim::Result<CheckResult> CheckFile(const std::string& path, const Budget& budget,
                                   const CheckOptions& options = {});

// The failure window, one op per line (at most `lines_max`), for reports and the CLI.
std::string FormatWindow(const History& history, const CheckResult& result,
                         size_t lines_max = 100);

}  // namespace checkers::lin
