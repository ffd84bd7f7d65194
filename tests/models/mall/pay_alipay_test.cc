// Goal: the Alipay model behaves as documented: the notify is retried at 4m, 10m, 10m, 1h, 2h,
// 6h, 15h (virtual time) until the reply is exactly "success", 8 attempts at most; signatures
// fail on a tampered field or a wrong key; a payment after time_expire, after timeout_express or
// after a close is refused; close and query answer the documented sub_codes.

#include <catch2/catch.hpp>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include "tests/models/mall/pay_fixture.h"

namespace models::mall {
namespace {

using namespace sim::literals;
using testing::PayWorld;

PayForm Form(const AlipayModel& alipay, std::string sn, int64_t cents, int64_t expire_ms,
             int64_t express_ms = -1) {
  PayForm f{alipay.config().app_id, std::move(sn), cents, "subject", expire_ms, express_ms, 0};
  f.sign = SignContent(f.Content(), alipay.config().merchant_key);
  return f;
}

sim::Task<void> OpenAndPay(sim::Env env, sim::NodeId alipay, PayForm form, sim::Duration wait,
                           std::string* outcome) {
  std::string sn = form.out_trade_no;
  sim::Result<CashierReply> c = co_await BuyerOpenCashier(env, alipay, std::move(form), 5_s);
  if (!c.ok()) {
    *outcome = "cashier:" + c.error().detail;
    co_return;
  }
  co_await env.Sleep(wait);
  sim::Result<ReturnPage> p = co_await BuyerConfirmPay(env, alipay, sn, 5_s);
  *outcome = p.ok() ? "paid" : "pay:" + p.error().detail;
}

TEST_CASE("notify retries follow 4m,10m,10m,1h,2h,6h,15h until success", "[pay]") {
  for (size_t ack_at : {size_t{0}, size_t{3}}) {
    PayWorld w(7);
    w.scripted_reply = [ack_at](size_t n) { return n == ack_at ? "success" : "fail"; };
    std::string outcome;
    w.driver->Spawn(OpenAndPay(w.driver->env(), w.alipay_node->id(),
                               Form(w.alipay, "S1", 1000, -1), 0_s, &outcome));
    w.world.RunFor(30_h);
    REQUIRE(outcome == "paid");
    const std::vector<int64_t> gaps_min = {4, 10, 10, 60, 120, 360, 900};
    const size_t expected = ack_at == 0 ? 8 : ack_at;
    REQUIRE(w.notify_times.size() == expected);
    for (size_t i = 1; i < w.notify_times.size(); ++i) {
      const sim::Duration gap = w.notify_times[i] - w.notify_times[i - 1];
      CHECK(gap > sim::Duration::Minutes(gaps_min[i - 1]) - 5_s);  // arrival jitter
      CHECK(gap < sim::Duration::Minutes(gaps_min[i - 1]) + 5_s);  // only network latency
    }
    const AlipayTrade* t = w.alipay.Find("S1");
    CHECK(t->notify_acked == (ack_at != 0));
    CHECK(t->notify_due_ns == -1);
  }
}

TEST_CASE("a reply other than exactly 'success' is not an acknowledgement", "[pay]") {
  PayWorld w(8);
  w.scripted_reply = [](size_t n) { return n == 1 ? "SUCCESS " : "success"; };
  std::string outcome;
  w.driver->Spawn(OpenAndPay(w.driver->env(), w.alipay_node->id(),
                             Form(w.alipay, "S2", 500, -1), 0_s, &outcome));
  w.world.RunFor(1_h);
  REQUIRE(w.notify_times.size() == 2);
  CHECK(w.alipay.Find("S2")->notify_acked);
}

TEST_CASE("signatures fail on a tampered field or a wrong key", "[pay]") {
  rc::prop("tamper or wrong key", [](std::string sn, int64_t cents, uint64_t secret) {
    RC_PRE(secret != 42u);
    AlipayNotify n{"id", 1, "app", sn, "T1", "TRADE_SUCCESS", cents, "s", 2, "RSA2", 0};
    n.sign = SignContent(n.Content(), SignKey{42});
    RC_ASSERT(VerifyContent(n.Content(), n.sign, SignKey{42}));
    RC_ASSERT(!VerifyContent(n.Content(), n.sign, SignKey{secret}));
    AlipayNotify tampered = n;
    tampered.total_amount_cents = cents + 1;
    RC_ASSERT(!VerifyContent(tampered.Content(), n.sign, SignKey{42}));
    AlipayNotify moved = n;
    moved.out_trade_no = sn + "x";
    RC_ASSERT(!VerifyContent(moved.Content(), n.sign, SignKey{42}));
  });
  AlipayModel alipay;
  PayForm bad = Form(alipay, "S3", 100, -1);
  bad.total_amount_cents = 1;  // the browser edits the amount
  CHECK(alipay.OpenCashier(bad, 0, sim::Instant::Zero()).error().detail == "INVALID_SIGNATURE");
}

TEST_CASE("payment after time_expire, after timeout_express or after close is refused", "[pay]") {
  PayWorld w(9);
  w.scripted_reply = [](size_t) { return "success"; };
  std::string in_time, late, relative_late, expired_form, closed;
  const sim::NodeId a = w.alipay_node->id();
  sim::Env d = w.driver->env();
  w.driver->Spawn(OpenAndPay(d, a, Form(w.alipay, "A", 100, 60'000), 30_s, &in_time));
  w.driver->Spawn(OpenAndPay(d, a, Form(w.alipay, "B", 100, 60'000), 70_s, &late));
  w.driver->Spawn(OpenAndPay(d, a, Form(w.alipay, "C", 100, -1, 60'000), 61_s, &relative_late));
  w.world.RunFor(65_s);
  w.driver->Spawn(OpenAndPay(d, a, Form(w.alipay, "D", 100, 60'000), 0_s, &expired_form));
  w.world.RunFor(20_s);
  CHECK(in_time == "paid");
  CHECK(late.rfind("pay:ACQ.TRADE_HAS_CLOSE", 0) == 0);
  CHECK(relative_late.rfind("pay:ACQ.TRADE_HAS_CLOSE", 0) == 0);
  CHECK(expired_form.rfind("cashier:TRADE_EXPIRED", 0) == 0);

  // alipay.trade.close on the model: before creation, on a waiting trade, on a paid trade.
  AlipayModel m;
  const sim::Instant t0 = sim::Instant::Zero();
  CHECK(SubCode(m.Close("X", 0, t0).error()) == "ACQ.TRADE_NOT_EXIST");
  REQUIRE(m.OpenCashier(Form(m, "X", 100, -1), 0, t0).ok());
  REQUIRE(m.Close("X", 1, t0).ok());
  CHECK(m.Query("X", 2, t0)->trade_status == "TRADE_CLOSED");
  CHECK(SubCode(m.Pay("X", 3, t0).error()) == "ACQ.TRADE_HAS_CLOSE");
  REQUIRE(m.OpenCashier(Form(m, "Y", 100, -1), 0, t0).ok());
  REQUIRE(m.Pay("Y", 1, t0).ok());
  CHECK(SubCode(m.Close("Y", 2, t0).error()) == "ACQ.TRADE_STATUS_ERROR");
  CHECK(SubCode(m.OpenCashier(Form(m, "Y", 100, -1), 3, t0).error()) == "ACQ.TRADE_HAS_SUCCESS");
  (void)closed;
}

TEST_CASE("the bill of a day lists its payments and is ready only on T+1", "[pay]") {
  AlipayModelConfig c;
  c.bill_day_ms = 1000;
  c.bill_ready_after_ms = 100;
  AlipayModel m(c);
  const sim::Instant t0 = sim::Instant::Zero();
  REQUIRE(m.OpenCashier(Form(m, "P", 100, -1), 10, t0).ok());
  REQUIRE(m.Pay("P", 500, t0).ok());
  REQUIRE(m.OpenCashier(Form(m, "Q", 100, -1), 10, t0).ok());
  CHECK(!m.Bill(0, 1099).ok());
  const auto bill = m.Bill(0, 1100);
  REQUIRE(bill.ok());
  REQUIRE(bill->size() == 1);
  CHECK(bill->front().out_trade_no == "P");
  CHECK(m.Bill(1, 2100)->empty());
}

}  // namespace
}  // namespace models::mall
