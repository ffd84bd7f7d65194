#pragma once
// The Alipay node: an AlipayModel (alipay_model.h) served over the simulated network, the
// notifier that delivers its asynchronous notifies, and the calls the buyer's browser and the
// merchant make to it.
//
// Fidelity contract.
// Models: the HTTP gateway of the open platform as request/response RPCs, one port per API
// (cashier, pay, alipay.trade.query, alipay.trade.close, alipay.trade.refund, bill download);
// merchant requests carry the merchant's signature and Alipay verifies it and the app_id;
// responses to query carry the platform's signature. The notifier POSTs the signed notify to the
// merchant's notify endpoint for every paid trade and retries on the documented schedule (4m,
// 10m, 10m, 1h, 2h, 6h, 15h after the previous attempt) until the reply is exactly "success";
// an attempt that gets no reply within `notify_timeout` counts as failed.
// Guarantees: trades and notification state live in the AlipayModel, owned outside the node:
// a crash of the node loses only the attempts in flight, which resume at their due time.
// Every API call takes `processing` virtual time on the node.
// Faults: network loss, delay, duplication and partitions on every path (a duplicated notify
// reaches the merchant twice, as a retried HTTP POST can); node crash and restart; node clock
// skew (deadlines and bills follow Alipay's own wall clock, LocalNow).
// Not modelled: the browser redirects themselves (the buyer calls the APIs directly), HTTP
// status codes (any reply body counts; no reply is a failure), rate limits.

#include <cstdint>
#include <string>
#include <vector>

#include "models/mall/alipay_model.h"
#include "sim/env.h"
#include "sim/task.h"

namespace models::mall {

// Ports of the Alipay node.
inline constexpr sim::Port kAlipayCashierPort = 9001;
inline constexpr sim::Port kAlipayPayPort = 9002;
inline constexpr sim::Port kAlipayQueryPort = 9003;
inline constexpr sim::Port kAlipayClosePort = 9004;
inline constexpr sim::Port kAlipayRefundPort = 9005;
inline constexpr sim::Port kAlipayBillPort = 9006;

struct AlipayConfig {
  sim::Endpoint notify_to;                                // the merchant's notify_url
  sim::Duration notify_timeout = sim::Duration::Seconds(15);
  sim::Duration processing = sim::Duration::Millis(5);
};

// Boots the node. `model` is the platform's durable state: REQUIRES it outlives the run and only
// this node touches it.
void BootAlipay(sim::Env env, AlipayModel* model, AlipayConfig config);

// Requests and replies.
struct CashierRequest { PayForm form; };
struct CashierReply { std::string trade_no; std::string trade_status; };
struct PayRequest { std::string out_trade_no; };
struct MerchantRequest {   // alipay.trade.query / close / refund, signed by the merchant
  std::string method;
  std::string app_id;
  std::string out_trade_no;
  std::string out_request_no;  // refund only
  uint64_t sign = 0;
  std::string Content() const;
};
struct BillRequest { std::string app_id; int64_t day = 0; uint64_t sign = 0; };
struct Ack {};

// --- the buyer's browser ---
// Posts the form to the cashier and logs in: the trade exists from here on.
sim::Task<sim::Result<CashierReply>> BuyerOpenCashier(sim::Env env, sim::NodeId alipay,
                                                      PayForm form, sim::Duration timeout);
// Confirms the payment; on success Alipay redirects the browser to return_url with these.
sim::Task<sim::Result<ReturnPage>> BuyerConfirmPay(sim::Env env, sim::NodeId alipay,
                                                   std::string out_trade_no,
                                                   sim::Duration timeout);

// --- the merchant's server-side calls ---
struct AlipayClientConfig {
  sim::NodeId alipay = 0;
  std::string app_id;
  SignKey merchant_key;   // signs requests
  SignKey platform_key;   // verifies responses
  sim::Duration timeout = sim::Duration::Seconds(5);
};
// A response whose signature fails is kRejected "INVALID_RESPONSE_SIGNATURE".
sim::Task<sim::Result<TradeQuery>> AlipayQueryTrade(sim::Env env, AlipayClientConfig client,
                                                    std::string out_trade_no);
sim::Task<sim::Result<Ack>> AlipayCloseTrade(sim::Env env, AlipayClientConfig client,
                                             std::string out_trade_no);
sim::Task<sim::Result<Ack>> AlipayRefundTrade(sim::Env env, AlipayClientConfig client,
                                              std::string out_trade_no, std::string request_no);
sim::Task<sim::Result<std::vector<BillLine>>> AlipayDownloadBill(sim::Env env,
                                                                 AlipayClientConfig client,
                                                                 int64_t day);

// Alipay's sub_code for an error detail ("ACQ.TRADE_NOT_EXIST", ...): the detail's first word.
std::string SubCode(const sim::Error& error);

}  // namespace models::mall
