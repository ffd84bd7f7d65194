// The Alipay platform's state and operations; see alipay_model.h.

#include "models/mall/alipay_model.h"

#include <fmt/format.h>

#include "sim/assert.h"

namespace models::mall {
namespace {

using sim::Errc;
using sim::MakeError;

std::string MsText(int64_t ms) { return ms < 0 ? std::string() : std::to_string(ms); }

}  // namespace

const char* TradeStatusName(TradeStatus status) {
  switch (status) {
    case TradeStatus::kWaitBuyerPay: return "WAIT_BUYER_PAY";
    case TradeStatus::kTradeSuccess: return "TRADE_SUCCESS";
    case TradeStatus::kTradeClosed: return "TRADE_CLOSED";
  }
  return "UNKNOWN";
}

sim::Duration NotifyRetryDelay(int attempts_done) {
  SIM_ASSERT(attempts_done >= 1);
  SIM_ASSERT(attempts_done < kNotifyAttemptsMax);
  static constexpr int64_t kMinutes[] = {4, 10, 10, 60, 120, 360, 900};
  return sim::Duration::Minutes(kMinutes[attempts_done - 1]);
}

std::string TradeQuery::Content() const {
  return fmt::format("method=alipay.trade.query.response&out_trade_no={}&send_pay_date={}"
                     "&total_amount={}&trade_no={}&trade_status={}",
                     out_trade_no, MsText(send_pay_date_ms), FormatAmount(total_amount_cents),
                     trade_no, trade_status);
}

AlipayModel::AlipayModel(AlipayModelConfig config) : config_(std::move(config)) {}

const AlipayTrade* AlipayModel::Find(const std::string& out_trade_no) const {
  auto it = trades_.find(out_trade_no);
  return it == trades_.end() ? nullptr : &it->second;
}

AlipayTrade* AlipayModel::FindCurrent(const std::string& out_trade_no, int64_t now_ms,
                                      sim::Instant now) {
  auto it = trades_.find(out_trade_no);
  if (it == trades_.end()) return nullptr;
  Expire(it->second, now_ms, now);
  return &it->second;
}

void AlipayModel::Expire(AlipayTrade& trade, int64_t now_ms, sim::Instant now) {
  if (trade.status != TradeStatus::kWaitBuyerPay) return;
  if (trade.deadline_ms < 0 || now_ms < trade.deadline_ms) return;
  trade.status = TradeStatus::kTradeClosed;
  trade.closed_at = now;
}

sim::Result<AlipayTrade> AlipayModel::OpenCashier(const PayForm& form, int64_t now_ms,
                                                  sim::Instant now) {
  if (form.app_id != config_.app_id) return MakeError(Errc::kRejected, "INVALID_APP_ID");
  if (!VerifyContent(form.Content(), form.sign, config_.merchant_key)) {
    return MakeError(Errc::kRejected, "INVALID_SIGNATURE");
  }
  if (form.total_amount_cents <= 0) return MakeError(Errc::kRejected, "INVALID_PARAMETER");
  if (form.time_expire_ms >= 0 && now_ms >= form.time_expire_ms) {
    return MakeError(Errc::kRejected, "TRADE_EXPIRED: order parameters abnormal");
  }
  auto it = trades_.find(form.out_trade_no);
  if (it != trades_.end()) {
    AlipayTrade& trade = it->second;
    Expire(trade, now_ms, now);
    if (trade.status == TradeStatus::kTradeSuccess) {
      return MakeError(Errc::kRejected, "ACQ.TRADE_HAS_SUCCESS");
    }
    if (trade.status == TradeStatus::kTradeClosed) {
      return MakeError(Errc::kRejected, "ACQ.TRADE_HAS_CLOSE");
    }
    if (trade.total_amount_cents != form.total_amount_cents) {
      return MakeError(Errc::kRejected, "ACQ.CONTEXT_INCONSISTENT");
    }
    return trade;
  }
  AlipayTrade trade;
  trade.out_trade_no = form.out_trade_no;
  trade.trade_no = fmt::format("2026{:012}", next_trade_no_++);
  trade.subject = form.subject;
  trade.total_amount_cents = form.total_amount_cents;
  trade.gmt_create_ms = now_ms;
  if (form.time_expire_ms >= 0) {
    trade.deadline_ms = form.time_expire_ms;  // time_expire wins over timeout_express
  } else if (form.timeout_express_ms >= 0) {
    trade.deadline_ms = now_ms + form.timeout_express_ms;
  }
  trade.created_at = now;
  trades_.emplace(trade.out_trade_no, trade);
  return trade;
}

sim::Result<ReturnPage> AlipayModel::Pay(const std::string& out_trade_no, int64_t now_ms,
                                         sim::Instant now) {
  AlipayTrade* found = FindCurrent(out_trade_no, now_ms, now);
  if (found == nullptr) return MakeError(Errc::kNotFound, "ACQ.TRADE_NOT_EXIST");
  AlipayTrade& trade = *found;
  if (trade.status == TradeStatus::kTradeSuccess) {
    return MakeError(Errc::kRejected, "ACQ.TRADE_HAS_SUCCESS");
  }
  if (trade.status == TradeStatus::kTradeClosed) {
    return MakeError(Errc::kRejected, "ACQ.TRADE_HAS_CLOSE: trade closed or expired");
  }
  trade.status = TradeStatus::kTradeSuccess;
  trade.gmt_payment_ms = now_ms;
  trade.paid_at = now;
  trade.notify_due_ns = now.nanos();  // the first notify goes out at once
  ReturnPage page{config_.app_id, trade.out_trade_no, trade.trade_no, trade.total_amount_cents,
                  now_ms, 0};
  page.sign = SignContent(page.Content(), config_.platform_key);
  return page;
}

sim::Result<TradeQuery> AlipayModel::Query(const std::string& out_trade_no, int64_t now_ms,
                                           sim::Instant now) {
  AlipayTrade* found = FindCurrent(out_trade_no, now_ms, now);
  if (found == nullptr) return MakeError(Errc::kNotFound, "ACQ.TRADE_NOT_EXIST");
  AlipayTrade& trade = *found;
  TradeQuery q{trade.out_trade_no, trade.trade_no, TradeStatusName(trade.status),
               trade.total_amount_cents, trade.gmt_payment_ms, 0};
  q.sign = SignContent(q.Content(), config_.platform_key);
  return q;
}

sim::Result<void> AlipayModel::Close(const std::string& out_trade_no, int64_t now_ms,
                                     sim::Instant now) {
  AlipayTrade* found = FindCurrent(out_trade_no, now_ms, now);
  if (found == nullptr) return MakeError(Errc::kNotFound, "ACQ.TRADE_NOT_EXIST");
  AlipayTrade& trade = *found;
  if (trade.status == TradeStatus::kTradeSuccess) {
    return MakeError(Errc::kConflict, "ACQ.TRADE_STATUS_ERROR");
  }
  if (trade.status == TradeStatus::kWaitBuyerPay) {
    trade.status = TradeStatus::kTradeClosed;
    trade.closed_at = now;
  }
  return {};
}

sim::Result<void> AlipayModel::Refund(const std::string& out_trade_no,
                                      const std::string& request_no, sim::Instant now) {
  auto it = trades_.find(out_trade_no);
  if (it == trades_.end()) return MakeError(Errc::kNotFound, "ACQ.TRADE_NOT_EXIST");
  AlipayTrade& trade = it->second;
  if (trade.refunded) {
    if (trade.refund_request_no == request_no) return {};  // a retried refund: idempotent
    return MakeError(Errc::kRejected, "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL");
  }
  if (trade.status != TradeStatus::kTradeSuccess) {
    return MakeError(Errc::kRejected, "ACQ.TRADE_STATUS_ERROR");
  }
  trade.status = TradeStatus::kTradeClosed;  // fully refunded
  trade.refunded = true;
  trade.refund_request_no = request_no;
  trade.closed_at = now;
  return {};
}

sim::Result<std::vector<BillLine>> AlipayModel::Bill(int64_t day, int64_t now_ms) const {
  const int64_t day_end_ms = (day + 1) * config_.bill_day_ms;
  if (day < 0 || now_ms < day_end_ms + config_.bill_ready_after_ms) {
    return MakeError(Errc::kRejected, "bill not ready (T+1)");
  }
  std::vector<BillLine> lines;
  for (const auto& [sn, trade] : trades_) {
    if (trade.gmt_payment_ms < 0) continue;
    if (trade.gmt_payment_ms / config_.bill_day_ms != day) continue;
    lines.push_back(BillLine{sn, trade.trade_no, trade.total_amount_cents, trade.gmt_payment_ms,
                             trade.refunded});
  }
  return lines;
}

std::vector<std::string> AlipayModel::PendingNotifies() const {
  std::vector<std::string> out;
  for (const auto& [sn, trade] : trades_) {
    if (trade.notify_due_ns >= 0) out.push_back(sn);
  }
  return out;
}

AlipayNotify AlipayModel::BuildNotify(const std::string& out_trade_no, int64_t now_ms) const {
  const AlipayTrade* trade = Find(out_trade_no);
  SIM_ASSERT(trade != nullptr);
  AlipayNotify n;
  n.notify_id = "notify-" + trade->trade_no;
  n.notify_time_ms = now_ms;
  n.app_id = config_.app_id;
  n.out_trade_no = trade->out_trade_no;
  n.trade_no = trade->trade_no;
  // The notification reports the change that caused it: the payment, even if the trade was
  // refunded since (a later refund has notifications of its own, not modelled).
  n.trade_status = TradeStatusName(TradeStatus::kTradeSuccess);
  n.total_amount_cents = trade->total_amount_cents;
  n.subject = trade->subject;
  n.gmt_payment_ms = trade->gmt_payment_ms;
  n.sign = SignContent(n.Content(), config_.platform_key);
  return n;
}

void AlipayModel::RecordNotifyAttempt(const std::string& out_trade_no,
                                      std::optional<std::string> reply, sim::Instant now) {
  auto it = trades_.find(out_trade_no);
  SIM_ASSERT(it != trades_.end());
  AlipayTrade& trade = it->second;
  SIM_ASSERT(trade.notify_due_ns >= 0);
  ++trade.notify_attempts;
  if (reply) {
    ++trade.notify_delivered;
    if (*reply == "success") {
      trade.notify_acked = true;
    } else {
      ++trade.notify_non_success;
    }
  }
  if (trade.notify_acked || trade.notify_attempts >= kNotifyAttemptsMax) {
    trade.notify_due_ns = -1;
    return;
  }
  trade.notify_due_ns = (now + NotifyRetryDelay(trade.notify_attempts)).nanos();
}

}  // namespace models::mall
