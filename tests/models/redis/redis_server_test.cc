// Goal: show that the Redis port behaves like Redis over a faulty network in simulation:
// SimRedisClient -> RedisServer -> RedisModel answers with the model's replies and the
// kRejected error rule; a partition ends a call kTimeout (info) and the client reconnects
// after it; a down server refuses; a server crash keeps exactly what its persistence mode made
// durable; a crashed client leaves no MULTI state behind; expiry runs on the server's timer in
// virtual time; replication lags behind partitions, and a failover loses exactly the
// acknowledged writes the promoted replica had not received.
#include <catch2/catch.hpp>

#include <optional>
#include <vector>

#include "models/redis/redis_directory.h"
#include "models/redis/redis_model.h"
#include "models/redis/redis_server.h"
#include "models/redis/scripts.h"
#include "models/redis/sim_redis_client.h"
#include "redis_sim_harness.h"
#include "sim/world.h"

namespace {

using namespace sim::literals;
using namespace redis_sim;
using models::redis::Argv;
using models::redis::Persistence;
using models::redis::RedisConfig;
using models::redis::RedisModel;
using models::redis::RedisServerConfig;
using models::redis::Reply;
using models::redis::SetOptions;
using models::redis::SimRedisClient;

TEST_CASE("commands travel to the server and back with the model's replies", "[redis][port]") {
  Single s(1);
  SimRedisClient client(s.app->env(), s.endpoint(), 200_ms);
  CHECK(Await(s.w, *s.app, client.Set("k", "v")).value() == true);
  CHECK(Await(s.w, *s.app, client.Set("k", "w", SetOptions{.nx = true})).value() == false);
  CHECK(Await(s.w, *s.app, client.Get("k")).value() == std::optional<std::string>("v"));
  CHECK(Await(s.w, *s.app, client.Incr("n")).value() == 1);
  CHECK(Await(s.w, *s.app, client.DecrBy("n", 5)).value() == -4);
  CHECK(Await(s.w, *s.app, client.HSet("h", "f", "1")).value() == 1);
  CHECK(Await(s.w, *s.app, client.HIncrBy("h", "f", 2)).value() == 3);
  CHECK(Await(s.w, *s.app, client.HGet("h", "f")).value() == std::optional<std::string>("3"));
  CHECK(Await(s.w, *s.app, client.SAdd("s", "m")).value() == 1);
  CHECK(Await(s.w, *s.app, client.SIsMember("s", "m")).value() == true);
  CHECK(Await(s.w, *s.app, client.LPush("l", "x")).value() == 1);
  CHECK(Await(s.w, *s.app, client.RPop("l")).value() == std::optional<std::string>("x"));
  CHECK(Await(s.w, *s.app, client.PExpire("k", 10_s)).value() == true);
  // An error reply is kRejected with the server's exact text.
  const auto wrong = Await(s.w, *s.app, client.Incr("h"));
  REQUIRE(!wrong.ok());
  CHECK(wrong.code() == sim::Errc::kRejected);
  CHECK(wrong.error().detail ==
        "WRONGTYPE Operation against a key holding the wrong kind of value");
  // A named script runs its sim_impl on the server's model.
  const auto& unlock = models::redis::CompareAndDeleteUnlockScript();
  CHECK(Await(s.w, *s.app, client.Eval(unlock, {"k"}, {"nope"})).value() == Reply::Integer(0));
  CHECK(Await(s.w, *s.app, client.Eval(unlock, {"k"}, {"v"})).value() == Reply::Integer(1));
  // MULTI ... EXEC as a batch, and a refused command aborting it.
  const auto batch = Await(s.w, *s.app, client.Exec({{"SET", "a", "1"}, {"INCR", "a"}}));
  CHECK(batch.value() == std::vector<Reply>{Reply::Ok(), Reply::Integer(2)});
  const auto aborted = Await(s.w, *s.app, client.Exec({{"SET", "a", "9"}, {"NOSUCH"}}));
  CHECK(aborted.code() == sim::Errc::kRejected);
  CHECK(s.model.keyspace().Find("a") != nullptr);
  CHECK(Await(s.w, *s.app, client.Get("a")).value() == std::optional<std::string>("2"));
  CHECK(client.connections_opened() == 1);
}

TEST_CASE("MULTI state belongs to the connection", "[redis][port]") {
  Single s(2);
  SimRedisClient one(s.app->env(), s.endpoint(), 200_ms);
  SimRedisClient two(s.app->env(), s.endpoint(), 200_ms);
  CHECK(Await(s.w, *s.app, one.Command({"MULTI"})).value() == Reply::Ok());
  CHECK(Await(s.w, *s.app, one.Command({"SET", "x", "1"})).value() == Reply::Status("QUEUED"));
  CHECK(Await(s.w, *s.app, two.Get("x")).value() == std::nullopt);
  CHECK(Await(s.w, *s.app, two.Command({"EXEC"})).error().detail == "ERR EXEC without MULTI");
  CHECK(Await(s.w, *s.app, one.Command({"EXEC"})).value() == Reply::Array({Reply::Ok()}));
  CHECK(Await(s.w, *s.app, two.Get("x")).value() == std::optional<std::string>("1"));
}

TEST_CASE("a partition ends a call in kTimeout, the client reconnects after it heals",
          "[redis][port][fault]") {
  Single s(3);
  SimRedisClient client(s.app->env(), s.endpoint(), 200_ms);
  REQUIRE(Await(s.w, *s.app, client.Set("k", "1")).ok());
  s.Partition();
  const sim::Instant sent = s.w.Now();
  const auto cut = Await(s.w, *s.app, client.Set("k", "2"));
  CHECK(cut.code() == sim::Errc::kTimeout);
  CHECK(cut.error().Indeterminate());
  CHECK(s.w.Now() - sent >= 200_ms);
  CHECK(s.model.keyspace().Find("k")->value == models::redis::Value(std::string("1")));
  s.w.network().Heal();
  CHECK(Await(s.w, *s.app, client.Get("k")).value() == std::optional<std::string>("1"));
  CHECK(client.connections_opened() == 2);
  // Replies cut on the way back: the write took effect although the client saw kTimeout.
  s.w.network().PartitionOneWay(std::vector<sim::NodeId>{s.server->id()},
                                std::vector<sim::NodeId>{s.app->id()});
  CHECK(Await(s.w, *s.app, client.Set("k", "3")).code() == sim::Errc::kTimeout);
  CHECK(s.model.keyspace().Find("k")->value == models::redis::Value(std::string("3")));
}

TEST_CASE("a down server refuses calls, a restarted one has forgotten the connection",
          "[redis][port][fault]") {
  Single s(4);
  SimRedisClient client(s.app->env(), s.endpoint(), 200_ms);
  REQUIRE(Await(s.w, *s.app, client.Set("k", "1")).ok());
  s.server->Crash();
  const sim::Instant sent = s.w.Now();
  const auto refused = Await(s.w, *s.app, client.Get("k"));
  CHECK(refused.code() == sim::Errc::kUnavailable);
  CHECK(s.w.Now() - sent < 200_ms);  // a reset, not a timeout
  CHECK(s.w.Now() > sent);           // but not instant either: one round trip
  s.server->Start();
  CHECK(Await(s.w, *s.app, client.Get("k")).ok());  // a fresh connection
  s.server->Crash();
  s.server->Start();
  const auto lost = Await(s.w, *s.app, client.Get("k"));
  CHECK(lost.code() == sim::Errc::kUnavailable);
  CHECK(lost.error().detail.find("connection lost") != std::string::npos);
  CHECK(Await(s.w, *s.app, client.Get("k")).ok());
}

// One write before the whole second 1.0 s, one after it, then a crash at 1.6 s.
struct CrashOutcome {
  bool early_survived;
  bool late_survived;
};

CrashOutcome CrashAfterTwoWrites(Persistence mode) {
  RedisConfig config;
  config.persistence = mode;
  config.rdb_interval = 1_s;
  Single s(5, config);
  SimRedisClient client(s.app->env(), s.endpoint(), 200_ms);
  REQUIRE(Await(s.w, *s.app, client.Set("early", "1")).ok());
  s.w.Run(sim::RunLimits{sim::Instant::Zero() + 1300_ms});
  REQUIRE(Await(s.w, *s.app, client.Set("late", "1")).ok());
  s.w.Run(sim::RunLimits{sim::Instant::Zero() + 1600_ms});
  s.server->Crash();
  s.w.RunFor(1500_ms);  // downtime spanning the next whole second: no fsync happens in it
  s.server->Start();
  // The old connection died with the server; the next call opens a new one.
  CHECK(Await(s.w, *s.app, client.Get("early")).code() == sim::Errc::kUnavailable);
  const auto early = Await(s.w, *s.app, client.Get("early"));
  const auto late = Await(s.w, *s.app, client.Get("late"));
  REQUIRE(early.ok());
  REQUIRE(late.ok());
  return CrashOutcome{early->has_value(), late->has_value()};
}

TEST_CASE("a server crash keeps what its persistence mode made durable", "[redis][port][fault]") {
  SECTION("appendfsync always: every acknowledged write") {
    const CrashOutcome o = CrashAfterTwoWrites(Persistence::kAofAlways);
    CHECK(o.early_survived);
    CHECK(o.late_survived);
  }
  SECTION("appendfsync everysec: up to the last whole second") {
    const CrashOutcome o = CrashAfterTwoWrites(Persistence::kAofEverysec);
    CHECK(o.early_survived);
    CHECK_FALSE(o.late_survived);
  }
  SECTION("RDB every second: the last snapshot") {
    const CrashOutcome o = CrashAfterTwoWrites(Persistence::kRdb);
    CHECK(o.early_survived);
    CHECK_FALSE(o.late_survived);
  }
  SECTION("no persistence: nothing") {
    const CrashOutcome o = CrashAfterTwoWrites(Persistence::kNone);
    CHECK_FALSE(o.early_survived);
    CHECK_FALSE(o.late_survived);
  }
}

TEST_CASE("a crashed client leaves no transaction behind", "[redis][port][fault]") {
  Single s(6);
  sim::Node& other = s.w.AddNode("other");
  other.Start();
  {
    SimRedisClient client(s.app->env(), s.endpoint(), 200_ms);
    REQUIRE(Await(s.w, *s.app, client.Command({"MULTI"})).ok());
    REQUIRE(Await(s.w, *s.app, client.Command({"SET", "x", "1"})).ok());
  }
  CHECK(s.model.open_transactions() == 1);
  // While the client is partitioned away its kernel's reset cannot reach the server.
  s.Partition();
  s.app->Crash();
  s.w.RunFor(500_ms);
  CHECK(s.model.open_transactions() == 1);
  s.w.network().Heal();
  s.w.RunFor(200_ms);  // the next serverCron sees the reset
  CHECK(s.model.open_transactions() == 0);
  CHECK(s.model.keyspace().Find("x") == nullptr);
  // A client that crashes with a call in flight: the server answers into the void.
  s.app->Start();
  SimRedisClient late(s.app->env(), s.endpoint(), 200_ms);
  s.app->Spawn(Discard(late.Set("y", "1")));
  s.app->Crash();
  s.w.RunFor(200_ms);
  SimRedisClient probe(other.env(), s.endpoint(), 200_ms);
  CHECK(Await(s.w, other, probe.Get("x")).value() == std::nullopt);
  CHECK(s.model.open_transactions() == 0);
}

TEST_CASE("keys expire on the server's timer in virtual time", "[redis][port][expiry]") {
  Group g(7);
  SimRedisClient client(g.app->env(), &g.directory, 200_ms);
  REQUIRE(Await(g.w, *g.app, client.Set("k", "v", SetOptions{.ttl = 250_ms})).ok());
  g.w.RunFor(150_ms);
  CHECK(g.primary_model.keyspace().size() == 1);
  CHECK(g.replica_model.keyspace().size() == 1);
  // Nobody touches the key: only active expiry (serverCron) can delete it, and the replica
  // deletes it when the primary's DEL arrives.
  g.w.RunFor(250_ms);
  CHECK(g.primary_model.keyspace().size() == 0);
  CHECK(g.replica_model.keyspace().size() == 0);
}

TEST_CASE("replicas follow the primary and refuse writes", "[redis][replication]") {
  Group g(8);
  SimRedisClient client(g.app->env(), &g.directory, 200_ms);
  REQUIRE(Await(g.w, *g.app, client.Set("x", "1")).ok());
  g.w.RunFor(20_ms);
  CHECK(g.replica_model.keyspace().Find("x") != nullptr);
  SimRedisClient on_replica(g.app->env(), g.replica_endpoint(), 200_ms);
  const auto refused = Await(g.w, *g.app, on_replica.Set("y", "1"));
  CHECK(refused.code() == sim::Errc::kRejected);
  CHECK(refused.error().detail == "READONLY You can't write against a read only replica.");
  CHECK(Await(g.w, *g.app, on_replica.Get("x")).value() == std::optional<std::string>("1"));
  // A clogged link delays replication: lag in virtual time.
  g.w.network().Clog(g.primary->id(), g.replica->id(), g.w.Now() + 300_ms);
  REQUIRE(Await(g.w, *g.app, client.Set("x", "2")).ok());
  g.w.RunFor(200_ms);
  CHECK(g.replica_model.ReplicationOffset() < g.primary_model.ReplicationOffset());
  g.w.RunFor(300_ms);
  CHECK(g.replica_model.ReplicationOffset() == g.primary_model.ReplicationOffset());
  // A restarted replica resynchronises and catches up with what it missed.
  g.replica->Crash();
  REQUIRE(Await(g.w, *g.app, client.Set("z", "1")).ok());
  g.replica->Start();
  g.w.RunFor(300_ms);
  CHECK(g.replica_model.keyspace() == g.primary_model.keyspace());
}

TEST_CASE("a failover loses the acknowledged writes the replica had not received",
          "[redis][replication][failover]") {
  Group g(9);
  SimRedisClient client(g.app->env(), &g.directory, 200_ms);
  REQUIRE(Await(g.w, *g.app, client.Set("before", "1")).ok());
  g.w.RunFor(50_ms);
  g.w.network().Partition(std::vector<sim::NodeId>{g.primary->id()},
                          std::vector<sim::NodeId>{g.replica->id()});
  const auto acked = Await(g.w, *g.app, client.Set("during", "1"));
  REQUIRE(acked.ok());
  CHECK(acked.value() == true);  // acknowledged by the primary
  g.w.RunFor(50_ms);
  REQUIRE(models::redis::Failover(g.w, &g.directory).value() == g.replica_endpoint());
  CHECK(g.directory.epoch() == 1);
  CHECK(Await(g.w, *g.app, client.Get("before")).value() == std::optional<std::string>("1"));
  CHECK(Await(g.w, *g.app, client.Get("during")).value() == std::nullopt);  // lost
  REQUIRE(Await(g.w, *g.app, client.Set("after", "1")).ok());  // the new primary takes writes
  CHECK(client.connections_opened() == 2);
  // Once it can reach the new primary, the old one becomes its replica and drops its write.
  CHECK(g.primary_model.keyspace().Find("during") != nullptr);
  g.w.network().Heal();
  g.w.RunFor(500_ms);
  CHECK(g.primary_model.role() == models::redis::Role::kReplica);
  CHECK(g.primary_model.keyspace() == g.replica_model.keyspace());
  CHECK(g.primary_model.keyspace().Find("during") == nullptr);
}

TEST_CASE("a failover without lag loses nothing", "[redis][replication][failover]") {
  Group g(10);
  SimRedisClient client(g.app->env(), &g.directory, 200_ms);
  for (int i = 0; i < 20; ++i) {
    REQUIRE(Await(g.w, *g.app, client.Incr("n")).ok());
  }
  g.w.RunFor(50_ms);
  REQUIRE(models::redis::Failover(g.w, &g.directory).ok());
  CHECK(Await(g.w, *g.app, client.Get("n")).value() == std::optional<std::string>("20"));
}

TEST_CASE("a failover needs a synchronised replica that is up", "[redis][failover]") {
  Group g(11);
  g.replica->Crash();
  CHECK(models::redis::Failover(g.w, &g.directory).code() == sim::Errc::kUnavailable);
  CHECK(g.directory.primary() == g.primary_endpoint());
}

TEST_CASE("the same seed gives the same run", "[redis][determinism]") {
  auto run = [](uint64_t seed) {
    Group g(seed);
    SimRedisClient client(g.app->env(), &g.directory, 200_ms);
    for (int i = 0; i < 10; ++i) (void)Await(g.w, *g.app, client.Incr("n"));
    g.primary->Crash();
    (void)models::redis::Failover(g.w, &g.directory);
    (void)Await(g.w, *g.app, client.Incr("n"));
    g.w.RunFor(1_s);
    return g.w.Fingerprint();
  };
  CHECK(run(42) == run(42));
  CHECK(run(42) != run(43));
}

}  // namespace
