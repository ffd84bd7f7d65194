#pragma once
// The runner: one scenario, one seed, one verdict. Phases (ARCHITECTURE.md §5):
//   setup    the workload builds its nodes; checkers attach; the nemesis is armed
//   chaos    clients run while faults are injected (scripted timeline, swarm or none)
//   heal     clients stop; every fault stops, partitions heal, nodes restart and resume
//   converge bounded: the workload must report convergence, or the run fails liveness
//   final    the workload's final-state snapshot
//   check    every checker, each within its budget (over budget: unknown)
//   report   verdicts, fault timeline, history tail, the command that reproduces the run
// Exit codes: 0 all valid, 129 a checker found a violation, 128 liveness (no convergence, or
// an event / virtual-time limit hit), 1 inconclusive (a checker answered unknown).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "checkers/checker.h"
#include "faults/nemesis.h"
#include "scenarios/registry.h"

namespace scenarios {

struct CheckerConfig {
  std::string name;
  sim::Duration budget = sim::Duration::Seconds(10);
};

struct RunFaultPlan {
  std::string schedule = "none";  // none | scripted | swarm
  faults::SwarmConfig swarm;
  std::vector<faults::TimelineEntry> timeline;
};

// A fully resolved run: every range already drawn, every variant set.
struct RunConfig {
  std::string scenario = "adhoc";
  std::string spec_path;             // for the reproduce command
  std::vector<std::string> overrides;  // --set arguments, for the reproduce command
  uint64_t seed = 1;
  std::string workload;
  nlohmann::json workload_params = nlohmann::json::object();
  nlohmann::json catalog = nlohmann::json::object();
  std::map<std::string, std::string> variants;  // missing ones take their defaults
  RunFaultPlan faults;
  sim::Duration chaos = sim::Duration::Seconds(5);
  sim::Duration heal = sim::Duration::Millis(500);
  sim::Duration converge_max = sim::Duration::Seconds(10);
  uint64_t events_max = 50'000'000;
  sim::Duration virtual_time_max = sim::Duration::Hours(1);
  std::vector<CheckerConfig> checkers;
  std::vector<std::string> resolved;  // "key = value" lines from seed resolution
  bool record_trace = false;
  bool keep_history = false;  // hand the whole client history back in the report
};

struct RunReport {
  std::string scenario;
  std::string spec_path;
  std::vector<std::string> overrides;
  uint64_t seed = 0;
  int exit_code = 0;
  std::string outcome;  // valid | invalid | liveness | limit | unknown
  std::string message;  // why, for liveness / limit
  std::vector<std::string> resolved;  // every resolved parameter and swarm choice
  std::vector<checkers::Verdict> verdicts;
  std::vector<faults::FaultRecord> faults;
  nlohmann::ordered_json history_tail = nlohmann::ordered_json::array();
  std::map<std::string, uint64_t> coverage;
  uint64_t fingerprint = 0;
  uint64_t events = 0;
  uint64_t operations = 0;
  int64_t virtual_time_ns = 0;
  std::string repro;
  std::vector<std::string> trace;  // every trace event, described (only with record_trace)
  std::shared_ptr<const sim::History> history;  // the whole history (only with keep_history)

  nlohmann::ordered_json ToJson() const;
  std::string SummaryLine() const;
};

// Makes the out-of-time test for a checker's budget. The CLI passes a wall-clock one; the
// default (empty) never runs out.
using BudgetFactory = std::function<std::function<bool()>(sim::Duration budget)>;

RunReport RunScenario(const RunConfig& config, const Registry& registry,
                      const BudgetFactory& budgets = {});

// Every resolved choice of a run, one per line, known before it starts: the spec's resolved
// values and the swarm's choices.
std::vector<std::string> ResolvedLines(const RunConfig& config);

// The command line that reproduces a run.
std::string ReproCommand(const RunConfig& config);

}  // namespace scenarios
