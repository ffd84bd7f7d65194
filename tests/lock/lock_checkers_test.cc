// Goal: each lock checker flags a hand-made bad history or snapshot (so it can fail), names
// the offending operations, and accepts the matching good one; the fencing resource rejects
// stale tokens and a second holder that carries the same token.

#include <catch2/catch.hpp>

#include "scenarios/workloads/lock/lock_checkers.h"
#include "scenarios/workloads/lock/resource.h"
#include "sim/trace.h"

namespace {

using checkers::Validity;
using nlohmann::json;
using sim::Instant;
namespace lock = scenarios::lock;

Instant Ms(int64_t ms) { return Instant::Zero() + sim::Duration::Millis(ms); }

// A critical section [start, end] of a client; end < 0 leaves it open.
uint64_t Section(sim::History& h, int64_t client, int64_t section, int64_t start, int64_t end) {
  const uint64_t op = h.Invoke(client, "cs", {{"node", "client" + std::to_string(client)},
                                              {"section", section}, {"holder", "v"}, {"token", -1}},
                               Ms(start));
  if (end >= 0) h.Complete(op, sim::OpType::kOk, {{"section", section}}, Ms(end));
  return op;
}

void Release(sim::History& h, int64_t client, int64_t section, int64_t at, bool deleted) {
  const uint64_t op = h.Invoke(client, "release", {{"section", section}}, Ms(at));
  h.Complete(op, sim::OpType::kOk,
             {{"section", section}, {"deleted", deleted}, {"delete_sent_ns", Ms(at).nanos()}},
             Ms(at + 5));
}

checkers::Verdict Run(std::unique_ptr<checkers::Checker> c, const sim::History& h,
                      const json& snapshot = json::object()) {
  sim::Trace trace;
  return c->Check(checkers::CheckInput{h, snapshot, trace}, checkers::CheckBudget{});
}

TEST_CASE("mutual_exclusion flags overlapping sections and names both", "[lock][checker]") {
  sim::History h;
  Section(h, 1, 1000001, 0, 100);
  Section(h, 2, 2000001, 150, 250);
  const uint64_t a = Section(h, 1, 1000002, 300, 900);
  const uint64_t b = Section(h, 3, 3000001, 800, 1000);
  const auto v = Run(lock::MakeMutualExclusionChecker(), h);
  REQUIRE(v.validity == Validity::kInvalid);
  CHECK(v.op_index == b);
  CHECK(v.detail.at("first").at("op") == a);
  CHECK(v.detail.at("second").at("op") == b);
  CHECK(v.summary.find("client3 section 3000001") != std::string::npos);
  CHECK(v.summary.find("client1 section 1000002") != std::string::npos);
}

TEST_CASE("mutual_exclusion accepts back-to-back sections and ends a crashed one at the crash",
          "[lock][checker]") {
  sim::History h;
  Section(h, 1, 1000001, 0, 100);
  Section(h, 2, 2000001, 100, 200);
  Section(h, 1, 1000002, 300, -1);  // client1 dies inside
  h.Fault("crash", "start", {{"nodes", {"client1"}}}, Ms(350), true);
  Section(h, 2, 2000002, 400, 500);
  CHECK(Run(lock::MakeMutualExclusionChecker(), h).validity == Validity::kValid);
  // Without the crash the open section never ends, so the later one overlaps it.
  sim::History open;
  Section(open, 1, 1000002, 300, -1);
  Section(open, 2, 2000002, 400, 500);
  CHECK(Run(lock::MakeMutualExclusionChecker(), open).validity == Validity::kInvalid);
  // A crash that did not fire (the node was already down) ends nothing.
  sim::History unfired;
  Section(unfired, 1, 1000002, 300, -1);
  unfired.Fault("crash", "start", {{"nodes", {"client1"}}}, Ms(350), false);
  Section(unfired, 2, 2000002, 400, 500);
  CHECK(Run(lock::MakeMutualExclusionChecker(), unfired).validity == Validity::kInvalid);
}

json Write(int64_t client, int64_t section, int64_t seq, int64_t token) {
  return {{"client", client}, {"section", section}, {"seq", seq}, {"token", token},
          {"holder", "h"}, {"at_ns", 0}};
}

json ResourceSnapshot(bool fencing, json writes) {
  return {{"resource", {{"fencing", fencing}, {"rejected", 0}, {"writes", std::move(writes)}}}};
}

TEST_CASE("resource_safe flags interleaved holders and tokens out of order", "[lock][checker]") {
  sim::History h;
  const uint64_t a = Section(h, 1, 1000001, 0, 500);
  Section(h, 2, 2000001, 200, 400);
  const json grouped = json::array({Write(1, 1000001, 0, 5), Write(1, 1000001, 1, 5),
                                    Write(2, 2000001, 0, 6), Write(2, 2000001, 1, 6)});
  CHECK(Run(lock::MakeResourceSafeChecker(), h, ResourceSnapshot(true, grouped)).validity ==
        Validity::kValid);
  const json interleaved = json::array({Write(1, 1000001, 0, -1), Write(2, 2000001, 0, -1),
                                        Write(1, 1000001, 1, -1)});
  const auto v = Run(lock::MakeResourceSafeChecker(), h, ResourceSnapshot(false, interleaved));
  REQUIRE(v.validity == Validity::kInvalid);
  CHECK(v.op_index == a);  // the section that wrote again after being preempted
  CHECK(v.summary.find("interleave") != std::string::npos);
  const json backwards = json::array({Write(2, 2000001, 0, 6), Write(1, 1000001, 0, 5)});
  const auto w = Run(lock::MakeResourceSafeChecker(), h, ResourceSnapshot(true, backwards));
  REQUIRE(w.validity == Validity::kInvalid);
  CHECK(w.summary.find("out of token order") != std::string::npos);
  // Without fencing the token order is not the resource's promise; only interleaving is.
  CHECK(Run(lock::MakeResourceSafeChecker(), h, ResourceSnapshot(false, backwards)).validity ==
        Validity::kValid);
}

TEST_CASE("safe_release flags a release that deleted a lock acquired after its own",
          "[lock][checker]") {
  sim::History h;
  Section(h, 1, 1000001, 0, 12000);      // paused past its lease
  Section(h, 2, 2000001, 10100, 10400);  // acquired after the lease ran out
  Release(h, 2, 2000001, 10400, true);
  Section(h, 3, 3000001, 11000, 11300);
  Release(h, 1, 1000001, 12000, true);  // deletes client3's lock
  const auto v = Run(lock::MakeSafeReleaseChecker(), h);
  REQUIRE(v.validity == Validity::kInvalid);
  CHECK(v.summary.find("client 1 released section 1000001") != std::string::npos);
  // The same history where the stale release deleted nothing (compare-and-delete) is fine.
  sim::History ok;
  Section(ok, 1, 1000001, 0, 12000);
  Section(ok, 2, 2000001, 10100, 10400);
  Release(ok, 2, 2000001, 10400, true);
  Release(ok, 1, 1000001, 12000, false);
  CHECK(Run(lock::MakeSafeReleaseChecker(), ok).validity == Validity::kValid);
  // A grant that reaches its client while the releaser's (atomic) delete is in flight came
  // after the delete: not a violation.
  sim::History race;
  Section(race, 1, 1000001, 0, 300);
  Section(race, 2, 2000001, 302, 400);
  Release(race, 1, 1000001, 300, true);  // sent at 300, answered at 305
  CHECK(Run(lock::MakeSafeReleaseChecker(), race).validity == Validity::kValid);
}

json DeadlockSnapshot(json lock, bool live_holder) {
  return {{"lock", std::move(lock)},
          {"clients", json::array({{{"name", "client1"}, {"live_holder", live_holder},
                                    {"holding_when_last_seen", true}}})}};
}

TEST_CASE("no_deadlock flags a lock without expiry whose holder died", "[lock][checker]") {
  sim::History h;
  Section(h, 1, 1000001, 0, -1);
  const json forever{{"key", "lock"}, {"primary", "redis_a"}, {"exists", true},
                     {"value", "1111"}, {"ttl_ms", -1}};
  const auto v = Run(lock::MakeNoDeadlockChecker(), h, DeadlockSnapshot(forever, false));
  REQUIRE(v.validity == Validity::kInvalid);
  CHECK(v.summary.find("client1 died holding it") != std::string::npos);
  CHECK(Run(lock::MakeNoDeadlockChecker(), h, DeadlockSnapshot(forever, true)).validity ==
        Validity::kValid);
  json expiring = forever;
  expiring["ttl_ms"] = 4000;
  CHECK(Run(lock::MakeNoDeadlockChecker(), h, DeadlockSnapshot(expiring, false)).validity ==
        Validity::kValid);
  const json free{{"key", "lock"}, {"exists", false}};
  CHECK(Run(lock::MakeNoDeadlockChecker(), h, DeadlockSnapshot(free, false)).validity ==
        Validity::kValid);
}

TEST_CASE("the fencing resource rejects stale tokens and a second holder of one token",
          "[lock][resource]") {
  lock::ResourceState s;
  s.fencing = true;
  auto w = [](int64_t token, std::string holder) {
    lock::ResourceWrite r;
    r.token = token;
    r.holder = std::move(holder);
    return r;
  };
  CHECK(lock::ApplyResourceWrite(&s, w(5, "a"), Ms(1)));
  CHECK(lock::ApplyResourceWrite(&s, w(5, "a"), Ms(2)));   // the same holder goes on
  CHECK(lock::ApplyResourceWrite(&s, w(7, "b"), Ms(3)));
  CHECK_FALSE(lock::ApplyResourceWrite(&s, w(5, "a"), Ms(4)));  // stale
  CHECK_FALSE(lock::ApplyResourceWrite(&s, w(7, "c"), Ms(5)));  // same token, other holder
  CHECK(s.log.size() == 3);
  CHECK(s.rejected == 2);
  lock::ResourceState open;  // fencing off: everything is accepted
  CHECK(lock::ApplyResourceWrite(&open, w(7, "b"), Ms(1)));
  CHECK(lock::ApplyResourceWrite(&open, w(5, "a"), Ms(2)));
  CHECK(open.log.size() == 2);
}

}  // namespace
