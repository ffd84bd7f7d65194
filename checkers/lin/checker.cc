#include "checkers/lin/checker.h"

#include <algorithm>

#include <fmt/format.h>

#include "checkers/lin/history_json.h"
#include "checkers/lin/partition.h"
#include "checkers/lin/unique_register.h"
#include "checkers/lin/wgl_search.h"
#include "checkers/lin/window.h"

namespace checkers::lin {
namespace {

void RecordIllegal(const Partition& partition, const CompiledRegister& reg,
                   const PartitionVerdict& verdict, const CheckOptions& options,
                   CheckResult* result) {
  result->verdict = Verdict::kIllegal;
  result->failing_key = partition.key;
  result->reason = verdict.reason.empty() ? "no linearization exists" : verdict.reason;
  if (!options.minimise_window) {
    for (const auto& timed : reg.ops) result->window.push_back(timed.origin);
    return;
  }
  const Window window = MinimalWindow(reg, options.algorithm, options.window_steps_max,
                                      verdict.frontier_ops);
  result->prefix_ops = window.prefix_ops;
  result->unplaceable_op = reg.ops.at(window.unplaceable).origin;
  for (size_t position : window.positions) result->window.push_back(reg.ops[position].origin);
  // Explain the window itself rather than the first conflict found in the whole partition.
  Budget budget;
  budget.steps_max = options.window_steps_max;
  BudgetMeter meter(budget);
  const PartitionVerdict own =
      CheckCompiled(SubsetOf(reg, window.positions), options.algorithm, meter);
  if (own.verdict == Verdict::kIllegal && !own.reason.empty()) result->reason = own.reason;
}

}  // namespace

PartitionVerdict CheckCompiled(const CompiledRegister& reg, Algorithm algorithm,
                               BudgetMeter& meter) {
  PartitionVerdict verdict;
  if (algorithm != Algorithm::kGeneral && QualifiesForUniqueValues(reg)) {
    UniqueOutcome outcome = CheckUniqueRegister(reg, meter);
    verdict.verdict = outcome.verdict;
    verdict.reason = std::move(outcome.reason);
    verdict.used_unique_values = true;
    verdict.frontier_ops = reg.ops.size();
    return verdict;
  }
  WglSearch<RegisterModel> search(reg.model, reg.ops, meter);
  const SearchOutcome outcome = search.Run();
  verdict.verdict = outcome.verdict;
  verdict.cache_bytes = outcome.cache_bytes;
  verdict.frontier_ops = outcome.frontier_ops;
  return verdict;
}

sim::Result<CheckResult> Check(const History& history, const Budget& budget,
                               const CheckOptions& options) {
  if (auto valid = ValidateHistory(history); !valid.ok()) return valid.error();
  CheckResult result;
  result.ops_count = history.ops.size();
  const std::vector<Partition> partitions = PartitionHistory(history);
  result.partitions_count = partitions.size();
  BudgetMeter meter(budget);
  bool any_unknown = false;
  for (const Partition& partition : partitions) {
    const CompiledRegister reg = CompileRegister(history, partition.op_indices);
    const PartitionVerdict verdict = CheckCompiled(reg, options.algorithm, meter);
    (verdict.used_unique_values ? result.unique_value_partitions : result.general_partitions)++;
    result.cache_bytes_peak = std::max(result.cache_bytes_peak, verdict.cache_bytes);
    if (verdict.verdict == Verdict::kIllegal) {
      result.steps = meter.steps();
      RecordIllegal(partition, reg, verdict, options, &result);
      return result;
    }
    // Keep going after an unknown: a later partition may still prove the history illegal.
    any_unknown = any_unknown || verdict.verdict == Verdict::kUnknown;
  }
  result.steps = meter.steps();
  if (any_unknown) {
    result.verdict = Verdict::kUnknown;
    result.unknown_cause = meter.cause();
  }
  return result;
}

sim::Result<CheckResult> CheckFile(const std::string& path, const Budget& budget,
                                   const CheckOptions& options) {
  auto history = LoadHistoryFile(path);
  if (!history) return history.error();
  return Check(*history, budget, options);
}

std::string FormatWindow(const History& history, const CheckResult& result, size_t lines_max) {
  if (result.verdict != Verdict::kIllegal) return {};
  std::string out = fmt::format(
      "non-linearizable window: {} ops{}; op #{} cannot follow the longest linearizable "
      "prefix ({} ops); {}\n",
      result.window.size(),
      result.failing_key.empty() ? std::string() : fmt::format(" on key \"{}\"",
                                                               result.failing_key),
      result.unplaceable_op, result.prefix_ops, result.reason);
  const size_t shown = std::min(lines_max, result.window.size());
  for (size_t i = 0; i < shown; ++i) {
    const size_t index = result.window[i];
    out += "  " + DescribeOperationLine(index, history.ops.at(index)) + "\n";
  }
  if (shown < result.window.size()) {
    out += fmt::format("  ... {} more ops\n", result.window.size() - shown);
  }
  return out;
}

}  // namespace checkers::lin
