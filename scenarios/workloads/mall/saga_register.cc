// The registry entries of the mall's saga part (see register.cc).
#include "scenarios/registry.h"

namespace scenarios {

void RegisterMallSaga(Registry& registry) { (void)registry; }

}  // namespace scenarios
