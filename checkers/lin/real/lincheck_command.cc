#include "checkers/lin/real/lincheck_command.h"

#include <chrono>

#include <fmt/format.h>

#include "checkers/lin/checker.h"
#include "checkers/lin/history_json.h"

namespace checkers::lin {

int RunLincheckCommand(const std::string& path, double seconds_budget, std::ostream& out) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  auto history = LoadHistoryFile(path);
  if (!history) {
    out << "error: " << history.error().detail << "\n";
    return kLincheckExitBadInput;
  }
  const Clock::time_point deadline =
      start + std::chrono::duration_cast<Clock::duration>(
                  std::chrono::duration<double>(seconds_budget > 0 ? seconds_budget : 0));
  Budget budget;
  budget.steps_max = UINT64_MAX;  // the deadline is the limit here
  budget.out_of_time = [deadline] { return Clock::now() >= deadline; };
  auto checked = Check(*history, budget);
  if (!checked) {
    out << "error: " << checked.error().detail << "\n";
    return kLincheckExitBadInput;
  }
  const CheckResult& result = *checked;
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  out << fmt::format("verdict={} ops={} seconds={:.3f}\n", VerdictName(result.verdict),
                     result.ops_count, seconds);
  switch (result.verdict) {
    case Verdict::kOk:
      return kLincheckExitOk;
    case Verdict::kIllegal:
      out << FormatWindow(*history, result);
      return kLincheckExitIllegal;
    case Verdict::kUnknown:
      out << fmt::format("unknown: {} ran out after {} steps\n",
                         BudgetCauseName(result.unknown_cause), result.steps);
      return kLincheckExitUnknown;
  }
  return kLincheckExitUnknown;
}

}  // namespace checkers::lin
