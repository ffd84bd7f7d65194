#pragma once
// Resolution: one seed turns a Spec into concrete values. Every [min, max] range is replaced by
// a value drawn from sim::Rng(seed).Fork("spec" + pointer), so each value depends on the seed
// and its own JSON pointer only: adding a parameter, or a range elsewhere, never changes the
// others. `--set` overrides are applied first and validated like file content.
//
// The result records every choice (the drawn ranges, the effective variants and the
// overrides) as ordered (pointer, value) lines that a run prints first, so the report names
// everything needed to reproduce it.

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/spec/spec.h"
#include "sim/time.h"

namespace scenarios {

struct NodeDecl {
  std::string name;
  std::string kind;
};

struct Invocation {
  std::string name;
  nlohmann::json params;  // every registered parameter, concrete (a null value: not set)
};

struct CheckerInvocation {
  std::string name;
  sim::Duration budget;   // over budget, the checker answers unknown
  nlohmann::json params;  // the checker's own parameters, concrete
};

enum class FaultSchedule : uint8_t { kNone, kSwarm, kScripted };

struct Trigger {
  std::string event;  // trace event name, e.g. "stock.reserved"
  std::string node;   // "" for any node
  int64_t count = 1;  // fire on the count-th matching event
};

struct TimelineEntry {
  std::optional<sim::Duration> at;  // from the start of chaos; or
  std::optional<Trigger> on;        // when a trace event has happened
  std::string fault;
  nlohmann::json params;
  std::optional<sim::Duration> duration;  // absent: until the heal phase
};

struct SwarmPlan {
  std::vector<std::string> kinds;
  sim::Duration interval;
  // Per kind; parameters the registry leaves without a default are absent (the swarm picks).
  std::map<std::string, nlohmann::json> params;
};

struct FaultPlan {
  FaultSchedule schedule = FaultSchedule::kNone;
  SwarmPlan swarm;                      // kSwarm only
  std::vector<TimelineEntry> timeline;  // kScripted only
};

struct Phases {
  sim::Duration chaos;
  sim::Duration heal;
  sim::Duration converge_max;
};

struct Limits {
  int64_t events_max = 0;
  sim::Duration virtual_time_max;
};

// One resolved value and where it came from: "range [2, 8]", "default", "spec" or the --set.
struct Choice {
  std::string pointer;
  nlohmann::json value;
  std::string source;
};

struct ResolvedSpec {
  uint64_t seed = 0;
  std::string file;
  std::string name;
  std::string description;
  std::vector<NodeDecl> nodes;
  nlohmann::json catalog;
  std::map<std::string, std::string> variants;  // every registered variant
  Invocation workload;
  FaultPlan faults;
  Phases phases;
  Limits limits;
  std::vector<CheckerInvocation> checkers;
  std::optional<Expect> expect;

  nlohmann::json document;      // the normalized document with every range resolved
  std::vector<Choice> choices;  // variants (by name), then drawn ranges, then other overrides

  // "/workload/params/clients = 5  (range [2, 8])", one per choice, in order.
  std::vector<std::string> ChoiceLines() const;
};

SpecResult<ResolvedSpec> ResolveSpec(const Spec& spec, uint64_t seed,
                                     const std::vector<std::string>& overrides = {});

}  // namespace scenarios
