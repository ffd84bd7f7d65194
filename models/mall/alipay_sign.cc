// Signed messages and the RSA2 stand-in; see alipay_sign.h.

#include "models/mall/alipay_sign.h"

#include <fmt/format.h>

#include <map>

namespace models::mall {
namespace {

// Sorted key=value pairs joined with '&': std::map orders the keys as rsaCheckV1 does.
std::string Join(const std::map<std::string, std::string>& params) {
  std::string out;
  for (const auto& [key, value] : params) {
    if (value.empty()) continue;  // empty parameters are not signed
    if (!out.empty()) out += '&';
    out += key + "=" + value;
  }
  return out;
}

uint64_t Finalise(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::string Ms(int64_t ms) { return ms < 0 ? std::string() : std::to_string(ms); }

}  // namespace

std::string FormatAmount(int64_t cents) {
  const int64_t mag = cents < 0 ? -cents : cents;
  return fmt::format("{}{}.{:02}", cents < 0 ? "-" : "", mag / 100, mag % 100);
}

uint64_t SignContent(const std::string& content, SignKey key) {
  uint64_t h = 0xcbf29ce484222325ULL ^ Finalise(key.secret);
  for (unsigned char c : content) h = (h ^ c) * 0x100000001b3ULL;
  return Finalise(h ^ key.secret);
}

bool VerifyContent(const std::string& content, uint64_t sign, SignKey key) {
  return SignContent(content, key) == sign;
}

std::string PayForm::Content() const {
  return Join({{"app_id", app_id},
               {"method", "alipay.trade.page.pay"},
               {"out_trade_no", out_trade_no},
               {"total_amount", FormatAmount(total_amount_cents)},
               {"subject", subject},
               {"time_expire", Ms(time_expire_ms)},
               {"timeout_express", Ms(timeout_express_ms)}});
}

std::string AlipayNotify::Content() const {
  return Join({{"notify_id", notify_id},
               {"notify_time", Ms(notify_time_ms)},
               {"notify_type", "trade_status_sync"},
               {"app_id", app_id},
               {"out_trade_no", out_trade_no},
               {"trade_no", trade_no},
               {"trade_status", trade_status},
               {"total_amount", FormatAmount(total_amount_cents)},
               {"subject", subject},
               {"gmt_payment", Ms(gmt_payment_ms)}});
}

std::string ReturnPage::Content() const {
  return Join({{"app_id", app_id},
               {"method", "alipay.trade.page.pay.return"},
               {"out_trade_no", out_trade_no},
               {"trade_no", trade_no},
               {"total_amount", FormatAmount(total_amount_cents)},
               {"timestamp", Ms(timestamp_ms)}});
}

}  // namespace models::mall
