// The registry entries of the mall's pay part (see register.cc): the `mall_payment` workload,
// the payment.* checkers (INV-P1..P6, I-6) and the D-9 "payment robustness" variants.
#include "scenarios/registry.h"
#include "scenarios/workloads/mall/pay_checkers.h"
#include "scenarios/workloads/mall/pay_workload.h"

namespace scenarios {

namespace {

using params::Int;
using params::Ms;
using params::PerMille;

constexpr int64_t kDayMs = 86'400'000;

std::vector<ParamSpec> PaymentParams() {
  return {
      Int("buyers", 1, 1000, 8, "buyer nodes"),
      Int("orders_per_buyer", 1, 1000, 3, "orders each buyer places"),
      Ms("think_ms", 1, kDayMs, 2000, "mean pause before a buyer's next order"),
      Ms("order_ttl_ms", 1000, kDayMs, 1'800'000, "order life before the close job closes it (design 30 min, notes' test 60 s)"),
      Ms("expire_margin_ms", 0, kDayMs, 10'000, "time_expire = create_time + order_ttl - margin"),
      Ms("close_scan_ms", 100, kDayMs, 5000, "period of the close job's scan of expired CREATED orders"),
      PerMille("pay_per_mille", 700, "orders paid inside the window"),
      PerMille("late_per_mille", 100, "orders the buyer tries to pay after the order closed (F-26)"),
      PerMille("close_browser_per_mille", 300, "payments after which the browser never returns to return_url (F-33)"),
      PerMille("refresh_per_mille", 200, "paid orders whose pay page is requested again (F-32)"),
      Int("attacks", 0, 100'000, 10, "forged or replayed notifies the attacker sends (F-31a, F-34)"),
      Ms("attack_interval_ms", 1, kDayMs, 5000, "mean pause between attacks"),
      Ms("rpc_timeout_ms", 1, 600'000, 5000, "timeout of every client and server-side call"),
      Ms("bill_day_ms", 60'000, kDayMs, 3'600'000, "length of an Alipay bill day (24 h in reality; compressed so the nightly job runs within a run)"),
      Ms("bill_ready_ms", 0, kDayMs, 600'000, "how long after a bill day ends its bill can be downloaded (T+1, 10 h in reality)"),
  };
}

}  // namespace

void RegisterMallPayment(Registry& registry) {
  registry.workloads.push_back(WorkloadEntry{
      EntrySpec{"mall_payment",
                "Buyers pay orders through the Alipay model while notifies are lost, delayed, duplicated, forged and replayed (ladder D-9)",
                PaymentParams()},
      &MakePaymentWorkload});
  std::vector<CheckerEntry> checkers = {
      {EntrySpec{"payment.at_most_once", "INV-P1: at most one payment record per order_sn and per alipay_trade_no", {}}, &MakePaymentAtMostOnceChecker},
      {EntrySpec{"payment.paid_has_evidence", "INV-P2: a PAID order has a verified payment record matching Alipay's capture", {}}, &MakePaidHasEvidenceChecker},
      {EntrySpec{"payment.captured_becomes_paid", "INV-P3: money captured while the order was open ends with the order PAID", {}}, &MakeCapturedBecomesPaidChecker},
      {EntrySpec{"payment.acknowledged", "INV-P4: every notify that reached the merchant is eventually answered \"success\"", {}}, &MakePaymentAcknowledgedChecker},
      {EntrySpec{"payment.window_inside_order", "INV-P5: Alipay accepts a payment only while the order is open", {}}, &MakeWindowInsideOrderChecker},
      {EntrySpec{"payment.no_double_charge", "INV-P6: one capture per order; no pay form for a PAID or CANCELLED order", {}}, &MakeNoDoubleChargeChecker},
      {EntrySpec{"payment.closed_stays_closed", "I-6 / F-30: a CANCELLED order never becomes PAID (white-box, trace)", {}}, &MakeClosedStaysClosedChecker},
  };
  for (CheckerEntry& c : checkers) registry.checkers.push_back(std::move(c));
  std::vector<VariantSpec> variants = {
      {"payment.state_source", {"notify", "return_url"}, "notify", "D-9.1, F-33: the paid state comes from the async notify, or from the return page the browser may never reach"},
      {"payment.notify_reply", {"success", "page"}, "success", "D-9.2, F-36: the notify endpoint answers the 7 characters 'success', or renders a page (Alipay retries 8 times in 25 h)"},
      {"payment.notify_idempotent", {"on", "off"}, "on", "D-9.3, F-31b, B-PAY-1: a notify for an order already recorded is 'already done', or inserts another payment row"},
      {"payment.info_keys", {"order_id_and_trade_no", "order_sn", "none"}, "order_id_and_trade_no", "D-9.3: unique keys of oms_payment_info (sql-origin, other dumps, none)"},
      {"payment.expiry", {"time_expire", "timeout_express", "none"}, "time_expire", "D-9.4, F-26, F-38: absolute time_expire inside the order's life, the instructor's relative timeout_express = order TTL, or no deadline"},
      {"payment.close_trade", {"on", "off"}, "on", "D-9.5, F-27: the close path calls alipay.trade.close before cancelling, or cancels the order only"},
      {"payment.active_query", {"on", "off"}, "on", "D-9.6a, F-28: query Alipay on the return page and when the close finds the trade paid"},
      {"payment.reconcile", {"on", "off"}, "on", "D-9.6b, F-29: the nightly bill reconciliation repairs captured, unrecorded payments"},
      {"payment.paid_update", {"guarded", "unconditional"}, "guarded", "D-9.7, F-30, B-ORD-2: UPDATE ... WHERE status=0, or Gulimall's unconditional status=1"},
      {"payment.signature", {"verify_first", "after_save", "off"}, "verify_first", "D-9.8, F-31a, F-34, B-10, B-PAY-5: verify before any write, save -> verify -> update as the notes list it, or never"},
      {"payment.notify_route", {"payed", "order_paid_notify"}, "payed", "D-9 side rung, F-35, B-7: notify_url matches nginx's `location /payed/`, or is /order/paid/notify as in the notes and never reaches the handler"},
      {"payment.pay_page_check", {"on", "off"}, "on", "F-32: /payOrder refuses an order that is not awaiting payment"},
  };
  for (VariantSpec& v : variants) registry.variants.push_back(std::move(v));
}

}  // namespace scenarios
