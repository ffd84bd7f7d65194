// Goal: a Redis lock (stage 5) on a primary with an asynchronous replica loses mutual
// exclusion across a Sentinel failover (models::redis::Failover called directly): the key
// the replica had not received is gone, a second client acquires while the first still holds
// it, the first one's compare-and-delete then refuses to touch the second's lock, and the
// fence counter's lost INCR hands out the same token twice, which the fencing resource still
// refuses. Without lag nothing is lost. At workload level, the redis_failover fault breaks
// lock.mutual_exclusion within a few seeds while lock.resource_safe stays valid with fencing.

#include <catch2/catch.hpp>

#include <deque>
#include <optional>

#include "models/redis/redis_directory.h"
#include "models/redis/redis_model.h"
#include "models/redis/redis_server.h"
#include "models/redis/sim_redis_client.h"
#include "scenarios/runner.h"
#include "scenarios/workloads/lock/redis_lock_backend.h"
#include "scenarios/workloads/lock/resource.h"
#include "sim/world.h"

using namespace sim::literals;

namespace {

namespace redis = models::redis;
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

// A primary and a replica under a directory, and two application nodes each with a stage-5
// fenced lock backend.
struct Deployment {
  explicit Deployment(uint64_t seed) : w(seed) {
    config.directory = &directory;
    models.emplace_back(redis::RedisConfig{.node_name = "a"});
    models.emplace_back(redis::RedisConfig{.node_name = "b"});
    primary = &w.AddNode("redis_a", [this](sim::Env e) {
      redis::BootRedisServer(e, &models[0], config);
    });
    replica = &w.AddNode("redis_b", [this](sim::Env e) {
      redis::BootRedisReplica(e, &models[1], sim::Endpoint{primary->id(), 6379}, config);
    });
    directory.AddNode(sim::Endpoint{primary->id(), 6379}, &models[0]);
    directory.AddNode(sim::Endpoint{replica->id(), 6379}, &models[1]);
    for (int i = 0; i < 2; ++i) {
      apps[i] = &w.AddNode(i == 0 ? "app1" : "app2");
    }
    w.StartAll();
    w.RunFor(200_ms);  // the replica's first full resync
    for (int i = 0; i < 2; ++i) {
      sim::Env e = apps[i]->env();
      clients.emplace_back(e, &directory, 500_ms);
      clients.emplace_back(e, &directory, 500_ms);
      lock::RedisLockConfig lc;
      lc.stage = 5;
      lc.fencing = true;
      lc.owner = apps[i]->name();
      backends.emplace_back(e, lc, &clients[clients.size() - 2], &clients.back());
    }
  }
  Deployment(const Deployment&) = delete;
  Deployment& operator=(const Deployment&) = delete;

  std::optional<lock::LockGrant> Acquire(int i) {
    auto r = Await(w, *apps[i], backends[static_cast<size_t>(i)].Acquire(10_s));
    REQUIRE(r.ok());
    return *r;
  }

  sim::World w;
  std::deque<redis::RedisModel> models;
  redis::RedisDirectory directory;
  redis::RedisServerConfig config;
  sim::Node* primary = nullptr;
  sim::Node* replica = nullptr;
  sim::Node* apps[2] = {nullptr, nullptr};
  std::deque<redis::SimRedisClient> clients;
  std::deque<lock::RedisLockBackend> backends;
};

TEST_CASE("a failover with replication lag hands the lock to a second holder",
          "[lock][failover]") {
  Deployment d(11);
  d.w.network().Partition(std::vector<sim::NodeId>{d.primary->id()},
                          std::vector<sim::NodeId>{d.replica->id()});
  const auto first = d.Acquire(0);
  REQUIRE(first.has_value());
  CHECK(first->token == 1);
  CHECK_FALSE(d.Acquire(1).has_value());  // the primary still has it
  REQUIRE(redis::Failover(d.w, &d.directory).ok());
  const auto second = d.Acquire(1);
  REQUIRE(second.has_value());  // the promoted replica never saw the key
  CHECK(second->token == 1);    // nor the INCR: the same token again
  CHECK(second->value != first->value);
  // The first holder's compare-and-delete refuses to delete the second holder's lock.
  auto released = Await(d.w, *d.apps[0], d.backends[0].Release(*first));
  REQUIRE(released.ok());
  CHECK_FALSE(released->deleted);
  // The fencing resource keeps the two holders apart although their tokens are equal.
  lock::ResourceState resource;
  resource.fencing = true;
  lock::ResourceWrite w1;
  w1.token = first->token;
  w1.holder = first->value;
  lock::ResourceWrite w2 = w1;
  w2.holder = second->value;
  CHECK(lock::ApplyResourceWrite(&resource, w1, d.w.Now()));
  CHECK_FALSE(lock::ApplyResourceWrite(&resource, w2, d.w.Now()));
}

TEST_CASE("a failover without lag keeps the lock", "[lock][failover]") {
  Deployment d(12);
  const auto first = d.Acquire(0);
  REQUIRE(first.has_value());
  d.w.RunFor(100_ms);  // replicated
  REQUIRE(redis::Failover(d.w, &d.directory).ok());
  CHECK_FALSE(d.Acquire(1).has_value());
  auto renewed = Await(d.w, *d.apps[0], d.backends[0].Renew(*first, 10_s));
  REQUIRE(renewed.ok());
  CHECK(*renewed);
  const auto next = d.Acquire(0);
  CHECK_FALSE(next.has_value());
}

scenarios::RunConfig FailoverRun(uint64_t seed, const std::string& fencing) {
  scenarios::RunConfig c;
  c.scenario = "lock_failover_test";
  c.seed = seed;
  c.workload = "redis_lock";
  c.workload_params = {{"clients", 3}, {"replicas", 1}, {"lease_ms", 10000}, {"hold_ms", 300},
                       {"writes", 3}, {"retry_ms", 100}, {"think_ms", 100},
                       {"timeout_ms", 500}, {"renew_ms", 0}};
  c.variants = {{"lock.stage", "5"}, {"lock.renewal", "on"}, {"lock.fencing", fencing}};
  c.chaos = 15_s;
  c.heal = 1_s;
  c.faults.schedule = "scripted";
  for (int64_t count : {3, 12, 21}) {
    faults::TimelineEntry e;
    e.on = faults::Trigger{"lock.acquired", "", count};
    e.fault = "redis_failover";
    c.faults.timeline.push_back(e);
  }
  c.checkers = {{"lock.mutual_exclusion"}, {"lock.resource_safe"}, {"lock.safe_release"}};
  return c;
}

TEST_CASE("the redis_failover fault breaks exclusion, fencing keeps the resource safe",
          "[lock][failover]") {
  int caught_at = 0;
  for (uint64_t seed = 1; seed <= 6 && caught_at == 0; ++seed) {
    const auto r = scenarios::RunScenario(FailoverRun(seed, "off"), scenarios::DefaultRegistry());
    INFO(r.SummaryLine());
    CHECK(r.faults.size() == 3);
    if (r.verdicts.front().validity == checkers::Validity::kInvalid) caught_at = static_cast<int>(seed);
  }
  CHECK(caught_at > 0);
  const auto fenced = scenarios::RunScenario(FailoverRun(static_cast<uint64_t>(caught_at), "on"),
                                             scenarios::DefaultRegistry());
  INFO(fenced.SummaryLine());
  CHECK(fenced.verdicts.at(1).validity == checkers::Validity::kValid);
  CHECK(fenced.verdicts.at(2).validity == checkers::Validity::kValid);
}

}  // namespace
