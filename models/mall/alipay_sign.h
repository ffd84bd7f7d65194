#pragma once
// The signed messages that travel between the merchant, the buyer's browser and Alipay, and the
// stand-in for their RSA2 signatures.
//
// Fidelity contract.
// Models: Alipay's signing rule (AlipaySignature.rsaCheckV1): the signed content is every
// parameter except `sign` and `sign_type`, as key=value pairs sorted by key and joined with '&';
// a changed field, a missing field or a signature made with another key fails verification.
// Amounts travel as Strings with exactly two decimals ("12.30", 003:1337). Times are
// milliseconds of the sender's wall clock (the real format is yyyy-MM-dd HH:mm:ss, F-37).
// The two key pairs of 2.10 (merchant pair: the merchant signs requests, Alipay verifies;
// platform pair: Alipay signs notifies and responses, the merchant verifies) are each one
// SignKey.
// Not modelled: asymmetry. RSA2 is modelled as a keyed 64-bit hash (FNV-1a with a splitmix
// finaliser), so whoever can verify could also sign; in the harness only Alipay holds the
// platform key and only the merchant holds the merchant key, and an attacker signs with a key
// of its own, which is what the verification rungs of D-9 need. Charset errors (F-37) and
// certificate modes are left out.

#include <cstdint>
#include <string>

#include "sim/network.h"

namespace models::mall {

struct SignKey {
  uint64_t secret = 0;
};

// "12.30" for 1230 cents.
std::string FormatAmount(int64_t cents);
// The RSA2 stand-in over a content string.
uint64_t SignContent(const std::string& content, SignKey key);
bool VerifyContent(const std::string& content, uint64_t sign, SignKey key);

// alipay.trade.page.pay's form, built and signed by the merchant, posted by the browser.
struct PayForm {
  std::string app_id;
  std::string out_trade_no;      // = the order sn
  int64_t total_amount_cents = 0;
  std::string subject;
  // Absolute deadline on Alipay's clock (ms), or -1 when absent. Wins over timeout_express.
  int64_t time_expire_ms = -1;
  // Relative deadline counted from the trade's creation (1m..15d), or -1 when absent.
  int64_t timeout_express_ms = -1;
  uint64_t sign = 0;

  std::string Content() const;
};

// The asynchronous notify (notify_type=trade_status_sync), signed by Alipay.
struct AlipayNotify {
  std::string notify_id;        // the same for every retry of one notification
  int64_t notify_time_ms = 0;
  std::string app_id;
  std::string out_trade_no;
  std::string trade_no;
  std::string trade_status;     // TRADE_SUCCESS, TRADE_FINISHED, TRADE_CLOSED, WAIT_BUYER_PAY
  int64_t total_amount_cents = 0;
  std::string subject;
  int64_t gmt_payment_ms = 0;
  std::string sign_type = "RSA2";
  uint64_t sign = 0;

  std::string Content() const;
};

// The parameters Alipay appends to return_url when it redirects the browser (signed by Alipay).
struct ReturnPage {
  std::string app_id;
  std::string out_trade_no;
  std::string trade_no;
  int64_t total_amount_cents = 0;
  int64_t timestamp_ms = 0;
  uint64_t sign = 0;

  std::string Content() const;
};

}  // namespace models::mall
