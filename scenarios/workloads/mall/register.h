#pragma once
// The registry entries (workloads, checkers, variants) of the mall area; called by Build() in
// scenarios/registry.cc, so the registry stays one explicit table assembled in one place.

namespace scenarios {
struct Registry;
void RegisterMall(Registry& registry);
}  // namespace scenarios
