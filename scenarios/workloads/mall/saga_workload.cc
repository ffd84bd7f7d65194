// The `mall_order` workload; see saga_workload.h.

#include "scenarios/workloads/mall/saga_workload.h"

#include <fmt/format.h>

#include <map>

#include "models/db/db_model.h"
#include "models/db/db_server.h"
#include "models/db/mall_catalog.h"
#include "models/mall/alipay.h"
#include "models/mall/mall_protocol.h"
#include "models/mall/mall_tables.h"
#include "models/mall/mall_topology.h"
#include "models/mall/member_service.h"
#include "models/mall/order_service.h"
#include "models/mall/ware_service.h"
#include "models/mq/broker_model.h"
#include "models/mq/broker_server.h"
#include "models/redis/redis_model.h"
#include "models/redis/redis_server.h"
#include "models/seata/tc_server.h"
#include "scenarios/workloads/mall/pay_workload.h"
#include "scenarios/workloads/mall/saga_options.h"
#include "scenarios/workloads/mall/saga_snapshot.h"
#include "scenarios/workloads/mall/saga_users.h"
#include "sim/assert.h"

namespace scenarios {

using namespace sim::literals;
namespace mall = models::mall;

namespace {

constexpr sim::Port kDbPort = 3306;
constexpr sim::Port kRedisPort = 6379;
constexpr sim::Port kAmqpPort = 5672;

class MallOrderWorkload final : public Workload {
 public:
  ~MallOrderWorkload() override {
    if (world_ != nullptr && subscription_ != 0) world_->trace().Unsubscribe(subscription_);
  }

  std::vector<std::string> Setup(RunEnv& env) override {
    world_ = env.world;
    options_ = SagaOptionsFrom(env);
    recorder_ = std::make_unique<SagaRecorder>();
    SagaRecorder* rec = recorder_.get();
    subscription_ = world_->trace().Subscribe([rec](const sim::TraceEvent& e) { rec->On(e); });
    SeedDatabase(env);
    BootMiddleware();
    BootServices(env);
    env.world->StartAll();
    std::vector<std::string> targets = {"mysql", "redis", "rabbitmq", "order",
                                        "ware",  "member", "alipay"};
    if (seata_ != nullptr) targets.push_back("seata");
    return targets;
  }

  void StartClients(RunEnv& env) override {
    const MallUserConfig c = UserConfig(env);
    const int64_t users = env.Int("users");
    for (int64_t member = 1; member <= users; ++member) {
      users_->Spawn(MallUser(users_->env(), c, member, &stop_));
    }
    users_->Spawn(MallAdmin(users_->env(), c, users + 1, &stop_));
  }

  void StopClients(RunEnv&) override { stop_ = true; }

  // Quiescent: every delay queue drained (all TTLs ran out), nothing ready or unacked on the
  // listeners' queues and no outbox row left unsent. Checked at most once a virtual second.
  bool Converged(RunEnv&) override {
    if (world_->Now() < next_converge_check_) return converged_;
    next_converge_check_ = world_->Now() + 1_s;
    converged_ = Quiescent();
    return converged_;
  }

  nlohmann::json Snapshot(RunEnv& env) override {
    SnapshotInputs in{db_.get(),    broker_.get(),  recorder_.get(),
                      alipay_.get(), options_,       initial_stock_,
                      world_->Now(), env.Int("release_slack_ms")};
    return BuildSagaSnapshot(in);
  }

 private:
  void SeedDatabase(RunEnv& env) {
    db_ = std::make_shared<models::db::DbModel>();
    for (models::db::TableDef& def : models::db::MallTables(MallCatalogFromVariants(env))) {
      SIM_ASSERT(db_->CreateTable(std::move(def)).ok());
    }
    const models::db::SessionId s = db_->Connect();
    sim::Rng rng = world_->rng().Fork("mall_order.seed");
    const int64_t stock_max = env.Int("initial_stock");
    for (int64_t sku = 1; sku <= env.Int("skus"); ++sku) {
      for (int64_t ware = 1; ware <= env.Int("warehouses"); ++ware) {
        const int64_t stock = rng.Uniform(stock_max / 2, stock_max);
        models::db::InsertStmt row{mall::kWareSkuTable,
                                   {{"sku_id", sku}, {"ware_id", ware}, {"stock", stock},
                                    {"stock_locked", 0}}};
        auto r = db_->Insert(s, sim::Instant::Zero(), row);
        SIM_ASSERT(!r.blocked() && r.result().ok());
        initial_stock_.push_back({sku, ware, stock});
      }
    }
    for (int64_t member = 1; member <= env.Int("users"); ++member) {
      models::db::InsertStmt row{mall::kMemberTable,
                                 {{"username", fmt::format("user{}", member)},
                                  {"integration", 1'000'000}}};
      auto r = db_->Insert(s, sim::Instant::Zero(), row);
      SIM_ASSERT(!r.blocked() && r.result().ok());
    }
    db_->Disconnect(s);
  }

  // The middleware models are shared with the nodes' boot closures, so they outlive every
  // coroutine frame of their servers whatever the destruction order of world and workload.
  void BootMiddleware() {
    broker_ = std::make_shared<models::mq::BrokerModel>();
    redis_ = std::make_shared<models::redis::RedisModel>();
    std::shared_ptr<models::db::DbModel> db = db_;
    models::db::DbServerConfig dbc;
    dbc.port = kDbPort;
    dbc.reset_check_interval = 1_s;  // virtual time flies: a coarse poll keeps a day cheap
    mysql_ = &world_->AddNode("mysql", [db, dbc](sim::Env e) { BootDbServer(e, db.get(), dbc); });
    std::shared_ptr<models::redis::RedisModel> rm = redis_;
    models::redis::RedisServerConfig rc;
    rc.port = kRedisPort;
    rc.tick_interval = 1_s;
    redis_node_ =
        &world_->AddNode("redis", [rm, rc](sim::Env e) { BootRedisServer(e, rm.get(), rc); });
    std::shared_ptr<models::mq::BrokerModel> bm = broker_;
    models::mq::BrokerServerConfig bc;
    bc.port = kAmqpPort;
    bc.reset_check_interval = 1_s;
    rabbit_ =
        &world_->AddNode("rabbitmq", [bm, bc](sim::Env e) { BootBrokerServer(e, bm.get(), bc); });
  }

  // Boot closures read the peers' node ids when they run (at StartAll), after every AddNode.
  void BootServices(RunEnv& env) {
    consumers_ = env.Int("listener_consumers");
    if (options_.compensation == mall::Compensation::kSeataAt) {
      seata_ = &world_->AddNode("seata", [](sim::Env e) { models::seata::BootSeataServer(e, {}); });
    }
    order_ = &world_->AddNode("order", [this](sim::Env e) {
      mall::OrderServiceConfig c{Db(),     Broker(),  Redis(),    ware_->id(), member_->id(),
                                 options_, payment_, consumers_, Tc()};
      mall::BootOrderService(e, c);
    });
    ware_ = &world_->AddNode("ware", [this](sim::Env e) {
      mall::WareServiceConfig c{Db(), Broker(), order_->id(), Redis(), options_, consumers_, Tc()};
      mall::BootWareService(e, c);
    });
    member_ = &world_->AddNode("member", [this](sim::Env e) {
      mall::BootMemberService(e, mall::MemberServiceConfig{Db(), options_, Tc()});
    });
    users_ = &world_->AddNode("users");
    BootPaymentPlatform(env);
  }

  // Alipay's platform state lives outside its node (a crash loses only attempts in flight); it
  // notifies the order service's notify_url. The payment.* variants apply (PaymentOptions).
  void BootPaymentPlatform(RunEnv& env) {
    mall::AlipayModelConfig ac;
    alipay_ = std::make_shared<mall::AlipayModel>(ac);
    std::shared_ptr<mall::AlipayModel> am = alipay_;
    mall::AlipayConfig nc;
    nc.notify_to = sim::Endpoint{order_->id(), mall::kPayNotifyPort};
    alipay_node_ =
        &world_->AddNode("alipay", [am, nc](sim::Env e) { mall::BootAlipay(e, am.get(), nc); });
    payment_ = PaymentOptionsFromVariants(env);
    payment_.alipay = mall::AlipayClientConfig{alipay_node_->id(), ac.app_id, ac.merchant_key,
                                               ac.platform_key, options_.rpc_timeout};
    payment_.order_ttl = options_.order_ttl;
  }

  sim::Endpoint Db() const { return sim::Endpoint{mysql_->id(), kDbPort}; }
  sim::Endpoint Broker() const { return sim::Endpoint{rabbit_->id(), kAmqpPort}; }
  sim::Endpoint Redis() const { return sim::Endpoint{redis_node_->id(), kRedisPort}; }
  sim::NodeId Tc() const { return seata_ == nullptr ? 0 : seata_->id(); }

  MallUserConfig UserConfig(RunEnv& env) const {
    MallUserConfig c;
    c.order = order_->id();
    c.ware = ware_->id();
    c.alipay = alipay_node_->id();
    c.skus = env.Int("skus");
    c.warehouses = env.Int("warehouses");
    c.items_max = env.Int("items_max");
    c.quantity_max = env.Int("quantity_max");
    c.think = sim::Duration::Millis(env.Int("think_ms"));
    c.confirm_read_max = sim::Duration::Millis(env.Int("confirm_read_ms_max"));
    c.pay_delay_min = sim::Duration::Millis(env.Int("pay_delay_ms_min"));
    c.pay_delay_max = sim::Duration::Millis(std::max(env.Int("pay_delay_ms_max"),
                                                     env.Int("pay_delay_ms_min")));
    c.cancel_delay_max = sim::Duration::Millis(env.Int("cancel_delay_ms_max"));
    c.pay_per_mille = env.Int("pay_per_mille");
    c.cancel_per_mille = env.Int("cancel_per_mille");
    c.double_click_per_mille = env.Int("double_click_per_mille");
    c.client_retry_per_mille = env.Int("client_retry_per_mille");
    c.points_per_mille = env.Int("points_per_mille");
    c.intake_interval = sim::Duration::Millis(env.Int("intake_interval_ms"));
    return c;
  }

  bool Quiescent() const {
    for (sim::Node* n : {mysql_, redis_node_, rabbit_, order_, ware_, member_, alipay_node_}) {
      if (!n->up() || n->paused()) return false;
    }
    if (seata_ != nullptr && (!seata_->up() || seata_->paused())) return false;
    return SagaQueuesIdle(*broker_) && UnsentOutboxRows(*db_) == 0;
  }

  sim::World* world_ = nullptr;
  mall::SagaOptions options_;
  std::shared_ptr<models::db::DbModel> db_;
  std::shared_ptr<models::mq::BrokerModel> broker_;
  std::shared_ptr<models::redis::RedisModel> redis_;
  std::shared_ptr<mall::AlipayModel> alipay_;
  mall::PaymentOptions payment_;
  int64_t consumers_ = 2;
  std::unique_ptr<SagaRecorder> recorder_;
  size_t subscription_ = 0;
  std::vector<StockRow> initial_stock_;
  sim::Node* mysql_ = nullptr;
  sim::Node* redis_node_ = nullptr;
  sim::Node* rabbit_ = nullptr;
  sim::Node* order_ = nullptr;
  sim::Node* ware_ = nullptr;
  sim::Node* member_ = nullptr;
  sim::Node* users_ = nullptr;
  sim::Node* alipay_node_ = nullptr;
  sim::Node* seata_ = nullptr;  // Seata's TC, with saga.compensation=seata_at
  bool stop_ = false;
  sim::Instant next_converge_check_;
  bool converged_ = false;
};

}  // namespace

std::unique_ptr<Workload> MakeMallOrderWorkload() { return std::make_unique<MallOrderWorkload>(); }

double CommittedSubmitsPerSecond(const sim::History& history, sim::Duration chaos) {
  size_t ok = 0;
  for (const sim::Op& op : history.ops()) ok += op.f == "submit" && op.type == sim::OpType::kOk ? 1 : 0;
  return static_cast<double>(ok) * 1000.0 / static_cast<double>(chaos.millis());
}

}  // namespace scenarios
