// Goal: random partitions, crashes that lose unsynced writes, and pauses over many seeds never
// break a Raft property nor the linearizability of the clients' KV history, and a leader
// serves again after heal (a small in-test explorer; the full swarm is kv_linearizable_swarm).
#include <catch2/catch.hpp>

#include "raft_harness.h"
#include "scenarios/workloads/raft/raft_checkers.h"

namespace {

using namespace raft_test;
using models::raft::KvResult;
using models::raft::Outcome;

sim::Task<void> Writer(sim::Env env, std::vector<sim::NodeId> members, int64_t id, const bool* stop) {
  models::raft::RaftKvClient client(env, std::move(members), id, 100_ms);
  for (int64_t n = 1; !*stop; ++n) {
    co_await env.Sleep(env.rng().Uniform(5_ms, 40_ms));
    const std::string value = "c" + std::to_string(id) + "-" + std::to_string(n);
    const bool read = env.rng().Below(2) == 0;
    const uint64_t op = read ? env.history().Invoke(id, "read", {{"key", "k"}}, env.Now())
                             : env.history().Invoke(id, "write", {{"key", "k"}, {"value", value}}, env.Now());
    KvResult r;
    if (read) {
      r = co_await client.Get("k", 400_ms);
    } else {
      r = co_await client.Put("k", value, 400_ms);
    }
    nlohmann::json out = nlohmann::json::object();
    if (read && r.reply.value) out["value"] = *r.reply.value;
    if (read && !r.reply.value) out["value"] = nullptr;
    const sim::OpType t = r.outcome == Outcome::kOk ? sim::OpType::kOk
                          : r.outcome == Outcome::kInfo ? sim::OpType::kInfo : sim::OpType::kFail;
    env.history().Complete(op, t, out, env.Now());
  }
}

sim::Task<void> Nemesis(sim::World* w, std::vector<sim::Node*> nodes, const bool* stop) {
  sim::Rng rng = w->rng().Fork("test-nemesis");
  while (!*stop) {
    co_await sim::Sleep(rng.Uniform(100_ms, 600_ms));
    const size_t victim = rng.Index(nodes.size());
    switch (rng.Below(3)) {
      case 0: {
        std::vector<sim::NodeId> a{nodes[victim]->id()};
        std::vector<sim::NodeId> b;
        for (sim::Node* n : nodes) {
          if (n != nodes[victim]) (rng.Below(2) == 0 ? a : b).push_back(n->id());
        }
        w->network().Partition(a, b);
        co_await sim::Sleep(rng.Uniform(200_ms, 1000_ms));
        w->network().Heal();
        break;
      }
      case 1:
        nodes[victim]->Crash(sim::DiskLoss::kUnsynced);
        co_await sim::Sleep(rng.Uniform(50_ms, 500_ms));
        nodes[victim]->Start();
        break;
      default:
        nodes[victim]->Pause();
        co_await sim::Sleep(rng.Uniform(50_ms, 500_ms));
        nodes[victim]->Resume();
        break;
    }
  }
}

TEST_CASE("chaos keeps every Raft property and a linearizable history", "[raft][chaos]") {
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    CAPTURE(seed);
    Cluster c(seed, seed % 2 == 0 ? 5 : 3);
    bool stop = false;
    for (int64_t id = 1; id <= 3; ++id) {
      sim::Node& n = c.w.AddNode("client" + std::to_string(id));
      n.Start();
      n.Spawn(Writer(n.env(), c.members, id, &stop));
    }
    c.w.Spawn(Nemesis(&c.w, c.replicas, &stop));
    c.w.RunFor(4_s);
    stop = true;
    c.w.RunFor(1_s);  // the nemesis finishes its last fault and heals
    c.w.network().Heal();
    for (sim::Node* n : c.replicas) {
      if (n->paused()) n->Resume();
      if (!n->up()) n->Start();
    }
    CHECK(c.RunUntilLeader(5_s));
    c.shadow->Finish();
    CHECK_FALSE(c.AnyViolation());
    auto checker = scenarios::raft::MakeKvLinearizableChecker();
    const nlohmann::json snapshot = nlohmann::json::object();
    const auto v = checker->Check(checkers::CheckInput{c.w.history(), snapshot, c.w.trace()},
                                  checkers::CheckBudget());
    CHECK(v.validity == checkers::Validity::kValid);
    CHECK(c.Count("raft.client_ack") > 0);
  }
}

}  // namespace
