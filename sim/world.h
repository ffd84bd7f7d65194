#pragma once
// A World is one simulation: a seed, the scheduler, the network, the nodes, the trace, the
// history and the run context (BUGGIFY, coverage). Everything random in it is drawn from
// streams forked by name from the seed, so the seed alone decides the run. A world is
// single-threaded; independent worlds can run on different threads at once.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sim/assert.h"
#include "sim/buggify.h"
#include "sim/env.h"
#include "sim/history.h"
#include "sim/network.h"
#include "sim/node.h"
#include "sim/rng.h"
#include "sim/rpc.h"
#include "sim/scheduler.h"
#include "sim/trace.h"

namespace sim {

struct WorldOptions {
  bool buggify = true;
  bool record_trace = false;  // keep every trace event (determinism check, export)
  size_t trace_keep_last = 64;
  LinkConfig default_link;
};

class World final : public AssertContext {
 public:
  explicit World(uint64_t seed, WorldOptions options = {});
  ~World() override;
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  uint64_t seed() const { return seed_; }
  Rng& rng() { return rng_; }
  Scheduler& scheduler() { return scheduler_; }
  Network& network() { return network_; }
  RpcLayer& rpc() { return rpc_; }
  Trace& trace() { return trace_; }
  History& history() { return history_; }
  RunContext& context() { return context_; }
  Instant Now() const { return scheduler_.Now(); }

  // Adds a node (not yet started). Names must be unique.
  Node& AddNode(std::string name, Node::BootFn boot = {});
  void StartAll();
  Node& node(NodeId id) {  // inline: a client looks up its server's node on every call
    SIM_ASSERT_LT(id, nodes_.size());
    return *nodes_[id];
  }
  Node* FindNode(std::string_view name);
  // Every node, the world's own pseudo-node (id 0) excluded, in creation order.
  std::vector<Node*> nodes();

  // Tasks of the harness itself (drivers, workload generators): they never crash.
  void Spawn(Task<void> task) { world_node_->Spawn(std::move(task)); }
  Env env() { return world_node_->env(); }

  StopReason Run(RunLimits limits, const std::function<bool()>& stop_when = {});
  StopReason RunFor(Duration d) { return Run(RunLimits{Now() + d}); }
  StopReason RunUntilIdle() { return Run(RunLimits{}); }

  // Emits a trace event at the current time.
  void Emit(NodeId node, std::string_view name, std::vector<TraceField> fields = {});
  // The run's fingerprint: the trace hash folded with the schedule hash.
  uint64_t Fingerprint() const;

  void DescribeForAssert(std::ostream& out) const override;

 private:
  uint64_t seed_;
  Rng rng_;
  Scheduler scheduler_;
  Trace trace_;
  Network network_;
  RpcLayer rpc_;
  History history_;
  RunContext context_;
  // Declared last: destroyed first, while everything their frames may touch still exists.
  std::vector<std::unique_ptr<Node>> nodes_;  // nodes_[0] is the world's pseudo-node
  Node* world_node_;
};

}  // namespace sim
