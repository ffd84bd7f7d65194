// Buyers and the attacker of mall_payment; see pay_clients.h.

#include "scenarios/workloads/mall/pay_clients.h"

#include <fmt/format.h>

#include "models/db/sim_sql_client.h"
#include "models/mall/alipay.h"
#include "models/mall/payment.h"
#include "scenarios/workloads/mall/pay_order_node.h"
#include "sim/history.h"

namespace scenarios {
namespace {

namespace mall = models::mall;
namespace db = models::db;

enum class Plan : uint8_t { kPay, kLate, kNever };

sim::OpType Outcome(const sim::Error& e) {
  return e.Indeterminate() ? sim::OpType::kInfo : sim::OpType::kFail;
}

// INSERT oms_order in autocommit, as the submit's local transaction would leave it.
sim::Task<bool> Submit(sim::Env env, PayBuyerConfig config, int64_t buyer, std::string sn,
                       int64_t cents) {
  sim::History& h = env.history();
  const uint64_t op = h.Invoke(buyer, "submit", {{"order_sn", sn}, {"amount_cents", cents}},
                               env.Now(), env.id());
  db::SimSqlClient sql(env, config.db, config.timeout);
  const int64_t now_ms = env.LocalNow().nanos() / 1'000'000;
  db::InsertStmt insert{mall::kOmsOrder,
                        {{"member_id", buyer}, {"order_sn", sn}, {"total_amount", cents * 100},
                         {"pay_amount", cents * 100}, {"status", mall::kOrderCreated},
                         {"create_time", now_ms}}};
  sim::Result<int64_t> id = co_await sql.Insert(std::move(insert));
  sim::Result<void> closed = co_await sql.Close();
  (void)closed;
  if (id.ok()) {
    h.Complete(op, sim::OpType::kOk, {{"order_sn", sn}, {"id", *id}}, env.Now());
  } else {
    h.Complete(op, Outcome(id.error()), {{"order_sn", sn}}, env.Now(), id.error().ToString());
  }
  co_return id.ok();
}

sim::Task<sim::Result<mall::PayForm>> PayPage(sim::Env env, PayBuyerConfig config, int64_t buyer,
                                              std::string sn) {
  sim::History& h = env.history();
  const uint64_t op = h.Invoke(buyer, "pay_page", {{"order_sn", sn}}, env.Now(), env.id());
  PayPageRequest request{sn};
  sim::Result<mall::PayForm> form = co_await env.Call<mall::PayForm>(
      sim::Endpoint{config.order, kPayPagePort}, std::move(request), config.timeout);
  if (form.ok()) {
    h.Complete(op, sim::OpType::kOk, {{"order_sn", sn}, {"amount_cents", form->total_amount_cents}},
               env.Now());
  } else {
    h.Complete(op, Outcome(form.error()), {{"order_sn", sn}}, env.Now(), form.error().ToString());
  }
  co_return form;
}

// Cashier, think, confirm; then maybe back to return_url.
sim::Task<void> Pay(sim::Env env, PayBuyerConfig config, int64_t buyer, mall::PayForm form) {
  sim::History& h = env.history();
  const std::string sn = form.out_trade_no;
  const int64_t cents = form.total_amount_cents;
  const uint64_t op = h.Invoke(buyer, "pay", {{"order_sn", sn}, {"amount_cents", cents}},
                               env.Now(), env.id());
  sim::Result<mall::CashierReply> cashier =
      co_await mall::BuyerOpenCashier(env, config.alipay, std::move(form), config.timeout);
  if (!cashier.ok()) {
    h.Complete(op, sim::OpType::kFail, {{"order_sn", sn}}, env.Now(), cashier.error().ToString());
    co_return;  // a cashier visit that timed out never reached the confirm step: nothing paid
  }
  co_await env.Sleep(env.rng().Uniform(sim::Duration::Seconds(1), sim::Duration::Seconds(10)));
  sim::Result<mall::ReturnPage> page =
      co_await mall::BuyerConfirmPay(env, config.alipay, sn, config.timeout);
  if (!page.ok()) {
    h.Complete(op, Outcome(page.error()), {{"order_sn", sn}}, env.Now(), page.error().ToString());
    co_return;
  }
  h.Complete(op, sim::OpType::kOk,
             {{"order_sn", sn}, {"amount_cents", cents}, {"trade_no", page->trade_no}}, env.Now());
  const auto close_browser = static_cast<uint64_t>(config.close_browser_per_mille);
  if (env.rng().Chance(sim::Ratio::PerMille(close_browser))) co_return;  // F-33
  sim::Result<bool> back = co_await env.Call<bool>(sim::Endpoint{config.order, kPayReturnPort},
                                                   *page, config.timeout);
  (void)back;
}

Plan Draw(sim::Env env, const PayBuyerConfig& config) {
  const int64_t roll = env.rng().Uniform(int64_t{0}, int64_t{999});
  if (roll < config.pay_per_mille) return Plan::kPay;
  if (roll < config.pay_per_mille + config.late_per_mille) return Plan::kLate;
  return Plan::kNever;
}

}  // namespace

sim::Task<void> PayBuyer(sim::Env env, PayBuyerConfig config, int64_t buyer, PayOrderBook* book,
                         const bool* stop, int64_t* done) {
  for (int64_t i = 0; i < config.orders; ++i) {
    co_await env.Sleep(env.rng().Uniform(config.think / 2, config.think * 3 / 2));
    if (*stop) break;
    const std::string sn = fmt::format("B{}-{}", buyer, i);
    const int64_t cents = env.rng().Uniform(int64_t{100}, int64_t{50'000});
    const bool created = co_await Submit(env, config, buyer, sn, cents);
    if (!created) continue;
    book->orders.emplace_back(sn, cents);
    const Plan plan = Draw(env, config);
    if (plan == Plan::kNever) continue;
    co_await env.Sleep(env.rng().Uniform(sim::Duration::Zero(), config.order_ttl / 4));
    sim::Result<mall::PayForm> form = co_await PayPage(env, config, buyer, sn);
    if (!form.ok()) continue;
    // In time: somewhere in the rest of the window. Late: stays on the cashier page past the
    // order's close and pays then (F-26).
    const sim::Duration wait = plan == Plan::kPay
                                   ? env.rng().Uniform(sim::Duration::Zero(), config.order_ttl / 2)
                                   : config.order_ttl + env.rng().Uniform(sim::Duration::Seconds(1),
                                                                          config.order_ttl / 2);
    co_await env.Sleep(wait);
    co_await Pay(env, config, buyer, std::move(*form));
    const auto refresh = static_cast<uint64_t>(config.refresh_per_mille);
    if (env.rng().Chance(sim::Ratio::PerMille(refresh))) {
      co_await env.Sleep(env.rng().Uniform(sim::Duration::Seconds(1), config.order_ttl));
      sim::Result<mall::PayForm> again = co_await PayPage(env, config, buyer, sn);  // F-32
      if (again.ok()) co_await Pay(env, config, buyer, std::move(*again));
    }
  }
  ++*done;
}

sim::Task<void> PayAttacker(sim::Env env, PayAttackerConfig config, const PayOrderBook* book,
                            const mall::AlipayModel* alipay, int64_t process,
                            const bool* stop) {
  sim::History& h = env.history();
  for (int64_t i = 0; i < config.attacks; ++i) {
    co_await env.Sleep(env.rng().Uniform(config.interval / 2, config.interval * 3 / 2));
    if (*stop) break;
    if (book->orders.empty()) continue;
    const size_t pick = env.rng().Index(book->orders.size());
    const std::string sn = book->orders[pick].first;  // copies: buyers keep appending
    const int64_t cents = book->orders[pick].second;
    const mall::AlipayTrade* trade = alipay->Find(sn);
    mall::AlipayNotify n;
    std::string kind;
    const int64_t now_ms = env.LocalNow().nanos() / 1'000'000;
    if (trade != nullptr && trade->paid_at && env.rng().Chance(sim::Ratio{1, 2})) {
      kind = "replay";  // F-34: an old, genuinely signed notify sent again
      n = alipay->BuildNotify(sn, trade->gmt_payment_ms);
    } else {
      kind = "forge";  // F-31a: signed with the attacker's own key
      n.notify_id = fmt::format("forged-{}", i);
      n.notify_time_ms = now_ms;
      n.app_id = alipay->config().app_id;
      n.out_trade_no = sn;
      n.trade_no = fmt::format("FORGED{:06}", i);
      n.trade_status = "TRADE_SUCCESS";
      n.total_amount_cents = cents;  // the amount shown on the pay page
      n.gmt_payment_ms = now_ms;
      n.sign = mall::SignContent(n.Content(), config.own_key);
    }
    const uint64_t op = h.Invoke(process, "attack", {{"order_sn", sn}, {"kind", kind}}, env.Now(),
                                 env.id());
    sim::Result<std::string> reply = co_await env.Call<std::string>(
        sim::Endpoint{config.order, kPayNotifyPort}, std::move(n), config.timeout);
    if (reply.ok()) {
      h.Complete(op, sim::OpType::kOk, {{"order_sn", sn}, {"reply", *reply}}, env.Now());
    } else {
      h.Complete(op, Outcome(reply.error()), {{"order_sn", sn}}, env.Now(),
                 reply.error().ToString());
    }
  }
}

}  // namespace scenarios
