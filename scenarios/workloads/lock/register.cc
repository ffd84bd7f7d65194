#include "scenarios/workloads/lock/register.h"

#include "scenarios/registry.h"

namespace scenarios {

void RegisterLock(Registry& registry) { (void)registry; }

}  // namespace scenarios
