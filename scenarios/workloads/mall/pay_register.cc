// The registry entries of the mall's pay part (see register.cc).
#include "scenarios/registry.h"

namespace scenarios {

void RegisterMallPayment(Registry& registry) { (void)registry; }

}  // namespace scenarios
