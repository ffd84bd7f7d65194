#include "scenarios/workloads/raft/raft_cluster.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>

namespace scenarios::raft {

namespace mr = models::raft;

std::vector<std::string> RaftCluster::AddReplicas(RunEnv& env, const std::string& prefix) {
  // Node ids are known only once the nodes exist: boot closures read the shared config,
  // which is complete before StartAll runs them.
  auto config = std::make_shared<mr::RaftConfig>();
  mr::RaftDirectory* dir = &directory_;
  std::vector<std::string> names;
  for (int64_t i = 1; i <= env.Int("nodes"); ++i) {
    names.push_back(fmt::format("{}{}", prefix, i));
    replicas_.push_back(&env.world->AddNode(names.back(), [config, dir](sim::Env e) {
      mr::BootRaftServer(e, *config, dir);
    }));
    members_.push_back(replicas_.back()->id());
  }
  *config = ConfigFromRun(env, members_);
  election_max_ms_ = config->election_max.millis();
  return names;
}

const mr::RaftNode* RaftCluster::Best() const {
  const mr::RaftNode* best = nullptr;
  for (const sim::Node* n : replicas_) {
    const mr::RaftNode* r = directory_.Find(n->id());
    if (r == nullptr) continue;
    const bool leads = r->role() == mr::Role::kLeader;
    const bool best_leads = best != nullptr && best->role() == mr::Role::kLeader;
    if (best == nullptr || (leads && !best_leads) ||
        (leads == best_leads && r->term() > best->term())) {
      best = r;
    }
  }
  return best;
}

nlohmann::json RaftCluster::Snapshot() const {
  nlohmann::json nodes = nlohmann::json::array();
  for (sim::Node* n : replicas_) {
    const mr::RaftNode* r = directory_.Find(n->id());
    if (r == nullptr) {
      nodes.push_back({{"name", n->name()}, {"up", false}});
      continue;
    }
    nodes.push_back({{"name", n->name()},
                     {"up", true},
                     {"role", mr::RoleName(r->role())},
                     {"term", r->term()},
                     {"commit", r->commit_index()},
                     {"last_index", r->storage().LastIndex()},
                     {"applied", r->state_machine().last_applied()}});
  }
  const mr::RaftNode* best = Best();
  const bool leads = best != nullptr && best->role() == mr::Role::kLeader;
  return {{"replicas", nodes},
          {"leader_term", leads ? best->term() : int64_t{-1}},
          {"data", leads ? nlohmann::json(best->state_machine().data()) : nlohmann::json::object()}};
}

std::vector<ParamSpec> RaftTimingParams() {
  return {params::Ms("election_ms_min", 10, 60'000, 150, "randomized election timeout, low end"),
          params::Ms("election_ms_max", 10, 60'000, 300, "randomized election timeout, high end"),
          params::Ms("heartbeat_ms", 1, 60'000, 50, "leader heartbeat interval")};
}

mr::RaftConfig ConfigFromRun(const RunEnv& env, std::vector<sim::NodeId> members) {
  mr::RaftConfig c;
  c.members = std::move(members);
  c.election_min = sim::Duration::Millis(env.Int("election_ms_min"));
  c.election_max =
      sim::Duration::Millis(std::max(env.Int("election_ms_max"), env.Int("election_ms_min")));
  c.heartbeat = sim::Duration::Millis(env.Int("heartbeat_ms"));
  // Raft needs heartbeats well inside the election timeout (003:585); a spec that draws a
  // heartbeat at or above it gets a third of the timeout instead.
  if (c.heartbeat >= c.election_min) c.heartbeat = c.election_min / 3;
  c.reachable_window = c.election_max;
  c.stale_reads = env.Variant("raft.stale_reads") == "on";
  c.majority = env.Variant("raft.majority") == "shrinking" ? mr::MajorityRule::kShrinking
                                                          : mr::MajorityRule::kFixed;
  c.vote_fsync = env.Variant("raft.vote_fsync") == "on";
  return c;
}

}  // namespace scenarios::raft
