#pragma once
// A self-check of a RegistryInfo table: the validator trusts the registry (its defaults are
// filled in unchecked, a default range is asserted to be a valid pair), so a test of the real
// registry should call this and expect no problems.

#include <string>
#include <vector>

#include "scenarios/spec/registry_info.h"

namespace scenarios {

// One line per problem, e.g. "workload 'demo.reserve' parameter 'clients': default 0 is
// outside [1, 1000]". Empty when the registry is consistent.
std::vector<std::string> CheckRegistryInfo(const RegistryInfo& registry);

}  // namespace scenarios
