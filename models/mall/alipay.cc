// The Alipay node and its clients; see alipay.h.

#include "models/mall/alipay.h"

#include <fmt/format.h>

#include <optional>

namespace models::mall {
namespace {

using sim::Errc;
using sim::MakeError;

int64_t WallMs(const sim::Env& env) { return env.LocalNow().nanos() / 1'000'000; }

sim::Task<void> NotifyTrade(sim::Env env, AlipayModel* model, AlipayConfig config,
                            std::string sn) {
  for (int guard = 0; guard < kNotifyAttemptsMax; ++guard) {
    const AlipayTrade* trade = model->Find(sn);
    if (trade == nullptr || trade->notify_due_ns < 0) co_return;
    const sim::Instant due = sim::Instant::FromNanos(trade->notify_due_ns);
    if (due > env.Now()) co_await sim::Sleep(due - env.Now());  // scheduler time, not drift
    const sim::Instant start = env.Now();
    AlipayNotify notify = model->BuildNotify(sn, WallMs(env));
    env.Trace("alipay.notify_sent", {{"out_trade_no", sn}, {"attempt", trade->notify_attempts + 1}});
    sim::Result<std::string> reply =
        co_await env.Call<std::string>(config.notify_to, std::move(notify), config.notify_timeout);
    std::optional<std::string> body;
    if (reply.ok()) body = *reply;
    model->RecordNotifyAttempt(sn, body, start);
    const AlipayTrade* after = model->Find(sn);
    env.Trace("alipay.notify_result", {{"out_trade_no", sn},
                                       {"reply", body ? *body : std::string("<none>")},
                                       {"acked", after->notify_acked ? 1 : 0}});
  }
}

sim::Result<void> CheckMerchant(const AlipayModel* model, const MerchantRequest& r) {
  if (r.app_id != model->config().app_id) return MakeError(Errc::kRejected, "INVALID_APP_ID");
  if (!VerifyContent(r.Content(), r.sign, model->config().merchant_key)) {
    return MakeError(Errc::kRejected, "INVALID_SIGNATURE");
  }
  return {};
}

sim::Task<sim::Result<CashierReply>> ServeCashier(sim::Env env, AlipayModel* model,
                                                  AlipayConfig config, CashierRequest r) {
  co_await env.Sleep(config.processing);
  sim::Result<AlipayTrade> trade = model->OpenCashier(r.form, WallMs(env), env.Now());
  if (!trade.ok()) co_return trade.error();
  env.Trace("alipay.trade_created", {{"out_trade_no", trade->out_trade_no}});
  co_return CashierReply{trade->trade_no, TradeStatusName(trade->status)};
}

sim::Task<sim::Result<ReturnPage>> ServePay(sim::Env env, AlipayModel* model,
                                            AlipayConfig config, PayRequest r) {
  co_await env.Sleep(config.processing);
  sim::Result<ReturnPage> page = model->Pay(r.out_trade_no, WallMs(env), env.Now());
  if (!page.ok()) co_return page.error();
  env.Trace("alipay.trade_paid", {{"out_trade_no", r.out_trade_no}});
  env.Spawn(NotifyTrade(env, model, config, r.out_trade_no));
  co_return page;
}

sim::Task<sim::Result<TradeQuery>> ServeQuery(sim::Env env, AlipayModel* model,
                                              AlipayConfig config, MerchantRequest r) {
  co_await env.Sleep(config.processing);
  sim::Result<void> checked = CheckMerchant(model, r);
  if (!checked.ok()) co_return checked.error();
  sim::Result<TradeQuery> q = model->Query(r.out_trade_no, WallMs(env), env.Now());
  co_return q;
}

sim::Task<sim::Result<Ack>> ServeClose(sim::Env env, AlipayModel* model, AlipayConfig config,
                                       MerchantRequest r) {
  co_await env.Sleep(config.processing);
  sim::Result<void> checked = CheckMerchant(model, r);
  if (!checked.ok()) co_return checked.error();
  sim::Result<void> closed = model->Close(r.out_trade_no, WallMs(env), env.Now());
  if (!closed.ok()) co_return closed.error();
  env.Trace("alipay.trade_closed", {{"out_trade_no", r.out_trade_no}});
  co_return Ack{};
}

sim::Task<sim::Result<Ack>> ServeRefund(sim::Env env, AlipayModel* model, AlipayConfig config,
                                        MerchantRequest r) {
  co_await env.Sleep(config.processing);
  sim::Result<void> checked = CheckMerchant(model, r);
  if (!checked.ok()) co_return checked.error();
  sim::Result<void> refunded = model->Refund(r.out_trade_no, r.out_request_no, env.Now());
  if (!refunded.ok()) co_return refunded.error();
  env.Trace("alipay.trade_refunded", {{"out_trade_no", r.out_trade_no}});
  co_return Ack{};
}

sim::Task<sim::Result<std::vector<BillLine>>> ServeBill(sim::Env env, AlipayModel* model,
                                                        AlipayConfig config, BillRequest r) {
  co_await env.Sleep(config.processing);
  MerchantRequest as_merchant{"alipay.data.dataservice.bill.downloadurl.query", r.app_id,
                              std::to_string(r.day), "", r.sign};
  sim::Result<void> checked = CheckMerchant(model, as_merchant);
  if (!checked.ok()) co_return checked.error();
  sim::Result<std::vector<BillLine>> bill = model->Bill(r.day, WallMs(env));
  co_return bill;
}

MerchantRequest Signed(const AlipayClientConfig& c, std::string method, std::string sn,
                       std::string request_no = {}) {
  MerchantRequest r{std::move(method), c.app_id, std::move(sn), std::move(request_no), 0};
  r.sign = SignContent(r.Content(), c.merchant_key);
  return r;
}

}  // namespace

std::string MerchantRequest::Content() const {
  return fmt::format("app_id={}&method={}&out_request_no={}&out_trade_no={}", app_id, method,
                     out_request_no, out_trade_no);
}

std::string SubCode(const sim::Error& error) {
  const size_t end = error.detail.find_first_of(" :");
  return error.detail.substr(0, end);
}

void BootAlipay(sim::Env env, AlipayModel* model, AlipayConfig config) {
  env.Serve<CashierRequest, CashierReply>(kAlipayCashierPort, [env, model, config](CashierRequest r) {
    return ServeCashier(env, model, config, std::move(r));
  });
  env.Serve<PayRequest, ReturnPage>(kAlipayPayPort, [env, model, config](PayRequest r) {
    return ServePay(env, model, config, std::move(r));
  });
  env.Serve<MerchantRequest, TradeQuery>(kAlipayQueryPort, [env, model, config](MerchantRequest r) {
    return ServeQuery(env, model, config, std::move(r));
  });
  env.Serve<MerchantRequest, Ack>(kAlipayClosePort, [env, model, config](MerchantRequest r) {
    return ServeClose(env, model, config, std::move(r));
  });
  env.Serve<MerchantRequest, Ack>(kAlipayRefundPort, [env, model, config](MerchantRequest r) {
    return ServeRefund(env, model, config, std::move(r));
  });
  env.Serve<BillRequest, std::vector<BillLine>>(kAlipayBillPort, [env, model, config](BillRequest r) {
    return ServeBill(env, model, config, std::move(r));
  });
  // Notifications pending when the node went down resume at their due time.
  for (const std::string& sn : model->PendingNotifies()) {
    env.Spawn(NotifyTrade(env, model, config, sn));
  }
}

sim::Task<sim::Result<CashierReply>> BuyerOpenCashier(sim::Env env, sim::NodeId alipay,
                                                      PayForm form, sim::Duration timeout) {
  CashierRequest request{std::move(form)};
  sim::Result<CashierReply> reply = co_await env.Call<CashierReply>(
      sim::Endpoint{alipay, kAlipayCashierPort}, std::move(request), timeout);
  co_return reply;
}

sim::Task<sim::Result<ReturnPage>> BuyerConfirmPay(sim::Env env, sim::NodeId alipay,
                                                   std::string out_trade_no,
                                                   sim::Duration timeout) {
  PayRequest request{std::move(out_trade_no)};
  sim::Result<ReturnPage> page = co_await env.Call<ReturnPage>(
      sim::Endpoint{alipay, kAlipayPayPort}, std::move(request), timeout);
  co_return page;
}

sim::Task<sim::Result<TradeQuery>> AlipayQueryTrade(sim::Env env, AlipayClientConfig client,
                                                    std::string out_trade_no) {
  MerchantRequest r = Signed(client, "alipay.trade.query", std::move(out_trade_no));
  sim::Result<TradeQuery> q = co_await env.Call<TradeQuery>(
      sim::Endpoint{client.alipay, kAlipayQueryPort}, std::move(r), client.timeout);
  if (q.ok() && !VerifyContent(q->Content(), q->sign, client.platform_key)) {
    co_return MakeError(Errc::kRejected, "INVALID_RESPONSE_SIGNATURE");
  }
  co_return q;
}

sim::Task<sim::Result<Ack>> AlipayCloseTrade(sim::Env env, AlipayClientConfig client,
                                             std::string out_trade_no) {
  MerchantRequest r = Signed(client, "alipay.trade.close", std::move(out_trade_no));
  sim::Result<Ack> ack = co_await env.Call<Ack>(sim::Endpoint{client.alipay, kAlipayClosePort},
                                                std::move(r), client.timeout);
  co_return ack;
}

sim::Task<sim::Result<Ack>> AlipayRefundTrade(sim::Env env, AlipayClientConfig client,
                                              std::string out_trade_no, std::string request_no) {
  MerchantRequest r =
      Signed(client, "alipay.trade.refund", std::move(out_trade_no), std::move(request_no));
  sim::Result<Ack> ack = co_await env.Call<Ack>(sim::Endpoint{client.alipay, kAlipayRefundPort},
                                                std::move(r), client.timeout);
  co_return ack;
}

sim::Task<sim::Result<std::vector<BillLine>>> AlipayDownloadBill(sim::Env env,
                                                                 AlipayClientConfig client,
                                                                 int64_t day) {
  MerchantRequest m = Signed(client, "alipay.data.dataservice.bill.downloadurl.query",
                             std::to_string(day));
  BillRequest r{client.app_id, day, m.sign};
  sim::Result<std::vector<BillLine>> bill = co_await env.Call<std::vector<BillLine>>(
      sim::Endpoint{client.alipay, kAlipayBillPort}, std::move(r), client.timeout);
  co_return bill;
}

}  // namespace models::mall
