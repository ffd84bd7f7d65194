#include "scenarios/spec/format.h"

namespace scenarios::format {
namespace {

constexpr int64_t kDayMs = 86'400'000;

ParamSpec Number(std::string name, ParamType type, int64_t min, int64_t max,
                 nlohmann::json default_value, std::string doc, bool rangeable) {
  ParamSpec p;
  p.name = std::move(name);
  p.type = type;
  p.min = min;
  p.max = max;
  p.default_value = std::move(default_value);
  p.doc = std::move(doc);
  p.rangeable = rangeable;
  return p;
}

}  // namespace

bool IsName(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

const std::vector<ParamSpec>& PhaseParams() {
  static const std::vector<ParamSpec> kParams = {
      Number("chaos_ms", ParamType::kDurationMs, 0, kDayMs, 5000,
             "virtual time the workload runs with faults active", true),
      Number("heal_ms", ParamType::kDurationMs, 0, kDayMs, 1000,
             "virtual time after faults stop, partitions heal and nodes restart", true),
      Number("converge_ms_max", ParamType::kDurationMs, 0, kDayMs, 30000,
             "bound on the time to converge; exceeding it is a liveness failure", true),
  };
  return kParams;
}

const std::vector<ParamSpec>& LimitParams() {
  static const std::vector<ParamSpec> kParams = {
      Number("events_max", ParamType::kInt, 1, 1'000'000'000'000, 50'000'000,
             "scheduler events before the run is stopped as runaway", false),
      Number("virtual_time_ms_max", ParamType::kDurationMs, 1, 7 * kDayMs, 3'600'000,
             "virtual time before the run is stopped as runaway", false),
  };
  return kParams;
}

const ParamSpec& SwarmIntervalParam() {
  static const ParamSpec kParam =
      Number("interval_ms", ParamType::kDurationMs, 1, kDayMs, nlohmann::json::array({200, 2000}),
             "virtual time between two injected faults", true);
  return kParam;
}

const ParamSpec& TimelineAtParam() {
  static const ParamSpec kParam = Number("at_ms", ParamType::kDurationMs, 0, kDayMs, nullptr,
                                         "when the fault starts, from the start of chaos", true);
  return kParam;
}

const ParamSpec& TimelineDurationParam() {
  static const ParamSpec kParam =
      Number("duration_ms", ParamType::kDurationMs, 1, kDayMs, nullptr,
             "how long the fault lasts; absent: until the heal phase", true);
  return kParam;
}

const ParamSpec& TriggerCountParam() {
  static const ParamSpec kParam = Number("count", ParamType::kInt, 1, 1'000'000, 1,
                                         "fire on the count-th matching trace event", true);
  return kParam;
}

const ParamSpec& CheckerBudgetParam() {
  static const ParamSpec kParam =
      Number("budget_ms", ParamType::kDurationMs, 1, 3'600'000, 60'000,
             "time the checker may use before it answers unknown", false);
  return kParam;
}

const ParamSpec& SeedsMaxParam() {
  static const ParamSpec kParam = Number("seeds_max", ParamType::kInt, 1, 1'000'000, 100,
                                         "seeds to try before the expectation fails", false);
  return kParam;
}

}  // namespace scenarios::format
