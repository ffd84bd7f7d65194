#include "test_registry.h"

namespace scenarios::testing {
namespace {

ParamSpec P(std::string name, ParamType type, int64_t min, int64_t max, nlohmann::json def,
            bool rangeable = true) {
  ParamSpec p;
  p.name = std::move(name);
  p.type = type;
  p.min = min;
  p.max = max;
  p.default_value = std::move(def);
  p.doc = "test parameter";
  p.rangeable = rangeable;
  return p;
}

ParamSpec Enum(std::string name, std::vector<std::string> allowed, nlohmann::json def) {
  ParamSpec p = P(std::move(name), ParamType::kEnum, 0, 0, std::move(def), false);
  p.allowed = std::move(allowed);
  return p;
}

ParamSpec Nodes(std::string name, nlohmann::json def) {
  return P(std::move(name), ParamType::kNodeList, 0, 0, std::move(def), false);
}

}  // namespace

RegistryInfo TestRegistry() {
  RegistryInfo r;
  r.node_kinds = {"service", "client", "redis", "mysql", "rabbitmq"};
  r.workloads = {
      {"demo.reserve",
       "clients reserve stock",
       {P("clients", ParamType::kInt, 1, 1000, 4),
        P("think_ms", ParamType::kDurationMs, 0, 60000, nullptr),
        Enum("mode", {"write", "read"}, "write"),
        P("verbose", ParamType::kBool, 0, 0, false, false),
        P("label", ParamType::kString, 0, 0, "demo", false),
        Nodes("hot_nodes", nlohmann::json::array()),
        P("retry_pm", ParamType::kPerMille, 0, 1000, 0),
        P("batch", ParamType::kInt, 1, 64, nlohmann::json::array({1, 8}))}},
      {"kv.register", "a register per key", {P("keys", ParamType::kInt, 1, 100, 3)}},
  };
  r.faults = {
      {"partition",
       "split the network",
       {Enum("mode", {"isolate", "halves", "bridge"}, "isolate"), Nodes("nodes", nullptr)}},
      {"crash",
       "crash and restart nodes",
       {Nodes("nodes", nullptr), P("restart_after_ms", ParamType::kDurationMs, 0, 60000,
                                   nlohmann::json::array({100, 1000}))}},
      {"clog",
       "drop messages",
       {Nodes("nodes", nullptr), P("drop_pm", ParamType::kPerMille, 0, 1000, 1000)}},
      {"clock.skew", "skew a clock", {P("skew_ms", ParamType::kDurationMs, 0, 10000, 100)}},
  };
  r.checkers = {
      {"stock.no_oversell", "stock never negative", {}},
      {"kv.linearizable",
       "Knossos-style search",
       {P("keys_max", ParamType::kInt, 1, 1000, 10, false)}},
      {"demo.no_overbooking", "no double booking", {}},
  };
  r.variants = {
      {"order.token_check", {"delete_after", "get_then_del", "lua"}, "lua", "token check"},
      {"ware.release_on_order_cancel", {"false", "true"}, "true", "release on cancel"},
      {"lock.stage", {"1", "2", "3", "4", "5", "6"}, "6", "lock ladder"},
  };
  return r;
}

const char* const kGoodSpec = R"({
  "name": "kernel_reserve",
  "description": "free text",
  "topology": {"nodes": [{"name": "stock", "kind": "service"}, {"name": "client1", "kind": "client"}]},
  "catalog": {"skus": [{"id": 1, "stock": 10}], "anything": null},
  "variants": {"order.token_check": "lua"},
  "workload": {"name": "demo.reserve", "params": {"clients": [2, 8], "think_ms": 100}},
  "faults": {
    "schedule": "scripted",
    "timeline": [{"at_ms": 1000, "fault": "partition", "params": {"mode": "isolate", "nodes": ["stock"]}, "duration_ms": 500},
                 {"on": {"event": "stock.reserved", "node": "stock", "count": 3}, "fault": "crash", "params": {"nodes": ["stock"]}}]
  },
  "phases": {"chaos_ms": 5000, "heal_ms": 500, "converge_ms_max": 10000},
  "limits": {"events_max": 50000000, "virtual_time_ms_max": 3600000},
  "checkers": ["demo.no_overbooking", {"name": "kv.linearizable", "budget_ms": 2000}],
  "expect": {"verdict": "invalid", "checker": "kv.linearizable", "seeds_max": 200}
}
)";

}  // namespace scenarios::testing
