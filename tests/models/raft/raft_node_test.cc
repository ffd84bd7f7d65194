// Goal: show that the Raft replicas elect exactly one leader within a few election timeouts,
// replicate and commit writes on every replica, answer linearizable reads, keep term, vote
// and log across crashes that lose unsynced writes, and serve as a lock service with
// increasing fencing tokens, with the five Raft properties holding on every event.
#include <catch2/catch.hpp>

#include "models/raft/kv_state_machine.h"
#include "models/raft/raft_storage.h"
#include "raft_harness.h"

namespace {

using namespace raft_test;
using models::raft::Outcome;

TEST_CASE("a leader is elected within a few election timeouts and others follow", "[raft]") {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    Cluster c(seed, 5);
    REQUIRE(c.RunUntilLeader(2_s));
    CHECK(c.w.Now() < sim::Instant::Zero() + 1500_ms);
    c.w.RunFor(500_ms);  // heartbeats spread the term
    RaftNode* leader = c.Leader();
    REQUIRE(leader != nullptr);
    int leaders = 0;
    for (int i = 0; i < 5; ++i) {
      CHECK(c.Node(i)->term() == leader->term());
      leaders += c.Node(i)->role() == Role::kLeader ? 1 : 0;
      CHECK(c.Node(i)->leader() == leader->id());
    }
    CHECK(leaders == 1);
    CHECK_FALSE(c.AnyViolation());
  }
}

TEST_CASE("writes commit on a majority and are applied by every replica", "[raft]") {
  Cluster c(7, 3);
  REQUIRE(c.RunUntilLeader(2_s));
  auto client = c.Client(1);
  for (int i = 0; i < 10; ++i) {
    auto r = Await(c.w, *c.app, client.Put("k" + std::to_string(i % 3), "v" + std::to_string(i), 1_s));
    REQUIRE(r.outcome == Outcome::kOk);
  }
  auto cas_ok = Await(c.w, *c.app, client.Cas("k0", std::string("v9"), "w", 1_s));
  CHECK(cas_ok.outcome == Outcome::kOk);
  CHECK(cas_ok.reply.ok);
  auto cas_bad = Await(c.w, *c.app, client.Cas("k0", std::string("v9"), "x", 1_s));
  CHECK(cas_bad.outcome == Outcome::kOk);
  CHECK_FALSE(cas_bad.reply.ok);
  auto read = Await(c.w, *c.app, client.Get("k0", 1_s));
  REQUIRE(read.outcome == Outcome::kOk);
  CHECK(read.reply.value == std::optional<std::string>("w"));
  c.w.RunFor(300_ms);
  for (int i = 0; i < 3; ++i) {
    CHECK(c.Node(i)->state_machine().data() == c.Leader()->state_machine().data());
    CHECK(c.Node(i)->commit_index() == c.Leader()->commit_index());
  }
  CHECK(c.Count("raft.client_ack") == 12);
  CHECK_FALSE(c.AnyViolation());
}

TEST_CASE("a retried request is applied once (deduplicated by client and seq)", "[raft]") {
  models::raft::KvStateMachine sm;
  models::raft::Command put;
  put.kind = models::raft::CommandKind::kPut;
  put.client = 1;
  put.seq = 1;
  put.key = "k";
  put.value = "a";
  CHECK(sm.Apply(1, put).index == 1);
  models::raft::Command cas = put;
  cas.kind = models::raft::CommandKind::kCas;
  cas.seq = 2;
  cas.expected = "a";
  cas.value = "b";
  CHECK(sm.Apply(2, cas).ok);
  // The same cas again (a retry reached a new leader): no second effect, the first answer.
  const auto again = sm.Apply(3, cas);
  CHECK(again.ok);
  CHECK(again.index == 2);
  CHECK(sm.Get("k") == std::optional<std::string>("b"));
}

TEST_CASE("term, vote and log survive crashes that lose unsynced writes", "[raft]") {
  Cluster c(11, 3);
  REQUIRE(c.RunUntilLeader(2_s));
  auto client = c.Client(1);
  for (int i = 0; i < 5; ++i) {
    REQUIRE(Await(c.w, *c.app, client.Put("k", "v" + std::to_string(i), 1_s)).outcome == Outcome::kOk);
  }
  const int64_t term_before = c.Leader()->term();
  std::vector<int64_t> last_before;
  for (int i = 0; i < 3; ++i) last_before.push_back(c.Node(i)->storage().LastIndex());
  for (sim::Node* n : c.replicas) REQUIRE(n->Crash(sim::DiskLoss::kUnsynced));
  c.w.RunFor(100_ms);
  for (sim::Node* n : c.replicas) n->Start();
  for (int i = 0; i < 3; ++i) {
    CHECK(c.Node(i)->term() >= term_before);  // the term never goes back
    CHECK(c.Node(i)->storage().LastIndex() >= last_before[static_cast<size_t>(i)]);
    CHECK(c.Node(i)->commit_index() == 0);  // volatile: relearned from the next leader
  }
  REQUIRE(c.RunUntilLeader(3_s));
  CHECK(c.Leader()->term() > term_before);
  auto read = Await(c.w, *c.app, client.Get("k", 2_s));
  REQUIRE(read.outcome == Outcome::kOk);
  CHECK(read.reply.value == std::optional<std::string>("v4"));
  CHECK_FALSE(c.AnyViolation());
}

TEST_CASE("storage keeps only a contiguous prefix after a crash", "[raft]") {
  sim::Rng rng(5);
  for (int round = 0; round < 50; ++round) {
    sim::Disk disk;
    models::raft::RaftStorage s(&disk);
    models::raft::Command cmd;
    cmd.kind = models::raft::CommandKind::kPut;
    s.Append({{1, cmd}, {1, cmd}});
    s.Sync();
    for (int i = 0; i < 6; ++i) s.Append({{2, cmd}});
    disk.Crash(sim::DiskLoss::kUnsynced, rng);
    models::raft::RaftStorage loaded(&disk);
    loaded.Load();
    CHECK(loaded.LastIndex() >= 2);
    CHECK(loaded.LastIndex() <= 8);
    CHECK(disk.Keys("raft/log/").size() == static_cast<size_t>(loaded.LastIndex()));
  }
}

TEST_CASE("votes are durable unless raft.vote_fsync is off", "[raft]") {
  int forgotten = 0;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    for (bool fsync : {true, false}) {
      sim::Disk disk;
      sim::Rng rng(seed);
      models::raft::RaftStorage s(&disk);
      s.SetMeta(4, 2, fsync);
      disk.Crash(sim::DiskLoss::kUnsynced, rng);
      models::raft::RaftStorage loaded(&disk);
      loaded.Load();
      if (fsync) {
        CHECK(loaded.term() == 4);
        CHECK(loaded.vote() == 2);
      } else if (loaded.vote() == 0) {
        ++forgotten;  // the crash took the vote with it: this node may vote again in term 4
      }
    }
  }
  CHECK(forgotten > 5);
}

TEST_CASE("the lock service issues increasing fencing tokens and honours leases", "[raft][lock]") {
  Cluster c(13, 3);
  REQUIRE(c.RunUntilLeader(2_s));
  auto client = c.Client(1);
  auto a = Await(c.w, *c.app, client.Acquire("order-lock", "A", 1000, 1_s));
  REQUIRE(a.outcome == Outcome::kOk);
  REQUIRE(a.reply.ok);
  auto b = Await(c.w, *c.app, client.Acquire("order-lock", "B", 1000, 1_s));
  REQUIRE(b.outcome == Outcome::kOk);
  CHECK_FALSE(b.reply.ok);
  CHECK(b.reply.value == std::optional<std::string>("A"));
  CHECK(Await(c.w, *c.app, client.Release("order-lock", "A", a.reply.token, 1_s)).reply.ok);
  auto b2 = Await(c.w, *c.app, client.Acquire("order-lock", "B", 200, 1_s));
  REQUIRE(b2.reply.ok);
  CHECK(b2.reply.token > a.reply.token);
  c.w.RunFor(300_ms);  // B's lease runs out
  auto a2 = Await(c.w, *c.app, client.Acquire("order-lock", "A", 200, 1_s));
  REQUIRE(a2.reply.ok);
  CHECK(a2.reply.token > b2.reply.token);
  // A stale holder cannot release the new holder's lock.
  CHECK_FALSE(Await(c.w, *c.app, client.Release("order-lock", "B", b2.reply.token, 1_s)).reply.ok);
}

}  // namespace
