#pragma once
// A World with the payment pieces of the mall: a DbServer holding the mall tables, an Alipay node
// and a merchant node whose notify endpoint runs HandlePayNotify (or a scripted reply), plus a
// driver node for test coroutines. Shared by the pay_*_test.cc files.

#include <functional>
#include <string>
#include <vector>

#include "models/db/db_server.h"
#include "models/db/mall_catalog.h"
#include "models/db/sim_sql_client.h"
#include "models/mall/alipay.h"
#include "models/mall/payment.h"
#include "sim/world.h"

namespace models::mall::testing {

inline constexpr sim::Port kDbPort = 3306;
inline constexpr sim::Port kNotifyPort = 8080;

struct PayWorld {
  explicit PayWorld(uint64_t seed, PaymentOptions opts = {}, db::MallCatalogOptions catalog = {})
      : world(seed), options(std::move(opts)) {
    for (db::TableDef& def : db::MallTables(catalog)) {
      const sim::Result<void> created = db.CreateTable(std::move(def));
      SIM_ASSERT(created.ok());
    }
    db::DbModel* dbm = &db;
    db::DbServerConfig dc;
    dc.port = kDbPort;
    dc.reset_check_interval = sim::Duration::Seconds(1);
    db_node = &world.AddNode("db", [dbm, dc](sim::Env e) { db::BootDbServer(e, dbm, dc); });
    merchant = &world.AddNode("order", [this](sim::Env e) { BootMerchant(e); });
    AlipayModel* am = &alipay;
    AlipayConfig ac;
    ac.notify_to = sim::Endpoint{merchant->id(), kNotifyPort};
    alipay_node = &world.AddNode("alipay", [am, ac](sim::Env e) { BootAlipay(e, am, ac); });
    driver = &world.AddNode("driver");
    options.alipay = AlipayClientConfig{alipay_node->id(), alipay.config().app_id,
                                        alipay.config().merchant_key,
                                        alipay.config().platform_key, sim::Duration::Seconds(5)};
    world.StartAll();
  }

  sim::Endpoint db_endpoint() const { return sim::Endpoint{db_node->id(), kDbPort}; }

  void BootMerchant(sim::Env e) {
    PayWorld* self = this;
    e.Serve<AlipayNotify, std::string>(kNotifyPort, [self, e](AlipayNotify n) {
      return Handle(e, self, std::move(n));
    });
  }
  static sim::Task<sim::Result<std::string>> Handle(sim::Env e, PayWorld* self, AlipayNotify n) {
    self->notify_times.push_back(e.Now());
    if (self->scripted_reply) {
      std::string reply = self->scripted_reply(self->notify_times.size());
      co_return reply;
    }
    db::SimSqlClient sql(e, self->db_endpoint(), sim::Duration::Seconds(5));
    PayNotifyOutcome out = co_await HandlePayNotify(e, &sql, std::move(n), self->options);
    sim::Result<void> closed = co_await sql.Close();
    (void)closed;
    self->replies.push_back(out.reply);
    co_return out.reply;
  }

  // Rows of a table, committed.
  std::vector<db::Row> Rows(const db::TableName& t) const { return db.CommittedRows(t); }
  int64_t OrderStatus(const std::string& sn) const {
    const db::TableDef* def = db.FindTableDef(kOmsOrder);
    for (const db::Row& r : db.CommittedRows(kOmsOrder)) {
      if (r[def->Col("order_sn")] == db::Value(sn)) return r[def->Col("status")].AsInt();
    }
    return -1;
  }

  sim::World world;
  db::DbModel db;
  AlipayModel alipay;
  PaymentOptions options;
  sim::Node* db_node = nullptr;
  sim::Node* merchant = nullptr;
  sim::Node* alipay_node = nullptr;
  sim::Node* driver = nullptr;
  std::function<std::string(size_t)> scripted_reply;  // set: reply this instead of handling
  std::vector<sim::Instant> notify_times;
  std::vector<std::string> replies;
};

// INSERT an order (status CREATED) straight into the model.
inline void SeedOrder(db::DbModel& db, const std::string& sn, int64_t cents, int64_t create_ms) {
  const db::SessionId s = db.Connect();
  db::InsertStmt insert{kOmsOrder, {{"member_id", 1}, {"order_sn", sn},
                                    {"total_amount", cents * 100}, {"pay_amount", cents * 100},
                                    {"status", kOrderCreated}, {"create_time", create_ms}}};
  const sim::Result<int64_t> id = db.Insert(s, sim::Instant::Zero(), insert).result();
  SIM_ASSERT(id.ok());
  db.Disconnect(s);
}

}  // namespace models::mall::testing
