#pragma once
// The order service of the mall_payment workload, reduced to its payment duties (the order and
// stock saga is SAGA's): it serves the pay page (/payOrder), Alipay's notify (/payed/notify) and
// the return page, runs the close job and the nightly reconciliation job.
//
// The close job is a scan (every close_scan) of CREATED orders older than order_ttl, each closed
// through CloseExpiredOrder (payment.h): in Gulimall the close is the order delay queue; a scan
// keeps this workload standalone and is crash-safe in the same way (the state is in the DB).
// The reconciliation job keeps the last reconciled bill day on the node's disk (synced), and
// reconciles every bill day that has become downloadable, oldest first.
// Each request opens its own DB connection (a pool of one-request connections) and closes it.

#include <cstdint>

#include "models/mall/payment.h"
#include "sim/env.h"

namespace scenarios {

inline constexpr sim::Port kPayNotifyPort = 8080;
inline constexpr sim::Port kPayPagePort = 8081;
inline constexpr sim::Port kPayReturnPort = 8082;

struct PayPageRequest {
  std::string order_sn;
};

struct PayOrderNodeConfig {
  sim::Endpoint db;
  sim::Duration sql_timeout = sim::Duration::Seconds(5);
  models::mall::PaymentOptions payment;
  sim::Duration close_scan = sim::Duration::Seconds(5);
  int64_t bill_day_ms = 86'400'000;
  int64_t bill_ready_after_ms = 36'000'000;
};

void BootPayOrderNode(sim::Env env, PayOrderNodeConfig config);

// The last bill day the node has reconciled (from its disk); -1 when none.
int64_t ReconciledThrough(sim::Disk& disk);

}  // namespace scenarios
