#pragma once
// mall_payment: the payment side of the mall on its own. Nodes: "db" (the oms tables on a
// DbServer), "order" (the order service's payment duties, pay_order_node.h), "alipay" (the
// Alipay model), buyers "buyer1".."buyerN" and an "attacker". Faults may target db, order and
// alipay (loss and partitions between Alipay and the merchant lose notifies; crashes of the
// order service lose requests in flight).
// Variants: the D-9 ladder, payment.* (pay_register.cc). Checkers: pay_checkers.h.
// Converged when every buyer is done, no order is still CREATED, every notify the merchant has
// answered is settled (acknowledged or out of attempts; one that never got through is settled by
// the query or the bill) and, with reconciliation on, every bill day with a payment has been
// reconciled.

#include <memory>

#include "models/db/mall_catalog.h"
#include "models/mall/payment.h"
#include "scenarios/workload.h"

namespace scenarios {

// The PaymentOptions a run's variants select (the AlipayClientConfig is left to the caller).
models::mall::PaymentOptions PaymentOptionsFromVariants(const RunEnv& env);
// The mall tables' schema variants: payment.info_keys and ware.lock_idempotency=unique_index.
models::db::MallCatalogOptions MallCatalogFromVariants(const RunEnv& env);

std::unique_ptr<Workload> MakePaymentWorkload();

}  // namespace scenarios
