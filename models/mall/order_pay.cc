// The order service's payment duties (PayWebController, OrderPayedListener and the close
// path's "query before closing" in Gulimall) on the merchant side of payment.h, and the stock
// deduction a recorded payment triggers; see order_service.h.

#include "models/mall/feign.h"
#include "models/mall/mall_protocol.h"
#include "models/mall/mall_tables.h"
#include "models/mall/order_state.h"

namespace models::mall {

using namespace sim::literals;

sim::Task<void> DeductPaidStock(OrderState* st, std::string sn) {
  const SagaOptions& o = st->config.options;
  // Deduct the locked stock (1 -> 3). Idempotent at ware, so a repeat is harmless; a failure
  // leaves the stock locked, which still holds it for the paid order (INV-S7).
  for (int attempt = 0; attempt < 3; ++attempt) {
    DeductRequest d{sn};
    sim::Result<int64_t> done = co_await Feign<int64_t>(
        st->kit.env, sim::Endpoint{st->config.ware, kDeductPort}, std::move(d), o.rpc_timeout,
        o.feign_duplicate_per_mille);
    if (done.ok()) co_return;
    co_await st->kit.env.Sleep(1_s);
  }
}

sim::Task<sim::Result<PayForm>> HandlePayPage(OrderState* st, PayPageRequest r) {
  db::SimSqlClient* sql = AcquireSql(&st->kit);
  sim::Result<PayForm> form =
      co_await CreatePayPage(st->kit.env, sql, std::move(r.order_sn), st->config.payment);
  ReleaseSql(&st->kit, sql);
  co_return form;
}

// The order is paid once its payment is recorded: then its stock is deducted (again, harmlessly,
// for a retried notify: Alipay retries until it reads "success").
sim::Task<sim::Result<std::string>> HandleAlipayNotify(OrderState* st, AlipayNotify n) {
  const std::string sn = n.out_trade_no;
  db::SimSqlClient* sql = AcquireSql(&st->kit);
  const PayNotifyOutcome out =
      co_await HandlePayNotify(st->kit.env, sql, std::move(n), st->config.payment);
  ReleaseSql(&st->kit, sql);
  if (out.paid_now || out.reply == "success") {
    sim::Result<std::optional<db::Row>> row = co_await FindOrder(st, sn);
    const bool paid = row.ok() && row->has_value() &&
                      IntAt(**row, kOrderTable, "status") == kOrderPaid;
    if (paid) co_await DeductPaidStock(st, sn);
  }
  co_return out.reply;
}

sim::Task<sim::Result<bool>> HandleAlipayReturn(OrderState* st, ReturnPage page) {
  const std::string sn = page.out_trade_no;
  db::SimSqlClient* sql = AcquireSql(&st->kit);
  sim::Result<bool> paid =
      co_await HandleReturnPage(st->kit.env, sql, std::move(page), st->config.payment);
  ReleaseSql(&st->kit, sql);
  if (paid.ok() && *paid) co_await DeductPaidStock(st, sn);
  co_return paid;
}

sim::Task<TradeCloseDecision> CloseTradeFirst(OrderState* st, std::string sn) {
  db::SimSqlClient* sql = AcquireSql(&st->kit);
  const TradeCloseDecision d = co_await CloseTrade(st->kit.env, sql, sn, st->config.payment);
  ReleaseSql(&st->kit, sql);
  if (d == TradeCloseDecision::kPaid) co_await DeductPaidStock(st, sn);
  co_return d;
}

}  // namespace models::mall
