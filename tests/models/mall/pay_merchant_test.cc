// Goal: the merchant side records a payment exactly once however often the notify comes
// (retries, duplicates, replays), rejects forged notifies before writing anything, and that the
// D-9 rungs fail as the notes say (no dedupe: duplicate rows; no signature check: a forged
// notify marks the order paid); the close path queries before closing; the nightly
// reconciliation repairs an order whose payment was captured but never recorded.

#include <catch2/catch.hpp>

#include "tests/models/mall/pay_fixture.h"

namespace models::mall {
namespace {

using namespace sim::literals;
using testing::PayWorld;
using testing::SeedOrder;

PayForm Form(const PayWorld& w, std::string sn, int64_t cents) {
  PayForm f{w.alipay.config().app_id, std::move(sn), cents, "s", -1, -1, 0};
  f.sign = SignContent(f.Content(), w.alipay.config().merchant_key);
  return f;
}

// Pays at Alipay directly (the buyer), with every notify dropped: the merchant sees nothing.
void PayWithoutNotify(PayWorld& w, const std::string& sn, int64_t cents) {
  REQUIRE(w.alipay.OpenCashier(Form(w, sn, cents), 0, w.world.Now()).ok());
  REQUIRE(w.alipay.Pay(sn, 1, w.world.Now()).ok());
}

sim::Task<void> Deliver(sim::Env env, PayWorld* w, AlipayNotify n, int times,
                        std::vector<std::string>* replies) {
  for (int i = 0; i < times; ++i) {
    db::SimSqlClient sql(env, w->db_endpoint(), 5_s);
    PayNotifyOutcome out = co_await HandlePayNotify(env, &sql, n, w->options);
    sim::Result<void> closed = co_await sql.Close();
    (void)closed;
    replies->push_back(out.reply);
  }
}

TEST_CASE("a notify delivered many times is recorded once and always answered success", "[pay]") {
  PayWorld w(11);
  w.scripted_reply = [](size_t) { return "fail"; };  // keep Alipay's own notifier out of it
  SeedOrder(w.db, "O1", 1234, 0);
  PayWithoutNotify(w, "O1", 1234);
  const AlipayNotify n = w.alipay.BuildNotify("O1", 5);
  std::vector<std::string> replies;
  w.driver->Spawn(Deliver(w.driver->env(), &w, n, 4, &replies));
  w.world.RunFor(10_s);
  CHECK(replies == std::vector<std::string>{"success", "success", "success", "success"});
  CHECK(w.Rows(kOmsPaymentInfo).size() == 1);
  CHECK(w.OrderStatus("O1") == kOrderPaid);
}

TEST_CASE("without dedupe and unique keys, duplicates give duplicate rows (F-31b)", "[pay]") {
  PaymentOptions o;
  o.notify_idempotent = false;
  db::MallCatalogOptions catalog;
  catalog.payment_info_keys = db::PaymentInfoKeys::kNone;
  PayWorld w(12, o, catalog);
  w.scripted_reply = [](size_t) { return "fail"; };
  SeedOrder(w.db, "O2", 100, 0);
  PayWithoutNotify(w, "O2", 100);
  std::vector<std::string> replies;
  w.driver->Spawn(Deliver(w.driver->env(), &w, w.alipay.BuildNotify("O2", 5), 2, &replies));
  w.world.RunFor(10_s);
  CHECK(w.Rows(kOmsPaymentInfo).size() == 2);
}

TEST_CASE("forged notifies: rejected before any write, unless the check is off", "[pay]") {
  for (SignatureCheck check : {SignatureCheck::kVerifyFirst, SignatureCheck::kOff}) {
    PaymentOptions o;
    o.signature = check;
    PayWorld w(13, o);
    SeedOrder(w.db, "O3", 100, 0);
    AlipayNotify forged{"f", 1, w.alipay.config().app_id, "O3", "FAKE", "TRADE_SUCCESS", 100,
                        "s", 1, "RSA2", 0};
    forged.sign = SignContent(forged.Content(), SignKey{666});
    std::vector<std::string> replies;
    w.driver->Spawn(Deliver(w.driver->env(), &w, forged, 1, &replies));
    w.world.RunFor(10_s);
    if (check == SignatureCheck::kVerifyFirst) {
      CHECK(replies == std::vector<std::string>{"fail"});
      CHECK(w.Rows(kOmsPaymentInfo).empty());
      CHECK(w.OrderStatus("O3") == kOrderCreated);
    } else {
      CHECK(w.OrderStatus("O3") == kOrderPaid);  // paid with no money captured
    }
  }
}

sim::Task<void> Close(sim::Env env, PayWorld* w, std::string sn, sim::Result<bool>* out) {
  db::SimSqlClient sql(env, w->db_endpoint(), 5_s);
  *out = co_await CloseExpiredOrder(env, &sql, sn, w->options);
  sim::Result<void> closed = co_await sql.Close();
  (void)closed;
}

TEST_CASE("the close path records a paid trade instead of cancelling (query before close)",
          "[pay]") {
  PayWorld w(14);
  w.scripted_reply = [](size_t) { return "fail"; };  // the notify never gets through
  SeedOrder(w.db, "O4", 300, 0);
  SeedOrder(w.db, "O5", 300, 0);
  PayWithoutNotify(w, "O4", 300);
  sim::Result<bool> paid_close = false;
  sim::Result<bool> unpaid_close = false;
  w.driver->Spawn(Close(w.driver->env(), &w, "O4", &paid_close));
  w.driver->Spawn(Close(w.driver->env(), &w, "O5", &unpaid_close));
  w.world.RunFor(10_s);
  CHECK(w.OrderStatus("O4") == kOrderPaid);
  CHECK(w.OrderStatus("O5") == kOrderCancelled);
  REQUIRE(unpaid_close.ok());
  CHECK(*unpaid_close);
}

sim::Task<void> Reconcile(sim::Env env, PayWorld* w, int64_t day,
                          sim::Result<ReconcileReport>* out) {
  db::SimSqlClient sql(env, w->db_endpoint(), 5_s);
  *out = co_await ReconcileDay(env, &sql, day, w->options);
  sim::Result<void> closed = co_await sql.Close();
  (void)closed;
}

TEST_CASE("nightly reconciliation repairs a captured payment that was never recorded", "[pay]") {
  PaymentOptions o;
  o.active_query = false;
  PayWorld w(15, o);
  w.scripted_reply = [](size_t) { return "fail"; };
  SeedOrder(w.db, "O6", 990, 0);
  PayWithoutNotify(w, "O6", 990);  // paid at Alipay ms 1: bill day 0
  sim::Result<ReconcileReport> early = ReconcileReport{};
  w.driver->Spawn(Reconcile(w.driver->env(), &w, 0, &early));
  w.world.RunFor(1_h);
  CHECK(!early.ok());  // the bill of day 0 is not ready before T+1 10:00
  CHECK(w.OrderStatus("O6") == kOrderCreated);
  w.world.RunFor(34_h);
  sim::Result<ReconcileReport> report = ReconcileReport{};
  w.driver->Spawn(Reconcile(w.driver->env(), &w, 0, &report));
  w.world.RunFor(10_s);
  REQUIRE(report.ok());
  CHECK(report->repaired == 1);
  CHECK(w.OrderStatus("O6") == kOrderPaid);
  CHECK(w.Rows(kOmsPaymentInfo).size() == 1);
}

}  // namespace
}  // namespace models::mall
