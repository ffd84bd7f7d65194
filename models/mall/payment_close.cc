// The close path, the nightly reconciliation and the snapshots; see payment.h.

#include "models/mall/payment.h"

#include "models/mall/payment_record.h"

namespace models::mall {
namespace {

using payment_detail::Evidence;
using payment_detail::IntAt;
using payment_detail::OrderDef;
using payment_detail::ReadOrder;
using payment_detail::RecordPayment;
using payment_detail::WallMs;

// Records what a query says Alipay captured. Returns true when the order is now PAID.
sim::Task<bool> QueryAndRecord(sim::Env env, db::SqlClient* oms, std::string order_sn,
                               PaymentOptions options) {
  sim::Result<TradeQuery> q = co_await AlipayQueryTrade(env, options.alipay, order_sn);
  if (!q.ok() || q->trade_status != "TRADE_SUCCESS") co_return false;
  Evidence ev{q->out_trade_no, q->trade_no, q->trade_status, "", q->total_amount_cents, "query"};
  sim::Result<bool> recorded = co_await RecordPayment(env, oms, std::move(ev), options);
  if (!recorded.ok()) co_return false;
  sim::Result<std::optional<db::Row>> order = co_await ReadOrder(oms, order_sn, false);
  co_return order.ok() && order->has_value() &&
      IntAt(**order, OrderDef(), "status") == kOrderPaid;
}

// One bill line: repair the order if the capture was never recorded.
sim::Task<void> ReconcileLine(sim::Env env, db::SqlClient* oms, BillLine line,
                              PaymentOptions options, ReconcileReport* report) {
  ++report->lines;
  if (line.refunded) co_return;
  sim::Result<std::optional<db::Row>> order = co_await ReadOrder(oms, line.out_trade_no, false);
  if (!order.ok()) {
    ++report->errors;
    co_return;
  }
  if (!order->has_value()) co_return;  // not this merchant's order: report it, out of scope
  const int64_t status = IntAt(**order, OrderDef(), "status");
  if (status == kOrderPaid) co_return;
  Evidence ev{line.out_trade_no, line.trade_no, "TRADE_SUCCESS", "", line.total_amount_cents,
              "reconcile"};
  // A CREATED order is recorded and paid; a cancelled one is refunded (RecordPayment).
  sim::Result<bool> recorded = co_await RecordPayment(env, oms, std::move(ev), options);
  if (!recorded.ok()) {
    ++report->errors;
    co_return;
  }
  if (*recorded) {
    ++report->repaired;
  } else if (status == kOrderCancelled) {
    ++report->refunded;
  }
}

nlohmann::json Rows(const db::DbModel& oms, const db::TableName& name) {
  const db::TableDef* def = oms.FindTableDef(name);
  nlohmann::json out = nlohmann::json::array();
  if (def == nullptr) return out;
  // Read in place: a copy of every committed row first was a third of this snapshot's cost.
  oms.ForEachCommitted(name, [def, &out](const db::Row& row) {
    nlohmann::json& obj = out.emplace_back(nlohmann::json::value_t::object);
    for (size_t i = 0; i < def->columns.size(); ++i) {
      const db::Value& v = row[i];
      if (v.is_int()) {
        obj[def->columns[i].name] = v.AsInt();
      } else if (v.is_string()) {
        obj[def->columns[i].name] = v.AsString();
      } else {
        obj[def->columns[i].name] = nullptr;
      }
    }
  });
  return out;
}

}  // namespace

sim::Task<TradeCloseDecision> CloseTrade(sim::Env env, db::SqlClient* oms, std::string order_sn,
                                         PaymentOptions options) {
  if (!options.close_trade) co_return TradeCloseDecision::kMayCancel;  // F-27: no manual close
  sim::Result<Ack> closed = co_await AlipayCloseTrade(env, options.alipay, order_sn);
  if (closed.ok()) co_return TradeCloseDecision::kMayCancel;
  const std::string sub = SubCode(closed.error());
  // Never created: the form's time_expire (inside the order's life) has passed, so it cannot
  // be created any more.
  if (sub == "ACQ.TRADE_NOT_EXIST") co_return TradeCloseDecision::kMayCancel;
  if (sub == "ACQ.TRADE_STATUS_ERROR" && options.active_query) {
    // Paid: the notify is missing or late. Query before closing and record it (F-28).
    const bool paid = co_await QueryAndRecord(env, oms, order_sn, options);
    co_return paid ? TradeCloseDecision::kPaid : TradeCloseDecision::kKeep;
  }
  co_return TradeCloseDecision::kKeep;  // no answer, or paid and left to reconciliation
}

sim::Task<sim::Result<bool>> CloseExpiredOrder(sim::Env env, db::SqlClient* oms,
                                               std::string order_sn, PaymentOptions options) {
  const TradeCloseDecision decision = co_await CloseTrade(env, oms, order_sn, options);
  if (decision != TradeCloseDecision::kMayCancel) co_return false;
  const int64_t now_ms = WallMs(env);
  db::UpdateStmt cancel{kOmsOrder,
                        {db::SetClause::Assign("status", kOrderCancelled),
                         db::SetClause::Assign("modify_time", now_ms)},
                        {{"order_sn", order_sn}},
                        db::Guard::Cmp("status", db::CmpOp::kEq, kOrderCreated)};
  sim::Result<int64_t> updated = co_await oms->Update(std::move(cancel));
  if (!updated.ok()) co_return updated.error();
  if (*updated > 0) env.Trace("payment.order_closed", {{"order_sn", order_sn}});
  co_return *updated > 0;
}

sim::Task<sim::Result<ReconcileReport>> ReconcileDay(sim::Env env, db::SqlClient* oms,
                                                     int64_t day, PaymentOptions options) {
  sim::Result<std::vector<BillLine>> bill = co_await AlipayDownloadBill(env, options.alipay, day);
  if (!bill.ok()) co_return bill.error();
  ReconcileReport report;
  for (const BillLine& line : *bill) {
    co_await ReconcileLine(env, oms, line, options, &report);
  }
  env.Trace("payment.reconciled", {{"day", day}, {"lines", report.lines},
                                   {"repaired", report.repaired}, {"refunded", report.refunded},
                                   {"errors", report.errors}});
  co_return report;
}

nlohmann::json PaymentSnapshot(const AlipayModel& alipay) {
  auto ms = [](const std::optional<sim::Instant>& t) -> nlohmann::json {
    if (!t) return nullptr;
    return t->nanos() / 1'000'000;
  };
  nlohmann::json trades = nlohmann::json::array();
  for (const auto& [sn, t] : alipay.trades()) {
    trades.push_back({{"out_trade_no", sn},
                      {"trade_no", t.trade_no},
                      {"trade_status", TradeStatusName(t.status)},
                      {"total_amount_cents", t.total_amount_cents},
                      {"deadline_ms", t.deadline_ms},
                      {"created_at_ms", t.created_at.nanos() / 1'000'000},
                      {"paid_at_ms", ms(t.paid_at)},
                      {"closed_at_ms", ms(t.closed_at)},
                      {"refunded", t.refunded},
                      {"notify_attempts", t.notify_attempts},
                      {"notify_delivered", t.notify_delivered},
                      {"notify_non_success", t.notify_non_success},
                      {"notify_acked", t.notify_acked},
                      {"notify_pending", t.notify_due_ns >= 0}});
  }
  return {{"app_id", alipay.config().app_id}, {"trades", std::move(trades)}};
}

nlohmann::json OmsPaymentSnapshot(const db::DbModel& oms) {
  return {{"oms_order", Rows(oms, kOmsOrder)}, {"oms_payment_info", PaymentInfoRows(oms)}};
}

nlohmann::json PaymentInfoRows(const db::DbModel& oms) { return Rows(oms, kOmsPaymentInfo); }

}  // namespace models::mall
