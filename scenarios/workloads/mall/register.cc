#include "scenarios/workloads/mall/register.h"

#include "scenarios/registry.h"

namespace scenarios {

// Each part of the mall registers its own entries: the order/stock saga and the payment side.
void RegisterMallSaga(Registry& registry);
void RegisterMallPayment(Registry& registry);

void RegisterMall(Registry& registry) {
  RegisterMallSaga(registry);
  RegisterMallPayment(registry);
}

}  // namespace scenarios
