// Goal: the runner goes through its phases and turns verdicts into exit codes: the correct
// reservation service is valid under swarm faults, each buggy variant is caught by the
// checker meant for it, the canary checker gives 129, a whole run repeated from one seed
// gives the identical report, and limits end a run cleanly with 128.

#include <catch2/catch.hpp>

#include "scenarios/runner.h"

using namespace sim::literals;

namespace {

scenarios::RunConfig BaseConfig(uint64_t seed) {
  scenarios::RunConfig c;
  c.scenario = "reserve_test";
  c.seed = seed;
  c.workload = "reserve";
  c.workload_params = {{"clients", 4}, {"think_ms", 50}, {"timeout_ms", 200}, {"capacity", 100000}};
  c.chaos = 5_s;
  c.faults.schedule = "swarm";
  c.faults.swarm.kinds = {"partition", "crash", "pause", "loss", "duplicate", "clog"};
  c.faults.swarm.interval_min = 100_ms;
  c.faults.swarm.interval_max = 600_ms;
  c.checkers = {{"reserve.no_overbooking"}, {"reserve.acked_durable"}, {"reserve.exactly_once"}};
  return c;
}

int FirstFailingSeed(scenarios::RunConfig c, const std::string& checker, int seeds_max) {
  for (int seed = 1; seed <= seeds_max; ++seed) {
    c.seed = static_cast<uint64_t>(seed);
    const auto r = scenarios::RunScenario(c, scenarios::DefaultRegistry());
    for (const auto& v : r.verdicts) {
      if (v.checker == checker && v.validity == checkers::Validity::kInvalid) return seed;
    }
  }
  return 0;
}

}  // namespace

TEST_CASE("the correct design is valid under swarm faults") {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    const auto r = scenarios::RunScenario(BaseConfig(seed), scenarios::DefaultRegistry());
    INFO(r.SummaryLine());
    CHECK(r.exit_code == 0);
    CHECK(r.outcome == "valid");
    CHECK(r.operations > 100);
  }
}

TEST_CASE("each buggy variant is caught by its checker") {
  auto no_sync = BaseConfig(1);
  no_sync.variants["reserve.sync"] = "never";
  no_sync.faults.swarm.kinds = {"crash"};
  CHECK(FirstFailingSeed(no_sync, "reserve.acked_durable", 30) > 0);

  auto no_dedupe = BaseConfig(1);
  no_dedupe.variants["reserve.dedupe"] = "off";
  no_dedupe.faults.swarm.kinds = {"duplicate"};
  CHECK(FirstFailingSeed(no_dedupe, "reserve.exactly_once", 30) > 0);
}

TEST_CASE("the canary checker gives exit 129 with the offending operation") {
  auto c = BaseConfig(3);
  c.checkers.push_back({"canary.always_fails"});
  const auto r = scenarios::RunScenario(c, scenarios::DefaultRegistry());
  CHECK(r.exit_code == 129);
  CHECK(r.outcome == "invalid");
  CHECK(r.SummaryLine().find("failed=canary.always_fails=invalid") != std::string::npos);
  const auto j = r.ToJson();
  CHECK(j["verdicts"].back()["op_index"] == 0);
  CHECK(j["repro"] == "mallsim run SPEC --seed 3");
}

TEST_CASE("a run repeated from one seed gives the identical report") {
  auto c = BaseConfig(42);
  const auto a = scenarios::RunScenario(c, scenarios::DefaultRegistry());
  const auto b = scenarios::RunScenario(c, scenarios::DefaultRegistry());
  CHECK(a.fingerprint == b.fingerprint);
  CHECK(a.ToJson().dump() == b.ToJson().dump());
  CHECK_FALSE(a.faults.empty());
  c.seed = 43;
  CHECK(scenarios::RunScenario(c, scenarios::DefaultRegistry()).fingerprint != a.fingerprint);
}

TEST_CASE("limits end a run cleanly with 128") {
  auto c = BaseConfig(5);
  c.faults.schedule = "none";
  c.events_max = 500;
  const auto r = scenarios::RunScenario(c, scenarios::DefaultRegistry());
  CHECK(r.exit_code == 128);
  CHECK(r.outcome == "limit");
  CHECK(r.message.find("event limit 500") != std::string::npos);
}

TEST_CASE("a checker over its budget answers unknown, never valid") {
  auto c = BaseConfig(5);
  c.faults.schedule = "none";
  const auto r = scenarios::RunScenario(c, scenarios::DefaultRegistry(),
                                        [](sim::Duration) { return [] { return true; }; });
  CHECK(r.exit_code == 1);
  for (const auto& v : r.verdicts) CHECK(v.validity == checkers::Validity::kUnknown);
}

#include <fstream>

#include "scenarios/load.h"
#include "scenarios/spec/registry_check.h"
#include "scenarios/spec/schema.h"

TEST_CASE("the registry is consistent and the shipped JSON Schema matches it") {
  const auto problems = scenarios::CheckRegistryInfo(scenarios::DefaultRegistryInfo());
  for (const auto& p : problems) UNSCOPED_INFO(p);
  CHECK(problems.empty());
  std::ifstream f(MALLSIM_SOURCE_DIR "/scenarios/specs/schema/mallsim-spec.schema.json");
  REQUIRE(f.good());
  const nlohmann::json shipped = nlohmann::json::parse(f);
  // If this fails, regenerate: mallsim schema --out scenarios/specs/schema/mallsim-spec.schema.json
  CHECK(shipped == scenarios::GenerateSchema(scenarios::DefaultRegistryInfo()));
}

TEST_CASE("every shipped spec loads and resolves") {
  for (const char* name : {"reserve_swarm", "reserve_scripted", "negative/reserve_no_fsync",
                           "negative/reserve_no_dedupe"}) {
    const auto loaded = scenarios::LoadSpecFile(std::string(MALLSIM_SOURCE_DIR "/scenarios/specs/") + name + ".json");
    REQUIRE(std::holds_alternative<scenarios::Spec>(loaded));
    CHECK(std::holds_alternative<scenarios::RunConfig>(
        scenarios::ResolveRunConfig(std::get<scenarios::Spec>(loaded), 1, {})));
  }
}
