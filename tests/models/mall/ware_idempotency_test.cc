// Goal: D-15's "rollback case" (003:373-375) on the ware service itself, deterministically. A
// lock call that fails for want of stock is retried with the same order sn after stock arrives:
// the schemes whose mark commits or rolls back with the work (the default check, the unique
// index, the dedup table, the lock plus flag) lock on the retry; the notes' request id in Redis
// (003:379-381) answers the retry "success" with nothing locked.
#include <catch2/catch.hpp>

#include <memory>
#include <optional>

#include "models/db/db_model.h"
#include "models/db/db_server.h"
#include "models/db/mall_catalog.h"
#include "models/mall/mall_protocol.h"
#include "models/mall/mall_tables.h"
#include "models/mall/ware_service.h"
#include "models/mq/broker_model.h"
#include "models/mq/broker_server.h"
#include "models/redis/redis_model.h"
#include "models/redis/redis_server.h"
#include "sim/world.h"

namespace {

using namespace sim::literals;
namespace db = models::db;
namespace mall = models::mall;

constexpr sim::Port kDb = 3306;
constexpr sim::Port kRedis = 6379;
constexpr sim::Port kAmqp = 5672;

sim::Task<void> CallLock(sim::Env env, sim::Endpoint to, mall::LockRequest req,
                         std::optional<sim::Result<int64_t>>* out) {
  sim::Result<int64_t> r = co_await env.Call<int64_t>(to, std::move(req), 3_s);
  out->emplace(std::move(r));
}

db::SelectStmt AllStock() {
  return db::SelectStmt{mall::kWareSkuTable, {}, db::Guard::True(), false};
}

struct Ware {
  explicit Ware(mall::LockIdempotency scheme) : w(1) {
    db::MallCatalogOptions catalog;
    catalog.task_order_sn_unique = scheme == mall::LockIdempotency::kUniqueIndex;
    for (db::TableDef& def : db::MallTables(catalog)) {
      REQUIRE(dbm->CreateTable(std::move(def)).ok());
    }
    SetStock(1);
    std::shared_ptr<db::DbModel> d = dbm;
    std::shared_ptr<models::redis::RedisModel> r = redis;
    std::shared_ptr<models::mq::BrokerModel> b = broker;
    sim::Node& mysql = w.AddNode("mysql", [d](sim::Env e) {
      db::DbServerConfig c;
      c.port = kDb;
      db::BootDbServer(e, d.get(), c);
    });
    sim::Node& redis_node = w.AddNode("redis", [r](sim::Env e) {
      models::redis::RedisServerConfig c;
      c.port = kRedis;
      models::redis::BootRedisServer(e, r.get(), c);
    });
    sim::Node& rabbit = w.AddNode("rabbitmq", [b](sim::Env e) {
      models::mq::BrokerServerConfig c;
      c.port = kAmqp;
      models::mq::BootBrokerServer(e, b.get(), c);
    });
    mall::WareServiceConfig c;
    c.db = sim::Endpoint{mysql.id(), kDb};
    c.broker = sim::Endpoint{rabbit.id(), kAmqp};
    c.redis = sim::Endpoint{redis_node.id(), kRedis};
    c.options.lock_idempotency = scheme;
    ware = &w.AddNode("ware", [c](sim::Env e) { mall::BootWareService(e, c); });
    app = &w.AddNode("app");
    w.StartAll();
    w.RunFor(2_s);  // the ware declares its topology
  }

  // Sets sku 1's stock in warehouse 1 (the only row), as a purchase intake would.
  void SetStock(int64_t stock) {
    const db::SessionId s = dbm->Connect();
    auto rows = dbm->Select(s, w.Now(), AllStock());
    REQUIRE(rows.result().ok());
    if (rows.result()->empty()) {
      auto r = dbm->Insert(s, w.Now(), db::InsertStmt{mall::kWareSkuTable,
                                                      {{"sku_id", 1}, {"ware_id", 1},
                                                       {"stock", stock}, {"stock_locked", 0}}});
      REQUIRE(r.result().ok());
    } else {
      auto r = dbm->Update(s, w.Now(), db::UpdateStmt{mall::kWareSkuTable,
                                                      {db::SetClause::Assign("stock", stock)},
                                                      {{"sku_id", 1}}, db::Guard::True()});
      REQUIRE(r.result().ok());
    }
    dbm->Disconnect(s);
  }

  int64_t Locked() {
    const db::SessionId s = dbm->Connect();
    auto rows = dbm->Select(s, w.Now(), AllStock());
    dbm->Disconnect(s);
    REQUIRE(rows.result().ok());
    return mall::IntAt(rows.result()->front(), mall::kWareSkuTable, "stock_locked");
  }

  sim::Result<int64_t> Lock(const std::string& sn, int64_t quantity) {
    std::optional<sim::Result<int64_t>> out;
    mall::LockRequest req{sn, {mall::OrderLine{1, quantity}}};
    const sim::Endpoint to{ware->id(), mall::kLockPort};
    app->Spawn(CallLock(app->env(), to, std::move(req), &out));
    w.Run(sim::RunLimits{w.Now() + 10_s}, [&out] { return out.has_value(); });
    REQUIRE(out.has_value());
    return *out;
  }

  std::shared_ptr<db::DbModel> dbm = std::make_shared<db::DbModel>();
  std::shared_ptr<models::redis::RedisModel> redis = std::make_shared<models::redis::RedisModel>();
  std::shared_ptr<models::mq::BrokerModel> broker = std::make_shared<models::mq::BrokerModel>();
  sim::World w;
  sim::Node* ware = nullptr;
  sim::Node* app = nullptr;
};

}  // namespace

TEST_CASE("a lock that failed for want of stock locks on its retry once stock arrives",
          "[saga][d15]") {
  for (mall::LockIdempotency scheme :
       {mall::LockIdempotency::kOrderSnCheck, mall::LockIdempotency::kUniqueIndex,
        mall::LockIdempotency::kDedupTable, mall::LockIdempotency::kLockFlag}) {
    CAPTURE(static_cast<int>(scheme));
    Ware ware(scheme);
    CHECK_FALSE(ware.Lock("sn-1", 2).ok());
    ware.SetStock(5);
    const sim::Result<int64_t> retry = ware.Lock("sn-1", 2);
    REQUIRE(retry.ok());
    CHECK(*retry > 0);  // the work order's id
    CHECK(ware.Locked() == 2);
  }
}

TEST_CASE("request id in Redis first: the retry answers success with nothing locked",
          "[saga][d15]") {
  Ware ware(mall::LockIdempotency::kRequestIdRedis);
  CHECK_FALSE(ware.Lock("sn-1", 2).ok());
  ware.SetStock(5);
  const sim::Result<int64_t> retry = ware.Lock("sn-1", 2);
  REQUIRE(retry.ok());  // "already handled": success returned directly
  CHECK(*retry == 0);
  CHECK(ware.Locked() == 0);
}
