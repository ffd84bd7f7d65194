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
