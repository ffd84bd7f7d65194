// Goal: every saga checker accepts a consistent hand-made mall_order snapshot and flags a
// hand-made snapshot (or history) that breaks exactly its invariant.

#include <catch2/catch.hpp>

#include "scenarios/workloads/mall/saga_checkers.h"
#include "sim/history.h"
#include "sim/trace.h"

namespace {

using nlohmann::json;

// Two orders: A paid (its detail deducted), B cancelled (its detail unlocked), plus C created
// and still within its TTL (detail locked). Stock rows agree with the details.
json Good() {
  json s;
  s["config"] = {{"order_ttl_ms", 60000}, {"stock_ttl_ms", 120000}, {"release_slack_ms", 10000},
                 {"now_ms", 400000}};
  s["oms_order"] = json::array({
      {{"id", 1}, {"sn", "A"}, {"member", 1}, {"status", 1}, {"create_ms", 1000}, {"modify_ms", 0}, {"payment_ms", 5000}},
      {{"id", 2}, {"sn", "B"}, {"member", 2}, {"status", 4}, {"create_ms", 2000}, {"modify_ms", 62000}, {"payment_ms", 0}},
      {{"id", 3}, {"sn", "C"}, {"member", 3}, {"status", 0}, {"create_ms", 380000}, {"modify_ms", 0}, {"payment_ms", 0}},
  });
  s["oms_order_item"] = json::array({{{"sn", "A"}, {"sku", 1}, {"qty", 2}},
                                     {{"sn", "B"}, {"sku", 1}, {"qty", 3}},
                                     {{"sn", "C"}, {"sku", 2}, {"qty", 1}}});
  s["wms_ware_order_task"] = json::array({{{"id", 10}, {"sn", "A"}, {"create_ms", 1000}},
                                          {{"id", 11}, {"sn", "B"}, {"create_ms", 2000}},
                                          {{"id", 12}, {"sn", "C"}, {"create_ms", 380000}}});
  s["wms_ware_order_task_detail"] = json::array({
      {{"id", 100}, {"task", 10}, {"sku", 1}, {"ware", 1}, {"num", 2}, {"lock_status", 3}},
      {{"id", 101}, {"task", 11}, {"sku", 1}, {"ware", 1}, {"num", 3}, {"lock_status", 2}},
      {{"id", 102}, {"task", 12}, {"sku", 2}, {"ware", 1}, {"num", 1}, {"lock_status", 1}},
  });
  s["initial_stock"] = json::array({{{"sku", 1}, {"ware", 1}, {"stock", 10}},
                                    {{"sku", 2}, {"ware", 1}, {"stock", 10}}});
  // sku 1: 10 - 2 deducted = 8, nothing locked; sku 2: 10, 1 locked.
  s["wms_ware_sku"] = json::array({{{"sku", 1}, {"ware", 1}, {"stock", 8}, {"stock_locked", 0}},
                                   {{"sku", 2}, {"ware", 1}, {"stock", 10}, {"stock_locked", 1}}});
  s["mq_message"] = json::array();
  s["queues"] = {{"stock.release.stock.queue", {{"ready", 0}, {"unacked", 0}, {"consumers", 2}}}};
  s["fates"] = {{"order-create:B", {{"enqueued", 2}, {"delivered", 1}, {"acked", 1}}}};
  s["topology"] = {{"bindings", json::array({{{"queue", "q"}, {"exchange", "x"}, {"key", "stock.locked"}}})}};
  s["publishes"] = json::array({{{"service", "ware"}, {"exchange", "x"}, {"key", "stock.locked"}}});
  s["events"] = json::array({
      {{"t_ms", 900}, {"name", "order.submit_txn"}, {"sn", "A"}, {"token", "t1"}, {"phase", "begin"}},
      {{"t_ms", 1000}, {"name", "ware.lock"}, {"sn", "A"}, {"ok", 1}, {"definite", 1}},
      {{"t_ms", 1900}, {"name", "order.submit_txn"}, {"sn", "B"}, {"token", "t2"}, {"phase", "begin"}},
      {{"t_ms", 1950}, {"name", "saga.msg_committed"}, {"msg", "order-create:B"}, {"key", "order.create.order"}},
      {{"t_ms", 5000}, {"name", "order.status"}, {"sn", "A"}, {"from", 0}, {"to", 1}, {"msg", ""}},
      {{"t_ms", 5100}, {"name", "ware.detail"}, {"detail", 100}, {"sn", "A"}, {"from", 1}, {"to", 3}, {"msg", ""}},
      {{"t_ms", 62000}, {"name", "order.status"}, {"sn", "B"}, {"from", 0}, {"to", 4}, {"msg", "order-create:B"}},
      {{"t_ms", 62100}, {"name", "ware.detail"}, {"detail", 101}, {"sn", "B"}, {"from", 1}, {"to", 2}, {"msg", "order-release:B"}},
  });
  return s;
}

checkers::Validity Run(const std::string& checker, const json& snap, const sim::History& h) {
  const sim::Trace trace;
  const checkers::CheckInput in{h, snap, trace};
  return scenarios::MakeSagaChecker(checker)->Check(in, checkers::CheckBudget()).validity;
}

checkers::Validity Run(const std::string& checker, const json& snap) {
  const sim::History h;
  return Run(checker, snap, h);
}

constexpr auto kValid = checkers::Validity::kValid;
constexpr auto kInvalid = checkers::Validity::kInvalid;

const char* const kAll[] = {
    "stock.lock_accounting", "stock.conservation", "stock.no_oversell", "stock.detail_state_machine",
    "stock.bounded_release", "stock.no_premature_unlock", "stock.paid_holds_stock",
    "stock.failed_lock_atomic", "saga.eventual_atomicity", "order.one_per_token",
    "order.state_machine", "order.timely_close", "mq.no_silent_loss", "mq.effect_at_most_once",
    "mq.every_delivery_ends", "mq.topology_routes"};

}  // namespace

TEST_CASE("saga checkers accept a consistent snapshot", "[saga]") {
  const json good = Good();
  for (const char* name : kAll) {
    INFO(name);
    CHECK(Run(name, good) == kValid);
  }
}

TEST_CASE("stock checkers flag their violations", "[saga]") {
  json s = Good();
  SECTION("S1: the '+' unlock leaves stock_locked above the locked details") {
    s["wms_ware_sku"][0]["stock_locked"] = 6;
    CHECK(Run("stock.lock_accounting", s) == kInvalid);
  }
  SECTION("S2: stock appeared from nowhere") {
    s["wms_ware_sku"][1]["stock"] = 12;
    CHECK(Run("stock.conservation", s) == kInvalid);
  }
  SECTION("S2: an acknowledged intake explains it") {
    s["wms_ware_sku"][1]["stock"] = 12;
    sim::History h;
    const json v = {{"request_id", "p1"}, {"sku", 2}, {"ware", 1}, {"n", 2}};
    const uint64_t op = h.Invoke(9, "intake", v, sim::Instant::Zero());
    h.Complete(op, sim::OpType::kOk, v, sim::Instant::Zero());
    CHECK(Run("stock.conservation", s, h) == kValid);
  }
  SECTION("S3: stock_locked negative") {
    s["wms_ware_sku"][0]["stock_locked"] = -1;
    CHECK(Run("stock.no_oversell", s) == kInvalid);
  }
  SECTION("S4: a second transition of the same detail") {
    s["events"].push_back({{"t_ms", 130000}, {"name", "ware.detail"}, {"detail", 101}, {"sn", "B"},
                           {"from", 1}, {"to", 2}, {"msg", "stock-locked:11"}});
    CHECK(Run("stock.detail_state_machine", s) == kInvalid);
  }
  SECTION("S5: a cancelled order's detail still locked after the bound") {
    s["wms_ware_order_task_detail"][1]["lock_status"] = 1;
    s["wms_ware_sku"][0]["stock_locked"] = 3;
    CHECK(Run("stock.bounded_release", s) == kInvalid);
  }
  SECTION("S6: an unlock while the order was still CREATED") {
    s["events"].push_back({{"t_ms", 390000}, {"name", "ware.detail"}, {"detail", 102}, {"sn", "C"},
                           {"from", 1}, {"to", 2}, {"msg", "stock-locked:12"}});
    CHECK(Run("stock.no_premature_unlock", s) == kInvalid);
  }
  SECTION("S7: a paid order with an unlocked detail") {
    s["wms_ware_order_task_detail"][0]["lock_status"] = 2;
    CHECK(Run("stock.paid_holds_stock", s) == kInvalid);
  }
  SECTION("S8: a failed lock left its work order") {
    s["events"].push_back({{"t_ms", 3000}, {"name", "ware.lock"}, {"sn", "Z"}, {"ok", 0}, {"definite", 1}});
    s["wms_ware_order_task"].push_back({{"id", 13}, {"sn", "Z"}, {"create_ms", 3000}});
    CHECK(Run("stock.failed_lock_atomic", s) == kInvalid);
  }
  SECTION("D1: an absent order's lock never released") {
    s["wms_ware_order_task"].push_back({{"id", 13}, {"sn", "Z"}, {"create_ms", 3000}});
    s["wms_ware_order_task_detail"].push_back(
        {{"id", 103}, {"task", 13}, {"sku", 2}, {"ware", 1}, {"num", 1}, {"lock_status", 1}});
    CHECK(Run("saga.eventual_atomicity", s) == kInvalid);
  }
  SECTION("D1: a live order without its stock") {
    s["oms_order_item"].push_back({{"sn", "C"}, {"sku", 1}, {"qty", 1}});
    CHECK(Run("saga.eventual_atomicity", s) == kInvalid);
  }
}

TEST_CASE("order and mq checkers flag their violations", "[saga]") {
  json s = Good();
  SECTION("O1: two orders from one token") {
    s["events"].push_back({{"t_ms", 379000}, {"name", "order.submit_txn"}, {"sn", "C"}, {"token", "t1"},
                           {"phase", "begin"}});
    CHECK(Run("order.one_per_token", s) == kInvalid);
  }
  SECTION("O2: CANCELLED -> PAID") {
    s["events"].push_back({{"t_ms", 63000}, {"name", "order.status"}, {"sn", "B"}, {"from", 4}, {"to", 1}});
    CHECK(Run("order.state_machine", s) == kInvalid);
  }
  SECTION("O2: paid, then overwritten to cancelled") {
    s["oms_order"][0]["status"] = 4;
    CHECK(Run("order.state_machine", s) == kInvalid);
  }
  SECTION("O3: an order left CREATED past its TTL") {
    s["oms_order"][2]["create_ms"] = 100000;
    CHECK(Run("order.timely_close", s) == kInvalid);
  }
  SECTION("M1: a committed message never enqueued") {
    s["events"].push_back({{"t_ms", 2000}, {"name", "saga.msg_committed"}, {"msg", "stock-locked:11"},
                           {"key", "stock.locked"}});
    CHECK(Run("mq.no_silent_loss", s) == kInvalid);
  }
  SECTION("M2: one message applied twice") {
    s["events"].push_back({{"t_ms", 70000}, {"name", "ware.detail"}, {"detail", 101}, {"sn", "B"},
                           {"from", 2}, {"to", 2}, {"msg", "order-release:B"}});
    CHECK(Run("mq.effect_at_most_once", s) == kInvalid);
  }
  SECTION("M3: a poison loop goes on after every fault healed") {
    s["fates"]["order-create:B"]["delivered"] = 500;
    s["fates"]["order-create:B"]["delivered_after_heal"] = 21;
    CHECK(Run("mq.every_delivery_ends", s) == kInvalid);
  }
  SECTION("M3: requeues during an outage that end with it are no poison loop") {
    s["fates"]["order-create:B"]["delivered"] = 500;
    s["fates"]["order-create:B"]["delivered_after_heal"] = 1;
    CHECK(Run("mq.every_delivery_ends", s) == kValid);
  }
  SECTION("M3: a message left unacked") {
    s["queues"]["stock.release.stock.queue"]["unacked"] = 1;
    CHECK(Run("mq.every_delivery_ends", s) == kInvalid);
  }
  SECTION("M4: the binding mismatch of B-1") {
    s["topology"]["bindings"][0]["key"] = "stock.delay.#";
    CHECK(Run("mq.topology_routes", s) == kInvalid);
  }
}
