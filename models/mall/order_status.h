#pragma once
// oms_order.status values (gulimall-real.md §5.1), shared by the saga's services and the
// merchant side of payment.

#include <cstdint>

namespace models::mall {

inline constexpr int64_t kOrderCreated = 0;
inline constexpr int64_t kOrderPaid = 1;
inline constexpr int64_t kOrderCancelled = 4;

}  // namespace models::mall
