// The mall_payment workload; see pay_workload.h.

#include "scenarios/workloads/mall/pay_workload.h"

#include <fmt/format.h>

#include <algorithm>

#include "models/db/db_server.h"
#include "models/db/mall_catalog.h"
#include "models/mall/alipay.h"
#include "scenarios/workloads/mall/pay_clients.h"
#include "scenarios/workloads/mall/pay_order_node.h"
#include "sim/assert.h"

namespace scenarios {
namespace {

namespace mall = models::mall;
namespace db = models::db;

constexpr sim::Port kDbPort = 3306;

class PaymentWorkload final : public Workload {
 public:
  std::vector<std::string> Setup(RunEnv& env) override {
    db_ = std::make_shared<db::DbModel>();
    for (db::TableDef& def : db::MallTables(MallCatalogFromVariants(env))) {
      const sim::Result<void> created = db_->CreateTable(std::move(def));
      SIM_ASSERT(created.ok());
    }
    mall::AlipayModelConfig alipay_config;
    alipay_config.bill_day_ms = env.Int("bill_day_ms");
    alipay_config.bill_ready_after_ms = env.Int("bill_ready_ms");
    alipay_ = std::make_shared<mall::AlipayModel>(alipay_config);
    ttl_ = sim::Duration::Millis(env.Int("order_ttl_ms"));

    sim::World& w = *env.world;
    // The boot closures share ownership of the models, so they outlive every node's frames
    // (the world is destroyed after the workload).
    std::shared_ptr<db::DbModel> dbm = db_;
    db::DbServerConfig db_config;
    db_config.port = kDbPort;
    db_config.reset_check_interval = sim::Duration::Seconds(1);  // few events over virtual hours
    sim::Node& db_node = w.AddNode("db", [dbm, db_config](sim::Env e) {
      db::BootDbServer(e, dbm.get(), db_config);
    });
    PayOrderNodeConfig* order_config = &order_config_;
    order_ = &w.AddNode("order", [order_config](sim::Env e) { BootPayOrderNode(e, *order_config); });
    std::shared_ptr<mall::AlipayModel> am = alipay_;
    mall::AlipayConfig ac;
    ac.notify_to = sim::Endpoint{order_->id(), kPayNotifyPort};
    sim::Node& alipay_node = w.AddNode("alipay", [am, ac](sim::Env e) { BootAlipay(e, am.get(), ac); });

    order_config_.db = sim::Endpoint{db_node.id(), kDbPort};
    order_config_.payment = PaymentOptionsFromVariants(env);
    order_config_.payment.alipay = mall::AlipayClientConfig{
        alipay_node.id(), alipay_config.app_id, alipay_config.merchant_key,
        alipay_config.platform_key, sim::Duration::Millis(env.Int("rpc_timeout_ms"))};
    order_config_.payment.order_ttl = ttl_;
    order_config_.payment.expire_margin = sim::Duration::Millis(env.Int("expire_margin_ms"));
    order_config_.close_scan = sim::Duration::Millis(env.Int("close_scan_ms"));
    order_config_.bill_day_ms = alipay_config.bill_day_ms;
    order_config_.bill_ready_after_ms = alipay_config.bill_ready_after_ms;

    buyer_config_.db = order_config_.db;
    buyer_config_.order = order_->id();
    buyer_config_.alipay = alipay_node.id();
    buyer_config_.orders = env.Int("orders_per_buyer");
    buyer_config_.think = sim::Duration::Millis(env.Int("think_ms"));
    buyer_config_.order_ttl = ttl_;
    buyer_config_.timeout = sim::Duration::Millis(env.Int("rpc_timeout_ms"));
    buyer_config_.pay_per_mille = env.Int("pay_per_mille");
    buyer_config_.late_per_mille = env.Int("late_per_mille");
    buyer_config_.close_browser_per_mille = env.Int("close_browser_per_mille");
    buyer_config_.refresh_per_mille = env.Int("refresh_per_mille");
    buyers_ = env.Int("buyers");
    for (int64_t i = 1; i <= buyers_; ++i) w.AddNode(fmt::format("buyer{}", i));
    attacker_config_.order = order_->id();
    attacker_config_.attacks = env.Int("attacks");
    attacker_config_.interval = sim::Duration::Millis(env.Int("attack_interval_ms"));
    attacker_config_.timeout = buyer_config_.timeout;
    attacker_ = &w.AddNode("attacker");
    reconcile_ = order_config_.payment.reconcile;
    w.StartAll();
    return {"db", "order", "alipay"};
  }

  void StartClients(RunEnv& env) override {
    int64_t i = 1;
    for (sim::Node* n : env.world->nodes()) {
      if (n->name().rfind("buyer", 0) != 0) continue;
      n->Spawn(PayBuyer(n->env(), buyer_config_, i++, &book_, &stop_, &done_));
    }
    attacker_->Spawn(PayAttacker(attacker_->env(), attacker_config_, &book_, alipay_.get(),
                                 buyers_ + 1, &stop_));
  }

  void StopClients(RunEnv&) override { stop_ = true; }

  bool Converged(RunEnv&) override {
    if (done_ < buyers_) return false;
    for (const db::Row& row : db_->CommittedRows(mall::kOmsOrder)) {
      if (row.at(db_->FindTableDef(mall::kOmsOrder)->Col("status")) == db::Value(mall::kOrderCreated)) {
        return false;
      }
    }
    int64_t last_day = -1;
    for (const auto& [sn, trade] : alipay_->trades()) {
      // A pending notify matters once the merchant has answered it (payment.acknowledged);
      // one that never got through is settled by the query or the bill instead.
      if (trade.notify_due_ns >= 0 && trade.notify_delivered > 0) return false;
      if (trade.gmt_payment_ms >= 0) {
        last_day = std::max(last_day, trade.gmt_payment_ms / alipay_->config().bill_day_ms);
      }
    }
    return !reconcile_ || ReconciledThrough(order_->disk()) >= last_day;
  }

  nlohmann::json Snapshot(RunEnv&) override {
    nlohmann::json snap = mall::OmsPaymentSnapshot(*db_);
    snap["alipay"] = mall::PaymentSnapshot(*alipay_);
    snap["payment"] = {{"order_ttl_ms", ttl_.millis()}};
    return snap;
  }

 private:
  std::shared_ptr<db::DbModel> db_;
  std::shared_ptr<mall::AlipayModel> alipay_;
  PayOrderNodeConfig order_config_;
  PayBuyerConfig buyer_config_;
  PayAttackerConfig attacker_config_;
  PayOrderBook book_;
  sim::Duration ttl_;
  sim::Node* order_ = nullptr;
  sim::Node* attacker_ = nullptr;
  int64_t buyers_ = 0;
  int64_t done_ = 0;
  bool stop_ = false;
  bool reconcile_ = true;
};

}  // namespace

models::db::MallCatalogOptions MallCatalogFromVariants(const RunEnv& env) {
  models::db::MallCatalogOptions options;
  const std::string& keys = env.Variant("payment.info_keys");
  if (keys == "none") {
    options.payment_info_keys = models::db::PaymentInfoKeys::kNone;
  } else if (keys == "order_sn") {
    options.payment_info_keys = models::db::PaymentInfoKeys::kOrderSn;
  }
  options.task_order_sn_unique = env.Variant("ware.lock_idempotency") == "unique_index";
  options.seata_undo_log = env.Variant("saga.compensation") == "seata_at";
  return options;
}

mall::PaymentOptions PaymentOptionsFromVariants(const RunEnv& env) {
  mall::PaymentOptions o;
  o.state_source = env.Variant("payment.state_source") == "return_url"
                       ? mall::StateSource::kReturnUrl : mall::StateSource::kNotify;
  o.notify_reply = env.Variant("payment.notify_reply") == "page" ? mall::NotifyReply::kPage
                                                                 : mall::NotifyReply::kSuccess;
  const std::string& sig = env.Variant("payment.signature");
  o.signature = sig == "off"          ? mall::SignatureCheck::kOff
                : sig == "after_save" ? mall::SignatureCheck::kAfterSave
                                      : mall::SignatureCheck::kVerifyFirst;
  o.notify_idempotent = env.Variant("payment.notify_idempotent") == "on";
  o.paid_update = env.Variant("payment.paid_update") == "unconditional"
                      ? mall::PaidUpdate::kUnconditional : mall::PaidUpdate::kGuarded;
  const std::string& expiry = env.Variant("payment.expiry");
  o.expiry = expiry == "none"              ? mall::PayExpiry::kNone
             : expiry == "timeout_express" ? mall::PayExpiry::kTimeoutExpress
                                           : mall::PayExpiry::kTimeExpire;
  o.pay_page_check = env.Variant("payment.pay_page_check") == "on";
  o.close_trade = env.Variant("payment.close_trade") == "on";
  o.active_query = env.Variant("payment.active_query") == "on";
  o.reconcile = env.Variant("payment.reconcile") == "on";
  o.notify_routed = env.Variant("payment.notify_route") == "payed";
  return o;
}

std::unique_ptr<Workload> MakePaymentWorkload() { return std::make_unique<PaymentWorkload>(); }

}  // namespace scenarios
