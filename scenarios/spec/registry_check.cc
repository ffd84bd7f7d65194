#include "scenarios/spec/registry_check.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace scenarios {
namespace {

bool InBounds(const nlohmann::json& v, const ParamSpec& p) {
  if (!v.is_number_integer()) return false;
  if (v.is_number_unsigned() && v.get<uint64_t>() > uint64_t{INT64_MAX}) return false;
  return v.get<int64_t>() >= p.min && v.get<int64_t>() <= p.max;
}

// "" when the default suits the parameter's type, else what is wrong with it.
std::string DefaultProblem(const ParamSpec& p) {
  const nlohmann::json& d = p.default_value;
  if (d.is_null()) return "";  // required
  switch (p.type) {
    case ParamType::kInt:
    case ParamType::kDurationMs:
    case ParamType::kPerMille: {
      if (p.min > p.max) return fmt::format("min {} > max {}", p.min, p.max);
      if (p.type == ParamType::kPerMille && (p.min < 0 || p.max > 1000)) {
        return "per-mille bounds outside [0, 1000]";
      }
      if (InBounds(d, p)) return "";
      const bool range = p.rangeable && d.is_array() && d.size() == 2 && InBounds(d[0], p) &&
                         InBounds(d[1], p) && d[0].get<int64_t>() <= d[1].get<int64_t>();
      if (range) return "";
      return fmt::format("default {} is not an integer or {}range in [{}, {}]", d.dump(),
                         p.rangeable ? "[min, max] " : "", p.min, p.max);
    }
    case ParamType::kBool: return d.is_boolean() ? "" : "default is not true or false";
    case ParamType::kString: return d.is_string() ? "" : "default is not a string";
    case ParamType::kEnum:
      if (p.allowed.empty()) return "no allowed values";
      if (d.is_string() &&
          std::find(p.allowed.begin(), p.allowed.end(), d.get<std::string>()) != p.allowed.end()) {
        return "";
      }
      return fmt::format("default {} is not among the allowed values", d.dump());
    case ParamType::kNodeList:
      if (d.is_array() &&
          std::all_of(d.begin(), d.end(), [](const auto& n) { return n.is_string(); })) {
        return "";
      }
      return "default is not an array of node names";
  }
  return "unknown parameter type";
}

void CheckEntries(const char* noun, const std::vector<EntrySpec>& entries,
                  std::vector<std::string>* problems) {
  std::set<std::string> names;
  for (const EntrySpec& e : entries) {
    if (e.name.empty()) problems->push_back(fmt::format("a {} has an empty name", noun));
    if (!names.insert(e.name).second) {
      problems->push_back(fmt::format("{} '{}' is registered twice", noun, e.name));
    }
    std::set<std::string> params;
    for (const ParamSpec& p : e.params) {
      const std::string who = fmt::format("{} '{}' parameter '{}'", noun, e.name, p.name);
      if (p.name.empty())
        problems->push_back(fmt::format("{} '{}' has an unnamed parameter", noun, e.name));
      if (!params.insert(p.name).second) problems->push_back(who + ": declared twice");
      const std::string problem = DefaultProblem(p);
      if (!problem.empty()) problems->push_back(who + ": " + problem);
    }
  }
}

}  // namespace

std::vector<std::string> CheckRegistryInfo(const RegistryInfo& registry) {
  std::vector<std::string> problems;
  CheckEntries("workload", registry.workloads, &problems);
  CheckEntries("fault", registry.faults, &problems);
  CheckEntries("checker", registry.checkers, &problems);
  std::set<std::string> variants;
  for (const VariantSpec& v : registry.variants) {
    if (!variants.insert(v.name).second) {
      problems.push_back(fmt::format("variant '{}' is registered twice", v.name));
    }
    if (std::find(v.allowed.begin(), v.allowed.end(), v.default_value) == v.allowed.end()) {
      problems.push_back(fmt::format("variant '{}': default '{}' is not among its values", v.name,
                                     v.default_value));
    }
  }
  std::set<std::string> kinds;
  for (const std::string& k : registry.node_kinds) {
    if (!kinds.insert(k).second)
      problems.push_back(fmt::format("node kind '{}' is listed twice", k));
  }
  return problems;
}

}  // namespace scenarios
