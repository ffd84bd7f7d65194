// RecordPayment and row helpers; see payment_record.h.

#include "models/mall/payment_record.h"

#include <vector>

#include "models/db/mall_catalog.h"
#include "sim/assert.h"

namespace models::mall::payment_detail {
namespace {

const db::TableDef& Def(const db::TableName& name) {
  static const std::vector<db::TableDef> kTables = db::MallTables();
  for (const db::TableDef& def : kTables) {
    if (def.name == name) return def;
  }
  SIM_ASSERT_MSG(false, "no table " << name.ToString());
  return kTables.front();
}

sim::Task<void> RollbackQuietly(db::SqlClient* oms) {
  sim::Result<void> r = co_await oms->Rollback();
  (void)r;  // the transaction is abandoned either way
}

bool IsPaidStatus(const std::string& trade_status) {
  return trade_status == "TRADE_SUCCESS" || trade_status == "TRADE_FINISHED";
}

// The F-30 fix: money arrived for an order that is already cancelled.
sim::Task<void> RefundCancelled(sim::Env env, std::string order_sn, PaymentOptions options) {
  std::string request_no = "refund-" + order_sn;
  sim::Result<Ack> refunded =
      co_await AlipayRefundTrade(env, options.alipay, order_sn, std::move(request_no));
  env.Trace("payment.refund_issued",
            {{"order_sn", order_sn}, {"ok", refunded.ok() ? 1 : 0}});
}

db::InsertStmt InfoRow(const Evidence& ev, int64_t order_id, int64_t now_ms) {
  return db::InsertStmt{kOmsPaymentInfo,
                        {{"order_sn", ev.order_sn},
                         {"order_id", order_id},
                         {"alipay_trade_no", ev.trade_no},
                         {"total_amount", ev.amount_cents * 100},
                         {"subject", ev.subject},
                         {"payment_status", ev.trade_status},
                         {"create_time", now_ms},
                         {"callback_time", now_ms}}};
}

db::UpdateStmt PaidUpdateStmt(const std::string& order_sn, PaidUpdate mode, int64_t now_ms) {
  if (mode == PaidUpdate::kUnconditional) {
    // Gulimall's OrderDao.xml: update oms_order set status = #{code} where order_sn = #{sn}.
    return db::UpdateStmt{kOmsOrder, {db::SetClause::Assign("status", kOrderPaid)},
                          {{"order_sn", order_sn}}, db::Guard::True()};
  }
  return db::UpdateStmt{kOmsOrder,
                        {db::SetClause::Assign("status", kOrderPaid),
                         db::SetClause::Assign("payment_time", now_ms),
                         db::SetClause::Assign("modify_time", now_ms)},
                        {{"order_sn", order_sn}},
                        db::Guard::Cmp("status", db::CmpOp::kEq, kOrderCreated)};
}

}  // namespace

const db::TableDef& OrderDef() { return Def(kOmsOrder); }
const db::TableDef& InfoDef() { return Def(kOmsPaymentInfo); }

int64_t IntAt(const db::Row& row, const db::TableDef& def, const std::string& column) {
  const db::Value& v = row.at(def.Col(column));
  return v.is_int() ? v.AsInt() : -1;
}

std::string StrAt(const db::Row& row, const db::TableDef& def, const std::string& column) {
  const db::Value& v = row.at(def.Col(column));
  return v.is_string() ? v.AsString() : std::string();
}

int64_t WallMs(const sim::Env& env) { return env.LocalNow().nanos() / 1'000'000; }

sim::Task<sim::Result<std::optional<db::Row>>> ReadOrder(db::SqlClient* oms, std::string order_sn,
                                                         bool for_update) {
  db::SelectStmt select{kOmsOrder, {{"order_sn", order_sn}}, db::Guard::True(), for_update};
  sim::Result<std::vector<db::Row>> rows = co_await oms->Select(std::move(select));
  if (!rows.ok()) co_return rows.error();
  if (rows->empty()) co_return std::optional<db::Row>();
  co_return std::optional<db::Row>(rows->front());
}

sim::Task<sim::Result<bool>> RecordPayment(sim::Env env, db::SqlClient* oms, Evidence ev,
                                           PaymentOptions options) {
  sim::Result<void> begun = co_await oms->Begin();
  if (!begun.ok()) co_return begun.error();
  sim::Result<std::optional<db::Row>> order = co_await ReadOrder(oms, ev.order_sn, true);
  if (!order.ok() || !order->has_value()) {
    co_await RollbackQuietly(oms);
    if (!order.ok()) co_return order.error();
    co_return sim::MakeError(sim::Errc::kNotFound, "no order " + ev.order_sn);
  }
  const db::Row row = **order;
  const int64_t status_before = IntAt(row, OrderDef(), "status");
  if (AmountCents(IntAt(row, OrderDef(), "pay_amount")) != ev.amount_cents) {
    co_await RollbackQuietly(oms);  // B-PAY-2: a signed notify with another amount
    co_return sim::MakeError(sim::Errc::kRejected, "amount mismatch");
  }
  if (options.notify_idempotent) {
    db::SelectStmt existing{kOmsPaymentInfo, {{"order_sn", ev.order_sn}}, db::Guard::True(), false};
    sim::Result<std::vector<db::Row>> infos = co_await oms->Select(std::move(existing));
    if (!infos.ok()) {
      co_await RollbackQuietly(oms);
      co_return infos.error();
    }
    if (!infos->empty()) {  // already recorded: a retry, a duplicate or a replay (F-31b, F-34)
      co_await RollbackQuietly(oms);
      co_return false;
    }
  }
  const int64_t now_ms = WallMs(env);
  sim::Result<int64_t> inserted =
      co_await oms->Insert(InfoRow(ev, IntAt(row, OrderDef(), "id"), now_ms));
  if (!inserted.ok()) {  // e.g. the duplicate key of B-PAY-1 escaping as an exception
    co_await RollbackQuietly(oms);
    co_return inserted.error();
  }
  int64_t updated = 0;
  if (IsPaidStatus(ev.trade_status)) {
    sim::Result<int64_t> u =
        co_await oms->Update(PaidUpdateStmt(ev.order_sn, options.paid_update, now_ms));
    if (!u.ok()) {
      co_await RollbackQuietly(oms);
      co_return u.error();
    }
    updated = *u;
  }
  sim::Result<void> committed = co_await oms->Commit();
  if (!committed.ok()) co_return committed.error();
  const bool paid_now = updated > 0 && status_before != kOrderPaid;
  if (paid_now) {
    env.Trace("payment.order_paid",
              {{"order_sn", ev.order_sn}, {"from", status_before}, {"source", ev.source}});
  }
  if (updated == 0 && status_before == kOrderCancelled && IsPaidStatus(ev.trade_status)) {
    co_await RefundCancelled(env, ev.order_sn, options);
  }
  co_return paid_now;
}

}  // namespace models::mall::payment_detail
