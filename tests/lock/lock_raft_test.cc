// Goal: the Raft-backed lock (RaftLockBackend over the Raft KV) keeps a grant across the
// leader's crash where the Redis lock loses it (lock_failover_test): a second client stays
// refused after the failover, renew keeps the token, the token is the grant's log index and
// grows across holders, and a stale holder can release nothing. At workload level (raft_lock)
// the lock keeps mutual exclusion under the same scripted pressure, and a 60 s forward step of
// the replicas' wall clocks breaks it while fencing keeps the resource safe: the lease is only
// as good as the clock it is measured on.

#include <catch2/catch.hpp>

#include <optional>

#include "models/raft/raft_node.h"
#include "scenarios/runner.h"
#include "scenarios/workloads/lock/raft_lock_backend.h"
#include "sim/world.h"

using namespace sim::literals;

namespace {

namespace raft = models::raft;
namespace lock = scenarios::lock;

template <class T>
sim::Task<void> Store(sim::Task<T> task, std::optional<T>* out) {
  out->emplace(co_await std::move(task));
}

template <class T>
T Await(sim::World& w, sim::Node& node, sim::Task<T> task) {
  std::optional<T> out;
  node.Spawn(Store(std::move(task), &out));
  w.Run(sim::RunLimits{w.Now() + 1_min}, [&out] { return out.has_value(); });
  REQUIRE(out.has_value());
  return std::move(*out);
}

// Three replicas and two application nodes, each with a Raft lock backend.
struct Deployment {
  explicit Deployment(uint64_t seed) : w(seed), config(std::make_shared<raft::RaftConfig>()) {
    raft::RaftDirectory* d = &dir;
    std::shared_ptr<raft::RaftConfig> c = config;
    for (int i = 1; i <= 3; ++i) {
      replicas.push_back(&w.AddNode("raft" + std::to_string(i), [c, d](sim::Env e) {
        raft::BootRaftServer(e, *c, d);
      }));
      config->members.push_back(replicas.back()->id());
    }
    for (int i = 0; i < 2; ++i) apps.push_back(&w.AddNode("app" + std::to_string(i)));
    w.StartAll();
    for (int i = 0; i < 2; ++i) {
      lock::RaftLockConfig lc;
      lc.members = config->members;
      lc.owner = "app" + std::to_string(i) + ".1";
      lc.session = 10 * (i + 1);
      lc.call_timeout = 2_s;
      sim::Env env = apps[static_cast<size_t>(i)]->env();
      backends.emplace_back(std::make_unique<lock::RaftLockBackend>(env, lc));
    }
  }
  sim::Node* LeaderNode() {
    for (sim::Node* n : replicas) {
      const raft::RaftNode* r = dir.Find(n->id());
      if (r != nullptr && r->role() == raft::Role::kLeader) return n;
    }
    return nullptr;
  }
  std::optional<lock::LockGrant> Acquire(int i) {
    const size_t k = static_cast<size_t>(i);
    auto r = Await(w, *apps[k], backends[k]->Acquire(10_s));
    REQUIRE(r.ok());
    return *r;
  }

  sim::World w;
  std::shared_ptr<raft::RaftConfig> config;
  raft::RaftDirectory dir;
  std::vector<sim::Node*> replicas;
  std::vector<sim::Node*> apps;
  std::vector<std::unique_ptr<lock::RaftLockBackend>> backends;
};

TEST_CASE("a Raft lock grant survives the leader's crash", "[lock][raft]") {
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    CAPTURE(seed);
    Deployment d(seed);
    const auto first = d.Acquire(0);
    REQUIRE(first.has_value());
    CHECK(first->token > 0);
    CHECK(lock::RaftLockBackend::KvToken(*first) == first->token);
    // The leader that committed the grant dies at once, losing its unsynced writes.
    sim::Node* leader = d.LeaderNode();
    REQUIRE(leader != nullptr);
    leader->Crash(sim::DiskLoss::kUnsynced);
    CHECK_FALSE(d.Acquire(1).has_value());  // the new leader has the grant: still refused
    sim::Node* next = d.LeaderNode();
    REQUIRE(next != nullptr);
    CHECK(next != leader);
    auto renewed = Await(d.w, *d.apps[0], d.backends[0]->Renew(*first, 10_s));
    REQUIRE(renewed.ok());
    CHECK(*renewed);
    leader->Start();
    CHECK_FALSE(d.Acquire(1).has_value());
    auto released = Await(d.w, *d.apps[0], d.backends[0]->Release(*first));
    REQUIRE(released.ok());
    CHECK(released->deleted);
    const auto second = d.Acquire(1);
    REQUIRE(second.has_value());
    CHECK(second->token > first->token);
    // The old holder's grant is gone: its release and renewal touch nothing.
    auto stale = Await(d.w, *d.apps[0], d.backends[0]->Release(*first));
    REQUIRE(stale.ok());
    CHECK_FALSE(stale->deleted);
    auto stale_renew = Await(d.w, *d.apps[0], d.backends[0]->Renew(*first, 10_s));
    REQUIRE(stale_renew.ok());
    CHECK_FALSE(*stale_renew);
  }
}

scenarios::RunConfig RaftLockRun(uint64_t seed, bool clock_jump) {
  scenarios::RunConfig c;
  c.scenario = "lock_raft_test";
  c.seed = seed;
  c.workload = "raft_lock";
  c.workload_params = {{"clients", 3}, {"nodes", 3}, {"lease_ms", 10000}, {"hold_ms", 700},
                       {"writes", 3}, {"retry_ms", 20}, {"think_ms", 100}, {"timeout_ms", 500},
                       {"renew_ms", 0}, {"election_ms_min", 150}, {"election_ms_max", 300},
                       {"heartbeat_ms", 50}};
  c.variants = {{"lock.renewal", "on"}, {"lock.fencing", "on"}};
  c.chaos = 8_s;
  c.heal = 1_s;
  c.faults.schedule = "scripted";
  c.checkers = {{"lock.mutual_exclusion"}, {"lock.resource_safe"}, {"lock.safe_release"}};
  if (clock_jump) {
    // Every replica's wall clock steps 60 s forward inside client1's first critical section
    // (no crash here: a new term would restart the leases on the stepped clock).
    faults::TimelineEntry e;
    e.on = faults::Trigger{"lock.section_write", "client1", 1};
    e.fault = "clock_jump";
    e.params = {{"nodes", {"raft1", "raft2", "raft3"}}, {"by_ms", 60000}};
    c.faults.timeline.push_back(e);
    return c;
  }
  // Crash raft1, then raft2, each just after client1 acquired (raft1 is often the leader,
  // and the second crash follows the election the first caused).
  for (int64_t count : {1, 3}) {
    faults::TimelineEntry e;
    e.on = faults::Trigger{"lock.acquired", "client1", count};
    e.fault = "crash";
    e.params = {{"nodes", {count == 1 ? "raft1" : "raft2"}}};
    e.duration = 400_ms;
    c.faults.timeline.push_back(e);
  }
  return c;
}

TEST_CASE("raft_lock keeps exclusion under crashes, and a forward clock step breaks it",
          "[lock][raft]") {
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    CAPTURE(seed);
    const auto ok = scenarios::RunScenario(RaftLockRun(seed, false), scenarios::DefaultRegistry());
    INFO(ok.SummaryLine());
    CHECK(ok.exit_code == 0);
    int crashes = 0;
    for (const faults::FaultRecord& f : ok.faults) crashes += f.kind == "crash" && f.fired ? 1 : 0;
    CHECK(crashes == 2);
    const auto jumped =
        scenarios::RunScenario(RaftLockRun(seed, true), scenarios::DefaultRegistry());
    INFO(jumped.SummaryLine());
    CHECK(jumped.verdicts.at(0).validity == checkers::Validity::kInvalid);
    CHECK(jumped.verdicts.at(1).validity == checkers::Validity::kValid);
    CHECK(jumped.verdicts.at(2).validity == checkers::Validity::kValid);
  }
}

}  // namespace
