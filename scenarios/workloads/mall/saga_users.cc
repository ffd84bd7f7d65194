// The users and the admin of the `mall_order` workload; see saga_users.h.

#include "scenarios/workloads/mall/saga_users.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "models/mall/alipay.h"
#include "models/mall/mall_protocol.h"
#include "sim/history.h"
#include "sim/ratio.h"

namespace scenarios {

using namespace sim::literals;
namespace mall = models::mall;

namespace {

bool Chance(sim::Env env, int64_t per_mille) {
  return per_mille > 0 && env.rng().Chance(sim::Ratio::PerMille(static_cast<uint64_t>(per_mille)));
}

void Complete(sim::Env env, uint64_t op, const sim::Error& e, nlohmann::json value) {
  env.history().Complete(op, e.Indeterminate() ? sim::OpType::kInfo : sim::OpType::kFail,
                         std::move(value), env.Now(), e.ToString());
}

nlohmann::json LinesJson(const std::vector<mall::OrderLine>& lines) {
  nlohmann::json out = nlohmann::json::array();
  for (const mall::OrderLine& l : lines) out.push_back({l.sku_id, l.quantity});
  return out;
}

std::vector<mall::OrderLine> PickLines(sim::Env env, const MallUserConfig& c) {
  std::vector<mall::OrderLine> lines;
  const int64_t n = env.rng().Uniform(1, std::min(c.items_max, c.skus));
  while (static_cast<int64_t>(lines.size()) < n) {
    const int64_t sku = env.rng().Uniform(1, c.skus);
    bool seen = false;
    for (const mall::OrderLine& l : lines) seen |= l.sku_id == sku;
    if (!seen) lines.push_back({sku, env.rng().Uniform(1, c.quantity_max)});
  }
  return lines;
}

// One submit, recorded. Returns the reply when it is known to have succeeded.
sim::Task<std::optional<mall::SubmitReply>> Submit(sim::Env env, MallUserConfig c,
                                                   mall::SubmitRequest req, bool* indeterminate) {
  const nlohmann::json value = {{"token", req.token}, {"member", req.member_id},
                                {"lines", LinesJson(req.lines)}};
  const uint64_t op = env.history().Invoke(req.member_id, "submit", value, env.Now(), env.id());
  sim::Result<mall::SubmitReply> r = co_await env.Call<mall::SubmitReply>(
      sim::Endpoint{c.order, mall::kSubmitPort}, std::move(req), c.timeout);
  if (!r.ok()) {
    Complete(env, op, r.error(), value);
    *indeterminate = r.error().Indeterminate();
    co_return std::nullopt;
  }
  env.history().Complete(op, sim::OpType::kOk,
                         {{"sn", r->order_sn}, {"order_id", r->order_id}, {"amount", r->pay_amount}},
                         env.Now());
  co_return *r;
}

sim::Task<void> DoubleClick(sim::Env env, MallUserConfig c, mall::SubmitRequest req) {
  bool unused = false;
  std::optional<mall::SubmitReply> r = co_await Submit(env, c, std::move(req), &unused);
  (void)r;
}

// The buyer's payment: the pay page (retried when its answer is lost), Alipay's cashier, a
// moment of thought, the confirm, then the browser lands on return_url. Returns whether Alipay
// confirmed the payment.
sim::Task<sim::Result<bool>> PayWithAlipay(sim::Env env, MallUserConfig c, std::string sn) {
  sim::Result<mall::PayForm> form = sim::MakeError(sim::Errc::kUnavailable, "not sent");
  for (int attempt = 0; attempt < 3; ++attempt) {
    mall::PayPageRequest req{sn};
    form = co_await env.Call<mall::PayForm>(sim::Endpoint{c.order, mall::kPayPagePort},
                                            std::move(req), c.timeout);
    if (form.ok() || !form.error().Indeterminate()) break;
    co_await env.Sleep(5_s);
  }
  if (!form.ok()) co_return form.error();
  sim::Result<mall::CashierReply> cashier =
      co_await mall::BuyerOpenCashier(env, c.alipay, *form, c.timeout);
  if (!cashier.ok()) co_return cashier.error();
  co_await env.Sleep(env.rng().Uniform(1_s, 10_s));
  sim::Result<mall::ReturnPage> page = co_await mall::BuyerConfirmPay(env, c.alipay, sn, c.timeout);
  if (!page.ok()) co_return page.error();
  // The redirect to return_url: the order service queries Alipay (it never trusts the page).
  sim::Result<bool> seen = co_await env.Call<bool>(sim::Endpoint{c.order, mall::kPayReturnPort},
                                                   *page, c.timeout);
  (void)seen;
  co_return true;
}

// Pay or cancel an order. A cancel is retried a few times when its answer is lost.
sim::Task<void> Settle(sim::Env env, MallUserConfig c, int64_t member, mall::SubmitReply order,
                       bool pay) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    const nlohmann::json value = {{"order_sn", order.order_sn}, {"amount", order.pay_amount}};
    const uint64_t op =
        env.history().Invoke(member, pay ? "pay" : "cancel", value, env.Now(), env.id());
    sim::Result<bool> r = sim::MakeError(sim::Errc::kUnavailable, "not sent");
    if (pay) {
      r = co_await PayWithAlipay(env, c, order.order_sn);
    } else {
      mall::CancelRequest req{order.order_sn};
      r = co_await env.Call<bool>(sim::Endpoint{c.order, mall::kCancelPort}, std::move(req),
                                  c.timeout);
    }
    if (r.ok()) {
      nlohmann::json done = value;
      done["now"] = *r;
      env.history().Complete(op, sim::OpType::kOk, done, env.Now());
      co_return;
    }
    Complete(env, op, r.error(), value);
    if (pay || !r.error().Indeterminate()) co_return;
    co_await env.Sleep(5_s);
  }
}

}  // namespace

sim::Task<void> MallUser(sim::Env env, MallUserConfig c, int64_t member, const bool* stop) {
  co_await env.Sleep(env.rng().Uniform(sim::Duration::Zero(), c.think));
  while (!*stop) {
    const uint64_t op = env.history().Invoke(member, "confirm", {{"member", member}}, env.Now(), env.id());
    mall::ConfirmRequest creq{member};
    sim::Result<std::string> token =
        co_await env.Call<std::string>(sim::Endpoint{c.order, mall::kConfirmPort}, creq, c.timeout);
    if (!token.ok()) {
      Complete(env, op, token.error(), {{"member", member}});
    } else {
      env.history().Complete(op, sim::OpType::kOk, {{"token", *token}}, env.Now());
      const sim::Duration read_min = std::min(sim::Duration(5_s), c.confirm_read_max);
      co_await env.Sleep(env.rng().Uniform(read_min, c.confirm_read_max));  // the confirm page
      const int64_t points = Chance(env, c.points_per_mille) ? env.rng().Uniform(1, 100) : 0;
      mall::SubmitRequest req{member, *token, PickLines(env, c), points};
      if (Chance(env, c.double_click_per_mille)) env.Spawn(DoubleClick(env, c, req));
      bool lost = false;
      std::optional<mall::SubmitReply> order = co_await Submit(env, c, req, &lost);
      if (!order && lost && Chance(env, c.client_retry_per_mille)) {
        order = co_await Submit(env, c, req, &lost);  // F5 after a timeout: same token
      }
      const int64_t fate = env.rng().Uniform(0, 999);
      if (order && fate < c.pay_per_mille) {
        co_await env.Sleep(env.rng().Uniform(c.pay_delay_min, c.pay_delay_max));
        if (!*stop) co_await Settle(env, c, member, *order, true);
      } else if (order && fate < c.pay_per_mille + c.cancel_per_mille) {
        co_await env.Sleep(env.rng().Uniform(sim::Duration::Zero(), c.cancel_delay_max));
        if (!*stop) co_await Settle(env, c, member, *order, false);
      }
    }
    if (*stop) break;
    co_await env.Sleep(env.rng().Uniform(c.think / 2, c.think * 3 / 2));
  }
}

sim::Task<void> MallAdmin(sim::Env env, MallUserConfig c, int64_t process, const bool* stop) {
  if (c.intake_interval <= sim::Duration::Zero()) co_return;
  for (int64_t i = 1; !*stop; ++i) {
    co_await env.Sleep(env.rng().Uniform(c.intake_interval / 2, c.intake_interval * 3 / 2));
    if (*stop) break;
    mall::IntakeRequest req{fmt::format("purchase-{}", i), env.rng().Uniform(1, c.skus),
                            env.rng().Uniform(1, c.warehouses), env.rng().Uniform(1, c.intake_max)};
    for (int attempt = 0; attempt < 5; ++attempt) {
      const nlohmann::json value = {{"request_id", req.request_id}, {"sku", req.sku_id},
                                    {"ware", req.ware_id}, {"n", req.quantity}};
      const uint64_t op = env.history().Invoke(process, "intake", value, env.Now(), env.id());
      sim::Result<int64_t> r = co_await env.Call<int64_t>(
          sim::Endpoint{c.ware, mall::kIntakePort}, req, c.timeout);
      if (r.ok()) {
        env.history().Complete(op, sim::OpType::kOk, value, env.Now());
        break;
      }
      Complete(env, op, r.error(), value);
      co_await env.Sleep(10_s);  // retried with the same request id: applied once
    }
  }
}

}  // namespace scenarios
