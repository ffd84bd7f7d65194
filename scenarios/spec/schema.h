#pragma once
// A JSON Schema (draft 2020-12) of the spec format with the registry's names as enums, so an
// editor can complete and check spec files. It is generated from the same tables the
// validator uses (format.h and RegistryInfo). It checks shapes, names and bounds; what a
// schema cannot say (node names against the topology, min <= max in a range, expect.checker
// listed in checkers) only the validator checks.

#include <nlohmann/json.hpp>

#include "scenarios/spec/registry_info.h"

namespace scenarios {

nlohmann::json GenerateSchema(const RegistryInfo& registry);

// The schema of one parameter (numbers: an integer in [min, max], or a [min, max] pair when
// rangeable), as used inside GenerateSchema.
nlohmann::json ParamSchema(const ParamSpec& param);

}  // namespace scenarios
