// The ware service's lock call under D-15's idempotency schemes (003:333-387); see
// mall_options.h (LockIdempotency) for what each renders and ware_service.h for the service.
//
// The fault every scheme faces is the same: a copy of the lock request (a retrying gateway or
// Feign retryer) arrives alongside the original, in either order. The correct schemes lock the
// order's stock once; kNone and kNginxRequestId lock it twice, and kRequestIdRedis can answer
// success for a lock that never happened.

#include <fmt/format.h>

#include "models/db/db_error.h"
#include "models/mall/mall_tables.h"
#include "models/mall/ware_state.h"

namespace models::mall {

using namespace sim::literals;

namespace {

sim::Error InProgress() { return sim::MakeError(sim::Errc::kConflict, "lock in progress"); }

// The committed work order of `sn`: its id, or kConflict when none is visible yet.
sim::Task<sim::Result<int64_t>> CommittedTask(WareState* st, std::string sn) {
  db::SimSqlClient* sql = AcquireSql(&st->kit);
  db::SelectStmt s{kTaskTable, {{"order_sn", sn}}, db::Guard::True(), false};
  sim::Result<std::vector<db::Row>> tasks = co_await sql->Select(std::move(s));
  ReleaseSql(&st->kit, sql);
  if (!tasks.ok()) co_return tasks.error();
  if (tasks->empty()) co_return InProgress();
  co_return IntAt(tasks->front(), kTaskTable, "id");
}

// 003:379-381 as written: the request id goes into Redis (SET NX) before the work, and a
// request whose id is already there is "not processed again; success is returned directly".
// The mark is not atomic with the work: if the copy holding it fails (no stock, a crash, a
// timeout), the other copy has already answered success, and the order commits holding no stock.
sim::Task<sim::Result<int64_t>> LockRequestIdRedis(WareState* st, LockRequest r) {
  redis::SimRedisClient* rc = AcquireRedis(&st->kit);
  redis::SetOptions nx;
  nx.nx = true;
  nx.ttl = sim::Duration::Hours(24);
  sim::Result<bool> fresh = co_await rc->Set("ware:lock:req:" + r.order_sn, "1", nx);
  ReleaseRedis(&st->kit, rc);
  if (!fresh.ok()) co_return fresh.error();
  if (!*fresh) co_return 0;  // a duplicate: success, without knowing the first copy's fate
  sim::Result<int64_t> out = co_await LockOnce(st, std::move(r));
  co_return out;
}

// 003:361, distributed lock plus flag: under a Redis lock on the order sn (the lock ladder's
// stage 5), the flag (a committed work order) is checked first and the work done only when it
// is absent. The lock is released after the commit, so a copy waiting on it sees the flag.
sim::Task<sim::Result<int64_t>> LockWithFlag(WareState* st, LockRequest r) {
  sim::Result<RedisLockHeld> held = co_await AcquireRedisLock(
      &st->kit, "ware:lock:order:" + r.order_sn, 30_s, st->config.options.rpc_timeout);
  if (!held.ok()) co_return held.error();
  sim::Result<int64_t> out = co_await CommittedTask(st, r.order_sn);
  const bool flag_absent = !out.ok() && out.error().code == sim::Errc::kConflict;
  if (flag_absent) out = co_await LockOnce(st, std::move(r));
  co_await ReleaseRedisLock(&st->kit, *held);
  co_return out;
}

}  // namespace

sim::Task<sim::Result<int64_t>> HandleLock(WareState* st, LockRequest r) {
  const LockIdempotency scheme = st->config.options.lock_idempotency;
  const std::string sn = r.order_sn;
  sim::Result<int64_t> out = sim::MakeError(sim::Errc::kUnavailable, "no scheme");
  if (scheme == LockIdempotency::kRequestIdRedis) {
    out = co_await LockRequestIdRedis(st, std::move(r));
  } else if (scheme == LockIdempotency::kLockFlag) {
    out = co_await LockWithFlag(st, std::move(r));
  } else {
    // The default (one work order per order sn), the unique index, the dedup table (its row is
    // written inside LockOnce's transaction) and none.
    const bool dedupe = scheme == LockIdempotency::kOrderSnCheck;
    if (dedupe) {
      // A duplicate that finds the lock in progress is refused (the caller's first request gets
      // the real answer); one that finds it committed gets it.
      if (st->locking.count(sn) != 0) co_return InProgress();
      db::SimSqlClient* sql = AcquireSql(&st->kit);
      db::SelectStmt s{kTaskTable, {{"order_sn", sn}}, db::Guard::True(), false};
      sim::Result<std::vector<db::Row>> tasks = co_await sql->Select(std::move(s));
      ReleaseSql(&st->kit, sql);
      if (!tasks.ok()) co_return tasks.error();
      if (!tasks->empty()) co_return IntAt(tasks->front(), kTaskTable, "id");
      if (st->locking.count(sn) != 0) co_return InProgress();
      st->locking.insert(sn);
    }
    out = co_await LockOnce(st, std::move(r));
    if (dedupe) st->locking.erase(sn);
    if (scheme == LockIdempotency::kUniqueIndex && !out.ok() &&
        db::ClassifyError(out.error()) == db::DbErrorKind::kDuplicateKey) {
      // 003:365: the duplicate's work-order INSERT failed; answer with the committed work
      // order (or, while that lock is still uncommitted, refuse as the pre-check does).
      out = co_await CommittedTask(st, sn);
    }
  }
  const bool definite = out.ok() || !out.error().Indeterminate();
  st->kit.env.Trace("ware.lock", {{"sn", sn}, {"task", out.ok() ? *out : 0},
                                  {"ok", out.ok() ? 1 : 0}, {"definite", definite ? 1 : 0}});
  co_return out;
}

}  // namespace models::mall
