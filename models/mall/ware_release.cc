// The ware release listener (StockReleaseListener: the StockLockedTo handler on the delay path
// and the OrderTo handler of order.release.other), the unlock, and D-7 rung 1's scheduled
// unlock job; see ware_service.h.

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <map>

#include "models/mall/feign.h"
#include "models/mall/mall_tables.h"
#include "models/mall/mall_topology.h"
#include "models/mall/ware_state.h"

namespace models::mall {

using namespace sim::literals;

namespace {

enum class Handled : uint8_t { kDone, kRetry };

// Unlocks one detail per the D-7 variant (003:127, 003:145). kRetry on a database error.
sim::Task<Handled> Unlock(WareState* st, db::SqlClient* sql, db::Row d, std::string sn,
                          std::string msg) {
  const SagaOptions& o = st->config.options;
  const int64_t num = IntAt(d, kDetailTable, "sku_num");
  const int64_t read_status = IntAt(d, kDetailTable, "lock_status");
  // The atomic guard checks the status in the UPDATE itself; check-then-act trusts the status
  // read before (B-WARE-1); none checks nothing (F-24).
  if (o.unlock_guard == UnlockGuard::kCheckThenAct && read_status != kDetailLocked) {
    co_return Handled::kDone;
  }
  const db::Guard guard = o.unlock_guard == UnlockGuard::kAtomic
                              ? db::Guard::Cmp("lock_status", db::CmpOp::kEq,
                                               db::Value(kDetailLocked))
                              : db::Guard::True();
  const int64_t delta = o.unlock_sign == UnlockSign::kMinus ? -num : num;  // B-2 / F-64
  sim::Result<void> begin = co_await sql->Begin();
  sim::Result<int64_t> n = begin.ok() ? sim::Result<int64_t>(0) : begin.error();
  if (begin.ok()) {
    db::UpdateStmt mark{kDetailTable, {db::SetClause::Assign("lock_status", kDetailUnlocked)},
                        {{"id", IntAt(d, kDetailTable, "id")}}, guard};
    n = co_await sql->Update(std::move(mark));
  }
  sim::Result<int64_t> m = n;
  if (n.ok() && *n == 1) {
    db::UpdateStmt give{kWareSkuTable, {db::SetClause::Add("stock_locked", delta)},
                        {{"sku_id", IntAt(d, kDetailTable, "sku_id")},
                         {"ware_id", IntAt(d, kDetailTable, "ware_id")}},
                        db::Guard::True()};
    m = co_await sql->Update(std::move(give));
  }
  sim::Result<void> end;
  if (m.ok()) {
    end = co_await sql->Commit();
  } else {
    end = co_await sql->Rollback();
  }
  if (!m.ok() || !end.ok()) co_return Handled::kRetry;
  if (*n == 1) TraceDetail(st, d, sn, read_status, kDetailUnlocked, msg);
  co_return Handled::kDone;
}

// F-18's trusting consumer: unlocks by the payload (sku, ware, num) before looking at the
// detail, so a message of a rolled-back lock frees stock that was never locked.
sim::Task<Handled> UnlockByPayload(WareState* st, db::SqlClient* sql, nlohmann::json j,
                                   std::string msg) {
  sim::Result<void> begin = co_await sql->Begin();
  if (!begin.ok()) co_return Handled::kRetry;
  const int64_t num = j.value("num", int64_t{0});
  db::UpdateStmt give{kWareSkuTable, {db::SetClause::Add("stock_locked", -num)},
                      {{"sku_id", j.value("sku_id", int64_t{0})},
                       {"ware_id", j.value("ware_id", int64_t{0})}},
                      db::Guard::True()};
  sim::Result<int64_t> m = co_await sql->Update(std::move(give));
  const int64_t detail_id = j.value("detail_id", int64_t{0});
  db::UpdateStmt mark{kDetailTable, {db::SetClause::Assign("lock_status", kDetailUnlocked)},
                      {{"id", detail_id}}, db::Guard::True()};
  if (m.ok()) m = co_await sql->Update(std::move(mark));
  sim::Result<void> end;
  if (m.ok()) {
    end = co_await sql->Commit();
  } else {
    end = co_await sql->Rollback();
  }
  if (!m.ok() || !end.ok()) co_return Handled::kRetry;
  const std::string sn = j.value("order_sn", std::string());
  st->kit.env.Trace("ware.payload_unlock", {{"detail", detail_id}, {"sn", sn}, {"num", num},
                                            {"msg", msg}, {"matched", *m}});
  co_return Handled::kDone;
}

// Whether the delay-path rule says unlock: order absent or cancelled (003:117-121), or, in the
// loose rung, anything not paid (F-22). nullopt: ask again later (requeue).
sim::Task<std::optional<bool>> ShouldUnlock(WareState* st, std::string sn) {
  const SagaOptions& o = st->config.options;
  StatusRequest q{sn};
  sim::Result<StatusReply> s = co_await Feign<StatusReply>(
      st->kit.env, sim::Endpoint{st->config.order, kStatusPort}, std::move(q), o.rpc_timeout, 0);
  if (!s.ok()) co_return std::nullopt;  // 003:129-131: throw, reject, requeue
  if (!s->found) {
    if (o.not_found == NotFound::kRequeue) co_return std::nullopt;  // F-23
    co_return true;
  }
  if (s->status == kOrderCancelled) co_return true;
  if (o.unlock_predicate == UnlockPredicate::kUnpaid && s->status == kOrderCreated) co_return true;
  co_return false;
}

sim::Task<Handled> HandleStockLocked(WareState* st, db::SqlClient* sql, nlohmann::json j,
                                     std::string msg) {
  const std::string sn = j.value("order_sn", std::string());
  std::vector<int64_t> ids;
  if (j.contains("detail_ids")) ids = j["detail_ids"].get<std::vector<int64_t>>();
  for (const int64_t id : ids) {
    sim::Result<std::optional<db::Row>> d = co_await sql->Get(kDetailTable, id, false);
    if (!d.ok()) co_return Handled::kRetry;
    if (!d->has_value()) continue;  // the lock rolled back: nothing to unlock (003:123-125)
    const bool guarded = st->config.options.unlock_guard != UnlockGuard::kNone;
    if (guarded && IntAt(**d, kDetailTable, "lock_status") != kDetailLocked) continue;
    std::optional<bool> unlock = co_await ShouldUnlock(st, sn);
    if (!unlock.has_value()) co_return Handled::kRetry;
    if (!*unlock) continue;  // the order lives: ack and do nothing (003:131)
    const Handled h = co_await Unlock(st, sql, **d, sn, msg);
    if (h == Handled::kRetry) co_return h;
  }
  co_return Handled::kDone;
}

// unlock(OrderTo): every detail of the order's work orders still locked (003:187).
sim::Task<Handled> HandleOrderRelease(WareState* st, db::SqlClient* sql, std::string sn,
                                      std::string msg) {
  db::SelectStmt s{kTaskTable, {{"order_sn", sn}}, db::Guard::True(), false};
  sim::Result<std::vector<db::Row>> tasks = co_await sql->Select(std::move(s));
  if (!tasks.ok()) co_return Handled::kRetry;
  for (const db::Row& task : *tasks) {
    db::SelectStmt ds{kDetailTable, {{"task_id", IntAt(task, kTaskTable, "id")}},
                      db::Guard::True(), false};
    sim::Result<std::vector<db::Row>> details = co_await sql->Select(std::move(ds));
    if (!details.ok()) co_return Handled::kRetry;
    for (const db::Row& d : *details) {
      const bool guarded = st->config.options.unlock_guard != UnlockGuard::kNone;
      if (guarded && IntAt(d, kDetailTable, "lock_status") != kDetailLocked) continue;
      const Handled h = co_await Unlock(st, sql, d, sn, msg);
      if (h == Handled::kRetry) co_return h;
    }
  }
  co_return Handled::kDone;
}

// true: done (ack); false: requeue.
sim::Task<bool> HandleRelease(WareState* st, std::string body, std::string msg) {
  const nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded()) co_return true;
  const std::string type = j.value("type", std::string());
  db::SimSqlClient* pooled = AcquireSql(&st->kit);
  std::optional<seata::AtConnection> slot;  // D-6 rung 5: the unlock takes @GlobalLock
  db::SqlClient* sql = SeataWrap(&st->kit, pooled, &slot, "");
  Handled h = Handled::kDone;
  if (type == "stock_locked") {
    h = co_await HandleStockLocked(st, sql, j, msg);
  } else if (type == "detail") {
    std::optional<bool> unlock = co_await ShouldUnlock(st, j.value("order_sn", std::string()));
    if (!unlock.has_value()) {
      h = Handled::kRetry;
    } else if (*unlock) {
      h = co_await UnlockByPayload(st, sql, j, msg);
    }
  } else if (type == "order_release") {
    h = co_await HandleOrderRelease(st, sql, j.value("order_sn", std::string()), msg);
  }
  ReleaseSql(&st->kit, pooled);
  co_return h == Handled::kDone;
}

// One round of the D-7 rung 1 job: the work orders older than stock_ttl with details still
// locked go through the delay path's rule (HandleStockLocked), as if their message had come.
sim::Task<void> ScanOnce(WareState* st) {
  db::SimSqlClient* sql = AcquireSql(&st->kit);
  const int64_t due_ms = Millis(st->kit.env.Now()) - st->config.options.stock_ttl.millis();
  db::SelectStmt locked{kDetailTable, {{"lock_status", kDetailLocked}}, db::Guard::True(), false};
  sim::Result<std::vector<db::Row>> rows = co_await sql->Select(std::move(locked));
  std::map<int64_t, std::vector<int64_t>> by_task;
  if (rows.ok()) {
    for (const db::Row& d : *rows) {
      by_task[IntAt(d, kDetailTable, "task_id")].push_back(IntAt(d, kDetailTable, "id"));
    }
  }
  for (const auto& [task_id, ids] : by_task) {
    sim::Result<std::optional<db::Row>> task = co_await sql->Get(kTaskTable, task_id, false);
    if (!task.ok()) break;  // the database is away: the next round
    if (!task->has_value() || IntAt(**task, kTaskTable, "create_time") > due_ms) continue;
    const nlohmann::json j = {{"order_sn", StrAt(**task, kTaskTable, "order_sn")},
                              {"detail_ids", ids}};
    const Handled h = co_await HandleStockLocked(st, sql, j, fmt::format("scan:{}", task_id));
    if (h == Handled::kRetry) break;
  }
  ReleaseSql(&st->kit, sql);
}

}  // namespace

// A @Scheduled cron job: every instance fires at each multiple of the period (F-49), so a
// dead lock waits up to one period past its stock_ttl (F-50).
sim::Task<void> UnlockScanJob(WareState* st) {
  const int64_t period = st->config.options.unlock_scan.nanos();
  for (;;) {
    const int64_t now = st->kit.env.Now().nanos();
    co_await st->kit.env.Sleep(sim::Duration::Nanos(period - now % period));
    co_await ScanOnce(st);
  }
}

sim::Task<void> ReleaseListener(WareState* st) {
  return ListenLoop(
      &st->kit, kStockReleaseQueue,
      [st](std::string body, std::string msg) { return HandleRelease(st, body, msg); },
      sim::Duration::Zero());
}

}  // namespace models::mall
