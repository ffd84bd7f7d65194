#pragma once
// The one explicit registry of workloads, faults, checkers and variants (no self-registration
// through static initialisers). Everything a spec can name is listed here with its
// parameters; the spec validator, `mallsim list` and the JSON Schema are all generated from
// this table.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "checkers/checker.h"
#include "scenarios/spec/registry_info.h"
#include "scenarios/workload.h"

namespace scenarios {

// Typed parameter declarations for registry entries (every area's register file uses these).
namespace params {
inline ParamSpec Int(std::string name, int64_t min, int64_t max, int64_t def, std::string doc) {
  return ParamSpec{std::move(name), ParamType::kInt, min, max, {}, def, std::move(doc), true};
}
inline ParamSpec Ms(std::string name, int64_t min, int64_t max, int64_t def, std::string doc) {
  return ParamSpec{std::move(name), ParamType::kDurationMs, min, max, {}, def, std::move(doc), true};
}
inline ParamSpec PerMille(std::string name, int64_t def, std::string doc) {
  return ParamSpec{std::move(name), ParamType::kPerMille, 0, 1000, {}, def, std::move(doc), true};
}
}  // namespace params

struct WorkloadEntry {
  EntrySpec info;
  std::function<std::unique_ptr<Workload>()> make;
};

struct CheckerEntry {
  EntrySpec info;
  std::function<std::unique_ptr<checkers::Checker>()> make;
};

struct Registry {
  std::vector<WorkloadEntry> workloads;
  std::vector<CheckerEntry> checkers;
  std::vector<EntrySpec> faults;  // built by faults::AllFaultKinds()
  std::vector<VariantSpec> variants;

  const WorkloadEntry* FindWorkload(const std::string& name) const;
  const CheckerEntry* FindChecker(const std::string& name) const;
  const VariantSpec* FindVariant(const std::string& name) const;
  RegistryInfo Describe() const;
};

const Registry& DefaultRegistry();

}  // namespace scenarios
