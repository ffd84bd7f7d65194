#pragma once
// The ware service's per-incarnation state shared by its handlers (ware_*.cc).

#include <set>
#include <string>

#include "models/mall/mall_protocol.h"
#include "models/mall/mall_tables.h"
#include "models/mall/service_kit.h"
#include "models/mall/ware_service.h"

namespace models::mall {

struct WareState {
  WareState(sim::Env e, WareServiceConfig c)
      : config(c), kit(e, c.db, c.broker, c.options, kWareMessageTable, c.redis) {
    kit.tc = c.tc;
  }
  WareServiceConfig config;
  ServiceKit kit;
  std::set<std::string> locking;  // order sns with a lock call in progress (D-15)
};

sim::Task<sim::Result<int64_t>> HandleLock(WareState* st, LockRequest r);
// One lock attempt: the work order, its details and the stock.locked message in one transaction
// (or per statement with LockTxn::kPerItem).
sim::Task<sim::Result<int64_t>> LockOnce(WareState* st, LockRequest r);
sim::Task<sim::Result<int64_t>> HandleDeduct(WareState* st, DeductRequest r);
sim::Task<sim::Result<int64_t>> HandleIntake(WareState* st, IntakeRequest r);
sim::Task<void> ReleaseListener(WareState* st);
// D-7 rung 1 (SagaOptions::compensation == kScan): the scheduled unlock job, forever.
sim::Task<void> UnlockScanJob(WareState* st);

// Trace of a committed detail transition.
void TraceDetail(WareState* st, const db::Row& detail, const std::string& sn, int64_t from,
                 int64_t to, const std::string& msg);

}  // namespace models::mall
