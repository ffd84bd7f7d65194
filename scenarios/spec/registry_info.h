#pragma once
// What the registry tells the spec validator (and `mallsim list`, and the JSON Schema): the
// names of every workload, fault, checker and variant, with their parameters, types, ranges,
// allowed values, defaults and one-line docs. Pure data: the factories that build the things
// live in scenarios/registry.h, and this description is generated from that one table.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace scenarios {

enum class ParamType : uint8_t {
  kInt,         // integer in [min, max]
  kDurationMs,  // integer milliseconds in [min, max]
  kPerMille,    // probability as an integer in [0, 1000] (0.1 % steps), min/max apply
  kBool,
  kString,
  kEnum,        // one of `allowed`
  kNodeList,    // array of node names (checked against the topology)
};

const char* ParamTypeName(ParamType t);

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::kInt;
  int64_t min = 0;
  int64_t max = 0;
  std::vector<std::string> allowed;  // kEnum
  nlohmann::json default_value;      // null: required
  std::string doc;
  // Numbers may be given as [lo, hi]; the seed picks a value in the range (swarm testing).
  bool rangeable = true;
};

struct EntrySpec {
  std::string name;  // e.g. "partition", "demo.reserve", "stock.no_oversell"
  std::string doc;
  std::vector<ParamSpec> params;
};

struct VariantSpec {
  std::string name;                  // e.g. "order.token_check"
  std::vector<std::string> allowed;  // e.g. {"delete_after", "get_then_del", "lua"}
  std::string default_value;         // the correct design
  std::string doc;
};

struct RegistryInfo {
  std::vector<EntrySpec> workloads;
  std::vector<EntrySpec> faults;
  std::vector<EntrySpec> checkers;
  std::vector<VariantSpec> variants;
  std::vector<std::string> node_kinds;  // what a topology may contain, e.g. "service", "redis"
};

}  // namespace scenarios
