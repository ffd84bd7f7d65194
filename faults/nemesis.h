#pragma once
// The nemesis drives faults over a run: a scripted timeline, swarm injection, and faults
// triggered by trace events ("when ware emits ware.stock_locked, crash it"), so a fault can
// land at the worst moment. Every start and stop goes into the history (process "nemesis")
// and the trace (nemesis.start / nemesis.stop) with whether it fired. HealAll ends the chaos
// phase: it stops every active fault, heals the network, restarts crashed nodes, resumes
// paused ones and resets clock skew and drift.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "faults/fault.h"
#include "sim/world.h"

namespace faults {

struct Trigger {
  std::string event;   // trace event name
  std::string node;    // node name; empty: any node
  int64_t count = 1;   // fire on the count-th matching event
};

struct TimelineEntry {
  std::optional<sim::Duration> at;  // from the start of the chaos phase
  std::optional<Trigger> on;
  std::string fault;
  nlohmann::json params = nlohmann::json::object();
  std::optional<sim::Duration> duration;  // stop after this; none: stays until heal
};

struct SwarmConfig {
  std::vector<std::string> kinds;  // candidates; the seed switches each on or off
  sim::Duration interval_min = sim::Duration::Millis(200);
  sim::Duration interval_max = sim::Duration::Millis(2000);
  sim::Duration duration_min = sim::Duration::Millis(100);
  sim::Duration duration_max = sim::Duration::Millis(1500);
  nlohmann::json params = nlohmann::json::object();  // per kind: {"crash": {...}}
};

struct FaultRecord {
  std::string kind;
  sim::Instant start;
  std::optional<sim::Instant> stop;
  bool fired = false;
  nlohmann::json detail;
};

// Which swarm kinds a seed switches on, and the interval it picks: a function of the
// nemesis stream alone, so a run can print its choices before it starts.
struct SwarmChoice {
  std::vector<std::string> on;
  SwarmConfig resolved;
  std::vector<std::string> lines;  // "swarm.fault.crash = on", ...
};
SwarmChoice ResolveSwarm(const SwarmConfig& config, const sim::Rng& nemesis_rng);

class Nemesis {
 public:
  Nemesis(sim::World* world, FaultTargets targets, sim::Rng rng);
  ~Nemesis();
  Nemesis(const Nemesis&) = delete;
  Nemesis& operator=(const Nemesis&) = delete;

  void Scripted(const std::vector<TimelineEntry>& timeline);
  // Resolves the swarm (which kinds are on) from the seed and starts it. Returns the resolved
  // choices, one per line, for the start of the run's output.
  std::vector<std::string> Swarm(const SwarmConfig& config);
  // No new faults from now on (scheduled and triggered ones are dropped).
  void StopChaos() { chaos_ = false; }
  void HealAll();

  const std::vector<FaultRecord>& records() const { return records_; }
  size_t fired(const std::string& kind) const;

  // Starts a fault now; returns its record index. Public for tests and triggers.
  size_t Apply(const std::string& kind, const nlohmann::json& params,
               std::optional<sim::Duration> duration);

 private:
  struct Active {
    size_t record;
    std::unique_ptr<ActiveFault> fault;
  };
  static sim::Task<void> AtTime(Nemesis* self, TimelineEntry entry);
  static sim::Task<void> StopAfter(Nemesis* self, size_t record, sim::Duration d);
  static sim::Task<void> SwarmLoop(Nemesis* self, SwarmConfig config, std::vector<std::string> on);
  void Stop(size_t record);
  void Arm(const TimelineEntry& entry);

  sim::World* world_;
  FaultTargets targets_;
  sim::Rng rng_;
  bool chaos_ = true;
  std::vector<FaultRecord> records_;
  std::vector<Active> active_;
  std::vector<size_t> subscriptions_;
};

}  // namespace faults
