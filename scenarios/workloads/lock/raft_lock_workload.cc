// The raft_lock workload: see raft_lock_workload.h.
#include "scenarios/workloads/lock/raft_lock_workload.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "models/raft/raft_node.h"
#include "scenarios/workloads/lock/lock_client.h"
#include "scenarios/workloads/lock/lock_snapshot.h"
#include "scenarios/workloads/lock/raft_lock_backend.h"
#include "scenarios/workloads/lock/resource.h"
#include "scenarios/workloads/raft/raft_cluster.h"

namespace scenarios::lock {

namespace {

using Json = nlohmann::json;
namespace raft = models::raft;

// KV session ids: two per client incarnation (holder, watchdog), never reused in a run, so a
// restarted client's requests are not mistaken for retries of its previous life's.
int64_t SessionId(int64_t client, uint32_t incarnation) {
  return client * 100'000 + static_cast<int64_t>(incarnation) * 2;
}

class RaftLockWorkload final : public Workload {
 public:
  std::vector<std::string> Setup(RunEnv& env) override {
    resource_.fencing = env.Variant("lock.fencing") == "on";
    std::vector<std::string> targets = cluster_.AddReplicas(env, "raft");
    ResourceState* state = &resource_;
    resource_node_ =
        &env.world->AddNode("resource", [state](sim::Env e) { BootResource(e, state); });
    const int64_t clients = env.Int("clients");
    statuses_.resize(static_cast<size_t>(clients));
    for (int64_t i = 1; i <= clients; ++i) {
      client_nodes_.push_back(&env.world->AddNode(fmt::format("client{}", i)));
      targets.push_back(client_nodes_.back()->name());
    }
    env.world->StartAll();
    return targets;
  }

  void StartClients(RunEnv& env) override {
    const LockClientConfig base = ClientConfigFrom(env, resource_node_->id());
    for (size_t i = 0; i < client_nodes_.size(); ++i) {
      LockClientConfig config = base;
      config.client = static_cast<int64_t>(i) + 1;
      StartClient(client_nodes_[i], config, &statuses_[i]);
    }
  }

  void StopClients(RunEnv&) override { stop_ = true; }

  bool Converged(RunEnv&) override {
    for (size_t i = 0; i < client_nodes_.size(); ++i) {
      if (LoopAlive(*client_nodes_[i], statuses_[i]) && statuses_[i].running) return false;
    }
    return true;
  }

  Json Snapshot(RunEnv&) override {
    return {{"lock", LockSnapshot()},
            {"clients", ClientsSnapshot(client_nodes_, statuses_)},
            {"resource", ResourceSnapshot(resource_)},
            {"election_ms_max", cluster_.election_max_ms()}};
  }

 private:
  void StartClient(sim::Node* node, LockClientConfig config, ClientStatus* status) {
    sim::Env e = node->env();
    RaftLockConfig lock_config;
    lock_config.members = cluster_.members();
    lock_config.owner = fmt::format("{}.{}", node->name(), node->incarnation());
    lock_config.session = SessionId(config.client, node->incarnation());
    lock_config.call_timeout = config.call_timeout;
    lock_config.attempt_timeout = std::min(config.call_timeout, sim::Duration::Millis(100));
    lock_config.fencing = resource_.fencing;
    auto& backend = e.Keep<RaftLockBackend>(e, lock_config);
    node->Spawn(LockClientLoop(e, &backend, config, status, &stop_));
  }

  // The lock in the highest-term live leader's table (a replica's when no leader is up).
  Json LockSnapshot() const {
    const raft::RaftNode* best = cluster_.Best();
    Json lock{{"key", "lock"}, {"exists", false}};
    if (best == nullptr) return lock;
    const sim::NodeId holder_node = best->id();
    for (const sim::Node* n : cluster_.replicas()) {
      if (n->id() == holder_node) lock["primary"] = n->name();
    }
    const raft::KvStateMachine& sm = best->state_machine();
    const auto it = sm.locks().find("lock");
    if (it == sm.locks().end() || sm.clock_ns() >= it->second.expires_ns) return lock;
    lock["exists"] = true;
    lock["value"] = fmt::format("{}#{}", it->second.owner, it->second.token);
    lock["ttl_ms"] = (it->second.expires_ns - sm.clock_ns()) / 1'000'000;
    return lock;
  }

  scenarios::raft::RaftCluster cluster_;
  sim::Node* resource_node_ = nullptr;
  ResourceState resource_;
  std::vector<sim::Node*> client_nodes_;
  std::vector<ClientStatus> statuses_;
  bool stop_ = false;
};

}  // namespace

std::unique_ptr<Workload> MakeRaftLockWorkload() { return std::make_unique<RaftLockWorkload>(); }

}  // namespace scenarios::lock
