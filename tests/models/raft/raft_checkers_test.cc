// Goal: prove that each Raft checker can fail: hand-made traces that break election safety,
// log matching, leader completeness, state machine safety and committed-never-lost are each
// flagged by exactly the checker for that property, a well-formed trace passes all five, and
// kv.linearizable flags a stale read in a hand-made history while passing a legal one.
#include <catch2/catch.hpp>

#include "scenarios/workloads/raft/raft_checkers.h"
#include "sim/world.h"

namespace {

using scenarios::raft::MakeKvLinearizableChecker;
using scenarios::raft::MakeRaftPropertyChecker;
using scenarios::raft::RaftProperty;

struct Fixture {
  Fixture() : w(1) {
    a = w.AddNode("a").id();
    b = w.AddNode("b").id();
    c = w.AddNode("c").id();
    for (int p = 0; p < scenarios::raft::kRaftPropertyCount; ++p) {
      checks.push_back(MakeRaftPropertyChecker(static_cast<RaftProperty>(p)));
      checks.back()->Attach(w);
    }
  }
  void Leader(sim::NodeId n, int64_t term) { w.Emit(n, "raft.became_leader", {{"term", term}}); }
  void Append(sim::NodeId n, int64_t index, int64_t term, int64_t prev, const char* cmd) {
    w.Emit(n, "raft.append", {{"index", index}, {"term", term}, {"prev_term", prev}, {"cmd", cmd}});
  }
  // Which properties are flagged, in RaftProperty order.
  std::vector<bool> Flagged() {
    std::vector<bool> out;
    const nlohmann::json snapshot = nlohmann::json::object();
    const checkers::CheckInput in{w.history(), snapshot, w.trace()};
    for (auto& ch : checks) {
      out.push_back(ch->Check(in, checkers::CheckBudget()).validity == checkers::Validity::kInvalid);
    }
    return out;
  }
  // One leader in term 1 replicating two entries to everyone, all committed and applied.
  void GoodPrefix() {
    Leader(a, 1);
    for (sim::NodeId n : {a, b, c}) {
      Append(n, 1, 1, 0, "noop/t1");
      Append(n, 2, 1, 1, "put/c1/s1");
    }
    w.Emit(a, "raft.commit", {{"index", 2}, {"term", 1}});
    w.Emit(a, "raft.client_ack", {{"index", 2}, {"term", 1}, {"cmd", "put/c1/s1"}});
    for (sim::NodeId n : {a, b, c}) {
      w.Emit(n, "raft.apply", {{"index", 1}, {"term", 1}, {"cmd", "noop/t1"}});
      w.Emit(n, "raft.apply", {{"index", 2}, {"term", 1}, {"cmd", "put/c1/s1"}});
    }
  }
  sim::World w;
  sim::NodeId a = 0, b = 0, c = 0;
  std::vector<std::unique_ptr<checkers::Checker>> checks;
};

std::vector<bool> Only(RaftProperty p) {
  std::vector<bool> v(scenarios::raft::kRaftPropertyCount, false);
  v[static_cast<size_t>(p)] = true;
  return v;
}

TEST_CASE("a well-formed trace passes every Raft checker", "[raft][checkers]") {
  Fixture f;
  f.GoodPrefix();
  f.w.Emit(f.b, "raft.became_leader", {{"term", 2}});  // b has every committed entry
  CHECK(f.Flagged() == std::vector<bool>(5, false));
}

TEST_CASE("two leaders in one term break election safety", "[raft][checkers]") {
  Fixture f;
  f.Leader(f.a, 3);
  f.Leader(f.b, 3);
  CHECK(f.Flagged() == Only(RaftProperty::kElectionSafety));
}

TEST_CASE("one index and term holding two commands breaks log matching", "[raft][checkers]") {
  Fixture f;
  f.Append(f.a, 1, 1, 0, "put/c1/s1");
  f.Append(f.b, 1, 1, 0, "put/c2/s1");
  CHECK(f.Flagged() == Only(RaftProperty::kLogMatching));
}

TEST_CASE("an entry of an older term after a newer one breaks log matching", "[raft][checkers]") {
  // A deposed leader appending a client write of its old term after the new leader's entries.
  Fixture f;
  f.Append(f.a, 1, 2, 0, "noop/t2");
  f.Append(f.a, 2, 1, 2, "put/c1/s1");
  CHECK(f.Flagged() == Only(RaftProperty::kLogMatching));
}

TEST_CASE("a leader missing a committed entry breaks leader completeness", "[raft][checkers]") {
  Fixture f;
  f.Leader(f.a, 1);
  f.Append(f.a, 1, 1, 0, "noop/t1");
  f.Append(f.b, 1, 1, 0, "noop/t1");
  f.w.Emit(f.a, "raft.commit", {{"index", 1}, {"term", 1}});
  f.Leader(f.c, 2);  // c never received index 1
  CHECK(f.Flagged() == Only(RaftProperty::kLeaderCompleteness));
}

TEST_CASE("two replicas applying different commands at one index break SM safety",
          "[raft][checkers]") {
  Fixture f;
  f.w.Emit(f.a, "raft.apply", {{"index", 4}, {"term", 2}, {"cmd", "put/c1/s9"}});
  f.w.Emit(f.b, "raft.apply", {{"index", 4}, {"term", 3}, {"cmd", "put/c2/s1"}});
  CHECK(f.Flagged() == Only(RaftProperty::kStateMachineSafety));
}

TEST_CASE("rolling back an acknowledged entry breaks committed-never-lost", "[raft][checkers]") {
  Fixture f;
  f.GoodPrefix();
  f.w.Emit(f.b, "raft.truncate", {{"from", 2}, {"last", 2}});
  CHECK(f.Flagged() == Only(RaftProperty::kCommittedNeverLost));
}

// A register history: w1 completes, then a read returns the older value.
sim::History LinHistory(bool stale) {
  sim::History h;
  auto at = [](int64_t ms) { return sim::Instant::Zero() + sim::Duration::Millis(ms); };
  const uint64_t w1 = h.Invoke(1, "write", {{"key", "k"}, {"value", "a"}}, at(0));
  h.Complete(w1, sim::OpType::kOk, nlohmann::json::object(), at(1));
  const uint64_t w2 = h.Invoke(1, "write", {{"key", "k"}, {"value", "b"}}, at(2));
  h.Complete(w2, sim::OpType::kOk, nlohmann::json::object(), at(3));
  const uint64_t lost = h.Invoke(3, "write", {{"key", "k"}, {"value", "z"}}, at(3));
  h.Complete(lost, sim::OpType::kFail, nlohmann::json::object(), at(4), "not leader");
  const uint64_t r = h.Invoke(2, "read", {{"key", "k"}}, at(5));
  h.Complete(r, sim::OpType::kOk, {{"value", stale ? "a" : "b"}}, at(6));
  const uint64_t maybe = h.Invoke(2, "cas", {{"key", "k"}, {"value", "c"}, {"expected", "b"}}, at(7));
  h.Complete(maybe, sim::OpType::kInfo, nlohmann::json::object(), at(8), "timeout");
  return h;
}

TEST_CASE("kv.linearizable flags a stale read and passes a fresh one", "[raft][checkers]") {
  for (bool stale : {false, true}) {
    const sim::History h = LinHistory(stale);
    std::vector<uint64_t> origin;
    const auto lin = scenarios::raft::ToLinHistory(h, &origin);
    CHECK(lin.ops.size() == 4);  // the failed write is dropped
    CHECK(lin.ops.back().output.unknown);
    sim::Trace trace;
    const nlohmann::json snapshot = nlohmann::json::object();
    auto checker = MakeKvLinearizableChecker();
    const auto v = checker->Check(checkers::CheckInput{h, snapshot, trace}, checkers::CheckBudget());
    CHECK(v.validity == (stale ? checkers::Validity::kInvalid : checkers::Validity::kValid));
  }
}

}  // namespace
