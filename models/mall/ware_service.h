#pragma once
// The ware service (mall-ware): the stock lock with a work order (wms_ware_order_task + details),
// the stock.locked delay message, the release listener on stock.release.stock.queue (both the
// StockLockedTo and the OrderTo handlers), the deduction on payment and the purchase intake.
//
// Fidelity contract.
// Models: WareSkuServiceImpl#orderLockStock / #unlockStock / StockReleaseListener of
//   gulimall-real.md §6.1-§6.2 and catalog §3.2-§3.5, with the variants of mall_options.h
//   (D-7 unlock evolution incl. errata B-1, B-2, B-4, B-6; F-18 publish timing; INV-S8 lock
//   transaction; D-15 lock idempotency; D-8 ack mode and reliable publishing). Warehouses are
//   tried in wms_ware_sku primary-key order; the lock is the guarded
//   `UPDATE wms_ware_sku SET stock_locked = stock_locked + n WHERE id=? AND stock - stock_locked >= n`.
// Guarantees (default design): a lock is all or nothing (one transaction); one work order per
//   order sn; the message of a committed lock reaches the broker (outbox); an unlock happens
//   only when the order is cancelled or absent and is the atomic
//   `UPDATE detail SET lock_status=2 WHERE id=? AND lock_status=1` followed by the decrement in
//   the same transaction; the deduction is the same guard with 1 -> 3.
// Faults: crash (in-flight transactions roll back; unacked deliveries are redelivered),
//   partitions and loss towards db, broker and order (the status call fails: requeue).
// Trace: ware.lock {sn, task, ok}, ware.detail {detail, sn, sku, ware, num, from, to, msg}.
// Intake dedup: the request id is written to wms.mq_message (status 3) in the same transaction
//   as the stock add (a dedup table in the same DB, 003:371-377); the catalog has no wms dedup
//   table, so this borrows the oms one (the model's single DB server hosts both schemas).
// D-7 rung 1 (compensation kScan): no stock.locked message; `unlock_scanners` cron jobs (one per
//   ware instance, all firing at each multiple of unlock_scan) hand the work orders older than
//   stock_ttl with locked details to the delay path's rule.
// D-6 rung 5 (compensation kSeataAt): no stock.locked message; a lock carrying an xid runs
//   through Seata's RM proxy as a branch (undone by the TC when the global transaction rolls
//   back), and the unlock and the deduction take @GlobalLock (SagaOptions::seata_global_lock).
// Not modelled: the has-stock query, fares.

#include "models/mall/mall_options.h"
#include "sim/env.h"

namespace models::mall {

struct WareServiceConfig {
  sim::Endpoint db;
  sim::Endpoint broker;
  sim::NodeId order = 0;
  // Redis for the D-15 schemes that use it (ware.lock_idempotency request_id_redis, lock_flag*).
  sim::Endpoint redis;
  SagaOptions options;
  int64_t listener_consumers = 2;
  sim::NodeId tc = 0;  // Seata's TC when SagaOptions::compensation is kSeataAt
};

void BootWareService(sim::Env env, WareServiceConfig config);

}  // namespace models::mall
