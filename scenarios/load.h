#pragma once
// From a spec file to a runnable configuration: parse and validate the spec against the
// registry, resolve its ranges from the seed (and --set overrides), and translate the result
// into the runner's RunConfig. Errors come back as the validator's list (file, line, key path,
// allowed values); nothing is run when there are any.

#include <string>
#include <variant>
#include <vector>

#include "scenarios/registry.h"
#include "scenarios/runner.h"
#include "scenarios/spec/resolve.h"
#include "scenarios/spec/spec.h"

namespace scenarios {

using LoadResult = std::variant<RunConfig, std::vector<SpecError>>;

// The registry's description, shared by every spec loaded in the process.
const RegistryInfo& DefaultRegistryInfo();

std::variant<Spec, std::vector<SpecError>> LoadSpecFile(const std::string& path);
LoadResult ResolveRunConfig(const Spec& spec, uint64_t seed,
                            const std::vector<std::string>& overrides);
RunConfig ToRunConfig(const ResolvedSpec& r, const std::vector<std::string>& overrides);

}  // namespace scenarios
