// Goal: prove raft.leader_after_heal can fail: on hand-made traces it passes a leader that
// commits in the newest term within the bound after nemesis.heal_all, and flags a leader
// that comes too late, a stale leader of an older term that "serves" while a newer term
// exists, and a run with no leader at all; without a bound it answers unknown, never valid.
#include <catch2/catch.hpp>

#include "scenarios/workloads/raft/leader_after_heal.h"
#include "sim/world.h"

namespace {

using namespace sim::literals;

struct Fixture {
  Fixture() : w(1) {
    a = w.AddNode("a").id();
    b = w.AddNode("b").id();
    check = scenarios::raft::MakeLeaderAfterHealChecker();
    check->Attach(w);
  }
  void Leads(sim::NodeId n, int64_t term) {
    w.Emit(n, "raft.became_leader", {{"term", term}});
    w.Emit(n, "raft.commit", {{"index", term}, {"term", term}});
  }
  void Heal() { w.Emit(sim::kWorldOwner, "nemesis.heal_all"); }
  void Tick(sim::Duration d) {
    w.RunFor(d);
    w.Emit(sim::kWorldOwner, "tick");  // the checker learns how long the run went on
  }
  checkers::Validity Verdict(int64_t election_max_ms = 300) {
    nlohmann::json snapshot = nlohmann::json::object();
    if (election_max_ms > 0) snapshot["election_ms_max"] = election_max_ms;
    const checkers::CheckInput in{w.history(), snapshot, w.trace()};
    return check->Check(in, checkers::CheckBudget()).validity;
  }
  sim::World w;
  sim::NodeId a = 0;
  sim::NodeId b = 0;
  std::unique_ptr<checkers::Checker> check;
};

TEST_CASE("leader_after_heal passes a leader of the newest term within the bound",
          "[raft][liveness]") {
  Fixture f;
  f.Leads(f.a, 1);
  f.w.Emit(f.b, "raft.became_candidate", {{"term", 2}});  // a partitioned candidate
  f.Heal();
  f.Tick(400_ms);
  f.Leads(f.b, 3);
  f.Tick(3_s);
  CHECK(f.Verdict() == checkers::Validity::kValid);
  CHECK(f.Verdict(0) == checkers::Validity::kUnknown);  // no bound: never a pass
}

TEST_CASE("leader_after_heal flags a late leader, a stale one and none at all",
          "[raft][liveness]") {
  SECTION("too late") {
    Fixture f;
    f.Heal();
    f.Tick(2_s);  // bound: 5 x 300 ms
    f.Leads(f.a, 1);
    CHECK(f.Verdict() == checkers::Validity::kInvalid);
  }
  SECTION("a stale leader while a newer term exists") {
    Fixture f;
    f.Leads(f.a, 1);
    f.w.Emit(f.b, "raft.became_candidate", {{"term", 4}});
    f.Heal();
    f.Tick(3_s);
    CHECK(f.Verdict() == checkers::Validity::kInvalid);
  }
  SECTION("a leader that never commits in its term, then crashes") {
    Fixture f;
    f.Heal();
    f.w.Emit(f.a, "raft.became_leader", {{"term", 1}});
    f.w.Emit(f.a, "node.crash", {});
    f.w.Emit(f.b, "raft.commit", {{"index", 1}, {"term", 1}});  // a follower's commit
    f.Tick(3_s);
    CHECK(f.Verdict() == checkers::Validity::kInvalid);
  }
  SECTION("a run that ends before the bound is unknown") {
    Fixture f;
    f.Heal();
    f.Tick(500_ms);
    CHECK(f.Verdict() == checkers::Validity::kUnknown);
  }
}

}  // namespace
