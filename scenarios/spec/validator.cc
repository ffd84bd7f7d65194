#include "scenarios/spec/validator.h"

#include <fmt/format.h>

#include <algorithm>

#include "scenarios/spec/format.h"
#include "scenarios/spec/names.h"
#include "scenarios/spec/validator_impl.h"

namespace scenarios {

ErrorLocator::ErrorLocator(std::string file, const JsonLocations* locations,
                           std::vector<OverrideOrigin> overrides)
    : file_(std::move(file)), locations_(locations), overrides_(std::move(overrides)) {}

SpecError ErrorLocator::Make(const std::string& pointer, bool at_key, std::string message) const {
  // The last override that wrote this value or one of its ancestors is the one to blame.
  for (auto it = overrides_.rbegin(); it != overrides_.rend(); ++it) {
    const std::string& p = it->pointer;
    if (pointer == p || (pointer.size() > p.size() && pointer.compare(0, p.size(), p) == 0 &&
                         pointer[p.size()] == '/')) {
      return SpecError{it->argument, 0, 0, pointer, std::move(message), false};
    }
  }
  SourcePos pos;
  if (locations_ != nullptr) {
    std::string p = pointer;
    for (size_t depth = 0; depth <= pointer.size(); ++depth) {  // bounded by the pointer length
      const auto found = locations_->find(p);
      if (found != locations_->end()) {
        pos = at_key && found->second.key.line > 0 ? found->second.key : found->second.value;
        break;
      }
      if (p.empty()) break;
      p = ParentPointer(p);
    }
  }
  return SpecError{file_, pos.line, pos.column, pointer, std::move(message), false};
}

namespace detail {
namespace {

std::vector<std::string> SortedNames(const std::vector<EntrySpec>& entries) {
  std::vector<std::string> names;
  for (const EntrySpec& e : entries) names.push_back(e.name);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

Validator::Validator(const ErrorLocator& locator, const RegistryInfo& registry)
    : locator_(locator), registry_(registry) {
  workload_names_ = SortedNames(registry.workloads);
  fault_names_ = SortedNames(registry.faults);
  checker_names_ = SortedNames(registry.checkers);
  for (const VariantSpec& v : registry.variants) variant_names_.push_back(v.name);
  std::sort(variant_names_.begin(), variant_names_.end());
  node_kinds_ = registry.node_kinds;
  std::sort(node_kinds_.begin(), node_kinds_.end());
}

void Validator::Run(const json& doc) {
  if (!CheckObject(doc, "", format::kTopLevelKeys)) return;
  const json& name = Member(doc, "name");
  if (name.is_null()) {
    Error("", "missing required key 'name'");
  } else if (!name.is_string() || !format::IsName(name.get<std::string>())) {
    Error("/name",
          "expected a name of lower-case letters, digits and '_', got " + DescribeJson(name));
  }
  normalized["name"] = name;
  const json& description = Member(doc, "description");
  if (!description.is_null()) CheckString(description, "/description");
  normalized["description"] = description.is_null() ? json("") : description;
  // The topology comes first: node-list parameters elsewhere are checked against it.
  CheckTopology(Member(doc, "topology"));
  const json& catalog = Member(doc, "catalog");
  ObjectOrAbsent(catalog, "/catalog");
  normalized["catalog"] = catalog.is_null() ? json::object() : catalog;
  CheckVariants(Member(doc, "variants"));
  CheckWorkload(Member(doc, "workload"));
  CheckFaults(Member(doc, "faults"));
  const json& phases = Member(doc, "phases");
  if (ObjectOrAbsent(phases, "/phases")) {
    normalized["phases"] = Params(phases, "/phases", format::PhaseParams(), {});
  }
  const json& limits = Member(doc, "limits");
  if (ObjectOrAbsent(limits, "/limits")) {
    normalized["limits"] = Params(limits, "/limits", format::LimitParams(), {});
  }
  CheckCheckers(Member(doc, "checkers"));
  CheckExpect(Member(doc, "expect"));
}

void Validator::CheckTopology(const json& v) {
  json nodes_out = json::array();
  if (!v.is_null() && CheckObject(v, "/topology", format::kTopologyKeys)) {
    const json& nodes = Member(v, "nodes");
    if (!nodes.is_null() && CheckArray(nodes, "/topology/nodes")) {
      for (size_t i = 0; i < nodes.size(); ++i) {
        const std::string ptr = ChildPointer("/topology/nodes", i);
        if (!CheckObject(nodes[i], ptr, format::kNodeKeys)) continue;
        const json& name = Member(nodes[i], "name");
        const json& kind = Member(nodes[i], "kind");
        if (name.is_null()) Error(ptr, "missing required key 'name'");
        if (kind.is_null()) Error(ptr, "missing required key 'kind'");
        if (!kind.is_null()) Registered(kind, ptr + "/kind", "node kind", node_kinds_);
        if (name.is_null()) continue;
        if (!name.is_string() || !format::IsName(name.get<std::string>())) {
          Error(ptr + "/name", "expected a node name of lower-case letters, digits and '_', got " +
                                   DescribeJson(name));
          continue;
        }
        const std::string n = name.get<std::string>();
        if (Contains(node_names_, n)) {
          Error(ptr + "/name", fmt::format("duplicate node '{}'", n));
          continue;
        }
        node_names_.push_back(n);
        nodes_out.push_back(nodes[i]);
      }
    }
  }
  std::sort(node_names_.begin(), node_names_.end());
  normalized["topology"] = json{{"nodes", nodes_out}};
}

void Validator::CheckVariants(const json& v) {
  json out = json::object();
  for (const VariantSpec& spec : registry_.variants) out[spec.name] = spec.default_value;
  ObjectOrAbsent(v, "/variants");
  if (v.is_object()) {
    for (const auto& [key, value] : v.items()) {
      const std::string ptr = ChildPointer("/variants", key);
      const auto spec = std::find_if(registry_.variants.begin(), registry_.variants.end(),
                                     [&](const VariantSpec& s) { return s.name == key; });
      if (spec == registry_.variants.end()) {
        KeyError(ptr, fmt::format("unknown variant '{}' at {} {}", key, ptr,
                                  AllowedSuffix(key, variant_names_)));
        continue;
      }
      std::vector<std::string> allowed = spec->allowed;
      std::sort(allowed.begin(), allowed.end());
      if (!value.is_string()) {
        Error(ptr, fmt::format("expected a string (allowed: {}), got {}", JoinNames(allowed),
                               DescribeJson(value)));
      } else if (!Contains(allowed, value.get<std::string>())) {
        const std::string s = value.get<std::string>();
        Error(ptr, fmt::format("unknown value '{}' {}", s, AllowedSuffix(s, allowed)));
      } else {
        out[key] = value;
      }
    }
  }
  normalized["variants"] = out;
}

void Validator::CheckWorkload(const json& v) {
  if (v.is_null()) {
    Error("", "missing required key 'workload'");
    return;
  }
  if (!CheckObject(v, "/workload", format::kWorkloadKeys)) return;
  const json& name = Member(v, "name");
  const json& params = Member(v, "params");
  const bool params_ok = ObjectOrAbsent(params, "/workload/params");
  if (name.is_null()) {
    Error("/workload", "missing required key 'name'");
    return;
  }
  const std::string n = Registered(name, "/workload/name", "workload", workload_names_);
  const EntrySpec* entry = FindEntry(registry_.workloads, n);
  if (entry == nullptr || !params_ok) return;
  ParamOwner owner{"workload '" + n + "'", true, {}};
  normalized["workload"] =
      json{{"name", n}, {"params", Params(params, "/workload/params", entry->params, owner)}};
}

}  // namespace detail

SpecResult<Validated> ValidateDocument(const nlohmann::json& document, const ErrorLocator& locator,
                                       const RegistryInfo& registry) {
  detail::Validator validator(locator, registry);
  validator.Run(document);
  if (!validator.errors.empty()) {
    SortErrors(&validator.errors);
    return std::move(validator.errors);
  }
  return Validated{std::move(validator.normalized), std::move(validator.ranges)};
}

}  // namespace scenarios
