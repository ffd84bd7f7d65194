// Goal: show, without a server, that RedisModel keeps its fidelity contract where real time,
// crashes and replication matter: lazy and active expiry, MULTI/EXEC, what each persistence
// mode loses in a crash, that the write stream replays to the same dataset, and that a
// failover loses exactly the acknowledged writes the replica had not received.
#include <catch2/catch.hpp>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <string>
#include <vector>

#include "models/redis/redis_model.h"
#include "models/redis/scripts.h"
#include "models/redis/sha1.h"

namespace {

using models::redis::Argv;
using models::redis::Keyspace;
using models::redis::Persistence;
using models::redis::RedisConfig;
using models::redis::RedisModel;
using models::redis::Reply;
using models::redis::Role;
using models::redis::WriteRecord;

sim::Instant Ms(int64_t ms) { return sim::Instant::FromNanos(ms * 1'000'000); }

Reply Int(int64_t v) { return Reply::Integer(v); }
Reply Bulk(const std::string& s) { return Reply::Bulk(s); }

RedisModel WithPersistence(Persistence mode,
                           sim::Duration rdb_interval = sim::Duration::Seconds(5)) {
  RedisConfig config;
  config.persistence = mode;
  config.rdb_interval = rdb_interval;
  return RedisModel(config);
}

// Replays every record the model ever wrote, from offset 0, into a fresh keyspace.
Keyspace ReplayAll(const RedisModel& model) {
  auto records = model.RecordsSince(model.ReplicationId(), 0, 1'000'000);
  REQUIRE(records.ok());
  Keyspace keyspace;
  for (const WriteRecord& record : *records) models::redis::ReplayRecord(keyspace, record);
  return keyspace;
}

}  // namespace

TEST_CASE("commands answer like redis-server 7.0", "[redis]") {
  RedisModel m;
  CHECK(m.Execute({"SET", "k", "v"}, Ms(0)) == Reply::Ok());
  CHECK(m.Execute({"GET", "k"}, Ms(0)) == Bulk("v"));
  CHECK(m.Execute({"get"}, Ms(0)) ==
        Reply::Error("ERR wrong number of arguments for 'get' command"));
  CHECK(m.Execute({"INCR", "k"}, Ms(0)) ==
        Reply::Error("ERR value is not an integer or out of range"));
  CHECK(m.Execute({"HSET", "k", "f", "v"}, Ms(0)).ErrorCode() == "WRONGTYPE");
  CHECK(m.Execute({"foo", "a", "b"}, Ms(0)) ==
        Reply::Error("ERR unknown command 'foo', with args beginning with: 'a' 'b' "));
  CHECK(m.Execute({"SET", "k", "v", "NX", "XX"}, Ms(0)) == Reply::Error("ERR syntax error"));
  CHECK(m.Execute({"SET", "k", "w", "GET"}, Ms(0)) == Bulk("v"));
  CHECK(m.Execute({"SET", "n", "9223372036854775807"}, Ms(0)) == Reply::Ok());
  CHECK(m.Execute({"INCR", "n"}, Ms(0)) ==
        Reply::Error("ERR increment or decrement would overflow"));
  CHECK(m.Execute({"RPUSH", "l", "a", "b", "c"}, Ms(0)) == Int(3));
  CHECK(m.Execute({"LPOP", "l", "2"}, Ms(0)) == Reply::Array({Bulk("a"), Bulk("b")}));
  CHECK(m.Execute({"LPOP", "l", "0"}, Ms(0)) == Reply::Array({}));
  CHECK(m.Execute({"LPOP", "nol", "0"}, Ms(0)) == Reply::Nil());
  CHECK(m.Execute({"PING"}, Ms(0)) == Reply::Status("PONG"));
  CHECK(m.Execute({"DBSIZE"}, Ms(0)) == Int(3));
}

TEST_CASE("an expired key disappears on access (lazy expiry)", "[redis][expiry]") {
  RedisModel m;
  (void)m.MakeFullSync();  // a replica attaches: the stream is kept from here on
  REQUIRE(m.Execute({"SET", "k", "v", "PX", "100"}, Ms(0)) == Reply::Ok());
  CHECK(m.Execute({"PTTL", "k"}, Ms(40)) == Int(60));
  CHECK(m.Execute({"TTL", "k"}, Ms(40)) == Int(0));  // 60 ms rounds to 0 s
  // Redis's rule is now > deadline: at the deadline itself the key is still there.
  CHECK(m.Execute({"GET", "k"}, Ms(100)) == Bulk("v"));
  CHECK(m.Execute({"DBSIZE"}, Ms(101)) == Int(1));  // not accessed yet: still stored
  const int64_t before = m.ReplicationOffset();
  CHECK(m.Execute({"GET", "k"}, Ms(101)) == Reply::Nil());
  CHECK(m.Execute({"DBSIZE"}, Ms(101)) == Int(0));
  // The lazy deletion went onto the write stream as a DEL, so replicas and the AOF see it.
  auto records = m.RecordsSince(m.ReplicationId(), before, 10);
  REQUIRE(records.ok());
  REQUIRE(records->size() == 1);
  CHECK(records->front().commands == std::vector<Argv>{{"DEL", "k"}});
}

TEST_CASE("active expiry removes untouched keys, earliest deadline first", "[redis][expiry]") {
  RedisConfig config;
  config.active_expire_keys_max = 2;
  RedisModel m(config);
  m.Execute({"SET", "late", "v", "PX", "300"}, Ms(0));
  m.Execute({"SET", "early", "v", "PX", "100"}, Ms(0));
  m.Execute({"SET", "mid", "v", "PX", "200"}, Ms(0));
  m.Execute({"SET", "forever", "v"}, Ms(0));
  m.ActiveExpireCycle(Ms(150));
  CHECK(m.keyspace().Find("early") == nullptr);
  CHECK(m.keyspace().Find("mid") != nullptr);
  m.ActiveExpireCycle(Ms(1000));  // bounded: at most two keys per cycle
  CHECK(m.keyspace().size() == 1);
  CHECK(m.keyspace().Find("forever") != nullptr);
  CHECK(m.Execute({"DBSIZE"}, Ms(1000)) == Int(1));
}

TEST_CASE("EXPIRE options, negative timeouts and PERSIST", "[redis][expiry]") {
  RedisModel m;
  m.Execute({"SET", "k", "v"}, Ms(0));
  CHECK(m.Execute({"EXPIRE", "k", "10", "XX"}, Ms(0)) == Int(0));
  CHECK(m.Execute({"EXPIRE", "k", "10", "NX"}, Ms(0)) == Int(1));
  CHECK(m.Execute({"EXPIRE", "k", "5", "GT"}, Ms(0)) == Int(0));
  CHECK(m.Execute({"EXPIRE", "k", "5", "LT"}, Ms(0)) == Int(1));
  CHECK(m.Execute({"TTL", "k"}, Ms(0)) == Int(5));
  CHECK(m.Execute({"PERSIST", "k"}, Ms(0)) == Int(1));
  CHECK(m.Execute({"TTL", "k"}, Ms(0)) == Int(-1));
  CHECK(m.Execute({"EXPIRE", "k", "-1"}, Ms(0)) == Int(1));  // a past deadline deletes at once
  CHECK(m.Execute({"EXISTS", "k"}, Ms(0)) == Int(0));
  CHECK(m.Execute({"TTL", "k"}, Ms(0)) == Int(-2));
}

TEST_CASE("MULTI queues, EXEC runs atomically, queueing errors abort", "[redis][multi]") {
  RedisModel m;
  CHECK(m.Execute({"MULTI"}, Ms(0)) == Reply::Ok());
  CHECK(m.Execute({"SET", "k", "1"}, Ms(0)) == Reply::Status("QUEUED"));
  CHECK(m.Execute({"INCR", "k"}, Ms(0)) == Reply::Status("QUEUED"));
  CHECK(m.Execute({"HSET", "k", "f", "v"}, Ms(0)) == Reply::Status("QUEUED"));
  CHECK(m.Execute({"MULTI"}, Ms(0)) == Reply::Error("ERR MULTI calls can not be nested"));
  const int64_t before = m.ReplicationOffset();
  const Reply exec = m.Execute({"EXEC"}, Ms(0));
  REQUIRE(exec.type() == Reply::Type::kArray);
  REQUIRE(exec.elements().size() == 3);
  CHECK(exec.elements()[0] == Reply::Ok());
  CHECK(exec.elements()[1] == Int(2));
  CHECK(exec.elements()[2].ErrorCode() == "WRONGTYPE");  // run-time errors do not roll back
  CHECK(m.ReplicationOffset() == before + 1);             // one atomic record

  m.Execute({"MULTI"}, Ms(0));
  CHECK(m.Execute({"GET"}, Ms(0)).IsError());
  CHECK(m.Execute({"SET", "k", "9"}, Ms(0)) == Reply::Status("QUEUED"));
  CHECK(m.Execute({"EXEC"}, Ms(0)) ==
        Reply::Error("EXECABORT Transaction discarded because of previous errors."));
  CHECK(m.Execute({"GET", "k"}, Ms(0)) == Bulk("2"));
  CHECK(m.Execute({"EXEC"}, Ms(0)) == Reply::Error("ERR EXEC without MULTI"));
  CHECK(m.Execute({"DISCARD"}, Ms(0)) == Reply::Error("ERR DISCARD without MULTI"));

  // Transactions are per client connection.
  m.Execute(1, {"MULTI"}, Ms(0));
  CHECK(m.Execute(1, {"SET", "k", "from-1"}, Ms(0)) == Reply::Status("QUEUED"));
  CHECK(m.Execute(2, {"GET", "k"}, Ms(0)) == Bulk("2"));
  CHECK(m.Execute(1, {"DISCARD"}, Ms(0)) == Reply::Ok());
  CHECK(m.Execute(2, {"GET", "k"}, Ms(0)) == Bulk("2"));
}

TEST_CASE("appendfsync always: every acknowledged write survives a crash", "[redis][persist]") {
  RedisModel m = WithPersistence(Persistence::kAofAlways);
  m.Execute({"SET", "a", "1"}, Ms(100));
  m.Execute({"SADD", "s", "x"}, Ms(900));
  m.Execute({"SET", "b", "2"}, Ms(1999));
  m.Crash(Ms(1999));
  CHECK(m.Execute({"GET", "a"}, Ms(2000)) == Bulk("1"));
  CHECK(m.Execute({"SISMEMBER", "s", "x"}, Ms(2000)) == Int(1));
  CHECK(m.Execute({"GET", "b"}, Ms(2000)) == Bulk("2"));
}

TEST_CASE("appendfsync everysec: a crash loses the writes of the unsynced second",
          "[redis][persist]") {
  RedisModel m = WithPersistence(Persistence::kAofEverysec);
  m.Execute({"SET", "a", "1"}, Ms(200));   // synced by the fsync at 1 s
  m.Execute({"SET", "b", "2"}, Ms(1300));  // not yet synced at 1.95 s
  m.Execute({"INCR", "a"}, Ms(1900));
  CHECK(m.DurableOffset() == 1);  // the fsync at 1 s covered the first write only
  m.Crash(Ms(1950));
  CHECK(m.Execute({"GET", "a"}, Ms(2000)) == Bulk("1"));
  CHECK(m.Execute({"GET", "b"}, Ms(2000)) == Reply::Nil());

  // At the 3 s fsync everything written strictly before 3 s is durable.
  m.Execute({"SET", "c", "3"}, Ms(2500));
  m.Execute({"SET", "d", "4"}, Ms(3000));
  m.Crash(Ms(3000));
  CHECK(m.Execute({"GET", "c"}, Ms(3000)) == Bulk("3"));
  CHECK(m.Execute({"GET", "d"}, Ms(3000)) == Reply::Nil());
}

TEST_CASE("RDB: only the last snapshot survives, FLUSHALL saves at once", "[redis][persist]") {
  RedisModel m = WithPersistence(Persistence::kRdb, sim::Duration::Seconds(5));
  m.Execute({"SET", "a", "1"}, Ms(1000));
  m.Execute({"SET", "b", "2"}, Ms(6000));  // after the 5 s snapshot
  m.Crash(Ms(9999));
  CHECK(m.Execute({"GET", "a"}, Ms(10000)) == Bulk("1"));
  CHECK(m.Execute({"GET", "b"}, Ms(10000)) == Reply::Nil());

  m.Execute({"SET", "c", "3"}, Ms(10001));
  m.Execute({"FLUSHALL"}, Ms(11000));
  m.Crash(Ms(12000));
  CHECK(m.Execute({"DBSIZE"}, Ms(12000)) == Int(0));
}

TEST_CASE("no persistence: a crash empties the dataset", "[redis][persist]") {
  RedisModel m = WithPersistence(Persistence::kNone);
  m.Execute({"SET", "a", "1"}, Ms(0));
  m.Crash(Ms(5000));
  CHECK(m.Execute({"DBSIZE"}, Ms(5000)) == Int(0));
}

TEST_CASE("recovered keys keep absolute deadlines", "[redis][persist][expiry]") {
  RedisModel m = WithPersistence(Persistence::kAofAlways);
  m.Execute({"SET", "k", "v", "EX", "10"}, Ms(0));
  m.Crash(Ms(4000));
  CHECK(m.Execute({"PTTL", "k"}, Ms(4000)) == Int(6000));
  m.Crash(Ms(11000));  // the deadline passed while the node was down
  CHECK(m.Execute({"GET", "k"}, Ms(11000)) == Reply::Nil());
}

TEST_CASE("failover loses acknowledged writes the replica had not received",
          "[redis][replication]") {
  RedisConfig primary_config;
  primary_config.node_name = "primary";
  RedisConfig replica_config;
  replica_config.node_name = "replica";
  RedisModel primary(primary_config);
  RedisModel replica(replica_config);
  primary.Execute({"SET", "base", "0"}, Ms(0));
  replica.BecomeReplica(primary.MakeFullSync(), Ms(0));
  CHECK(replica.Execute({"GET", "base"}, Ms(0)) == Bulk("0"));
  CHECK(replica.Execute({"SET", "x", "1"}, Ms(0)) ==
        Reply::Error("READONLY You can't write against a read only replica."));

  for (int i = 1; i <= 5; ++i) {
    REQUIRE(primary.Execute({"SET", "w" + std::to_string(i), "v"}, Ms(10 * i)) == Reply::Ok());
  }
  // The network delivered only the first three records before the primary died.
  auto records = primary.RecordsSince(replica.ReplicationId(), replica.ReplicationOffset(), 3);
  REQUIRE(records.ok());
  REQUIRE(records->size() == 3);
  for (const WriteRecord& record : *records) REQUIRE(replica.ApplyReplicated(record, Ms(60)).ok());
  // Offsets: 1 = SET base, 2..6 = w1..w5. Skipping record 5 is a gap and is refused.
  CHECK(replica.ApplyReplicated(primary.RecordsSince(primary.ReplicationId(), 5, 1)->front(),
                                Ms(60))
            .code() == sim::Errc::kConflict);

  replica.Promote(Ms(70));
  CHECK(replica.role() == Role::kPrimary);
  CHECK(replica.Execute({"EXISTS", "w1", "w2", "w3"}, Ms(70)) == Int(3));
  CHECK(replica.Execute({"EXISTS", "w4", "w5"}, Ms(70)) == Int(0));  // acknowledged, lost
  CHECK(replica.Execute({"SET", "after", "1"}, Ms(70)) == Reply::Ok());
  CHECK(replica.ReplicationOffset() == primary.ReplicationOffset() - 2 + 1);
}

TEST_CASE("replicas hide expired keys until the primary's DEL arrives", "[redis][replication]") {
  RedisConfig config;
  config.node_name = "p";
  RedisModel primary(config);
  config.node_name = "r";
  RedisModel replica(config);
  replica.BecomeReplica(primary.MakeFullSync(), Ms(0));
  primary.Execute({"SET", "k", "v", "PX", "50"}, Ms(0));
  auto first = primary.RecordsSince(replica.ReplicationId(), 0, 100);
  REQUIRE(first.ok());
  for (const WriteRecord& r : *first) REQUIRE(replica.ApplyReplicated(r, Ms(1)).ok());
  CHECK(replica.Execute({"GET", "k"}, Ms(100)) == Reply::Nil());
  CHECK(replica.Execute({"DBSIZE"}, Ms(100)) == Int(1));  // hidden, not deleted
  primary.ActiveExpireCycle(Ms(100));
  auto second = primary.RecordsSince(replica.ReplicationId(), 1, 100);
  REQUIRE(second.ok());
  for (const WriteRecord& r : *second) REQUIRE(replica.ApplyReplicated(r, Ms(101)).ok());
  CHECK(replica.Execute({"DBSIZE"}, Ms(101)) == Int(0));
}

TEST_CASE("partial resync needs the same history and a backlog that still holds it",
          "[redis][replication]") {
  RedisConfig config;
  config.repl_backlog_records = 3;
  RedisModel primary(config);
  (void)primary.MakeFullSync();  // a replica attaches at offset 0
  for (int i = 0; i < 5; ++i) primary.Execute({"INCR", "n"}, Ms(i));
  CHECK(primary.RecordsSince(primary.ReplicationId(), 2, 10).ok());
  CHECK(primary.RecordsSince(primary.ReplicationId(), 1, 10).code() == sim::Errc::kNotFound);
  CHECK(primary.RecordsSince("someone-else#1", 4, 10).code() == sim::Errc::kConflict);
  const std::string old_id = primary.ReplicationId();
  primary.Crash(Ms(10));  // a restart starts a new history
  CHECK(primary.RecordsSince(old_id, 0, 10).code() == sim::Errc::kConflict);
}

TEST_CASE("a primary keeps no backlog until a replica attaches, nor after a restart",
          "[redis][replication]") {
  RedisModel primary;
  primary.Execute({"SET", "a", "1"}, Ms(0));
  // Nobody followed the first write: it was kept nowhere, so only a full resync can serve it.
  CHECK(primary.RecordsSince(primary.ReplicationId(), 0, 10).code() == sim::Errc::kNotFound);
  const models::redis::FullSyncImage image = primary.MakeFullSync();
  CHECK(image.offset == 1);
  primary.Execute({"SET", "b", "2"}, Ms(1));
  auto records = primary.RecordsSince(image.repl_id, image.offset, 10);
  REQUIRE(records.ok());
  REQUIRE(records->size() == 1);
  CHECK(records->front().commands == std::vector<Argv>{{"SET", "b", "2"}});
  CHECK(primary.RecordsSince(image.repl_id, 0, 10).code() == sim::Errc::kNotFound);
  primary.Crash(Ms(2));
  CHECK(primary.RecordsSince(primary.ReplicationId(), primary.ReplicationOffset(), 10).code() ==
        sim::Errc::kNotFound);
}

TEST_CASE("a promoted replica serves the old primary's other replicas (PSYNC2)",
          "[redis][replication]") {
  RedisConfig config;
  config.node_name = "a";
  RedisModel a(config);
  config.node_name = "b";
  RedisModel b(config);
  config.node_name = "c";
  RedisModel c(config);
  b.BecomeReplica(a.MakeFullSync(), Ms(0));
  c.BecomeReplica(a.MakeFullSync(), Ms(0));
  a.Execute({"SET", "k", "1"}, Ms(1));
  REQUIRE(b.ApplyReplicated(a.RecordsSince(b.ReplicationId(), 0, 1)->front(), Ms(2)).ok());
  b.Promote(Ms(3));
  b.Execute({"SET", "k", "2"}, Ms(4));
  auto records = b.RecordsSince(c.ReplicationId(), c.ReplicationOffset(), 10);
  REQUIRE(records.ok());
  for (const WriteRecord& record : *records) REQUIRE(c.ApplyReplicated(record, Ms(5)).ok());
  CHECK(c.keyspace() == b.keyspace());
}

TEST_CASE("named scripts run atomically through RunScript and EVAL", "[redis][script]") {
  using models::redis::CompareAndDeleteUnlockScript;
  RedisModel m;
  const auto& unlock = CompareAndDeleteUnlockScript();
  m.Execute({"SET", "lock", "me"}, Ms(0));
  CHECK(m.RunScript(unlock, {"lock"}, {"you"}, Ms(0)) == Int(0));
  CHECK(m.Execute({"EVAL", unlock.lua_source, "1", "lock", "me"}, Ms(0)) == Int(1));
  CHECK(m.Execute({"EXISTS", "lock"}, Ms(0)) == Int(0));
  CHECK(m.Execute({"EVAL", "return 1", "0"}, Ms(0)).str().find("only by name") !=
        std::string::npos);
  m.Execute({"HSET", "h", "f", "v"}, Ms(0));
  CHECK(m.RunScript(unlock, {"h"}, {"x"}, Ms(0)) ==
        Reply::Error("WRONGTYPE Operation against a key holding the wrong kind of value "
                     "script: " + models::redis::Sha1Hex(unlock.lua_source) +
                     ", on @user_script:1."));

  m.Execute({"SET", "sem", "3"}, Ms(0));
  const int64_t before = m.ReplicationOffset();
  CHECK(m.RunScript(models::redis::SemaphoreTryAcquireScript(), {"sem"}, {"2"}, Ms(0)) ==
        Int(1));
  CHECK(m.RunScript(models::redis::SemaphoreTryAcquireScript(), {"sem"}, {"2"}, Ms(0)) ==
        Int(0));
  CHECK(m.ReplicationOffset() == before + 1);  // only the successful acquire wrote
  CHECK(m.Execute({"GET", "sem"}, Ms(0)) == Bulk("1"));
}

TEST_CASE("SHA-1 matches the digests redis-server prints", "[redis][script]") {
  CHECK(models::redis::Sha1Hex("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d");
  CHECK(models::redis::Sha1Hex("") == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  // Seen in a redis-server 7.0.15 error reply for this source.
  CHECK(models::redis::Sha1Hex("return redis.call('get',KEYS[1])") ==
        "fd758d1589d044dd850a6f05d52f2eefd27f033f");
}

namespace {

// A small random workload over few keys and mixed types, with time moving forward.
rc::Gen<std::vector<Argv>> GenWorkload() {
  const auto key = rc::gen::element<std::string>("a", "b", "c");
  const auto value = rc::gen::element<std::string>("1", "2", "x", "10");
  const auto command = rc::gen::oneOf(
      rc::gen::apply([](std::string k, std::string v) { return Argv{"SET", k, v}; }, key, value),
      rc::gen::apply([](std::string k) { return Argv{"SET", k, "v", "PX", "30"}; }, key),
      rc::gen::apply([](std::string k) { return Argv{"INCR", k}; }, key),
      rc::gen::apply([](std::string k) { return Argv{"GET", k}; }, key),
      rc::gen::apply([](std::string k) { return Argv{"DEL", k}; }, key),
      rc::gen::apply([](std::string k) { return Argv{"PEXPIRE", k, "20"}; }, key),
      rc::gen::apply([](std::string k, std::string v) { return Argv{"HSET", k, v, v}; }, key,
                     value),
      rc::gen::apply([](std::string k, std::string v) { return Argv{"HINCRBY", k, v, "3"}; },
                     key, value),
      rc::gen::apply([](std::string k, std::string v) { return Argv{"SADD", k, v}; }, key, value),
      rc::gen::apply([](std::string k, std::string v) { return Argv{"SREM", k, v}; }, key, value),
      rc::gen::apply([](std::string k, std::string v) { return Argv{"RPUSH", k, v}; }, key, value),
      rc::gen::apply([](std::string k) { return Argv{"LPOP", k, "2"}; }, key),
      rc::gen::apply([](std::string k) { return Argv{"PERSIST", k}; }, key),
      rc::gen::just(Argv{"MULTI"}), rc::gen::just(Argv{"EXEC"}),
      rc::gen::just(Argv{"FLUSHDB"}), rc::gen::just(Argv{"TICK"}));
  return rc::gen::container<std::vector<Argv>>(command);
}

}  // namespace

TEST_CASE("the write stream replays to the same dataset, on a replica too",
          "[redis][replication][property]") {
  rc::prop("replay(records) == keyspace == replica keyspace", [] {
    const std::vector<Argv> workload = *GenWorkload();
    RedisConfig config;
    config.node_name = "p";
    RedisModel primary(config);
    config.node_name = "r";
    RedisModel replica(config);
    replica.BecomeReplica(primary.MakeFullSync(), Ms(0));
    int64_t now_ms = 0;
    for (const Argv& argv : workload) {
      now_ms += 7;
      if (argv[0] == "TICK") {
        primary.Tick(Ms(now_ms));
      } else {
        primary.Execute(argv, Ms(now_ms));
      }
    }
    primary.Execute({"EXEC"}, Ms(now_ms));  // close a dangling MULTI, if any
    RC_ASSERT(ReplayAll(primary) == primary.keyspace());
    auto records = primary.RecordsSince(replica.ReplicationId(), 0, 1'000'000);
    RC_ASSERT(records.ok());
    for (const WriteRecord& record : *records) {
      RC_ASSERT(replica.ApplyReplicated(record, Ms(now_ms)).ok());
    }
    RC_ASSERT(replica.keyspace() == primary.keyspace());
  });
}

TEST_CASE("AOF always recovers exactly the dataset before the crash",
          "[redis][persist][property]") {
  rc::prop("Crash under appendfsync always loses nothing", [] {
    const std::vector<Argv> workload = *GenWorkload();
    RedisModel m = WithPersistence(Persistence::kAofAlways);
    int64_t now_ms = 0;
    for (const Argv& argv : workload) {
      now_ms += 7;
      if (argv[0] != "TICK") m.Execute(argv, Ms(now_ms));
    }
    m.Execute({"EXEC"}, Ms(now_ms));
    const Keyspace before = m.keyspace();
    m.Crash(Ms(now_ms));
    RC_ASSERT(m.keyspace() == before);
  });
}
