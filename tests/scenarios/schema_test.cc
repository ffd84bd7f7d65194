// Goal: the generated JSON Schema lists exactly the registry's names in its enums, accepts
// every spec the validator accepts in these tests, rejects the mistakes a schema can express,
// and uses only keywords the test's checker understands (so no check is silently skipped).

#include "scenarios/spec/schema.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "mini_schema.h"
#include "scenarios/spec/format.h"
#include "scenarios/spec/json_loc.h"
#include "scenarios/spec/spec.h"
#include "test_registry.h"

using nlohmann::json;
using scenarios::testing::MiniSchema;
using scenarios::testing::TestRegistry;

namespace {

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

std::vector<std::string> EntryNames(const std::vector<scenarios::EntrySpec>& entries) {
  std::vector<std::string> names;
  for (const auto& e : entries) names.push_back(e.name);
  return Sorted(names);
}

const std::vector<std::string> kValidSpecs = {
    scenarios::testing::kGoodSpec,
    R"({"name": "m", "workload": {"name": "kv.register"}})",
    R"({"name": "s", "workload": {"name": "kv.register", "params": {"keys": [1, 9]}},
        "faults": {"schedule": "swarm", "swarm": {"kinds": ["crash", "clock.skew"],
          "interval_ms": 300, "params": {"crash": {"restart_after_ms": [1, 2]}}}},
        "checkers": [{"name": "stock.no_oversell"}, "kv.linearizable"],
        "expect": {"verdict": "valid"}})",
    R"({"name": "v", "variants": {"lock.stage": "3", "ware.release_on_order_cancel": "false"},
        "topology": {"nodes": [{"name": "r1", "kind": "redis"}]},
        "workload": {"name": "demo.reserve", "params": {"think_ms": [0, 10], "verbose": true,
          "mode": "read", "label": "x", "hot_nodes": ["r1"], "retry_pm": 5, "batch": 2}},
        "faults": {"schedule": "scripted", "timeline": [
          {"at_ms": [10, 20], "fault": "clog", "params": {"nodes": ["r1"], "drop_pm": [1, 9]}}]},
        "phases": {"chaos_ms": [100, 200]}, "limits": {"events_max": 5}})",
};

}  // namespace

TEST_CASE("schema enums are the registry's names") {
  const scenarios::RegistryInfo registry = TestRegistry();
  const json s = scenarios::GenerateSchema(registry);
  const json& props = s["properties"];
  CHECK(s["$schema"] == "https://json-schema.org/draft/2020-12/schema");
  CHECK(props["workload"]["properties"]["name"]["enum"] == json(EntryNames(registry.workloads)));
  CHECK(props["faults"]["properties"]["swarm"]["properties"]["kinds"]["items"]["enum"] ==
        json(EntryNames(registry.faults)));
  CHECK(s["$defs"]["timeline_entry"]["properties"]["fault"]["enum"] ==
        json(EntryNames(registry.faults)));
  CHECK(props["checkers"]["items"]["anyOf"][0]["enum"] == json(EntryNames(registry.checkers)));
  CHECK(s["$defs"]["checker_object"]["properties"]["name"]["enum"] ==
        json(EntryNames(registry.checkers)));
  CHECK(props["expect"]["properties"]["checker"]["enum"] == json(EntryNames(registry.checkers)));
  CHECK(props["topology"]["properties"]["nodes"]["items"]["properties"]["kind"]["enum"] ==
        json(Sorted(registry.node_kinds)));
  std::vector<std::string> variant_names;
  for (const auto& v : registry.variants) {
    variant_names.push_back(v.name);
    CHECK(props["variants"]["properties"][v.name]["enum"] == json(Sorted(v.allowed)));
  }
  std::vector<std::string> schema_variants;
  for (const auto& [name, value] : props["variants"]["properties"].items()) {
    schema_variants.push_back(name);
  }
  CHECK(schema_variants == Sorted(variant_names));
  std::vector<std::string> top;
  for (const auto& [name, value] : props.items()) top.push_back(name);
  CHECK(top == Sorted(scenarios::format::kTopLevelKeys));
  CHECK(s["required"] == json({"name", "workload"}));
}

TEST_CASE("the schema uses only keywords the test checker knows") {
  const json s = scenarios::GenerateSchema(TestRegistry());
  for (const std::string& keyword : scenarios::testing::UsedKeywords(s)) {
    INFO(keyword);
    CHECK(MiniSchema::KnownKeywords().count(keyword) == 1);
  }
}

TEST_CASE("the schema accepts every valid spec") {
  const MiniSchema schema(scenarios::GenerateSchema(TestRegistry()));
  for (const std::string& text : kValidSpecs) {
    INFO(text);
    auto spec = scenarios::ParseSpec(text, "specs/v.json", TestRegistry());
    INFO((spec.ok() ? std::string() : spec.ErrorText()));
    REQUIRE(spec.ok());
    std::string why;
    CHECK(schema.Valid(spec->document, &why));
    INFO(why);
  }
}

TEST_CASE("the schema rejects what it can express") {
  const MiniSchema schema(scenarios::GenerateSchema(TestRegistry()));
  const json good = json::parse(scenarios::testing::kGoodSpec);
  auto with = [&](const std::string& pointer, json value) {
    json doc = good;
    doc[json::json_pointer(pointer)] = std::move(value);
    return doc;
  };
  const std::vector<json> bad = {
      with("/fautls", 1),
      with("/name", "Bad Name"),
      with("/variants/order.token_check", "lau"),
      with("/workload/name", "demo.reserv"),
      with("/workload/params", json{{"clients", 3}}),  // think_ms is required
      with("/workload/params/clients", 0),
      with("/workload/params/clients", "four"),
      with("/workload/params/clients", json::array({1, 2, 3})),
      with("/workload/params/verbose", json::array({true, false})),
      with("/workload/params/clientz", 1),
      with("/topology/nodes/0/kind", "servce"),
      with("/checkers/0", "stock.no_overssell"),
      with("/checkers/1/keys_maxx", 1),
      with("/checkers/1/budget_ms", 0),
      with("/faults/schedule", "none"),                     // a timeline needs schedule scripted
      with("/faults/timeline/0/on", json{{"event", "x"}}),  // both at_ms and on
      with("/faults/timeline/1/params", json::object()),    // crash needs nodes
      with("/faults/timeline/0/fault", "crsh"),
      with("/limits/events_max", json::array({1, 2})),
      with("/expect/verdict", "invalidd"),
  };
  for (const json& doc : bad) {
    INFO(doc.dump());
    CHECK_FALSE(schema.Valid(doc));
    // The validator agrees.
    CHECK_FALSE(scenarios::ParseSpec(doc.dump(), "specs/b.json", TestRegistry()).ok());
  }
}

TEST_CASE("the shipped schema file is a draft 2020-12 spec schema") {
  std::ifstream in(std::string(MALLSIM_SOURCE_DIR) +
                   "/scenarios/specs/schema/mallsim-spec.schema.json");
  REQUIRE(in);
  std::ostringstream text;
  text << in.rdbuf();
  auto parsed = scenarios::ParseJsonWithLocations(text.str(), "mallsim-spec.schema.json");
  REQUIRE(parsed.ok());
  const json& s = parsed->value;
  CHECK(s["$schema"] == "https://json-schema.org/draft/2020-12/schema");
  std::vector<std::string> top;
  for (const auto& [name, value] : s["properties"].items()) top.push_back(name);
  CHECK(top == Sorted(scenarios::format::kTopLevelKeys));
  // Same shape as a freshly generated schema (the registry behind the names may differ).
  const json fresh = scenarios::GenerateSchema(TestRegistry());
  CHECK(scenarios::testing::UsedKeywords(s) == scenarios::testing::UsedKeywords(fresh));
}
