// The ware service's lock, deduction, intake and boot; see ware_service.h.

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "models/db/db_error.h"
#include "models/mall/mall_tables.h"
#include "models/mall/mall_topology.h"
#include "models/mall/ware_state.h"

namespace models::mall {

using namespace sim::literals;

void TraceDetail(WareState* st, const db::Row& detail, const std::string& sn, int64_t from,
                 int64_t to, const std::string& msg) {
  st->kit.env.Trace("ware.detail", {{"detail", IntAt(detail, kDetailTable, "id")},
                                    {"sn", sn},
                                    {"sku", IntAt(detail, kDetailTable, "sku_id")},
                                    {"ware", IntAt(detail, kDetailTable, "ware_id")},
                                    {"num", IntAt(detail, kDetailTable, "sku_num")},
                                    {"from", from},
                                    {"to", to},
                                    {"msg", msg}});
}

namespace {

struct Locked {
  int64_t detail_id = 0;
  int64_t ware_id = 0;
};

// Locks one line in the first warehouse with enough free stock and writes its detail
// (003:105). kRejected when no warehouse can take it.
sim::Task<sim::Result<Locked>> LockLine(db::SqlClient* sql, int64_t task_id, OrderLine line) {
  db::SelectStmt s{kWareSkuTable, {{"sku_id", line.sku_id}}, db::Guard::True(), false};
  sim::Result<std::vector<db::Row>> rows = co_await sql->Select(std::move(s));
  if (!rows.ok()) co_return rows.error();
  for (const db::Row& row : *rows) {
    const int64_t free = IntAt(row, kWareSkuTable, "stock") -
                         IntAt(row, kWareSkuTable, "stock_locked");
    if (free < line.quantity) continue;
    db::UpdateStmt u{kWareSkuTable,
                     {db::SetClause::Add("stock_locked", line.quantity)},
                     {{"id", IntAt(row, kWareSkuTable, "id")}},
                     db::Guard::Diff("stock", "stock_locked", db::CmpOp::kGe,
                                     db::Value(line.quantity))};
    sim::Result<int64_t> n = co_await sql->Update(std::move(u));
    if (!n.ok()) co_return n.error();
    if (*n != 1) continue;
    const int64_t ware = IntAt(row, kWareSkuTable, "ware_id");
    db::InsertStmt d{kDetailTable,
                     {{"sku_id", line.sku_id}, {"sku_num", line.quantity}, {"task_id", task_id},
                      {"ware_id", ware}, {"lock_status", kDetailLocked}}};
    sim::Result<int64_t> id = co_await sql->Insert(std::move(d));
    if (!id.ok()) co_return id.error();
    co_return Locked{*id, ware};
  }
  co_return sim::MakeError(sim::Errc::kRejected, fmt::format("no stock for sku {}", line.sku_id));
}

OutMessage DetailMessage(int64_t task, const std::string& sn, const OrderLine& line,
                         const Locked& l) {
  const nlohmann::json body = {{"type", "detail"}, {"task_id", task}, {"order_sn", sn},
                               {"detail_id", l.detail_id}, {"sku_id", line.sku_id},
                               {"ware_id", l.ware_id}, {"num", line.quantity}};
  return OutMessage{fmt::format("stock-locked:{}:{}", task, l.detail_id), kStockExchange,
                    kKeyStockLocked, body.dump()};
}

// The whole lock. With LockTxn::kSingle it runs inside one transaction (the caller's BEGIN);
// with kPerItem every statement autocommits (INV-S8's buggy rung).
sim::Task<sim::Result<int64_t>> LockAll(WareState* st, db::SqlClient* sql, LockRequest r,
                                        std::vector<int64_t>* detail_ids) {
  const SagaOptions& o = st->config.options;
  const bool dedup = o.lock_idempotency == LockIdempotency::kDedupTable;
  if (dedup || o.lock_idempotency == LockIdempotency::kNginxRequestId) {
    // D-15's dedup table: the row goes first, in the lock's transaction, so a lock that fails
    // rolls it back and the caller's retry can still lock. F-61: keyed by nginx's $request_id,
    // which every copy of the request gets anew, it never meets a duplicate.
    const std::string key = dedup ? "lock:" + r.order_sn : "lock:" + NewId(&st->kit, "nginx-");
    db::InsertStmt dedup_row = DedupRow(&st->kit, key);
    sim::Result<int64_t> row = co_await sql->Insert(std::move(dedup_row));
    if (!row.ok()) co_return row.error();
  }
  db::InsertStmt task{kTaskTable, {{"order_sn", r.order_sn},
                                   {"create_time", Millis(st->kit.env.Now())}}};
  sim::Result<int64_t> task_id = co_await sql->Insert(std::move(task));
  if (!task_id.ok()) co_return task_id;
  for (const OrderLine& line : r.lines) {
    sim::Result<Locked> l = co_await LockLine(sql, *task_id, line);
    if (!l.ok()) co_return l.error();
    detail_ids->push_back(l->detail_id);
    if (o.lock_publish == LockPublish::kPerItemInTxn &&
        o.compensation == Compensation::kReliableMessage) {
      // F-18: published before the transaction's outcome is known, full detail in the body.
      OutMessage m = DetailMessage(*task_id, r.order_sn, line, *l);
      sim::Result<bool> sent = co_await PublishOnce(&st->kit, m);
      (void)sent;
    }
  }
  co_return task_id;
}

}  // namespace

sim::Task<sim::Result<int64_t>> LockOnce(WareState* st, LockRequest r) {
  const SagaOptions& o = st->config.options;
  const bool single = o.lock_txn == LockTxn::kSingle;
  db::SimSqlClient* pooled = AcquireSql(&st->kit);
  // D-6 rung 5: inside a global transaction the lock's local transaction is a Seata branch.
  std::optional<seata::AtConnection> slot;
  db::SqlClient* sql = pooled;
  if (!r.xid.empty()) sql = SeataWrap(&st->kit, pooled, &slot, r.xid);
  sim::Result<void> begin;
  if (single) begin = co_await sql->Begin();
  std::vector<int64_t> details;
  sim::Result<int64_t> task = sim::MakeError(sim::Errc::kUnavailable, "no transaction");
  if (begin.ok()) task = co_await LockAll(st, sql, r, &details);
  const nlohmann::json body = {{"type", "stock_locked"}, {"task_id", task.ok() ? *task : 0},
                               {"order_sn", r.order_sn}, {"detail_ids", details}};
  const OutMessage m{fmt::format("stock-locked:{}", task.ok() ? *task : 0), kStockExchange,
                     kKeyStockLocked, body.dump()};
  const bool after_all = o.compensation == Compensation::kReliableMessage &&
                         o.lock_publish == LockPublish::kAfterAll;
  sim::Result<void> logged;
  if (task.ok() && after_all) logged = co_await LogMessage(&st->kit, sql, m);
  sim::Result<void> end;
  if (!task.ok() || !logged.ok()) {
    if (single) end = co_await sql->Rollback();
    ReleaseSql(&st->kit, pooled);
    if (!task.ok()) co_return task.error();
    co_return logged.error();
  }
  if (single) end = co_await sql->Commit();
  ReleaseSql(&st->kit, pooled);
  if (!end.ok()) co_return end.error();
  if (after_all) co_await PublishCommitted(&st->kit, m);
  co_return task;
}

sim::Task<sim::Result<int64_t>> HandleDeduct(WareState* st, DeductRequest r) {
  db::SimSqlClient* pooled = AcquireSql(&st->kit);
  std::optional<seata::AtConnection> slot;  // D-6 rung 5: the deduction takes @GlobalLock
  db::SqlClient* sql = SeataWrap(&st->kit, pooled, &slot, "");
  db::SelectStmt s{kTaskTable, {{"order_sn", r.order_sn}}, db::Guard::True(), false};
  sim::Result<std::vector<db::Row>> tasks = co_await sql->Select(std::move(s));
  int64_t deducted = 0;
  sim::Result<int64_t> out = tasks.ok() ? sim::Result<int64_t>(0)
                                        : sim::Result<int64_t>(tasks.error());
  for (size_t t = 0; out.ok() && t < tasks->size(); ++t) {
    db::SelectStmt ds{kDetailTable, {{"task_id", IntAt((*tasks)[t], kTaskTable, "id")}},
                      db::Guard::Cmp("lock_status", db::CmpOp::kEq, db::Value(kDetailLocked)),
                      false};
    sim::Result<std::vector<db::Row>> details = co_await sql->Select(std::move(ds));
    if (!details.ok()) out = details.error();
    for (size_t i = 0; out.ok() && i < details->size(); ++i) {
      const db::Row& d = (*details)[i];
      sim::Result<void> begin = co_await sql->Begin();
      db::UpdateStmt mark{kDetailTable, {db::SetClause::Assign("lock_status", kDetailDeducted)},
                          {{"id", IntAt(d, kDetailTable, "id")}},
                          db::Guard::Cmp("lock_status", db::CmpOp::kEq, db::Value(kDetailLocked))};
      sim::Result<int64_t> n = begin.ok() ? sim::Result<int64_t>(0) : begin.error();
      if (begin.ok()) n = co_await sql->Update(std::move(mark));
      const int64_t num = IntAt(d, kDetailTable, "sku_num");
      db::UpdateStmt take{kWareSkuTable,
                          {db::SetClause::Add("stock", -num), db::SetClause::Add("stock_locked", -num)},
                          {{"sku_id", IntAt(d, kDetailTable, "sku_id")},
                           {"ware_id", IntAt(d, kDetailTable, "ware_id")}},
                          db::Guard::True()};
      sim::Result<int64_t> m = n;
      if (n.ok() && *n == 1) m = co_await sql->Update(std::move(take));
      sim::Result<void> end;
      if (m.ok()) {
        end = co_await sql->Commit();
      } else {
        end = co_await sql->Rollback();
        out = m.error();
      }
      if (m.ok() && end.ok() && *n == 1) {
        ++deducted;
        TraceDetail(st, d, r.order_sn, kDetailLocked, kDetailDeducted, "");
      }
      if (!end.ok()) out = end.error();
    }
  }
  ReleaseSql(&st->kit, pooled);
  if (!out.ok()) co_return out;
  co_return deducted;
}

sim::Task<sim::Result<int64_t>> HandleIntake(WareState* st, IntakeRequest r) {
  db::SimSqlClient* sql = AcquireSql(&st->kit);
  sim::Result<void> begin = co_await sql->Begin();
  sim::Result<int64_t> ins = begin.ok() ? sim::Result<int64_t>(0) : begin.error();
  db::InsertStmt seen = DedupRow(&st->kit, "intake:" + r.request_id);
  if (begin.ok()) ins = co_await sql->Insert(std::move(seen));
  const bool duplicate = !ins.ok() && db::ClassifyError(ins.error()) == db::DbErrorKind::kDuplicateKey;
  db::UpdateStmt add{kWareSkuTable, {db::SetClause::Add("stock", r.quantity)},
                     {{"sku_id", r.sku_id}, {"ware_id", r.ware_id}}, db::Guard::True()};
  sim::Result<int64_t> n = ins;
  if (ins.ok()) n = co_await sql->Update(std::move(add));
  sim::Result<void> end;
  if (n.ok()) {
    end = co_await sql->Commit();
  } else {
    end = co_await sql->Rollback();
  }
  ReleaseSql(&st->kit, sql);
  if (duplicate) co_return 0;  // already applied by an earlier copy of this request
  if (!n.ok()) co_return n.error();
  if (!end.ok()) co_return end.error();
  co_return *n;
}

namespace {

sim::Task<void> StartWare(WareState* st) {
  mq::SimBrokerClient mq(st->kit.env, st->config.broker, st->config.options.mq_timeout);
  while (true) {
    sim::Result<mq::ChannelId> ch = co_await mq.OpenChannel();
    if (ch.ok()) {
      sim::Result<void> r = co_await DeclareTopology(&mq, *ch, WareTopology(st->config.options));
      if (r.ok()) break;
    }
    co_await st->kit.env.Sleep(1_s);
  }
  sim::Result<void> closed = co_await mq.Close();
  (void)closed;
  for (int64_t i = 0; i < st->config.listener_consumers; ++i) {
    st->kit.env.Spawn(ReleaseListener(st));
  }
  if (st->config.options.reliable == Reliable::kOutbox) {
    st->kit.env.Spawn(ResendLoop(&st->kit, kStockExchange));
  }
  if (st->config.options.compensation == Compensation::kScan) {
    for (int64_t i = 0; i < st->config.options.unlock_scanners; ++i) {
      st->kit.env.Spawn(UnlockScanJob(st));
    }
  }
}

}  // namespace

void BootWareService(sim::Env env, WareServiceConfig config) {
  WareState* st = &env.Keep<WareState>(env, config);
  env.Serve<LockRequest, int64_t>(kLockPort, [st](LockRequest r) { return HandleLock(st, r); });
  env.Serve<DeductRequest, int64_t>(kDeductPort,
                                    [st](DeductRequest r) { return HandleDeduct(st, r); });
  env.Serve<IntakeRequest, int64_t>(kIntakePort,
                                    [st](IntakeRequest r) { return HandleIntake(st, r); });
  MaybeServeSeataRm(&st->kit);
  env.Spawn(StartWare(st));
}

}  // namespace models::mall
