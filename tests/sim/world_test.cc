// Goal: a whole randomly generated world (timers, messages, RPCs, partitions, crashes,
// pauses) is a function of its seed: the same seed gives the same fingerprint, different
// seeds diverge, and the determinism check names the first differing event when a run is
// made nondeterministic on purpose. Golden fingerprints pin the behaviour of a few seeds.

#include <catch2/catch.hpp>
#include <rapidcheck/catch.h>

#include <set>
#include <sstream>

#include "sim/determinism.h"
#include "tests/sim/random_world.h"

using namespace sim::literals;

namespace {
uint64_t FingerprintOf(uint64_t seed) {
  sim::World w(seed);
  simtest::RandomWorldStats stats;
  simtest::RunRandomWorld(w, &stats);
  return w.Fingerprint();
}
}  // namespace

TEST_CASE("the same seed gives the same fingerprint") {
  rc::prop("random worlds replay", [](uint64_t seed) {
    RC_ASSERT(FingerprintOf(seed) == FingerprintOf(seed));
  });
}

TEST_CASE("different seeds diverge") {
  std::set<uint64_t> seen;
  for (uint64_t seed = 1; seed <= 30; ++seed) seen.insert(FingerprintOf(seed));
  CHECK(seen.size() == 30);
}

TEST_CASE("random worlds exercise every kind of event") {
  sim::World w(4);
  simtest::RandomWorldStats s;
  simtest::RunRandomWorld(w, &s, 5);
  CHECK(s.ticks > 100);
  CHECK(s.received > 10);
  CHECK(s.rpc_ok > 10);
  CHECK(s.rpc_info > 0);
  CHECK(s.faults > 20);
  CHECK(w.network().stats().dropped_partition > 0);
}

TEST_CASE("golden fingerprints") {
  // If this fails, the kernel's behaviour for a given seed changed. Make sure that was
  // intended, then update the values (and say so in the commit message).
  CHECK(FingerprintOf(1) == 0xb64c17944412fdd1ULL);
  CHECK(FingerprintOf(2) == 0x70bfb7af2f074c9cULL);
  CHECK(FingerprintOf(1000) == 0x79489109c065492fULL);
}

TEST_CASE("the determinism check names the first differing event") {
  auto good = sim::CheckDeterminism(7, [](sim::World& w) {
    simtest::RandomWorldStats s;
    simtest::RunRandomWorld(w, &s);
  });
  CHECK(good.deterministic);
  CHECK(good.events_a > 100);

  int run = 0;  // state outside the world: the second run behaves differently
  auto bad = sim::CheckDeterminism(7, [&run](sim::World& w) {
    simtest::RandomWorldStats s;
    simtest::BuildRandomWorld(w, &s);
    ++run;
    w.RunFor(1_s);
    w.Emit(0, "test.leak", {{"run", run}});
    w.RunFor(1_s);
  });
  CHECK_FALSE(bad.deterministic);
  REQUIRE(bad.first_difference.has_value());
  CHECK(bad.event_a.find("test.leak run=1") != std::string::npos);
  CHECK(bad.event_b.find("test.leak run=2") != std::string::npos);
  CHECK(bad.ToString().find("first differing trace event") != std::string::npos);
}

TEST_CASE("trace and history export JSON Lines") {
  sim::World w(3, sim::WorldOptions{.record_trace = true});
  w.AddNode("a").Start();
  w.Emit(1, "app.hello", {{"k", "v"}, {"n", 5}});
  const uint64_t inv = w.history().Invoke(7, "read", {{"key", "x"}}, w.Now());
  w.history().Fault("partition", "start", {{"groups", "a|b"}}, w.Now(), true);
  w.history().Complete(inv, sim::OpType::kInfo, nullptr, w.Now() + 1_s, "timeout");
  std::ostringstream trace, history;
  w.trace().WriteJsonLines(trace);
  w.history().WriteJsonLines(history);
  CHECK(trace.str() ==
        "{\"i\":0,\"t_ns\":0,\"node\":\"world\",\"name\":\"node.start\",\"fields\":{\"incarnation\":1}}\n"
        "{\"i\":1,\"t_ns\":0,\"node\":\"a\",\"name\":\"node.start\",\"fields\":{\"incarnation\":1}}\n"
        "{\"i\":2,\"t_ns\":0,\"node\":\"a\",\"name\":\"app.hello\",\"fields\":{\"k\":\"v\",\"n\":5}}\n");
  CHECK(history.str() ==
        "{\"index\":0,\"type\":\"invoke\",\"process\":7,\"f\":\"read\",\"value\":{\"key\":\"x\"},\"time_ns\":0}\n"
        "{\"index\":1,\"type\":\"info\",\"process\":\"nemesis\",\"f\":\"partition\",\"value\":{\"fired\":true,\"groups\":\"a|b\",\"phase\":\"start\"},\"time_ns\":0}\n"
        "{\"index\":2,\"type\":\"info\",\"process\":7,\"f\":\"read\",\"value\":null,\"time_ns\":1000000000,\"invoke\":0,\"error\":\"timeout\"}\n");
  CHECK(w.history().open_invocations() == 0);
}

TEST_CASE("BUGGIFY sites are decided by the seed and coverage is counted") {
  auto run = [](uint64_t seed) {
    sim::World w(seed);
    std::vector<int> fired;
    w.Run(sim::RunLimits{}, [] { return true; });  // installs the run context briefly
    sim::RunContext* previous = sim::RunContext::Exchange(&w.context());
    for (int i = 0; i < 200; ++i) {
      if (SIM_BUGGIFY) fired.push_back(i);
      SIM_COVER("test.loop");
    }
    sim::RunContext::Exchange(previous);
    CHECK(w.context().coverage().at("test.loop") == 200);
    return fired;
  };
  CHECK(run(5) == run(5));
  int enabled_seeds = 0;
  for (uint64_t seed = 1; seed <= 40; ++seed) enabled_seeds += run(seed).empty() ? 0 : 1;
  // Each site is enabled for about a quarter of the seeds.
  CHECK(enabled_seeds > 3);
  CHECK(enabled_seeds < 20);
  CHECK_FALSE(SIM_BUGGIFY);  // outside a simulation: always false
}
