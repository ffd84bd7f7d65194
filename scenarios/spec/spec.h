#pragma once
// A scenario spec as loaded from a file: validated against the format and the registry, with
// every default filled in but every [min, max] range still open. ResolveSpec (resolve.h) turns
// it into concrete values for one seed.
//
// Errors are collected, not stopped at: a spec with three mistakes reports three lines, sorted
// by line, each naming the file, the line, the JSON pointer and the allowed values.

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/spec/json_loc.h"
#include "scenarios/spec/registry_info.h"
#include "scenarios/spec/spec_error.h"
#include "scenarios/spec/validator.h"

namespace scenarios {

struct Expect {
  std::string verdict;  // "valid" or "invalid"
  std::string checker;  // "" when any checker may give the verdict
  int64_t seeds_max = 0;
};

struct Spec {
  std::string file;  // the name errors and reports use
  std::string name;
  std::string description;
  std::string workload;               // the workload's registered name
  std::vector<std::string> checkers;  // in spec order
  std::optional<Expect> expect;

  nlohmann::json document;  // exactly as written
  JsonLocations locations;  // where each value of `document` starts
  // `document` with every default filled in: every registered variant, every parameter of the
  // workload, faults and checkers, the phases and limits. Ranges are still [min, max] arrays.
  nlohmann::json normalized;
  std::vector<RangeSlot> ranges;  // the values a seed picks
  // Kept so that overrides can be validated at resolution time against the same names.
  std::shared_ptr<const RegistryInfo> registry;
};

// Parses and validates spec text; `display_name` is what messages call the file.
SpecResult<Spec> ParseSpec(std::string_view text, std::string_view display_name,
                           const RegistryInfo& registry);

// Reads `path` and parses it; messages use `path` as given.
SpecResult<Spec> LoadSpec(const std::string& path, const RegistryInfo& registry);

}  // namespace scenarios
