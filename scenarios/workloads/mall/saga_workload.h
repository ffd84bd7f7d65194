#pragma once
// The `mall_order` workload: the order -> stock saga of the mall under its users.
//
// Topology: mysql (DbServer with the mall tables), redis (order tokens), rabbitmq (the
// order/stock event topology), order, ware and member services, alipay (the Alipay model,
// notifying the order service), and a `users` node running one task per user plus the admin's
// purchase intake (never a fault target).
// A user thinks, opens the confirm page (token), submits (sometimes double-clicking, sometimes
// retrying a submit whose answer was lost, with the same token), then pays after a random
// delay, cancels, or never pays. "pay" is the Alipay flow: the order service's pay page, the
// cashier and the confirm at Alipay, then the return page; the order becomes paid when the
// order service records Alipay's notify (or finds the trade paid by a query), and its stock is
// then deducted. The payment.* variants of mall_payment apply to this merchant side too.
// History ops: confirm, submit {token, member, lines} -> {sn, order_id, amount}, pay {order_sn,
// amount}, cancel {order_sn}, intake {request_id, sku, ware, n}.
// Snapshot: config, the tables (oms_order, oms_order_item, wms_ware_sku, initial stock,
// tasks, details, mq_message), queues (ready, unacked, consumers), per-message fates (counts
// of each broker lifecycle step), the declared topology and publish list, and the services'
// white-box events in trace order (order.*, ware.*, saga.*; payment.order_paid filed as the
// order.status move it is).
// Checkers: saga_checkers.h.

#include <memory>

#include "scenarios/workload.h"
#include "sim/history.h"
#include "sim/time.h"

namespace scenarios {

std::unique_ptr<Workload> MakeMallOrderWorkload();

// Submits that succeeded in `history`, per second of `chaos` (the throughput D-6 rung 5
// compares: seata_hot_sku in mall_bench and the saga spec test).
double CommittedSubmitsPerSecond(const sim::History& history, sim::Duration chaos);

}  // namespace scenarios
