#include "scenarios/workloads/raft/raft_kv_workload.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <memory>

#include "models/raft/raft_kv_client.h"
#include "scenarios/workloads/raft/kv_ops.h"
#include "scenarios/workloads/raft/raft_cluster.h"

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
    if (dice < 4) {
      const KvResult r = co_await RecordedGet(env, &client, p.client, key, p.timeout);
      if (r.outcome == Outcome::kOk) seen[key] = r.reply.value;
    } else if (dice < 8) {
      co_await RecordedPut(env, &client, p.client, key, value, p.timeout);
    } else {
      const std::optional<std::string> expected = seen[key];
      co_await RecordedCas(env, &client, p.client, key, expected, value, p.timeout);
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
    std::vector<std::string> names = cluster_.AddReplicas(env, "raft");
    for (int64_t i = 1; i <= env.Int("clients"); ++i) {
      clients_.push_back(&env.world->AddNode(fmt::format("client{}", i)));
    }
    probe_node_ = &env.world->AddNode("probe");
    env.world->StartAll();
    return names;
  }

  void StartClients(RunEnv& env) override {
    for (size_t i = 0; i < clients_.size(); ++i) {
      ClientParams p{cluster_.members(), static_cast<int64_t>(i + 1), env.Int("keys"),
                     sim::Duration::Millis(env.Int("think_ms")),
                     sim::Duration::Millis(env.Int("timeout_ms"))};
      clients_[i]->Spawn(ClientLoop(clients_[i]->env(), std::move(p), &stop_));
    }
  }

  void StopClients(RunEnv&) override { stop_ = true; }

  bool Converged(RunEnv&) override {
    if (!probing_) {
      probing_ = true;
      probe_node_->Spawn(Probe(probe_node_->env(), cluster_.members(), &probe_done_));
    }
    return probe_done_;
  }

  nlohmann::json Snapshot(RunEnv&) override {
    nlohmann::json snapshot = cluster_.Snapshot();
    snapshot["election_ms_max"] = cluster_.election_max_ms();
    return snapshot;
  }

 private:
  RaftCluster cluster_;
  std::vector<sim::Node*> clients_;
  sim::Node* probe_node_ = nullptr;
  bool stop_ = false;
  bool probing_ = false;
  bool probe_done_ = false;
};

}  // namespace

std::unique_ptr<Workload> MakeRaftKvWorkload() { return std::make_unique<RaftKvWorkload>(); }

}  // namespace scenarios::raft
