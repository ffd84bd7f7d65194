#pragma once
// The checkers of the order/stock saga (catalog §5.1, §5.2, §5.6), over the `mall_order`
// snapshot (saga_snapshot.h) and history:
//   stock.lock_accounting (INV-S1)   stock_locked = sum of locked details, per (sku, ware)
//   stock.conservation (S2)          stock + deducted = initial + received (intake ok..ok+info)
//   stock.no_oversell (S3)           0 <= stock_locked <= stock; live orders hold their items
//   stock.detail_state_machine (S4)  lock_status moves 1->2 or 1->3 once, 2 and 3 absorb
//   stock.bounded_release (S5)       details of cancelled/absent orders are 2 by the bound
//   stock.no_premature_unlock (S6)   a detail becomes 2 only when its order is cancelled or
//                                    never commits
//   stock.paid_holds_stock (S7)      a paid order has no unlocked detail
//   stock.failed_lock_atomic (S8)    a lock answered "failed" leaves no task or detail
//   saga.eventual_atomicity (D1)     after quiescence: live orders hold exactly their items,
//                                    dead ones hold nothing
//   order.one_per_token (O1)         at most one committed order per token
//   order.state_machine (O2)         0->1 or 0->4, once
//   order.timely_close (O3)          no order left CREATED past its TTL + slack
//   mq.no_silent_loss (M1)           every committed message reaches a queue
//   mq.effect_at_most_once (M2)      a message's effect applies at most once
//   mq.every_delivery_ends (M3)      no poison loop; nothing left ready or unacked
//   mq.topology_routes (M4)          every published (exchange, key) matches a binding

#include <memory>
#include <string>
#include <vector>

#include "checkers/checker.h"
#include "scenarios/registry.h"

namespace scenarios {

std::vector<CheckerEntry> SagaCheckerEntries();
// REQUIRES: `name` is one of the names above.
std::unique_ptr<checkers::Checker> MakeSagaChecker(const std::string& name);

}  // namespace scenarios
