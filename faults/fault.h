#pragma once
// Faults (nemeses). Fault model, per kind:
//   partition  blocks pairs of nodes: isolate (the named nodes against the rest), halves
//              (a random split), majority (a random minority against the majority), bridge
//              (two halves that both see one bridge node), one_way (A cannot reach B, B can
//              reach A). Stop heals the network.
//   clog       holds every message between two nodes until the clog ends.
//   latency    adds `extra_ms` to the minimum latency of every path for the duration.
//   loss, duplicate, reorder
//              raise the per-mille probability on every path for the duration.
//   crash      crashes nodes (optionally losing unsynced disk writes); stop restarts them.
//   pause      pauses nodes (a GC pause, SIGSTOP); stop resumes them.
//   clock_skew, clock_drift, clock_jump
//              set a node's wall clock offset, drift (ppm) or jump it; stop undoes skew and
//              drift (a jump is permanent, as an NTP step is).
//   redis_failover
//              Sentinel promotes a replica of the workload's Redis group (instantaneous;
//              acknowledged writes the replica had not received are lost). Fires only when the
//              workload runs replicated Redis and a replica can be promoted.
//   broker_restart
//              crashes the workload's RabbitMQ broker nodes (their connections die, unacked
//              deliveries requeue, transient messages go); stop starts them again.
// Every start and stop is written into the history with whether it actually fired (crashing
// a node that is already down does not).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/world.h"

namespace faults {

struct FaultOutcome {
  bool fired = false;
  nlohmann::json detail = nlohmann::json::object();  // what was done, e.g. the groups
};

// The link degradations in force (latency, loss, duplicate, reorder). They overlap: a swarm
// starts a latency fault while a loss fault runs and stops them in any order, so each is an
// overlay on the links as they were before the first one, and every path is recomputed from
// that base with the overlays still in force. (Restoring a per-fault snapshot instead leaves a
// stale degradation behind whenever two overlapping faults stop in the order they started.)
class LinkOverlays {
 public:
  using Change = std::function<void(sim::LinkConfig&)>;
  // Applies `change` to every path between two nodes of `world`; returns its id.
  uint64_t Add(sim::World& world, Change change);
  // Takes overlay `id` off; returns how many paths were recomputed.
  size_t Remove(sim::World& world, uint64_t id);

 private:
  void Apply(sim::World& world) const;

  std::map<std::pair<sim::NodeId, sim::NodeId>, sim::LinkConfig> base_;
  std::vector<std::pair<uint64_t, Change>> active_;
  uint64_t next_id_ = 1;
};

// What a fault may act on: the world, the names of the nodes it may target, and the
// middleware the workload runs (filled by Workload::AddFaultTargets).
struct FaultTargets {
  sim::World* world = nullptr;
  std::vector<std::string> nodes;  // targetable nodes (clients usually excluded)
  // Promotes a replica of the workload's Redis group; empty when it has none.
  std::function<FaultOutcome()> redis_failover;
  std::vector<std::string> brokers;  // the workload's broker nodes
  // Shared by every copy of these targets, so overlapping link faults compose.
  std::shared_ptr<LinkOverlays> links = std::make_shared<LinkOverlays>();
};

// A started fault that knows how to undo itself.
class ActiveFault {
 public:
  virtual ~ActiveFault() = default;
  virtual FaultOutcome Stop() = 0;
};

struct StartedFault {
  FaultOutcome outcome;
  std::unique_ptr<ActiveFault> active;  // null when the fault is instantaneous or did not fire
};

using FaultStartFn = std::function<StartedFault(const FaultTargets&, const nlohmann::json& params,
                                                sim::Rng& rng)>;

struct FaultKind {
  std::string name;
  std::string doc;
  FaultStartFn start;
};

// Every fault kind this library provides, in a fixed order.
const std::vector<FaultKind>& AllFaultKinds();
const FaultKind* FindFaultKind(const std::string& name);

// Resolves the `nodes` parameter: the named nodes, or `count` (default 1) nodes drawn from
// the targets when absent. Unknown names are a bug in the caller: the spec validator checks
// them first.
std::vector<sim::Node*> PickNodes(const FaultTargets& t, const nlohmann::json& params,
                                  sim::Rng& rng, size_t default_count = 1);

}  // namespace faults
