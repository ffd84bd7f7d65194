#pragma once
// A small registry for the spec tests: two workloads, four faults (one with a dotted name),
// three checkers and three variants, with every parameter type represented.

#include "scenarios/spec/registry_info.h"

namespace scenarios::testing {

RegistryInfo TestRegistry();

// A valid spec using most of the format (the example of the format description), for
// "specs/good.json".
extern const char* const kGoodSpec;

}  // namespace scenarios::testing
