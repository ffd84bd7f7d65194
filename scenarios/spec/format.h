#pragma once
// The fixed part of the spec format: which keys each object takes, in documented order, and
// the bounds and defaults of the numbers the format itself defines (phases, limits, swarm
// interval, timeline times). The validator and the JSON Schema generator both read these
// tables, so the two cannot drift apart. Names from the registry (workloads, faults, checkers,
// variants, node kinds) are not here: they come from RegistryInfo.

#include <string>
#include <vector>

#include "scenarios/spec/registry_info.h"

namespace scenarios::format {

inline const std::vector<std::string> kTopLevelKeys = {
    "name",   "description", "topology", "catalog",  "variants", "workload",
    "faults", "phases",      "limits",   "checkers", "expect"};
inline const std::vector<std::string> kTopologyKeys = {"nodes"};
inline const std::vector<std::string> kNodeKeys = {"name", "kind"};
inline const std::vector<std::string> kWorkloadKeys = {"name", "params"};
inline const std::vector<std::string> kFaultsKeys = {"schedule", "swarm", "timeline"};
inline const std::vector<std::string> kSchedules = {"none", "scripted", "swarm"};
inline const std::vector<std::string> kSwarmKeys = {"kinds", "interval_ms", "params"};
inline const std::vector<std::string> kTimelineKeys = {"at_ms", "on", "fault", "params",
                                                       "duration_ms"};
inline const std::vector<std::string> kTriggerKeys = {"event", "node", "count"};
inline const std::vector<std::string> kExpectKeys = {"verdict", "checker", "seeds_max"};
inline const std::vector<std::string> kVerdicts = {"invalid", "valid"};

// Spec names, node names: lower-case letters, digits and underscores.
inline constexpr const char* kNamePattern = "^[a-z0-9_]+$";
bool IsName(const std::string& s);

// Numbers of the format itself, described like registry parameters so that one code path
// validates, defaults and resolves them.
const std::vector<ParamSpec>& PhaseParams();  // chaos_ms, heal_ms, converge_ms_max
const std::vector<ParamSpec>& LimitParams();  // events_max, virtual_time_ms_max
const ParamSpec& SwarmIntervalParam();        // interval_ms, default [200, 2000]
const ParamSpec& TimelineAtParam();           // at_ms
const ParamSpec& TimelineDurationParam();     // duration_ms (optional, no default)
const ParamSpec& TriggerCountParam();         // on.count, default 1
const ParamSpec& CheckerBudgetParam();        // budget_ms, every checker takes it
const ParamSpec& SeedsMaxParam();             // expect.seeds_max

}  // namespace scenarios::format
