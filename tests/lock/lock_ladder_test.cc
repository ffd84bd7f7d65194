// Goal: every rung of the lock ladder D-1 shows its bug in a deterministic run (fixed seed,
// scripted faults triggered by the clients' own trace events), caught by the checker meant
// for it, and the next rung under the same schedule does not show it:
//   stage 1 crash in the section -> lock.no_deadlock (F-1); stage 2 crash between SETNX and
//   EXPIRE -> lock.no_deadlock (F-2); stage 3 pause past the lease -> lock.safe_release and
//   lock.mutual_exclusion (F-3); stage 4 pause between GET and DEL -> both again, between two
//   clients that were never paused (F-4); stage 5 without renewal and a hold longer than the
//   lease -> lock.mutual_exclusion (F-5), fixed by renewal; stage 5 with a GC pause ->
//   lock.resource_safe without fencing, valid with fencing.

#include <catch2/catch.hpp>

#include "scenarios/runner.h"

using namespace sim::literals;

namespace {

struct Rung {
  std::string stage = "5";
  std::string renewal = "on";
  std::string fencing = "on";
};

scenarios::RunConfig LadderConfig(const Rung& rung, uint64_t seed) {
  scenarios::RunConfig c;
  c.scenario = "lock_ladder_test";
  c.seed = seed;
  c.workload = "redis_lock";
  c.workload_params = {{"clients", 3}, {"replicas", 1}, {"lease_ms", 10000}, {"hold_ms", 300},
                       {"writes", 3}, {"retry_ms", 100}, {"think_ms", 100},
                       {"timeout_ms", 500}, {"renew_ms", 0}};
  c.variants = {{"lock.stage", rung.stage}, {"lock.renewal", rung.renewal},
                {"lock.fencing", rung.fencing}};
  c.chaos = 25_s;
  c.heal = 2_s;
  c.converge_max = 20_s;
  c.faults.schedule = "scripted";
  c.checkers = {{"lock.mutual_exclusion"}, {"lock.resource_safe"}, {"lock.safe_release"},
                {"lock.no_deadlock"}};
  return c;
}

// "When `event` happens for the count-th time on `node`, do `fault` to that node."
faults::TimelineEntry OnEvent(std::string event, std::string node, int64_t count,
                              std::string fault, std::optional<sim::Duration> duration) {
  faults::TimelineEntry e;
  e.on = faults::Trigger{std::move(event), node, count};
  e.fault = std::move(fault);
  e.params = {{"nodes", {node}}};
  e.duration = duration;
  return e;
}

checkers::Validity VerdictOf(const scenarios::RunReport& r, const std::string& checker) {
  for (const auto& v : r.verdicts) {
    if (v.checker == checker) return v.validity;
  }
  FAIL("no verdict from " << checker);
  return checkers::Validity::kUnknown;
}

const checkers::Verdict& Find(const scenarios::RunReport& r, const std::string& checker) {
  for (const auto& v : r.verdicts) {
    if (v.checker == checker) return v;
  }
  FAIL("no verdict from " << checker);
  return r.verdicts.front();
}

scenarios::RunReport Run(const scenarios::RunConfig& c) {
  scenarios::RunReport r = scenarios::RunScenario(c, scenarios::DefaultRegistry());
  INFO(r.SummaryLine());
  CHECK((c.faults.schedule == "none" || !r.faults.empty()));
  return r;
}

constexpr auto kValid = checkers::Validity::kValid;
constexpr auto kInvalid = checkers::Validity::kInvalid;

TEST_CASE("stage 1: a holder that dies in its section leaves the lock forever (F-1)",
          "[lock][ladder]") {
  auto c = LadderConfig(Rung{"1", "off", "off"}, 1);
  c.faults.timeline = {OnEvent("lock.section_write", "client1", 2, "crash", std::nullopt)};
  const auto r = Run(c);
  CHECK(r.faults.front().fired);
  CHECK(VerdictOf(r, "lock.no_deadlock") == kInvalid);
  CHECK(r.exit_code == 129);
  // Stage 3 (SET NX PX) under the same crash: the key expires and the others go on.
  c.variants["lock.stage"] = "3";
  const auto fixed = Run(c);
  CHECK(VerdictOf(fixed, "lock.no_deadlock") == kValid);
  CHECK(VerdictOf(fixed, "lock.mutual_exclusion") == kValid);
}

TEST_CASE("stage 2: a crash between SETNX and EXPIRE leaves the lock forever (F-2)",
          "[lock][ladder]") {
  auto c = LadderConfig(Rung{"2", "off", "off"}, 2);
  c.faults.timeline = {OnEvent("lock.setnx_ok", "client1", 2, "crash", std::nullopt)};
  const auto r = Run(c);
  CHECK(r.faults.front().fired);
  CHECK(VerdictOf(r, "lock.no_deadlock") == kInvalid);
  // A crash inside the section (after EXPIRE) is survived at stage 2: the key expires.
  c.faults.timeline = {OnEvent("lock.section_write", "client1", 2, "crash", std::nullopt)};
  CHECK(VerdictOf(Run(c), "lock.no_deadlock") == kValid);
}

TEST_CASE("stage 3: the paused holder's DEL removes the next holder's lock (F-3)",
          "[lock][ladder]") {
  auto c = LadderConfig(Rung{"3", "off", "off"}, 3);
  c.faults.timeline = {OnEvent("lock.section_write", "client1", 2, "pause", 11_s)};
  const auto r = Run(c);
  CHECK(VerdictOf(r, "lock.safe_release") == kInvalid);
  CHECK(VerdictOf(r, "lock.mutual_exclusion") == kInvalid);
  // Stage 5 under the same pause: exclusion is still lost (F-5: the lease ran out), but the
  // compare-and-delete never removes another holder's lock.
  c.variants["lock.stage"] = "5";
  const auto five = Run(c);
  CHECK(VerdictOf(five, "lock.safe_release") == kValid);
  CHECK(VerdictOf(five, "lock.mutual_exclusion") == kInvalid);
}

TEST_CASE("stage 4: a pause between GET and DEL lets two unpaused clients overlap (F-4)",
          "[lock][ladder]") {
  auto c = LadderConfig(Rung{"4", "off", "off"}, 4);
  c.faults.timeline = {OnEvent("lock.unlock_checked", "client1", 2, "pause", 11_s)};
  const auto r = Run(c);
  CHECK(r.faults.front().fired);
  CHECK(VerdictOf(r, "lock.safe_release") == kInvalid);
  const auto& me = Find(r, "lock.mutual_exclusion");
  REQUIRE(me.validity == kInvalid);
  // client1 had left its section before the pause: the first section overlapped is another
  // client's, whose lock client1's late DEL deleted.
  CHECK(me.detail.at("first").at("node") != "client1");
}

TEST_CASE("stage 5: a section longer than the lease needs renewal (F-5)", "[lock][ladder]") {
  auto c = LadderConfig(Rung{"5", "off", "on"}, 5);
  c.workload_params["lease_ms"] = 3000;
  c.workload_params["hold_ms"] = 8000;
  c.faults.schedule = "none";
  CHECK(VerdictOf(Run(c), "lock.mutual_exclusion") == kInvalid);
  c.variants["lock.renewal"] = "on";
  c.workload_params["renew_ms"] = 1000;
  const auto renewed = Run(c);
  CHECK(renewed.exit_code == 0);
  CHECK(VerdictOf(renewed, "lock.mutual_exclusion") == kValid);
}

TEST_CASE("stage 5: a GC pause past the lease breaks the resource unless it checks fencing "
          "tokens", "[lock][ladder][fencing]") {
  auto c = LadderConfig(Rung{"5", "on", "off"}, 6);
  c.faults.timeline = {OnEvent("lock.section_write", "client1", 1, "pause", 12_s)};
  const auto r = Run(c);
  CHECK(VerdictOf(r, "lock.mutual_exclusion") == kInvalid);
  CHECK(VerdictOf(r, "lock.resource_safe") == kInvalid);
  c.variants["lock.fencing"] = "on";
  const auto fenced = Run(c);
  CHECK(VerdictOf(fenced, "lock.mutual_exclusion") == kInvalid);  // the lock alone cannot help
  CHECK(VerdictOf(fenced, "lock.resource_safe") == kValid);
  CHECK(VerdictOf(fenced, "lock.safe_release") == kValid);
}

TEST_CASE("a lock run replays exactly from its seed", "[lock][determinism]") {
  auto c = LadderConfig(Rung{}, 7);
  c.faults.timeline = {OnEvent("lock.section_write", "client2", 3, "pause", 11_s)};
  const auto a = Run(c);
  const auto b = Run(c);
  CHECK(a.fingerprint == b.fingerprint);
  CHECK(a.operations == b.operations);
  CHECK(a.operations > 100);
}

}  // namespace
