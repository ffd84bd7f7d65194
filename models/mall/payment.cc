// The pay page, the notify handler and the return page; see payment.h.

#include "models/mall/payment.h"

#include <algorithm>

#include "models/mall/payment_record.h"

namespace models::mall {
namespace {

using payment_detail::Evidence;
using payment_detail::IntAt;
using payment_detail::OrderDef;
using payment_detail::ReadOrder;
using payment_detail::RecordPayment;
using payment_detail::WallMs;

std::string ReplyAfterProcessing(const PaymentOptions& options) {
  // D-9 rung 2: a controller that renders a view instead of the @ResponseBody string.
  return options.notify_reply == NotifyReply::kSuccess ? "success" : "<html>payment ok</html>";
}

bool Verified(const AlipayNotify& n, const PaymentOptions& options) {
  return n.app_id == options.alipay.app_id &&
         VerifyContent(n.Content(), n.sign, options.alipay.platform_key);
}

Evidence FromNotify(const AlipayNotify& n) {
  return Evidence{n.out_trade_no, n.trade_no, n.trade_status, n.subject, n.total_amount_cents,
                  "notify"};
}

// B-10 as the notes list it (003:1505-1519): save oms_payment_info, then verify the signature,
// then update the order, each in autocommit (handlePayResult is not @Transactional). A forged
// notify leaves its row behind (F-31a); the row then blocks the genuine one.
sim::Task<PayNotifyOutcome> SaveThenVerify(sim::Env env, db::SqlClient* oms, AlipayNotify n,
                                           PaymentOptions options) {
  sim::Result<std::optional<db::Row>> order = co_await ReadOrder(oms, n.out_trade_no, false);
  if (!order.ok() || !order->has_value()) co_return PayNotifyOutcome{"fail", false, "no order"};
  const int64_t order_id = IntAt(**order, OrderDef(), "id");
  if (options.notify_idempotent) {
    db::SelectStmt existing{kOmsPaymentInfo, {{"order_sn", n.out_trade_no}}, db::Guard::True(),
                            false};
    sim::Result<std::vector<db::Row>> infos = co_await oms->Select(std::move(existing));
    if (!infos.ok()) co_return PayNotifyOutcome{"fail", false, infos.error().ToString()};
    if (!infos->empty()) co_return PayNotifyOutcome{ReplyAfterProcessing(options), false, "dup"};
  }
  const int64_t now_ms = WallMs(env);
  db::InsertStmt info{kOmsPaymentInfo,
                      {{"order_sn", n.out_trade_no}, {"order_id", order_id},
                       {"alipay_trade_no", n.trade_no}, {"total_amount", n.total_amount_cents * 100},
                       {"subject", n.subject}, {"payment_status", n.trade_status},
                       {"create_time", now_ms}, {"callback_time", now_ms}}};
  sim::Result<int64_t> inserted = co_await oms->Insert(std::move(info));
  if (!inserted.ok()) co_return PayNotifyOutcome{"fail", false, inserted.error().ToString()};
  if (!Verified(n, options)) co_return PayNotifyOutcome{"fail", false, "bad signature"};
  if (n.trade_status != "TRADE_SUCCESS" && n.trade_status != "TRADE_FINISHED") {
    co_return PayNotifyOutcome{ReplyAfterProcessing(options), false, "not paid"};
  }
  db::UpdateStmt paid{kOmsOrder, {db::SetClause::Assign("status", kOrderPaid)},
                      {{"order_sn", n.out_trade_no}}, db::Guard::True()};
  if (options.paid_update == PaidUpdate::kGuarded) {
    paid.guard = db::Guard::Cmp("status", db::CmpOp::kEq, kOrderCreated);
  }
  sim::Result<int64_t> updated = co_await oms->Update(std::move(paid));
  if (!updated.ok()) co_return PayNotifyOutcome{"fail", false, updated.error().ToString()};
  const int64_t before = IntAt(**order, OrderDef(), "status");
  const bool paid_now = *updated > 0 && before != kOrderPaid;
  if (paid_now) {
    env.Trace("payment.order_paid",
              {{"order_sn", n.out_trade_no}, {"from", before}, {"source", "notify"}});
  }
  co_return PayNotifyOutcome{ReplyAfterProcessing(options), paid_now, "saved then verified"};
}

}  // namespace

int64_t AmountCents(int64_t scaled4) { return (scaled4 + 99) / 100; }

sim::Task<sim::Result<PayForm>> CreatePayPage(sim::Env env, db::SqlClient* oms,
                                              std::string order_sn, PaymentOptions options) {
  sim::Result<std::optional<db::Row>> order = co_await ReadOrder(oms, order_sn, false);
  if (!order.ok()) co_return order.error();
  if (!order->has_value()) co_return sim::MakeError(sim::Errc::kNotFound, "no order " + order_sn);
  const db::Row& row = **order;
  if (options.pay_page_check && IntAt(row, OrderDef(), "status") != kOrderCreated) {
    co_return sim::MakeError(sim::Errc::kRejected, "order is not awaiting payment");  // F-32
  }
  PayForm form;
  form.app_id = options.alipay.app_id;
  form.out_trade_no = order_sn;
  form.total_amount_cents = AmountCents(IntAt(row, OrderDef(), "pay_amount"));
  form.subject = "gulimall order " + order_sn;
  const int64_t ttl_ms = options.order_ttl.millis();
  if (options.expiry == PayExpiry::kTimeExpire) {
    // Absolute, fixed at order creation, a margin inside the order's life; the format has
    // whole seconds, so round down.
    const int64_t deadline_ms =
        IntAt(row, OrderDef(), "create_time") + ttl_ms - options.expire_margin.millis();
    form.time_expire_ms = deadline_ms - deadline_ms % 1000;
  } else if (options.expiry == PayExpiry::kTimeoutExpress) {
    // The instructor's timeout_express equal to the order TTL, in whole minutes (>= 1m).
    form.timeout_express_ms = std::max<int64_t>(1, ttl_ms / 60'000) * 60'000;
  }
  form.sign = SignContent(form.Content(), options.alipay.merchant_key);
  env.Trace("payment.pay_page", {{"order_sn", order_sn}, {"time_expire", form.time_expire_ms}});
  co_return form;
}

sim::Task<PayNotifyOutcome> HandlePayNotify(sim::Env env, db::SqlClient* oms, AlipayNotify notify,
                                            PaymentOptions options) {
  if (options.state_source == StateSource::kReturnUrl || !options.notify_routed) {
    // D-9 rung 1: there is no notify endpoint yet; F-35: the path does not match the exact
    // nginx location. Either way Alipay gets an error page and retries.
    co_return PayNotifyOutcome{"404 Not Found", false, "notify not routed to the handler"};
  }
  if (options.signature == SignatureCheck::kAfterSave) {
    PayNotifyOutcome outcome = co_await SaveThenVerify(env, oms, notify, options);
    co_return outcome;
  }
  if (options.signature == SignatureCheck::kVerifyFirst && !Verified(notify, options)) {
    env.Trace("payment.notify_handled", {{"order_sn", notify.out_trade_no}, {"result", "forged"}});
    co_return PayNotifyOutcome{"fail", false, "signature or app_id check failed"};
  }
  sim::Result<bool> recorded = co_await RecordPayment(env, oms, FromNotify(notify), options);
  if (!recorded.ok()) {
    env.Trace("payment.notify_handled", {{"order_sn", notify.out_trade_no}, {"result", "error"}});
    co_return PayNotifyOutcome{"fail", false, recorded.error().ToString()};
  }
  env.Trace("payment.notify_handled", {{"order_sn", notify.out_trade_no}, {"result", "ok"}});
  co_return PayNotifyOutcome{ReplyAfterProcessing(options), *recorded, "recorded"};
}

sim::Task<sim::Result<bool>> HandleReturnPage(sim::Env env, db::SqlClient* oms, ReturnPage page,
                                              PaymentOptions options) {
  if (page.app_id != options.alipay.app_id ||
      !VerifyContent(page.Content(), page.sign, options.alipay.platform_key)) {
    co_return sim::MakeError(sim::Errc::kRejected, "return page signature check failed");
  }
  if (options.state_source == StateSource::kReturnUrl) {
    // D-9 rung 1 (F-33): the state changes only if the browser comes back.
    Evidence ev{page.out_trade_no, page.trade_no, "TRADE_SUCCESS", "", page.total_amount_cents,
                "return_url"};
    sim::Result<bool> recorded = co_await RecordPayment(env, oms, std::move(ev), options);
    co_return recorded;
  }
  if (!options.active_query) co_return false;
  // The order list's ajax query of an unpaid order (F-28's fix).
  sim::Result<TradeQuery> q = co_await AlipayQueryTrade(env, options.alipay, page.out_trade_no);
  if (!q.ok()) co_return q.error();
  if (q->trade_status != "TRADE_SUCCESS" && q->trade_status != "TRADE_FINISHED") co_return false;
  Evidence ev{q->out_trade_no, q->trade_no, q->trade_status, "", q->total_amount_cents, "query"};
  sim::Result<bool> recorded = co_await RecordPayment(env, oms, std::move(ev), options);
  co_return recorded;
}

}  // namespace models::mall
