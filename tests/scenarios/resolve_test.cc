// Goal: a seed resolves every range to a value inside it, the same seed always gives the same
// spec, each value depends only on the seed and its own JSON pointer (adding parameters does
// not move the others), every choice is recorded for printing, and --set overrides are applied
// and validated like file content, with errors naming the argument.

#include "scenarios/spec/resolve.h"

#include <fmt/format.h>
#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "sim/rng.h"
#include "test_registry.h"

using scenarios::ResolveSpec;
using scenarios::testing::TestRegistry;
using namespace sim::literals;

namespace {

scenarios::Spec Load(const std::string& text) {
  auto r = scenarios::ParseSpec(text, "specs/r.json", TestRegistry());
  if (!r.ok()) FAIL(r.ErrorText());
  return std::move(r).value();
}

std::string Ranged(int64_t lo, int64_t hi, const std::string& extra_params = "",
                   const std::string& extra = "") {
  return fmt::format(R"({{"name": "r", {}
  "workload": {{"name": "demo.reserve", "params": {{"think_ms": 5, "clients": [{}, {}]{}}}}}}})",
                     extra, lo, hi, extra_params);
}

std::vector<std::string> OverrideErrors(const scenarios::Spec& spec,
                                        const std::vector<std::string>& overrides) {
  auto r = ResolveSpec(spec, 1, overrides);
  if (r.ok()) return {"<ok>"};
  std::vector<std::string> out;
  for (const auto& e : r.errors()) out.push_back(e.ToString());
  return out;
}

}  // namespace

TEST_CASE("ranges resolve within bounds, reproducibly per seed") {
  rc::prop("lo <= value <= hi and the same seed gives the same document", [] {
    const int64_t lo = *rc::gen::inRange<int64_t>(1, 1001);
    const int64_t hi = *rc::gen::inRange<int64_t>(lo, 1001);
    const uint64_t seed = *rc::gen::arbitrary<uint64_t>();
    const scenarios::Spec spec =
        Load(Ranged(lo, hi, "", R"("phases": {"chaos_ms": [0, 100000]},)"));
    auto a = ResolveSpec(spec, seed);
    auto b = ResolveSpec(spec, seed);
    RC_ASSERT(a.ok());
    RC_ASSERT(b.ok());
    const int64_t clients = a->workload.params["clients"].get<int64_t>();
    RC_ASSERT(clients >= lo);
    RC_ASSERT(clients <= hi);
    RC_ASSERT(a->phases.chaos <= 100000_ms);
    RC_ASSERT(a->phases.chaos >= 0_ms);
    RC_ASSERT(a->document == b->document);
    RC_ASSERT(a->ChoiceLines() == b->ChoiceLines());
  });
}

TEST_CASE("a resolved value depends on the seed and its own pointer only") {
  rc::prop("adding ranged parameters elsewhere does not change a draw", [] {
    const uint64_t seed = *rc::gen::arbitrary<uint64_t>();
    const scenarios::Spec small = Load(Ranged(1, 1000));
    const scenarios::Spec large =
        Load(Ranged(1, 1000, R"(, "retry_pm": [0, 1000], "mode": "read")",
                    R"("phases": {"chaos_ms": [1, 9], "heal_ms": [5, 50]},)"));
    auto a = ResolveSpec(small, seed);
    auto b = ResolveSpec(large, seed);
    RC_ASSERT(a.ok());
    RC_ASSERT(b.ok());
    RC_ASSERT(a->workload.params["clients"] == b->workload.params["clients"]);
    RC_ASSERT(a->workload.params["batch"] == b->workload.params["batch"]);
    // The contract, spelled out: the stream is the seed's fork named "spec" + pointer.
    const int64_t expected = sim::Rng(seed).Fork("spec/workload/params/clients").Uniform(1, 1000);
    RC_ASSERT(a->workload.params["clients"].get<int64_t>() == expected);
  });
}

TEST_CASE("different seeds explore a range") {
  const scenarios::Spec spec = Load(Ranged(1, 1000));
  std::set<int64_t> seen;
  for (uint64_t seed = 0; seed < 64; ++seed) {
    auto r = ResolveSpec(spec, seed);
    REQUIRE(r.ok());
    seen.insert(r->workload.params["clients"].get<int64_t>());
  }
  CHECK(seen.size() >= 32);
}

TEST_CASE("the example spec resolves to typed values") {
  const scenarios::Spec spec = Load(scenarios::testing::kGoodSpec);
  auto r = ResolveSpec(spec, 7);
  REQUIRE(r.ok());
  CHECK(r->seed == 7);
  REQUIRE(r->nodes.size() == 2);
  CHECK(r->nodes[0].name == "stock");
  CHECK(r->nodes[1].kind == "client");
  CHECK(r->variants.size() == 3);
  CHECK(r->variants.at("ware.release_on_order_cancel") == "true");
  const int64_t clients = r->workload.params["clients"].get<int64_t>();
  CHECK((clients >= 2 && clients <= 8));
  CHECK(r->workload.params["think_ms"] == 100);
  REQUIRE(r->faults.schedule == scenarios::FaultSchedule::kScripted);
  REQUIRE(r->faults.timeline.size() == 2);
  const auto& first = r->faults.timeline[0];
  CHECK(first.at == std::optional<sim::Duration>(1000_ms));
  CHECK(first.duration == std::optional<sim::Duration>(500_ms));
  CHECK(first.params["nodes"] == nlohmann::json::array({"stock"}));
  const auto& second = r->faults.timeline[1];
  CHECK_FALSE(second.at.has_value());
  REQUIRE(second.on.has_value());
  CHECK(second.on->event == "stock.reserved");
  CHECK(second.on->node == "stock");
  CHECK(second.on->count == 3);
  const int64_t restart = second.params["restart_after_ms"].get<int64_t>();
  CHECK((restart >= 100 && restart <= 1000));
  CHECK(r->phases.chaos == 5000_ms);
  CHECK(r->phases.converge_max == 10000_ms);
  CHECK(r->limits.events_max == 50000000);
  REQUIRE(r->checkers.size() == 2);
  CHECK(r->checkers[0].budget == 60000_ms);
  CHECK(r->checkers[1].budget == 2000_ms);
  CHECK(r->checkers[1].params == nlohmann::json{{"keys_max", 10}});
  REQUIRE(r->expect.has_value());
  CHECK(r->expect->seeds_max == 200);

  const auto lines = r->ChoiceLines();
  REQUIRE(lines.size() == 6);
  CHECK(lines[0] == "/variants/lock.stage = \"6\"  (default)");
  CHECK(lines[1] == "/variants/order.token_check = \"lua\"  (spec)");
  CHECK(lines[2] == "/variants/ware.release_on_order_cancel = \"true\"  (default)");
  CHECK(lines[3] == fmt::format("/workload/params/clients = {}  (range [2, 8])", clients));
  CHECK(lines[5] == fmt::format("/faults/timeline/1/params/restart_after_ms = {}  (range [100, "
                                "1000])",
                                restart));
}

TEST_CASE("a swarm spec resolves its interval and per-kind defaults") {
  const scenarios::Spec spec = Load(R"({"name": "s",
    "workload": {"name": "kv.register"},
    "faults": {"schedule": "swarm", "swarm": {"params": {"clock.skew": {"skew_ms": [1, 3]}}}}})");
  auto r = ResolveSpec(spec, 3);
  REQUIRE(r.ok());
  REQUIRE(r->faults.schedule == scenarios::FaultSchedule::kSwarm);
  const auto& swarm = r->faults.swarm;
  CHECK(swarm.kinds == std::vector<std::string>{"clock.skew", "clog", "crash", "partition"});
  CHECK(swarm.interval >= 200_ms);
  CHECK(swarm.interval <= 2000_ms);
  const int64_t skew = swarm.params.at("clock.skew")["skew_ms"].get<int64_t>();
  CHECK((skew >= 1 && skew <= 3));
  CHECK_FALSE(swarm.params.at("crash").contains("nodes"));  // the swarm picks targets
  CHECK(swarm.params.at("clog")["drop_pm"] == 1000);
  CHECK(r->workload.params["keys"] == 3);
}

TEST_CASE("overrides set values, ranges and variants and are recorded") {
  const scenarios::Spec spec = Load(scenarios::testing::kGoodSpec);
  auto r = ResolveSpec(
      spec, 7,
      {"workload.params.clients=4", "variants.order.token_check=get_then_del",
       "phases.chaos_ms=[100,200]", "workload.params.label=hello world", "catalog.skus.0.stock=3"});
  REQUIRE(r.ok());
  CHECK(r->workload.params["clients"] == 4);
  CHECK(r->variants.at("order.token_check") == "get_then_del");
  CHECK((r->phases.chaos >= 100_ms && r->phases.chaos <= 200_ms));
  CHECK(r->workload.params["label"] == "hello world");
  CHECK(r->catalog["skus"][0]["stock"] == 3);
  const auto lines = r->ChoiceLines();
  auto has = [&](const std::string& line) {
    return std::find(lines.begin(), lines.end(), line) != lines.end();
  };
  CHECK(
      has("/variants/order.token_check = \"get_then_del\"  (--set "
          "variants.order.token_check=get_then_del)"));
  CHECK(has("/workload/params/clients = 4  (--set workload.params.clients=4)"));
  CHECK(has(fmt::format("/phases/chaos_ms = {}  (range [100, 200])", r->phases.chaos.millis())));
  CHECK(has("/catalog/skus/0/stock = 3  (--set catalog.skus.0.stock=3)"));
}

TEST_CASE("an override into a dotted fault name splits on the registry's names") {
  const scenarios::Spec spec = Load(R"({"name": "s", "workload": {"name": "kv.register"},
    "faults": {"schedule": "swarm"}})");
  auto r = ResolveSpec(spec, 1, {"faults.swarm.params.clock.skew.skew_ms=42"});
  REQUIRE(r.ok());
  CHECK(r->faults.swarm.params.at("clock.skew")["skew_ms"] == 42);
}

TEST_CASE("bad overrides are validated like file content and name the argument") {
  const scenarios::Spec spec = Load(scenarios::testing::kGoodSpec);
  struct Row {
    std::vector<std::string> overrides;
    std::vector<std::string> errors;
  };
  const std::vector<Row> rows = {
      {{"workload.params.clients=four"},
       {"--set workload.params.clients=four: /workload/params/clients: expected an integer or "
        "[min, max] range, got string \"four\""}},
      {{"workload.params.clients=[8,2]"},
       {"--set workload.params.clients=[8,2]: /workload/params/clients: range [8, 2] has min > "
        "max"}},
      {{"variants.order.token_check=lau"},
       {"--set variants.order.token_check=lau: /variants/order.token_check: unknown value 'lau' "
        "(allowed: delete_after, get_then_del, lua; did you mean 'lua'?)"}},
      {{"fautls.x=1"},
       {"--set fautls.x=1: unknown key 'fautls' at /fautls (allowed: name, description, "
        "topology, catalog, variants, workload, faults, phases, limits, checkers, expect; did "
        "you mean 'faults'?)"}},
      {{"noequals"}, {"--set noequals: expected key=value, e.g. workload.params.clients=4"}},
      {{"workload..x=1"}, {"--set workload..x=1: empty segment in key 'workload..x'"}},
      {{"checkers.5.budget_ms=1"},
       {"--set checkers.5.budget_ms=1: /checkers/5: no such element (/checkers has 2 elements)"}},
      {{"name.x=1"},
       {"--set name.x=1: /name/x: cannot set a member of /name, which is string "
        "\"kernel_reserve\""}},
      // Every bad argument is reported, in argument order, good ones in between do not matter.
      {{"phases.chaos_ms=-5", "workload.params.clients=3", "workload.params.think_ms=x"},
       {"--set phases.chaos_ms=-5: /phases/chaos_ms: -5 is out of range [0, 86400000]",
        "--set workload.params.think_ms=x: /workload/params/think_ms: expected an integer or "
        "[min, max] range, got string \"x\""}},
      // A file value made invalid by an override is reported at its file line.
      {{"topology.nodes.0.name=warehouse"},
       {"specs/r.json:10: /faults/timeline/0/params/nodes/0: unknown node 'stock' (allowed: "
        "client1, warehouse)",
        "specs/r.json:11: /faults/timeline/1/on/node: unknown node 'stock' (allowed: client1, "
        "warehouse)",
        "specs/r.json:11: /faults/timeline/1/params/nodes/0: unknown node 'stock' (allowed: "
        "client1, warehouse)"}},
  };
  for (const Row& row : rows) {
    INFO(row.overrides[0]);
    CHECK(OverrideErrors(spec, row.overrides) == row.errors);
  }
}
