#pragma once
// The merchant side of payment, as it runs inside the order service in Gulimall
// (PayWebController, OrderPayedListener, OrderServiceImpl.handlePayResult, AlipayTemplate):
// building the page-pay form, handling Alipay's asynchronous notify, the return page, the close
// path of an expired order ("query before closing") and the nightly reconciliation.
//
// Fidelity contract.
// Models: the oms_order / oms_payment_info rows of models/db/mall_catalog.h, used as they are.
// The correct design (each variant's default) is:
//   - CreatePayPage refuses an order that is not CREATED (003:1335, F-32), signs the form with
//     the merchant key, rounds the amount up to cents (setScale(2, ROUND_UP), 003:1337) and sets
//     an absolute time_expire = create_time + order_ttl - expire_margin, on the merchant's wall
//     clock, so the payment window ends inside the order's life (003:1538-1540, INV-P5);
//   - HandlePayNotify verifies the signature and app_id first, then in one local transaction
//     locks the order row, checks the amount (B-PAY-2), treats an existing payment record as
//     "already done" (F-31b), inserts oms_payment_info and moves the order CREATED(0) -> PAID(1)
//     with `WHERE status = 0` (F-30); it answers exactly "success" only after the commit (or
//     when already applied), "fail" otherwise (INV-P4). A verified payment for an order that was
//     cancelled meanwhile is refunded (the F-30 fix "if it affects 0 rows, refund");
//   - the return page (return_url) never changes state by itself (F-33); it triggers an active
//     query (the order list's ajax query of unpaid orders, F-28);
//   - the close path calls alipay.trade.close before cancelling; a trade Alipay reports as paid
//     is queried and recorded instead (F-27, F-28); no answer means "try again later";
//   - the nightly job downloads yesterday's bill and repairs captured trades whose payment was
//     never recorded (F-29).
// Each D-9 rung is a PaymentOptions switch (see the enums). Times written to oms are ms of the
// writing node's wall clock (LocalNow).
// Faults: every SqlClient and Alipay call may fail or time out; the functions then answer "fail"
// / an error and leave the retry to their caller (Alipay's schedule, the next close scan, the
// next night). A crash in the middle rolls the open transaction back.
// Not modelled: the HTTP layer (nginx, tunnel, login interceptor: F-35, F-36 beyond the reply),
// TRADE_FINISHED products, partial refunds, stock deduction on payment (B-WARE-9; SAGA's).
// Trace events: payment.notify_handled, payment.order_paid, payment.order_closed,
// payment.refund_issued, payment.reconciled.

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "models/db/db_model.h"
#include "models/db/sql_client.h"
#include "models/mall/alipay.h"
#include "models/mall/order_status.h"
#include "sim/env.h"

namespace models::mall {

inline const db::TableName kOmsOrder{"oms", "oms_order"};
inline const db::TableName kOmsPaymentInfo{"oms", "oms_payment_info"};


// D-9 rung 1 (F-33): where the paid state comes from.
enum class StateSource : uint8_t { kNotify, kReturnUrl };
// D-9 rung 2 (F-36, 003:1365): what the notify endpoint answers after processing.
enum class NotifyReply : uint8_t { kSuccess, kPage };
// F-31(a), B-10, B-PAY-5: verify first; save -> verify -> update (003:1505-1519); never verify.
enum class SignatureCheck : uint8_t { kVerifyFirst, kAfterSave, kOff };
// D-9 rung 4 (F-26, F-38): the trade's deadline.
enum class PayExpiry : uint8_t { kTimeExpire, kTimeoutExpress, kNone };
// D-9 rung 7 (F-30, B-ORD-2): the paid update.
enum class PaidUpdate : uint8_t { kGuarded, kUnconditional };

struct PaymentOptions {
  AlipayClientConfig alipay;
  sim::Duration order_ttl = sim::Duration::Minutes(30);
  sim::Duration expire_margin = sim::Duration::Seconds(10);
  StateSource state_source = StateSource::kNotify;
  NotifyReply notify_reply = NotifyReply::kSuccess;
  SignatureCheck signature = SignatureCheck::kVerifyFirst;
  bool notify_idempotent = true;   // D-9 rung 3, F-31(b), B-PAY-1
  PaidUpdate paid_update = PaidUpdate::kGuarded;
  PayExpiry expiry = PayExpiry::kTimeExpire;
  bool pay_page_check = true;      // F-32
  // D-9 side rung (F-35, B-7): notify_url /order/paid/notify vs nginx `location /payed/`: when
  // false the notify never reaches the handler and every attempt gets a 404 page.
  bool notify_routed = true;
  bool close_trade = true;         // D-9 rung 5, F-27
  bool active_query = true;        // D-9 rung 6a, F-28
  bool reconcile = true;           // D-9 rung 6b, F-29
};

struct PayNotifyOutcome {
  std::string reply;       // the body Alipay receives: "success", "fail", or a page
  bool paid_now = false;   // this notify moved the order to PAID
  std::string why;
};

// REQUIRES for every function: `oms` is a connection no other task uses meanwhile.
sim::Task<sim::Result<PayForm>> CreatePayPage(sim::Env env, db::SqlClient* oms,
                                              std::string order_sn, PaymentOptions options);
sim::Task<PayNotifyOutcome> HandlePayNotify(sim::Env env, db::SqlClient* oms, AlipayNotify notify,
                                            PaymentOptions options);
// The browser's visit to return_url. Returns whether the order became paid now.
sim::Task<sim::Result<bool>> HandleReturnPage(sim::Env env, db::SqlClient* oms, ReturnPage page,
                                              PaymentOptions options);

// What the close path may do with the trade of an order past its deadline.
enum class TradeCloseDecision : uint8_t {
  kMayCancel,  // the trade is closed (or never existed): cancelling the order is safe
  kPaid,       // Alipay has the payment: it was recorded, the order is PAID
  kKeep,       // unknown or paid-but-unrecorded: keep the order CREATED and try later
};
sim::Task<TradeCloseDecision> CloseTrade(sim::Env env, db::SqlClient* oms, std::string order_sn,
                                         PaymentOptions options);
// CloseTrade, then `UPDATE oms_order SET status=4 WHERE order_sn=? AND status=0` when allowed.
// Returns true when this call cancelled the order.
sim::Task<sim::Result<bool>> CloseExpiredOrder(sim::Env env, db::SqlClient* oms,
                                               std::string order_sn, PaymentOptions options);

struct ReconcileReport {
  int64_t lines = 0;
  int64_t repaired = 0;   // captured, unrecorded: recorded now
  int64_t refunded = 0;   // captured for a cancelled order: refunded
  int64_t errors = 0;
};
// Reconciles the bill of `day` (Alipay's bill days). Fails when the bill is not ready.
sim::Task<sim::Result<ReconcileReport>> ReconcileDay(sim::Env env, db::SqlClient* oms,
                                                     int64_t day, PaymentOptions options);

// Snapshot keys read by the payment checkers (scenarios/workloads/mall/pay_checkers.h):
// PaymentSnapshot -> "alipay"; OmsPaymentSnapshot -> "oms_order" and "oms_payment_info" (every
// column by name); PaymentInfoRows -> "oms_payment_info" alone.
nlohmann::json PaymentSnapshot(const AlipayModel& alipay);
nlohmann::json OmsPaymentSnapshot(const db::DbModel& oms);
nlohmann::json PaymentInfoRows(const db::DbModel& oms);

// ceil(pay_amount / 100): decimal(18,4) to cents, rounding up as AlipayTemplate does.
int64_t AmountCents(int64_t scaled4);

}  // namespace models::mall
