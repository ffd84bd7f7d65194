#include "scenarios/workloads/raft/register.h"

#include "scenarios/registry.h"

namespace scenarios {

void RegisterRaft(Registry& registry) { (void)registry; }

}  // namespace scenarios
