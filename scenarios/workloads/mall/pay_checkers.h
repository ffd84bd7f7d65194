#pragma once
// The payment checkers (seed-catalog §5.3, INV-P1..P6; gulimall-real I-6). They read the final
// snapshot, a few history ops and, for one of them, trace events; any workload that fills these
// inputs can use them (mall_payment here, SAGA's mall_order later).
//
// Snapshot keys (all times are milliseconds; see models/mall/payment.h for the producers):
//   "alipay": PaymentSnapshot(AlipayModel): {"app_id", "trades": [{out_trade_no, trade_no,
//       trade_status, total_amount_cents, deadline_ms, created_at_ms, paid_at_ms|null,
//       closed_at_ms|null, refunded, notify_attempts, notify_delivered, notify_non_success,
//       notify_acked, notify_pending}]}. created_at_ms / paid_at_ms are global virtual time
//       (the observer's truth), not Alipay's possibly skewed clock.
//   "oms_order": rows of oms.oms_order (columns by name: id, order_sn, status, pay_amount
//       [decimal(18,4) scaled by 10^4], create_time, modify_time, payment_time, ...).
//   "oms_payment_info": rows of oms.oms_payment_info (order_sn, order_id, alipay_trade_no,
//       total_amount [scaled 10^4], payment_status, ...).
//   "payment": {"order_ttl_ms": N}: the order's life; its close deadline is create_time + N.
// oms times are the writer's wall clock; P3/P5/P6 compare them with global time, so they assume
// the order service's and the buyers' clocks are not skewed (no clock faults on those nodes).
//
// History ops (process = the buyer's id):
//   "pay_page": invoke {order_sn}; ok {order_sn, amount_cents} when the order service handed out
//       a pay form; fail/info otherwise. Read by payment.no_double_charge.
//   "pay": invoke {order_sn, amount_cents}; ok {order_sn, amount_cents, trade_no} when Alipay
//       confirmed the payment; fail when refused; info on timeout. Read by
//       payment.captured_becomes_paid (an ok pay must be a captured trade).
// Trace events (white-box, through Attach): "payment.order_paid" {order_sn, from, source},
//   read by payment.closed_stays_closed.
//
// Checkers:
//   payment.at_most_once          INV-P1: <= 1 oms_payment_info row per order_sn and per
//                                 alipay_trade_no.
//   payment.paid_has_evidence     INV-P2: a PAID order has a payment row with a paid status
//                                 whose trade_no and amount match a trade Alipay captured.
//   payment.captured_becomes_paid INV-P3: a trade captured while its order was still open ends
//                                 with the order PAID (a refund only excuses a payment taken
//                                 after the order had closed, which P5 reports).
//   payment.acknowledged          INV-P4: a notify that reached the merchant is eventually
//                                 answered "success".
//   payment.window_inside_order   INV-P5: Alipay captured a payment only inside the order's life
//                                 (before create_time + order_ttl, and before a cancellation).
//   payment.no_double_charge      INV-P6: <= 1 captured trade per order, and no pay form handed
//                                 out for a request made (invoke time) after the order was
//                                 already PAID (payment_time) or CANCELLED (modify_time).
//   payment.closed_stays_closed   I-6 / F-30: a CANCELLED order never becomes PAID.

#include <memory>

#include "checkers/checker.h"

namespace scenarios {

std::unique_ptr<checkers::Checker> MakePaymentAtMostOnceChecker();
std::unique_ptr<checkers::Checker> MakePaidHasEvidenceChecker();
std::unique_ptr<checkers::Checker> MakeCapturedBecomesPaidChecker();
std::unique_ptr<checkers::Checker> MakePaymentAcknowledgedChecker();
std::unique_ptr<checkers::Checker> MakeWindowInsideOrderChecker();
std::unique_ptr<checkers::Checker> MakeNoDoubleChargeChecker();
std::unique_ptr<checkers::Checker> MakeClosedStaysClosedChecker();

}  // namespace scenarios
