// Goal: the D-13 ladder (catalog §6, 003:575-605) as deterministic worlds: split votes without
// randomized timeouts never end and with them do (F-57); a leader cut off on the 2-side of a
// 2|3 partition accepts a write that never commits and is rolled back after heal (F-58); a
// 2|2 split of four makes no progress; and the buggy variants break what they should: the
// shrinking majority (B-5) commits on a minority and loses an acknowledged write, a deposed
// leader with raft.stale_reads serves a stale value. Also a paused leader resuming into a
// queue of client writes and newer-term messages must not log them as a follower.
#include <catch2/catch.hpp>

#include "raft_harness.h"

namespace {

using namespace raft_test;
using models::raft::KvOp;
using models::raft::KvReply;
using models::raft::KvRequest;
using models::raft::KvStatus;
using models::raft::Outcome;

sim::Task<sim::Result<KvReply>> Direct(sim::Env env, sim::NodeId to, KvRequest r, sim::Duration t) {
  auto reply = co_await env.Call<KvReply>(sim::Endpoint{to, models::raft::kClientPort}, r, t);
  co_return reply;
}

KvRequest PutReq(int64_t client, int64_t seq, std::string key, std::string value) {
  KvRequest r;
  r.op = KvOp::kPut;
  r.client = client;
  r.seq = seq;
  r.key = std::move(key);
  r.value = std::move(value);
  return r;
}

KvRequest GetReq(std::string key) {
  KvRequest r;
  r.op = KvOp::kGet;
  r.key = std::move(key);
  return r;
}

void Split(Cluster& c, const std::vector<int>& side_a) {
  std::vector<sim::NodeId> a;
  std::vector<sim::NodeId> b;
  for (size_t i = 0; i < c.members.size(); ++i) {
    bool in_a = false;
    for (int x : side_a) in_a = in_a || x == static_cast<int>(i);
    (in_a ? a : b).push_back(c.members[i]);
  }
  c.w.network().Partition(a, b);
}

// The highest-term leader among the replicas whose indices are in `side`.
RaftNode* LeaderAmong(Cluster& c, const std::vector<int>& side) {
  RaftNode* best = nullptr;
  for (int i : side) {
    RaftNode* r = c.Node(i);
    if (r != nullptr && r->role() == Role::kLeader && (best == nullptr || r->term() > best->term())) best = r;
  }
  return best;
}

TEST_CASE("without randomized timeouts every election splits, with them a leader emerges",
          "[raft][ladder]") {
  Cluster fixed(3, 5, [](RaftConfig& c) { c.election_min = c.election_max = 150_ms; });
  fixed.w.RunFor(3_s);
  CHECK(fixed.Count("raft.became_leader") == 0);
  CHECK(fixed.Count("raft.became_candidate") >= 5 * 10);
  int64_t split_terms = 0;
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    Cluster c(seed, 5, [](RaftConfig& cfg) { cfg.election_max = 152_ms; });
    REQUIRE(c.RunUntilLeader(5_s));
    split_terms += c.Leader()->term() - 1;  // every term before the winning one split
    CHECK_FALSE(c.AnyViolation());
  }
  CHECK(split_terms > 0);
}

TEST_CASE("2|3 partition: the old leader's writes never commit and roll back after heal",
          "[raft][ladder]") {
  Cluster c(21, 5);
  REQUIRE(c.RunUntilLeader(2_s));
  const int old = c.IndexOf(c.Leader()->id());
  const int buddy = (old + 1) % 5;
  std::vector<int> majority;
  for (int i = 0; i < 5; ++i) {
    if (i != old && i != buddy) majority.push_back(i);
  }
  Split(c, {old, buddy});
  auto lost = Await(c.w, *c.app, Direct(c.app->env(), c.members[old], PutReq(1, 1, "k", "lost"), 500_ms));
  CHECK(!lost.ok());  // no majority: the leader holds the request and the call times out
  RaftNode* old_leader = c.Node(old);
  CHECK(old_leader->role() == Role::kLeader);
  CHECK(old_leader->storage().LastIndex() > old_leader->commit_index());
  c.w.RunFor(1_s);
  RaftNode* fresh = LeaderAmong(c, majority);
  REQUIRE(fresh != nullptr);
  CHECK(fresh->term() > old_leader->term());
  auto kept = Await(c.w, *c.app, Direct(c.app->env(), fresh->id(), PutReq(2, 1, "k", "kept"), 500_ms));
  REQUIRE(kept.ok());
  CHECK(kept->status == KvStatus::kOk);
  c.w.network().Heal();
  c.w.RunFor(1_s);
  CHECK(c.Node(old)->role() == Role::kFollower);  // stepped down on the higher term
  CHECK(c.Count("raft.truncate") >= 1);           // the uncommitted tail was rolled back
  for (int i = 0; i < 5; ++i) {
    CHECK(c.Node(i)->state_machine().Get("k") == std::optional<std::string>("kept"));
  }
  CHECK_FALSE(c.AnyViolation());
}

TEST_CASE("2|2 split of four nodes: no commit and no new leader until heal", "[raft][ladder]") {
  Cluster c(33, 4);
  REQUIRE(c.RunUntilLeader(2_s));
  int64_t commit_max = 0;
  for (int i = 0; i < 4; ++i) commit_max = std::max(commit_max, c.Node(i)->commit_index());
  const int64_t leaders_before = c.Count("raft.became_leader");
  Split(c, {0, 1});
  c.w.RunFor(300_ms);
  auto client = c.Client(1);
  auto r = Await(c.w, *c.app, client.Put("k", "v", 2_s));
  CHECK(r.outcome != Outcome::kOk);
  c.w.RunFor(2_s);
  for (int i = 0; i < 4; ++i) CHECK(c.Node(i)->commit_index() <= commit_max);
  CHECK(c.Count("raft.became_leader") == leaders_before);
  CHECK(c.Count("raft.became_candidate") > 0);  // elections keep failing
  c.w.network().Heal();
  REQUIRE(c.RunUntilLeader(3_s));
  CHECK(Await(c.w, *c.app, client.Put("k", "v2", 2_s)).outcome == Outcome::kOk);
  CHECK_FALSE(c.AnyViolation());
}

TEST_CASE("B-5: a shrinking majority commits on the minority side and loses the write",
          "[raft][ladder][variant]") {
  for (auto rule : {models::raft::MajorityRule::kFixed, models::raft::MajorityRule::kShrinking}) {
    Cluster c(21, 5, [rule](RaftConfig& cfg) { cfg.majority = rule; });
    REQUIRE(c.RunUntilLeader(2_s));
    const int old = c.IndexOf(c.Leader()->id());
    Split(c, {old, (old + 1) % 5});
    c.w.RunFor(1_s);  // longer than the reachable window: the minority "cluster" is 2 nodes
    auto w = Await(c.w, *c.app, Direct(c.app->env(), c.members[old], PutReq(1, 1, "k", "minority"), 300_ms));
    c.w.network().Heal();
    c.w.RunFor(1_s);
    const bool lost = c.shadow->violation(RaftProperty::kCommittedNeverLost).has_value();
    if (rule == models::raft::MajorityRule::kFixed) {
      CHECK(!w.ok());
      CHECK_FALSE(c.AnyViolation());
    } else {
      REQUIRE(w.ok());
      CHECK(w->status == KvStatus::kOk);  // acknowledged with 2 of 5
      CHECK(lost);
    }
  }
}

TEST_CASE("raft.stale_reads: a deposed leader answers from its stale state", "[raft][variant]") {
  for (bool stale : {false, true}) {
    Cluster c(41, 5, [stale](RaftConfig& cfg) { cfg.stale_reads = stale; });
    REQUIRE(c.RunUntilLeader(2_s));
    auto client = c.Client(1);
    REQUIRE(Await(c.w, *c.app, client.Put("k", "old", 1_s)).outcome == Outcome::kOk);
    c.w.RunFor(200_ms);
    const int old = c.IndexOf(c.Leader()->id());
    Split(c, {old});
    c.w.RunFor(1_s);
    std::vector<int> rest;
    for (int i = 0; i < 5; ++i) {
      if (i != old) rest.push_back(i);
    }
    RaftNode* fresh = LeaderAmong(c, rest);
    REQUIRE(fresh != nullptr);
    REQUIRE(Await(c.w, *c.app, Direct(c.app->env(), fresh->id(), PutReq(2, 1, "k", "new"), 500_ms)).ok());
    auto read = Await(c.w, *c.app, Direct(c.app->env(), c.members[old], GetReq("k"), 500_ms));
    if (stale) {
      REQUIRE(read.ok());
      CHECK(read->status == KvStatus::kOk);
      CHECK(read->value == std::optional<std::string>("old"));
    } else {
      CHECK((!read.ok() || read->status != KvStatus::kOk));
    }
  }
}

sim::Task<void> Fire(sim::Env env, sim::NodeId to, KvRequest r, sim::Duration t) {
  auto reply = co_await env.Call<KvReply>(sim::Endpoint{to, models::raft::kClientPort}, r, t);
  (void)reply;
}

// Regression (kv_linearizable_swarm seed 1): a leader paused (GC pause) while clients keep
// sending it writes resumes into a queue holding those writes and the new leader's vote and
// append requests. Each write passed the "am I leader" check on delivery, but its proposal
// ran a step later (then, awaiting a task posted its start), after the node had stepped down, and
// appended the write to its follower log as an entry of the new leader's term: two commands
// at one index and term (log matching and state machine safety broken).
TEST_CASE("a paused leader resuming into queued writes does not log them as a follower",
          "[raft][pause]") {
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    INFO("seed " << seed);
    Cluster c(seed, 3);
    REQUIRE(c.RunUntilLeader(2_s));
    auto client = c.Client(1);
    REQUIRE(Await(c.w, *c.app, client.Put("k", "a", 1_s)).outcome == Outcome::kOk);
    c.w.RunFor(100_ms);
    const int old = c.IndexOf(c.Leader()->id());
    REQUIRE(c.replicas[static_cast<size_t>(old)]->Pause());
    // Writes to the paused leader wait in its inbox, ahead of the new term's messages.
    for (int64_t seq = 1; seq <= 4; ++seq) {
      c.app->Spawn(Fire(c.app->env(), c.members[static_cast<size_t>(old)],
                        PutReq(2, seq, "k", "stale" + std::to_string(seq)), 50_ms));
    }
    c.w.RunFor(1_s);
    std::vector<int> rest;
    for (int i = 0; i < 3; ++i) {
      if (i != old) rest.push_back(i);
    }
    RaftNode* fresh = LeaderAmong(c, rest);
    REQUIRE(fresh != nullptr);
    for (int64_t seq = 1; seq <= 6; ++seq) {
      auto put = Await(c.w, *c.app,
                       Direct(c.app->env(), fresh->id(), PutReq(3, seq, "k", "new"), 500_ms));
      REQUIRE(put.ok());
    }
    REQUIRE(c.replicas[static_cast<size_t>(old)]->Resume());
    c.w.RunFor(50_ms);
    for (int64_t seq = 7; seq <= 12; ++seq) {
      RaftNode* leader = c.Leader();
      REQUIRE(leader != nullptr);
      auto put = Await(c.w, *c.app,
                       Direct(c.app->env(), leader->id(), PutReq(3, seq, "k", "new"), 500_ms));
      REQUIRE(put.ok());
    }
    c.w.RunFor(500_ms);
    CHECK_FALSE(c.shadow->violation(RaftProperty::kLogMatching));
    CHECK_FALSE(c.shadow->violation(RaftProperty::kStateMachineSafety));
    CHECK_FALSE(c.AnyViolation());
  }
}

}  // namespace
