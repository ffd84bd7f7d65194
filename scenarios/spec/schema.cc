#include "scenarios/spec/schema.h"

#include <algorithm>
#include <string>
#include <vector>

#include "scenarios/spec/format.h"

namespace scenarios {
namespace {

using nlohmann::json;

std::vector<std::string> Sorted(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> Names(const std::vector<EntrySpec>& entries) {
  std::vector<std::string> names;
  for (const EntrySpec& e : entries) names.push_back(e.name);
  return Sorted(names);
}

json ParamsObject(const std::vector<ParamSpec>& params, bool require) {
  json properties = json::object();
  json required = json::array();
  for (const ParamSpec& p : params) {
    properties[p.name] = ParamSchema(p);
    if (require && p.default_value.is_null()) required.push_back(p.name);
  }
  json out = {{"type", "object"}, {"properties", properties}, {"additionalProperties", false}};
  if (!required.empty()) out["required"] = required;
  return out;
}

// {"if": {name_key: const name}, "then": then} for each entry: the parameters depend on the
// selected name.
json Conditional(const std::string& name_key, const std::string& name, json then) {
  return {{"if", {{"properties", {{name_key, {{"const", name}}}}}, {"required", {name_key}}}},
          {"then", std::move(then)}};
}

json ParamsByName(const std::string& name_key, const std::string& defs_prefix,
                  const std::vector<EntrySpec>& entries) {
  json all_of = json::array();
  for (const EntrySpec& e : entries) {
    json then = {{"properties", {{"params", {{"$ref", "#/$defs/" + defs_prefix + e.name}}}}}};
    const bool has_required = std::any_of(e.params.begin(), e.params.end(), [](const ParamSpec& p) {
      return p.default_value.is_null();
    });
    if (has_required) then["required"] = {"params"};
    all_of.push_back(Conditional(name_key, e.name, then));
  }
  return all_of;
}

json Topology(const RegistryInfo& registry) {
  const json node = {{"type", "object"},
                     {"required", {"name", "kind"}},
                     {"additionalProperties", false},
                     {"properties",
                      {{"name", {{"type", "string"}, {"pattern", format::kNamePattern}}},
                       {"kind", {{"enum", Sorted(registry.node_kinds)}}}}}};
  return {{"type", "object"},
          {"additionalProperties", false},
          {"properties", {{"nodes", {{"type", "array"}, {"items", node}}}}}};
}

json Variants(const RegistryInfo& registry) {
  json properties = json::object();
  for (const VariantSpec& v : registry.variants) {
    properties[v.name] = {
        {"enum", Sorted(v.allowed)}, {"default", v.default_value}, {"description", v.doc}};
  }
  return {{"type", "object"}, {"properties", properties}, {"additionalProperties", false}};
}

json Faults(const RegistryInfo& registry) {
  const std::vector<std::string> faults = Names(registry.faults);
  json swarm_params = json::object();
  for (const std::string& f : faults) swarm_params[f] = {{"$ref", "#/$defs/swarm_params." + f}};
  const json swarm = {
      {"type", "object"},
      {"additionalProperties", false},
      {"properties",
       {{"kinds",
         {{"type", "array"},
          {"minItems", 1},
          {"uniqueItems", true},
          {"items", {{"enum", faults}}}}},
        {"interval_ms", ParamSchema(format::SwarmIntervalParam())},
        {"params",
         {{"type", "object"}, {"properties", swarm_params}, {"additionalProperties", false}}}}}};
  auto schedule_is = [](const char* s) {
    return json{{"required", {"schedule"}}, {"properties", {{"schedule", {{"const", s}}}}}};
  };
  const json all_of = {{{"if", {{"required", {"swarm"}}}}, {"then", schedule_is("swarm")}},
                       {{"if", {{"required", {"timeline"}}}}, {"then", schedule_is("scripted")}},
                       {{"if", schedule_is("scripted")}, {"then", {{"required", {"timeline"}}}}}};
  return {
      {"type", "object"},
      {"additionalProperties", false},
      {"properties",
       {{"schedule", {{"enum", format::kSchedules}, {"default", "none"}}},
        {"swarm", swarm},
        {"timeline",
         {{"type", "array"}, {"minItems", 1}, {"items", {{"$ref", "#/$defs/timeline_entry"}}}}}}},
      {"allOf", all_of}};
}

json TimelineEntry(const RegistryInfo& registry) {
  const json trigger = {{"type", "object"},
                        {"required", {"event"}},
                        {"additionalProperties", false},
                        {"properties",
                         {{"event", {{"type", "string"}, {"minLength", 1}}},
                          {"node", {{"type", "string"}}},
                          {"count", ParamSchema(format::TriggerCountParam())}}}};
  return {{"type", "object"},
          {"required", {"fault"}},
          {"additionalProperties", false},
          {"properties",
           {{"at_ms", ParamSchema(format::TimelineAtParam())},
            {"on", trigger},
            {"fault", {{"enum", Names(registry.faults)}}},
            {"params", {{"type", "object"}}},
            {"duration_ms", ParamSchema(format::TimelineDurationParam())}}},
          {"oneOf", {{{"required", {"at_ms"}}}, {{"required", {"on"}}}}},
          {"allOf", ParamsByName("fault", "fault_params.", registry.faults)}};
}

json CheckerObject(const RegistryInfo& registry) {
  json all_of = json::array();
  for (const EntrySpec& c : registry.checkers) {
    json then = ParamsObject(c.params, true);
    then.erase("additionalProperties");  // unevaluatedProperties below sees through allOf
    if (!then["properties"].contains("budget_ms")) {
      then["properties"]["budget_ms"] = ParamSchema(format::CheckerBudgetParam());
    }
    all_of.push_back(Conditional("name", c.name, then));
  }
  return {{"type", "object"},
          {"required", {"name"}},
          {"properties", {{"name", {{"enum", Names(registry.checkers)}}}}},
          {"allOf", all_of},
          {"unevaluatedProperties", false}};
}

json Defs(const RegistryInfo& registry) {
  json defs = json::object();
  for (const EntrySpec& w : registry.workloads) {
    defs["workload_params." + w.name] = ParamsObject(w.params, true);
  }
  for (const EntrySpec& f : registry.faults) {
    defs["fault_params." + f.name] = ParamsObject(f.params, true);
    defs["swarm_params." + f.name] = ParamsObject(f.params, false);
  }
  defs["timeline_entry"] = TimelineEntry(registry);
  defs["checker_object"] = CheckerObject(registry);
  return defs;
}

}  // namespace

json ParamSchema(const ParamSpec& p) {
  json out;
  switch (p.type) {
    case ParamType::kInt:
    case ParamType::kDurationMs:
    case ParamType::kPerMille: {
      const json number = {{"type", "integer"}, {"minimum", p.min}, {"maximum", p.max}};
      if (p.rangeable) {
        const json range = {{"type", "array"},
                            {"prefixItems", {number, number}},
                            {"items", false},
                            {"minItems", 2}};
        out = {{"anyOf", {number, range}}};
      } else {
        out = number;
      }
      break;
    }
    case ParamType::kBool: out = {{"type", "boolean"}}; break;
    case ParamType::kString: out = {{"type", "string"}}; break;
    case ParamType::kEnum: out = {{"enum", Sorted(p.allowed)}}; break;
    case ParamType::kNodeList:
      out = {{"type", "array"}, {"uniqueItems", true}, {"items", {{"type", "string"}}}};
      break;
  }
  out["description"] = std::string(ParamTypeName(p.type)) + (p.doc.empty() ? "" : ": " + p.doc);
  if (!p.default_value.is_null()) out["default"] = p.default_value;
  return out;
}

json GenerateSchema(const RegistryInfo& registry) {
  const json workload = {
      {"type", "object"},
      {"required", {"name"}},
      {"additionalProperties", false},
      {"properties",
       {{"name", {{"enum", Names(registry.workloads)}}}, {"params", {{"type", "object"}}}}},
      {"allOf", ParamsByName("name", "workload_params.", registry.workloads)}};
  const json checkers = {
      {"type", "array"},
      {"items",
       {{"anyOf", {{{"enum", Names(registry.checkers)}}, {{"$ref", "#/$defs/checker_object"}}}}}}};
  const json expect = {{"type", "object"},
                       {"required", {"verdict"}},
                       {"additionalProperties", false},
                       {"properties",
                        {{"verdict", {{"enum", format::kVerdicts}}},
                         {"checker", {{"enum", Names(registry.checkers)}}},
                         {"seeds_max", ParamSchema(format::SeedsMaxParam())}}}};
  const json properties = {{"name", {{"type", "string"}, {"pattern", format::kNamePattern}}},
                           {"description", {{"type", "string"}}},
                           {"topology", Topology(registry)},
                           {"catalog", {{"type", "object"}}},
                           {"variants", Variants(registry)},
                           {"workload", workload},
                           {"faults", Faults(registry)},
                           {"phases", ParamsObject(format::PhaseParams(), false)},
                           {"limits", ParamsObject(format::LimitParams(), false)},
                           {"checkers", checkers},
                           {"expect", expect}};
  return {{"$schema", "https://json-schema.org/draft/2020-12/schema"},
          {"title", "mallsim scenario spec"},
          {"description", "Generated by scenarios::GenerateSchema from the registry; do not edit."},
          {"type", "object"},
          {"required", {"name", "workload"}},
          {"additionalProperties", false},
          {"properties", properties},
          {"$defs", Defs(registry)}};
}

}  // namespace scenarios
