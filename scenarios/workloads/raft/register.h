#pragma once
// The registry entries (workloads, checkers, variants) of the raft area; called by Build() in
// scenarios/registry.cc, so the registry stays one explicit table assembled in one place.

namespace scenarios {
struct Registry;
void RegisterRaft(Registry& registry);
}  // namespace scenarios
