// Goal: each payment checker flags a hand-made snapshot or history that breaks its invariant
// (INV-P1..P6, I-6) and accepts the same input once it is repaired, so none can pass vacuously.

#include <catch2/catch.hpp>

#include "scenarios/workloads/mall/pay_checkers.h"
#include "sim/world.h"

namespace scenarios {
namespace {

using nlohmann::json;

json Order(const std::string& sn, int64_t status, int64_t create, int64_t modify = 0,
           int64_t payment_time = 0) {
  return {{"order_sn", sn}, {"status", status}, {"pay_amount", 100000}, {"create_time", create},
          {"modify_time", modify}, {"payment_time", payment_time}};
}
json Info(const std::string& sn, const std::string& trade, int64_t amount = 100000) {
  return {{"order_sn", sn}, {"alipay_trade_no", trade}, {"total_amount", amount},
          {"payment_status", "TRADE_SUCCESS"}};
}
json Trade(const std::string& sn, const std::string& trade_no, json paid_at, bool acked = true,
           int delivered = 1) {
  return {{"out_trade_no", sn}, {"trade_no", trade_no}, {"total_amount_cents", 1000},
          {"paid_at_ms", paid_at}, {"notify_acked", acked}, {"notify_delivered", delivered},
          {"notify_attempts", delivered}};
}
json Snap(json orders, json infos, json trades) {
  return {{"oms_order", orders}, {"oms_payment_info", infos},
          {"alipay", {{"trades", trades}}}, {"payment", {{"order_ttl_ms", 60000}}}};
}

checkers::Validity Run(checkers::Checker& c, const json& snap, const sim::History& h = {}) {
  sim::Trace trace;
  return c.Check(checkers::CheckInput{h, snap, trace}, checkers::CheckBudget()).validity;
}

constexpr auto kValid = checkers::Validity::kValid;
constexpr auto kInvalid = checkers::Validity::kInvalid;

TEST_CASE("payment.at_most_once flags two records for one order or one trade", "[pay]") {
  auto c = MakePaymentAtMostOnceChecker();
  const json orders = json::array({Order("A", 1, 0), Order("B", 1, 0)});
  CHECK(Run(*c, Snap(orders, json::array({Info("A", "T1"), Info("B", "T2")}), {})) == kValid);
  CHECK(Run(*c, Snap(orders, json::array({Info("A", "T1"), Info("A", "T3")}), {})) == kInvalid);
  CHECK(Run(*c, Snap(orders, json::array({Info("A", "T1"), Info("B", "T1")}), {})) == kInvalid);
}

TEST_CASE("payment.paid_has_evidence flags a PAID order without a matching capture", "[pay]") {
  auto c = MakePaidHasEvidenceChecker();
  const json orders = json::array({Order("A", 1, 0)});
  const json trades = json::array({Trade("A", "T1", 500)});
  CHECK(Run(*c, Snap(orders, json::array({Info("A", "T1")}), trades)) == kValid);
  CHECK(Run(*c, Snap(orders, json::array({Info("A", "FORGED")}), trades)) == kInvalid);
  CHECK(Run(*c, Snap(orders, json::array({Info("A", "T1", 1)}), trades)) == kInvalid);
  CHECK(Run(*c, Snap(orders, json::array({Info("A", "T1")}), json::array())) == kInvalid);
}

TEST_CASE("payment.captured_becomes_paid flags an in-time capture on an unpaid order", "[pay]") {
  auto c = MakeCapturedBecomesPaidChecker();
  const json trades = json::array({Trade("A", "T1", 30000)});
  CHECK(Run(*c, Snap(json::array({Order("A", 1, 0)}), json::array(), trades)) == kValid);
  CHECK(Run(*c, Snap(json::array({Order("A", 4, 0, 61000)}), json::array(), trades)) == kInvalid);
  CHECK(Run(*c, Snap(json::array({Order("A", 0, 0)}), json::array(), trades)) == kInvalid);
  // Paid after the order's close: P5's violation, not P3's.
  const json late = json::array({Trade("A", "T1", 70000)});
  CHECK(Run(*c, Snap(json::array({Order("A", 4, 0, 61000)}), json::array(), late)) == kValid);
  // A buyer told "paid" with no capture at Alipay.
  sim::History h;
  const uint64_t op = h.Invoke(1, "pay", {{"order_sn", "Z"}}, sim::Instant::Zero());
  h.Complete(op, sim::OpType::kOk, {{"order_sn", "Z"}}, sim::Instant::Zero());
  CHECK(Run(*c, Snap(json::array(), json::array(), json::array()), h) == kInvalid);
}

TEST_CASE("payment.acknowledged flags a delivered notify never answered success", "[pay]") {
  auto c = MakePaymentAcknowledgedChecker();
  CHECK(Run(*c, Snap({}, {}, json::array({Trade("A", "T", 1, true, 2)}))) == kValid);
  CHECK(Run(*c, Snap({}, {}, json::array({Trade("A", "T", 1, false, 0)}))) == kValid);
  CHECK(Run(*c, Snap({}, {}, json::array({Trade("A", "T", 1, false, 8)}))) == kInvalid);
}

TEST_CASE("payment.window_inside_order flags a payment after the order closed", "[pay]") {
  auto c = MakeWindowInsideOrderChecker();
  const json orders = json::array({Order("A", 1, 0), Order("B", 4, 0, 20000)});
  CHECK(Run(*c, Snap(orders, {}, json::array({Trade("A", "T1", 59000)}))) == kValid);
  CHECK(Run(*c, Snap(orders, {}, json::array({Trade("A", "T1", 61000)}))) == kInvalid);
  CHECK(Run(*c, Snap(orders, {}, json::array({Trade("B", "T2", 30000)}))) == kInvalid);
}

TEST_CASE("payment.no_double_charge flags a pay form for a paid order", "[pay]") {
  auto c = MakeNoDoubleChargeChecker();
  const json orders = json::array({Order("A", 1, 0, 0, 5000)});
  sim::History before;
  uint64_t op = before.Invoke(1, "pay_page", {{"order_sn", "A"}}, sim::Instant::Zero());
  before.Complete(op, sim::OpType::kOk, {{"order_sn", "A"}},
                  sim::Instant::Zero() + sim::Duration::Millis(1000));
  CHECK(Run(*c, Snap(orders, {}, {}), before) == kValid);
  sim::History after;
  op = after.Invoke(1, "pay_page", {{"order_sn", "A"}},
                    sim::Instant::Zero() + sim::Duration::Millis(8000));
  after.Complete(op, sim::OpType::kOk, {{"order_sn", "A"}},
                 sim::Instant::Zero() + sim::Duration::Millis(9000));
  CHECK(Run(*c, Snap(orders, {}, {}), after) == kInvalid);
  json twice = json::array({Trade("A", "T1", 100), Trade("A", "T2", 200)});
  CHECK(Run(*c, Snap(orders, {}, twice)) == kInvalid);
}

TEST_CASE("payment.closed_stays_closed flags a cancelled order set PAID", "[pay]") {
  for (int64_t from : {0, 4}) {
    sim::World world(1);
    auto c = MakeClosedStaysClosedChecker();
    c->Attach(world);
    world.Emit(0, "payment.order_paid", {{"order_sn", "A"}, {"from", from}, {"source", "notify"}});
    const json snap = Snap({}, {}, {});
    const auto v = c->Check(checkers::CheckInput{world.history(), snap, world.trace()},
                            checkers::CheckBudget())
                       .validity;
    CHECK(v == (from == 4 ? kInvalid : kValid));
  }
}

}  // namespace
}  // namespace scenarios
