#include "scenarios/workloads/raft/raft_kv_workload.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <memory>

#include "models/raft/raft_kv_client.h"

namespace scenarios::raft {

using models::raft::KvResult;
using models::raft::Outcome;
using models::raft::RaftKvClient;
using namespace sim::literals;

namespace {

constexpr int64_t kProbeClient = 1'000'000;

struct ClientParams {
  std::vector<sim::NodeId> members;
  int64_t client = 0;
  int64_t keys = 1;
  sim::Duration think;
  sim::Duration timeout;
};

void Record(sim::Env env, uint64_t op, const KvResult& r, nlohmann::json ok_value) {
  sim::History& h = env.history();
  if (r.outcome == Outcome::kOk) {
    h.Complete(op, sim::OpType::kOk, std::move(ok_value), env.Now());
  } else {
    const sim::OpType t = r.outcome == Outcome::kInfo ? sim::OpType::kInfo : sim::OpType::kFail;
    h.Complete(op, t, nlohmann::json::object(), env.Now(), r.error);
  }
}

nlohmann::json OptJson(const std::optional<std::string>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

// One client: a random mix of reads (40%), writes (40%) and cas (20%) until *stop.
sim::Task<void> ClientLoop(sim::Env env, ClientParams p, const bool* stop) {
  RaftKvClient client(env, p.members, p.client, std::min(p.timeout, sim::Duration::Millis(100)));
  std::map<std::string, std::optional<std::string>> seen;  // last value observed per key
  for (int64_t n = 1; !*stop; ++n) {
    co_await env.Sleep(env.rng().Uniform(p.think / 2, p.think * 3 / 2));
    if (*stop) break;
    const std::string key = fmt::format("k{}", env.rng().Below(static_cast<uint64_t>(p.keys)));
    const std::string value = fmt::format("c{}-{}", p.client, n);
    const uint64_t dice = env.rng().Below(10);
    sim::History& h = env.history();
    if (dice < 4) {
      const uint64_t op = h.Invoke(p.client, "read", {{"key", key}}, env.Now(), env.id());
      const KvResult r = co_await client.Get(key, p.timeout);
      if (r.outcome == Outcome::kOk) seen[key] = r.reply.value;
      Record(env, op, r, {{"value", OptJson(r.reply.value)}});
    } else if (dice < 8) {
      const uint64_t op = h.Invoke(p.client, "write", {{"key", key}, {"value", value}}, env.Now(),
                                   env.id());
      const KvResult r = co_await client.Put(key, value, p.timeout);
      Record(env, op, r, nlohmann::json::object());
    } else {
      const std::optional<std::string> expected = seen[key];
      const uint64_t op = h.Invoke(
          p.client, "cas", {{"key", key}, {"value", value}, {"expected", OptJson(expected)}},
          env.Now(), env.id());
      const KvResult r = co_await client.Cas(key, expected, value, p.timeout);
      Record(env, op, r, {{"ok", r.reply.ok}});
    }
  }
}

sim::Task<void> Probe(sim::Env env, std::vector<sim::NodeId> members, bool* done) {
  RaftKvClient client(env, std::move(members), kProbeClient, 100_ms);
  while (!*done) {
    const KvResult r = co_await client.Get("probe", 500_ms);
    if (r.outcome == Outcome::kOk) *done = true;
  }
}

class RaftKvWorkload final : public Workload {
 public:
  std::vector<std::string> Setup(RunEnv& env) override {
    // Node ids are known only once the nodes exist: boot closures read the shared config,
    // which is complete before StartAll runs them.
    auto config = std::make_shared<models::raft::RaftConfig>();
    models::raft::RaftDirectory* dir = &directory_;
    std::vector<std::string> names;
    for (int64_t i = 1; i <= env.Int("nodes"); ++i) {
      names.push_back(fmt::format("raft{}", i));
      replicas_.push_back(&env.world->AddNode(names.back(), [config, dir](sim::Env e) {
        models::raft::BootRaftServer(e, *config, dir);
      }));
      members_.push_back(replicas_.back()->id());
    }
    *config = ConfigFromRun(env, members_);
    election_max_ms_ = config->election_max.millis();
    for (int64_t i = 1; i <= env.Int("clients"); ++i) {
      clients_.push_back(&env.world->AddNode(fmt::format("client{}", i)));
    }
    probe_node_ = &env.world->AddNode("probe");
    env.world->StartAll();
    return names;
  }

  void StartClients(RunEnv& env) override {
    for (size_t i = 0; i < clients_.size(); ++i) {
      ClientParams p{members_, static_cast<int64_t>(i + 1), env.Int("keys"),
                     sim::Duration::Millis(env.Int("think_ms")),
                     sim::Duration::Millis(env.Int("timeout_ms"))};
      clients_[i]->Spawn(ClientLoop(clients_[i]->env(), std::move(p), &stop_));
    }
  }

  void StopClients(RunEnv&) override { stop_ = true; }

  bool Converged(RunEnv&) override {
    if (!probing_) {
      probing_ = true;
      probe_node_->Spawn(Probe(probe_node_->env(), members_, &probe_done_));
    }
    return probe_done_;
  }

  nlohmann::json Snapshot(RunEnv&) override {
    nlohmann::json nodes = nlohmann::json::array();
    nlohmann::json data = nlohmann::json::object();
    int64_t best_term = -1;
    for (sim::Node* n : replicas_) {
      const models::raft::RaftNode* r = directory_.Find(n->id());
      if (r == nullptr) {
        nodes.push_back({{"name", n->name()}, {"up", false}});
        continue;
      }
      nodes.push_back({{"name", n->name()},
                       {"up", true},
                       {"role", models::raft::RoleName(r->role())},
                       {"term", r->term()},
                       {"commit", r->commit_index()},
                       {"last_index", r->storage().LastIndex()},
                       {"applied", r->state_machine().last_applied()}});
      if (r->role() == models::raft::Role::kLeader && r->term() > best_term) {
        best_term = r->term();
        data = r->state_machine().data();
      }
    }
    return {{"replicas", nodes}, {"leader_term", best_term}, {"data", data},
            {"election_ms_max", election_max_ms_}};
  }

 private:
  std::vector<sim::Node*> replicas_;
  std::vector<sim::NodeId> members_;
  std::vector<sim::Node*> clients_;
  sim::Node* probe_node_ = nullptr;
  models::raft::RaftDirectory directory_;
  bool stop_ = false;
  bool probing_ = false;
  bool probe_done_ = false;
  int64_t election_max_ms_ = 0;  // for raft.leader_after_heal's bound
};

}  // namespace

models::raft::RaftConfig ConfigFromRun(const RunEnv& env, std::vector<sim::NodeId> members) {
  models::raft::RaftConfig c;
  c.members = std::move(members);
  c.election_min = sim::Duration::Millis(env.Int("election_ms_min"));
  c.election_max = sim::Duration::Millis(std::max(env.Int("election_ms_max"), env.Int("election_ms_min")));
  c.heartbeat = sim::Duration::Millis(env.Int("heartbeat_ms"));
  // Raft needs heartbeats well inside the election timeout (003:585); a spec that draws a
  // heartbeat at or above it gets a third of the timeout instead.
  if (c.heartbeat >= c.election_min) c.heartbeat = c.election_min / 3;
  c.reachable_window = c.election_max;
  c.stale_reads = env.Variant("raft.stale_reads") == "on";
  c.majority = env.Variant("raft.majority") == "shrinking" ? models::raft::MajorityRule::kShrinking
                                                           : models::raft::MajorityRule::kFixed;
  c.vote_fsync = env.Variant("raft.vote_fsync") == "on";
  return c;
}

std::unique_ptr<Workload> MakeRaftKvWorkload() { return std::make_unique<RaftKvWorkload>(); }

}  // namespace scenarios::raft
