#pragma once
// AlipayModel: the durable state of the Alipay open platform as one merchant sees it (its trades,
// their notifications and its daily bills) and the pure operations on it. The node program that
// serves it over the network is in alipay.h.
//
// Fidelity contract.
// Models (docs of alipay.trade.page.pay / query / close / refund, the async notify, and
// alipay.data.dataservice.bill.downloadurl.query; seed-catalog 2.10, 3.6):
//   - A page-pay trade is created when the buyer reaches the cashier with the merchant's signed
//     form (not when the merchant builds the form: closing or querying before that answers
//     ACQ.TRADE_NOT_EXIST). out_trade_no is unique per merchant: a second form for the same
//     out_trade_no reuses a waiting trade, and is refused once the trade is paid
//     (ACQ.TRADE_HAS_SUCCESS) or closed (ACQ.TRADE_HAS_CLOSE); a form whose time_expire has
//     passed is refused ("order parameters abnormal").
//   - trade_status: WAIT_BUYER_PAY -> TRADE_SUCCESS (paid) | TRADE_CLOSED (expired unpaid, closed
//     by the merchant, or fully refunded). A payment after time_expire (absolute, Alipay's clock)
//     or after timeout_express (relative, from the trade's creation) or after a close is refused.
//   - Notify: on TRADE_SUCCESS Alipay POSTs a signed notify to the merchant's notify_url; unless
//     the reply is exactly "success" it retries after 4m, 10m, 10m, 1h, 2h, 6h, 15h (8 attempts
//     within 25 h, 003:1365); notify_id is the same for every retry.
//   - alipay.trade.close: closes a waiting trade; ACQ.TRADE_STATUS_ERROR for a paid one;
//     ACQ.TRADE_NOT_EXIST before creation. Closing a closed trade answers success.
//   - alipay.trade.query: status, amount, trade_no, send_pay_date; ACQ.TRADE_NOT_EXIST.
//   - alipay.trade.refund (full refund, idempotent per out_request_no): TRADE_SUCCESS ->
//     TRADE_CLOSED.
//   - Bills: the trade bill of day D lists the trades paid during D (Alipay's clock); it can be
//     downloaded only from `bill_ready_after` past the end of D (T+1, "after 10:00").
// Guarantees: the platform does not lose trades: the model is owned outside the node and
// survives its crashes; notification state (attempts, next due time) is durable too.
// Faults: those of the network (a lost or late notify or reply, a partition between Alipay and
// the merchant) and crashes of the node (pending notifications resume at their due time).
// Not modelled: TRADE_FINISHED (no refund-free products), partial refunds, amount limits,
// the three immediate resends some newer docs describe before the 4m step, buyer accounts and
// balances, the QR-code cashier, trade_no formats.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/mall/alipay_sign.h"
#include "sim/result.h"
#include "sim/time.h"

namespace models::mall {

enum class TradeStatus : uint8_t { kWaitBuyerPay, kTradeSuccess, kTradeClosed };
const char* TradeStatusName(TradeStatus status);

// The documented retry schedule after the first attempt: 4m, 10m, 10m, 1h, 2h, 6h, 15h.
inline constexpr int kNotifyAttemptsMax = 8;
sim::Duration NotifyRetryDelay(int attempts_done);  // REQUIRES: 1 <= attempts_done < 8

struct AlipayModelConfig {
  std::string app_id = "2021000000000001";
  SignKey merchant_key{0x6d65726368616e74};   // Alipay verifies the merchant's requests
  SignKey platform_key{0x616c697061790001};   // Alipay signs notifies and responses
  int64_t bill_day_ms = 86'400'000;           // length of a bill day (compressible in specs)
  int64_t bill_ready_after_ms = 36'000'000;   // T+1: available 10 h after the day ends
};

struct AlipayTrade {
  std::string out_trade_no;
  std::string trade_no;
  std::string subject;
  int64_t total_amount_cents = 0;
  TradeStatus status = TradeStatus::kWaitBuyerPay;
  int64_t gmt_create_ms = 0;       // Alipay's clock
  int64_t deadline_ms = -1;        // Alipay's clock; -1: no deadline
  int64_t gmt_payment_ms = -1;     // Alipay's clock
  bool refunded = false;
  std::string refund_request_no;
  // Observer's truth for checkers: global virtual time, never shown to the merchant.
  sim::Instant created_at;
  std::optional<sim::Instant> paid_at;
  std::optional<sim::Instant> closed_at;
  // Notification state.
  int notify_attempts = 0;
  int notify_delivered = 0;         // attempts whose reply reached Alipay
  int notify_non_success = 0;       // replies other than exactly "success"
  bool notify_acked = false;
  int64_t notify_due_ns = -1;       // next attempt (global ns); -1: none pending
};

struct TradeQuery {
  std::string out_trade_no;
  std::string trade_no;
  std::string trade_status;
  int64_t total_amount_cents = 0;
  int64_t send_pay_date_ms = -1;
  uint64_t sign = 0;               // Alipay signs responses
  std::string Content() const;
};

struct BillLine {
  std::string out_trade_no;
  std::string trade_no;
  int64_t total_amount_cents = 0;
  int64_t gmt_payment_ms = 0;
  bool refunded = false;
};

class AlipayModel {
 public:
  explicit AlipayModel(AlipayModelConfig config = {});

  const AlipayModelConfig& config() const { return config_; }
  // The merchant's cashier visit: verifies the form, creates (or reuses) the trade.
  sim::Result<AlipayTrade> OpenCashier(const PayForm& form, int64_t now_ms, sim::Instant now);
  // The buyer confirms the payment. Returns the signed return_url parameters.
  sim::Result<ReturnPage> Pay(const std::string& out_trade_no, int64_t now_ms, sim::Instant now);
  sim::Result<TradeQuery> Query(const std::string& out_trade_no, int64_t now_ms, sim::Instant now);
  sim::Result<void> Close(const std::string& out_trade_no, int64_t now_ms, sim::Instant now);
  sim::Result<void> Refund(const std::string& out_trade_no, const std::string& request_no,
                           sim::Instant now);
  sim::Result<std::vector<BillLine>> Bill(int64_t day, int64_t now_ms) const;

  // Notifications: the trades with an attempt pending, and the bookkeeping of one attempt.
  std::vector<std::string> PendingNotifies() const;
  AlipayNotify BuildNotify(const std::string& out_trade_no, int64_t now_ms) const;
  // reply: the merchant's answer, or nullopt when none arrived (lost, timed out, refused).
  void RecordNotifyAttempt(const std::string& out_trade_no, std::optional<std::string> reply,
                           sim::Instant now);

  const std::map<std::string, AlipayTrade>& trades() const { return trades_; }
  const AlipayTrade* Find(const std::string& out_trade_no) const;

 private:
  // A waiting trade past its deadline is closed (Alipay closes it by itself).
  void Expire(AlipayTrade& trade, int64_t now_ms, sim::Instant now);
  // The trade, brought up to date with its expiry; null when it does not exist.
  AlipayTrade* FindCurrent(const std::string& out_trade_no, int64_t now_ms, sim::Instant now);

  AlipayModelConfig config_;
  std::map<std::string, AlipayTrade> trades_;  // by out_trade_no
  int64_t next_trade_no_ = 1;
};

}  // namespace models::mall
