#pragma once
// The Raft replica set a workload stands up (raft_kv, raft_lock, raft_nacos): nodes
// <prefix>1..<prefix>N booted with the config the run's params and raft.* variants give
// (ConfigFromRun), the directory that finds their live RaftNodes, and the views of them the
// workloads' snapshots share. Not copyable or movable: boot closures hold its directory.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/raft/raft_node.h"
#include "scenarios/registry.h"
#include "scenarios/workload.h"

namespace scenarios::raft {

class RaftCluster {
 public:
  RaftCluster() = default;
  RaftCluster(const RaftCluster&) = delete;
  RaftCluster& operator=(const RaftCluster&) = delete;

  // Adds env.Int("nodes") replicas named <prefix>1..; returns their names. Call before
  // World::StartAll.
  std::vector<std::string> AddReplicas(RunEnv& env, const std::string& prefix);

  const std::vector<sim::NodeId>& members() const { return members_; }
  const std::vector<sim::Node*>& replicas() const { return replicas_; }
  // For raft.leader_after_heal's bound.
  int64_t election_max_ms() const { return election_max_ms_; }

  // The live replica that best knows the committed state: the highest-term leader, else the
  // highest-term live replica; null when every replica is down.
  const models::raft::RaftNode* Best() const;
  // Each replica's role, term, commit and applied index ("replicas"), the highest leader
  // term ("leader_term") and that leader's data ("data", empty without a leader).
  nlohmann::json Snapshot() const;

 private:
  std::vector<sim::Node*> replicas_;
  std::vector<sim::NodeId> members_;
  models::raft::RaftDirectory directory_;
  int64_t election_max_ms_ = 0;
};

// The replica set's timing params (election_ms_min, election_ms_max, heartbeat_ms) that
// ConfigFromRun reads; every workload on a RaftCluster declares them.
std::vector<ParamSpec> RaftTimingParams();

// Builds the config for replica set `members` from the workload's params and variants.
models::raft::RaftConfig ConfigFromRun(const RunEnv& env, std::vector<sim::NodeId> members);

}  // namespace scenarios::raft
