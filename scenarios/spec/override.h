#pragma once
// `--set key=value` command-line overrides of spec values. The key is a JSON pointer written
// with dots and without the leading slash (`workload.params.clients=4`,
// `phases.chaos_ms=[500,2000]`). Variant and fault names contain dots themselves, so the first
// segment decides how the rest splits: `variants.<variant name>`, and
// `faults.swarm.params.<fault name>.<param>` where the fault name is matched against the
// registry. The value is JSON when it parses as JSON, else a string (`...token_check=lua`).

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "scenarios/spec/registry_info.h"
#include "scenarios/spec/spec_error.h"
#include "scenarios/spec/validator.h"

namespace scenarios {

struct Override {
  std::string argument;  // as given, e.g. "workload.params.clients=4"
  std::string pointer;   // "/workload/params/clients"
  nlohmann::json value;
};

// The name errors use for an override: "--set workload.params.clients=4".
std::string OverrideDisplayName(const std::string& argument);

SpecResult<Override> ParseOverride(const std::string& argument, const RegistryInfo& registry);

// Writes the override into `document`, creating missing objects on the way. Fails when the
// path runs through a value that is not an object, or past the end of an array. The origin's
// pointer is the outermost value the override created or replaced.
SpecResult<OverrideOrigin> ApplyOverride(const Override& o, nlohmann::json* document);

}  // namespace scenarios
