// Goal: spec validation reports every mistake at once, sorted by line, each with the exact
// message (file, line, JSON pointer, allowed values, closest name), and accepts every valid
// spec with its defaults filled in.

#include "scenarios/spec/spec.h"

#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "scenarios/spec/names.h"
#include "scenarios/spec/registry_check.h"
#include "scenarios/spec/resolve.h"
#include "test_registry.h"

using scenarios::ParseSpec;
using scenarios::testing::TestRegistry;

namespace {

std::vector<std::string> Errors(const std::string& text) {
  auto r = ParseSpec(text, "specs/x.json", TestRegistry());
  if (r.ok()) return {"<ok>"};
  std::vector<std::string> out;
  for (const auto& e : r.errors()) out.push_back(e.ToString());
  return out;
}

// A valid spec with a workload line (2) for the rows below to build on.
std::string Minimal(const std::string& extra = "") {
  return "{\n"
         "  \"workload\": {\"name\": \"demo.reserve\", \"params\": {\"think_ms\": 10}},\n" +
         extra + "  \"name\": \"t\"\n}\n";
}

const char* const kTop =
    "(allowed: name, description, topology, catalog, variants, workload, faults, phases, limits, "
    "checkers, expect";

}  // namespace

TEST_CASE("bad specs give the exact messages") {
  struct Row {
    std::string text;
    std::vector<std::string> errors;
  };
  const std::string topo =
      "  \"topology\": {\"nodes\": [{\"name\": \"stock\", \"kind\": \"service\"}, "
      "{\"name\": \"client1\", \"kind\": \"client\"}]},\n";  // line 3 when first extra
  const std::string wl = "\"workload\": {\"name\": \"demo.reserve\", \"params\": ";
  const std::vector<Row> rows = {
      {Minimal("  \"fautls\": {},\n"),
       {std::string("specs/x.json:3: unknown key 'fautls' at /fautls ") + kTop +
        "; did you mean 'faults'?)"}},
      {"{\"name\": \"t\",\n " + wl + "{\"think_ms\": 1,\n \"clients\": \"four\"}}}",
       {"specs/x.json:3: /workload/params/clients: expected an integer or [min, max] range, got "
        "string \"four\""}},
      {"{\"name\": \"t\",\n " + wl + "{\"think_ms\": 1,\n \"clients\": 0}}}",
       {"specs/x.json:3: /workload/params/clients: 0 is out of range [1, 1000]"}},
      {"{\"name\": \"t\",\n " + wl + "{\"think_ms\": 1,\n \"clients\": [8, 2]}}}",
       {"specs/x.json:3: /workload/params/clients: range [8, 2] has min > max"}},
      {"{\"name\": \"t\",\n " + wl + "{\"think_ms\": 1,\n \"clients\": [0,\n 2000]}}}",
       {"specs/x.json:3: /workload/params/clients/0: 0 is out of range [1, 1000]",
        "specs/x.json:4: /workload/params/clients/1: 2000 is out of range [1, 1000]"}},
      {"{\"name\": \"t\",\n " + wl + "{\"think_ms\": 1,\n \"clients\": 18446744073709551615}}}",
       {"specs/x.json:3: /workload/params/clients: 18446744073709551615 is out of range [1, "
        "1000]"}},
      {Minimal("  \"variants\": {\"order.token_check\": \"lau\"},\n"),
       {"specs/x.json:3: /variants/order.token_check: unknown value 'lau' (allowed: delete_after, "
        "get_then_del, lua; did you mean 'lua'?)"}},
      {Minimal("  \"variants\": {\"order.token_chek\": \"lua\"},\n"),
       {"specs/x.json:3: unknown variant 'order.token_chek' at /variants/order.token_chek "
        "(allowed: lock.stage, order.token_check, ware.release_on_order_cancel; did you mean "
        "'order.token_check'?)"}},
      {Minimal("  \"variants\": {\"ware.release_on_order_cancel\": true},\n"),
       {"specs/x.json:3: /variants/ware.release_on_order_cancel: expected a string (allowed: "
        "false, true), got true"}},
      {Minimal("  \"faults\": {\"schedule\": \"swarm\",\n  \"swarm\": {\"kinds\": [\"crash\",\n "
               "\"crsh\"]}},\n"),
       {"specs/x.json:5: /faults/swarm/kinds/1: unknown fault 'crsh' (allowed: clock.skew, clog, "
        "crash, partition; did you mean 'crash'?)"}},
      {Minimal("  \"checkers\": [\"stock.no_overssell\"],\n"),
       {"specs/x.json:3: /checkers/0: unknown checker 'stock.no_overssell' (allowed: "
        "demo.no_overbooking, kv.linearizable, stock.no_oversell; did you mean "
        "'stock.no_oversell'?)"}},
      {"{\"name\": \"t\",\n \"workload\": {\"params\": {}}}",
       {"specs/x.json:2: /workload: missing required key 'name'"}},
      {"{\"name\": \"t\",\n " + wl + "{\"clients\": 3}}}",
       {"specs/x.json:2: /workload/params/think_ms: required parameter missing"}},
      {"{\"name\": \"t\",\n " + wl + "{\"think_ms\": 1,\n \"clientz\": 3}}}",
       {"specs/x.json:3: unknown parameter 'clientz' of workload 'demo.reserve' at "
        "/workload/params/clientz (allowed: clients, think_ms, mode, verbose, label, hot_nodes, "
        "retry_pm, batch; did you mean 'clients'?)"}},
      {"{\"name\": \"t\",\n \"workload\": {\"name\": \"demo.reserv\"}}",
       {"specs/x.json:2: /workload/name: unknown workload 'demo.reserv' (allowed: demo.reserve, "
        "kv.register; did you mean 'demo.reserve'?)"}},
      {"{\n" + topo + "  " + wl +
           "{\"think_ms\": 1, \"hot_nodes\": [\"stok\"]}},\n  \"name\": \"t\"\n}",
       {"specs/x.json:3: /workload/params/hot_nodes/0: unknown node 'stok' (allowed: client1, "
        "stock; did you mean 'stock'?)"}},
      {Minimal(topo.substr(0, topo.find("service")) + "servce\"}]},\n"),
       {"specs/x.json:3: /topology/nodes/0/kind: unknown node kind 'servce' (allowed: client, "
        "mysql, rabbitmq, redis, service; did you mean 'service'?)"}},
      {Minimal("  \"topology\": {\"nodes\": [{\"name\": \"a\", \"kind\": \"redis\"},\n"
               "    {\"name\": \"a\", \"kind\": \"redis\"}]},\n"),
       {"specs/x.json:4: /topology/nodes/1/name: duplicate node 'a'"}},
      {Minimal(topo + "  \"faults\": {\"schedule\": \"scripted\", \"timeline\": [\n"
                      "    {\"on\": {\"event\": \"stock.reserved\", \"node\": \"db\"}, \"fault\": "
                      "\"crash\", \"params\": {\"nodes\": [\"stock\"]}}]},\n"),
       {"specs/x.json:5: /faults/timeline/0/on/node: unknown node 'db' (allowed: client1, stock)"}},
      {Minimal(topo + "  \"faults\": {\"schedule\": \"scripted\", \"timeline\": [\n"
                      "    {\"at_ms\": 5, \"on\": {\"event\": \"e\"}, \"fault\": \"crash\",\n"
                      "     \"params\": {}}]},\n"),
       {"specs/x.json:5: /faults/timeline/0: needs exactly one of 'at_ms' or 'on'",
        "specs/x.json:6: /faults/timeline/0/params/nodes: required parameter missing"}},
      {Minimal("  \"faults\": {\"schedule\": \"scripted\", \"timeline\": [\n"
               "    {\"at_ms\": 5, \"fault\": \"clog\", \"params\": {\"nodes\": [],\n"
               "      \"drop_pm\": 0.5}}]},\n"),
       {"specs/x.json:5: /faults/timeline/0/params/drop_pm: expected an integer or [min, max] "
        "range, got number 0.5 (a probability in per-mille: 1000 = always, 5 = 0.5 %)"}},
      {"{\"name\": \"t\",\n " + wl + "{\"think_ms\": 1,\n \"verbose\": [true, false]}}}",
       {"specs/x.json:3: /workload/params/verbose: expected true or false, got array "
        "[true,false]"}},
      {"{\"name\": \"t\",\n " + wl + "{\"think_ms\": 1,\n \"mode\": [\"read\"]}}}",
       {"specs/x.json:3: /workload/params/mode: expected a string (allowed: read, write), got "
        "array [\"read\"]"}},
      {"{\"name\": \"t\",\n " + wl + "{\"think_ms\": 1,\n \"mode\": \"raed\"}}}",
       {"specs/x.json:3: /workload/params/mode: unknown value 'raed' (allowed: read, write; did "
        "you mean 'read'?)"}},
      {"{\"name\": \"t\",\n " + wl + "{\"think_ms\": 1,\n \"label\": 7}}}",
       {"specs/x.json:3: /workload/params/label: expected a string, got number 7"}},
      {Minimal("  \"limits\": {\"events_max\": [1, 2]},\n"),
       {"specs/x.json:3: /limits/events_max: expected an integer, got array [1,2]"}},
      {Minimal("  \"phases\": {\"chaos\": 5},\n"),
       {"specs/x.json:3: unknown key 'chaos' at /phases/chaos (allowed: chaos_ms, heal_ms, "
        "converge_ms_max; did you mean 'chaos_ms'?)"}},
      {"{\n  \"workload\": {\"name\": \"kv.register\"}\n}",
       {"specs/x.json:1: /: missing required key 'name'"}},
      {"{\"name\": \"Kernel Reserve\",\n \"workload\": {\"name\": \"kv.register\"}}",
       {"specs/x.json:1: /name: expected a name of lower-case letters, digits and '_', got string "
        "\"Kernel Reserve\""}},
      {"{\"name\": \"t\"}", {"specs/x.json:1: /: missing required key 'workload'"}},
      {"[1]", {"specs/x.json:1: /: expected an object, got array [1]"}},
      {Minimal("  \"faults\": {\n    \"swarm\": {}},\n"),
       {"specs/x.json:4: /faults/swarm: only used when /faults/schedule is 'swarm' (it is "
        "'none')"}},
      {Minimal("  \"faults\": {\"schedule\": \"scripted\"},\n"),
       {"specs/x.json:3: /faults: schedule 'scripted' needs a non-empty 'timeline'"}},
      {Minimal("  \"faults\": {\"schedule\": \"chaos\"},\n"),
       {"specs/x.json:3: /faults/schedule: unknown schedule 'chaos' (allowed: none, scripted, "
        "swarm)"}},
      {Minimal("  \"faults\": {\"schedule\": \"swarm\", \"swarm\": {\"kinds\": [\"crash\"],\n"
               "    \"params\": {\"clog\": {}}}},\n"),
       {"specs/x.json:4: parameters for fault 'clog', which is not in /faults/swarm/kinds (kinds: "
        "crash)"}},
      {Minimal("  \"faults\": null,\n"),
       {"specs/x.json:3: /faults: expected a value, got null (leave the key out instead)"}},
      {Minimal("  \"checkers\": [\"demo.no_overbooking\",\n    \"demo.no_overbooking\"],\n"),
       {"specs/x.json:4: /checkers/1: duplicate checker 'demo.no_overbooking' (also at "
        "/checkers/0)"}},
      {Minimal("  \"checkers\": [{\"name\": \"stock.no_oversell\", \"keys_max\": 3}],\n"),
       {"specs/x.json:3: unknown parameter 'keys_max' of checker 'stock.no_oversell' at "
        "/checkers/0/keys_max (allowed: name, budget_ms)"}},
      {Minimal("  \"checkers\": [\"demo.no_overbooking\"],\n"
               "  \"expect\": {\"verdict\": \"invalid\", \"checker\": \"kv.linearizable\"},\n"),
       {"specs/x.json:4: /expect/checker: checker 'kv.linearizable' is not listed in /checkers "
        "(listed: demo.no_overbooking)"}},
      {Minimal("  \"expect\": {\"verdict\": \"invalidd\"},\n"),
       {"specs/x.json:3: /expect/verdict: unknown verdict 'invalidd' (allowed: invalid, valid; "
        "did you mean 'invalid'?)"}},
      {Minimal("  \"expect\": {},\n"), {"specs/x.json:3: /expect: missing required key 'verdict'"}},
      // Several mistakes: all reported, sorted by line.
      {"{\n  \"phases\": {\"heal_ms\": -1},\n  \"name\": \"t\",\n  \"workload\": {\"name\": "
       "\"kv.register\", \"params\": {\"keys\": \"x\"}},\n  \"fautls\": 1\n}",
       {"specs/x.json:2: /phases/heal_ms: -1 is out of range [0, 86400000]",
        "specs/x.json:4: /workload/params/keys: expected an integer or [min, max] range, got "
        "string \"x\"",
        std::string("specs/x.json:5: unknown key 'fautls' at /fautls ") + kTop +
            "; did you mean 'faults'?)"}},
  };
  for (const Row& row : rows) {
    INFO(row.text);
    CHECK(Errors(row.text) == row.errors);
  }
  CHECK(rows.size() >= 20);
}

TEST_CASE("syntax errors in a spec carry line and column") {
  CHECK(Errors("{\n  \"name\": \"t\"\n  \"workload\": {}\n}") ==
        std::vector<std::string>{"specs/x.json:3:3: expected ',' or '}' after object member"});
}

TEST_CASE("the example spec is valid and normalized with defaults") {
  auto r = ParseSpec(scenarios::testing::kGoodSpec, "specs/good.json", TestRegistry());
  REQUIRE(r.ok());
  const scenarios::Spec& s = r.value();
  CHECK(s.name == "kernel_reserve");
  CHECK(s.workload == "demo.reserve");
  CHECK(s.checkers == std::vector<std::string>{"demo.no_overbooking", "kv.linearizable"});
  REQUIRE(s.expect.has_value());
  CHECK(s.expect->verdict == "invalid");
  CHECK(s.expect->checker == "kv.linearizable");
  CHECK(s.expect->seeds_max == 200);
  const auto& n = s.normalized;
  CHECK(n["variants"]["order.token_check"] == "lua");
  CHECK(n["variants"]["lock.stage"] == "6");  // default filled in
  CHECK(n["workload"]["params"]["clients"] == nlohmann::json::array({2, 8}));
  CHECK(n["workload"]["params"]["mode"] == "write");
  CHECK(n["faults"]["timeline"][1]["on"]["count"] == 3);
  CHECK(n["checkers"][0]["budget_ms"] == 60000);
  CHECK(n["checkers"][1]["keys_max"] == 10);
  CHECK(n["catalog"]["anything"].is_null());  // the catalog is free-form
  // Ranges to resolve: the spec's and the registry defaults'.
  std::vector<std::string> pointers;
  for (const auto& slot : s.ranges) pointers.push_back(slot.pointer);
  CHECK(pointers == std::vector<std::string>{"/workload/params/clients", "/workload/params/batch",
                                             "/faults/timeline/1/params/restart_after_ms"});
}

TEST_CASE("LoadSpec reads a file and names it in errors") {
  const auto dir = std::filesystem::temp_directory_path() / "mallsim_spec_test";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "bad.json").string();
  {
    std::ofstream out(path);
    out << "{\n  \"name\": \"t\",\n  \"workload\": {\"name\": \"nope\"}\n}\n";
  }
  auto r = scenarios::LoadSpec(path, TestRegistry());
  REQUIRE_FALSE(r.ok());
  CHECK(r.ErrorText() == path +
                             ":3: /workload/name: unknown workload 'nope' (allowed: "
                             "demo.reserve, kv.register)\n");
  auto missing = scenarios::LoadSpec((dir / "absent.json").string(), TestRegistry());
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.errors()[0].ToString() ==
        (dir / "absent.json").string() + ": cannot open the spec file");
  std::filesystem::remove_all(dir);
}

TEST_CASE("closest names: typos and truncations, nothing far away") {
  CHECK(scenarios::EditDistance("lau", "lua") == 1);
  CHECK(scenarios::EditDistance("fautls", "faults") == 1);
  CHECK(scenarios::EditDistance("", "abc") == 3);
  CHECK(scenarios::ClosestName("crsh", {"clog", "crash"}) == "crash");
  CHECK(scenarios::ClosestName("chaos", {"chaos_ms", "heal_ms"}) == "chaos_ms");
  CHECK(scenarios::ClosestName("zzz", {"clog", "crash"}).empty());
  CHECK(scenarios::ClosestName("crash", {"crash"}).empty());  // exact is not a suggestion
}

TEST_CASE("validation never throws and always locates its errors, whatever the text") {
  const std::string base = scenarios::testing::kGoodSpec;
  rc::prop("mutated specs give a spec or located errors", [&] {
    std::string text = base;
    const int edits = *rc::gen::inRange(1, 6);
    for (int i = 0; i < edits; ++i) {
      // Edits that keep the JSON well-formed more often than not, so validation gets exercised.
      const size_t at = *rc::gen::inRange<size_t>(0, text.size());
      const char c = *rc::gen::element('0', '1', '9', '-', 'a', 'x', '_', '.', '"', ',', '[', ']');
      if (*rc::gen::arbitrary<bool>()) {
        text[at] = c;
      } else {
        text.erase(at, 1);
      }
    }
    auto r = ParseSpec(text, "specs/m.json", TestRegistry());
    if (!r.ok()) {
      for (const auto& e : r.errors()) {
        RC_ASSERT(e.file == "specs/m.json");
        RC_ASSERT(e.line >= 1);
        RC_ASSERT(!e.message.empty());
      }
      return;
    }
    RC_TAG("valid after edits");
    auto resolved = scenarios::ResolveSpec(r.value(), 1);
    RC_ASSERT(resolved.ok());
  });
}

TEST_CASE("the registry self-check passes the test registry and names each inconsistency") {
  CHECK(scenarios::CheckRegistryInfo(TestRegistry()).empty());
  scenarios::RegistryInfo bad = TestRegistry();
  bad.workloads[0].params[0].default_value = 0;         // clients in [1, 1000]
  bad.workloads[0].params[2].default_value = "append";  // mode: write|read
  bad.faults[1].params[1].default_value = nlohmann::json::array({1000, 100});  // reversed
  bad.checkers.push_back(bad.checkers[0]);
  bad.variants[0].default_value = "lau";
  CHECK(scenarios::CheckRegistryInfo(bad) ==
        std::vector<std::string>{
            "workload 'demo.reserve' parameter 'clients': default 0 is not an integer or [min, "
            "max] range in [1, 1000]",
            "workload 'demo.reserve' parameter 'mode': default \"append\" is not among the "
            "allowed values",
            "fault 'crash' parameter 'restart_after_ms': default [1000,100] is not an integer or "
            "[min, max] range in [0, 60000]",
            "checker 'stock.no_oversell' is registered twice",
            "variant 'order.token_check': default 'lau' is not among its values"});
}
