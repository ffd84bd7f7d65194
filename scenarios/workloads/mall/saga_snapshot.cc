// The snapshot and recorder of `mall_order`; see saga_snapshot.h.

#include "scenarios/workloads/mall/saga_snapshot.h"

#include "models/mall/mall_tables.h"
#include "models/mall/payment.h"
#include "models/mall/order_status.h"
#include "models/mall/mall_topology.h"

namespace scenarios {

namespace mall = models::mall;

namespace {

bool HasPrefix(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

nlohmann::json FieldJson(const sim::TraceValue& v) {
  if (const int64_t* i = std::get_if<int64_t>(&v)) return *i;
  return std::get<std::string>(v);
}

using RowFn = nlohmann::json (*)(const models::db::Row&);

nlohmann::json Rows(const models::db::DbModel& db, const models::db::TableName& t, RowFn fn) {
  nlohmann::json out = nlohmann::json::array();
  for (const models::db::Row& row : db.CommittedRows(t)) {
    nlohmann::json j = fn(row);
    if (!j.is_null()) out.push_back(std::move(j));
  }
  return out;
}

nlohmann::json OrderRow(const models::db::Row& r) {
  const auto& t = mall::kOrderTable;
  return {{"id", mall::IntAt(r, t, "id")}, {"sn", mall::StrAt(r, t, "order_sn")},
          {"member", mall::IntAt(r, t, "member_id")}, {"status", mall::IntAt(r, t, "status")},
          {"create_ms", mall::IntAt(r, t, "create_time")},
          {"modify_ms", mall::IntAt(r, t, "modify_time")},
          {"payment_ms", mall::IntAt(r, t, "payment_time")}};
}
nlohmann::json ItemRow(const models::db::Row& r) {
  const auto& t = mall::kOrderItemTable;
  return {{"sn", mall::StrAt(r, t, "order_sn")}, {"sku", mall::IntAt(r, t, "sku_id")},
          {"qty", mall::IntAt(r, t, "sku_quantity")}};
}
nlohmann::json SkuRow(const models::db::Row& r) {
  const auto& t = mall::kWareSkuTable;
  return {{"sku", mall::IntAt(r, t, "sku_id")}, {"ware", mall::IntAt(r, t, "ware_id")},
          {"stock", mall::IntAt(r, t, "stock")}, {"stock_locked", mall::IntAt(r, t, "stock_locked")}};
}
nlohmann::json TaskRow(const models::db::Row& r) {
  const auto& t = mall::kTaskTable;
  return {{"id", mall::IntAt(r, t, "id")}, {"sn", mall::StrAt(r, t, "order_sn")},
          {"create_ms", mall::IntAt(r, t, "create_time")}};
}
nlohmann::json DetailRow(const models::db::Row& r) {
  const auto& t = mall::kDetailTable;
  return {{"id", mall::IntAt(r, t, "id")}, {"task", mall::IntAt(r, t, "task_id")},
          {"sku", mall::IntAt(r, t, "sku_id")}, {"ware", mall::IntAt(r, t, "ware_id")},
          {"num", mall::IntAt(r, t, "sku_num")}, {"lock_status", mall::IntAt(r, t, "lock_status")}};
}
nlohmann::json MessageRow(const models::db::Row& r) {
  const auto& t = mall::kMessageTable;
  if (mall::StrAt(r, t, "class_type") == "dedup") return nullptr;
  return {{"id", mall::StrAt(r, t, "message_id")}, {"exchange", mall::StrAt(r, t, "to_exchange")},
          {"key", mall::StrAt(r, t, "routing_key")},
          {"status", mall::IntAt(r, t, "message_status")}};
}

const char* const kQueues[] = {mall::kOrderDelayQueue, mall::kOrderReleaseQueue,
                               mall::kStockDelayQueue, mall::kStockReleaseQueue};

}  // namespace

void SagaRecorder::On(const sim::TraceEvent& e) {
  if (HasPrefix(e.name, "mq.")) {
    const sim::TraceValue* msg = e.Field("msg");
    if (msg == nullptr || e.name == "mq.published" || e.name == "mq.confirmed") return;
    const std::string* key = std::get_if<std::string>(msg);
    if (key == nullptr) return;
    std::map<std::string, int64_t>& fate = fates_[*key];
    ++fate[e.name.substr(3)];
    if (healed_ && e.name == "mq.delivered") ++fate["delivered_after_heal"];
    return;
  }
  if (e.name == "nemesis.heal_all") healed_ = true;
  if (e.name == "payment.order_paid") {
    // The payment path (payment.h) reports its guarded 0 -> 1 in its own terms: filed as the
    // order's status move, which the order checkers read.
    const sim::TraceValue* sn = e.Field("order_sn");
    const sim::TraceValue* from = e.Field("from");
    nlohmann::json j = {{"t_ms", e.time.nanos() / 1'000'000}, {"name", "order.status"},
                        {"sn", sn ? FieldJson(*sn) : nlohmann::json("")},
                        {"from", from ? FieldJson(*from) : nlohmann::json(-1)},
                        {"to", mall::kOrderPaid}, {"msg", ""}};
    events_.push_back(std::move(j));
    return;
  }
  if (!HasPrefix(e.name, "order.") && !HasPrefix(e.name, "ware.") &&
      !HasPrefix(e.name, "saga.") && !HasPrefix(e.name, "member.")) {
    return;
  }
  nlohmann::json j = {{"t_ms", e.time.nanos() / 1'000'000}, {"name", e.name}};
  for (const sim::TraceField& f : e.fields) j[f.key] = FieldJson(f.value);
  events_.push_back(std::move(j));
}

bool SagaQueuesIdle(const models::mq::BrokerModel& broker) {
  if (!broker.IsUp()) return false;
  for (const char* q : kQueues) {
    std::optional<models::mq::QueueStats> s = broker.Stats(q);
    if (s && (s->ready > 0 || s->unacked > 0)) return false;
  }
  return true;
}

int64_t UnsentOutboxRows(const models::db::DbModel& db) {
  int64_t n = 0;
  for (const models::db::TableName& t : {mall::kMessageTable, mall::kWareMessageTable}) {
    for (const models::db::Row& r : db.CommittedRows(t)) {
      n += mall::IntAt(r, t, "message_status") == 0 ? 1 : 0;
    }
  }
  return n;
}

nlohmann::json BuildSagaSnapshot(const SnapshotInputs& in) {
  const models::db::DbModel& db = *in.db;
  nlohmann::json snap;
  snap["config"] = {{"order_ttl_ms", in.options.order_ttl.millis()},
                    {"stock_ttl_ms", in.options.stock_ttl.millis()},
                    {"release_slack_ms", in.release_slack_ms},
                    {"now_ms", in.now.nanos() / 1'000'000}};
  snap["oms_order"] = Rows(db, mall::kOrderTable, &OrderRow);
  if (in.alipay != nullptr) {
    // The payment checkers' inputs (pay_checkers.h): oms_order rows by column name (merged into
    // the saga's rows: both walk the same committed rows in order), oms_payment_info, Alipay's
    // trades and the order's life.
    nlohmann::json pay = mall::OmsPaymentSnapshot(db);
    nlohmann::json& rows = snap["oms_order"];
    for (size_t i = 0; i < rows.size() && i < pay["oms_order"].size(); ++i) {
      pay["oms_order"][i].update(rows[i]);
    }
    rows = std::move(pay["oms_order"]);
    snap["oms_payment_info"] = std::move(pay["oms_payment_info"]);
    snap["alipay"] = mall::PaymentSnapshot(*in.alipay);
    snap["payment"] = {{"order_ttl_ms", in.options.order_ttl.millis()}};
  }
  snap["oms_order_item"] = Rows(db, mall::kOrderItemTable, &ItemRow);
  snap["wms_ware_sku"] = Rows(db, mall::kWareSkuTable, &SkuRow);
  snap["wms_ware_order_task"] = Rows(db, mall::kTaskTable, &TaskRow);
  snap["wms_ware_order_task_detail"] = Rows(db, mall::kDetailTable, &DetailRow);
  // Both services' outboxes (same columns): the ledger the mq checkers read.
  snap["mq_message"] = Rows(db, mall::kMessageTable, &MessageRow);
  for (nlohmann::json& row : Rows(db, mall::kWareMessageTable, &MessageRow)) {
    snap["mq_message"].push_back(std::move(row));
  }
  nlohmann::json initial = nlohmann::json::array();
  for (const StockRow& s : in.initial_stock) {
    initial.push_back({{"sku", s.sku}, {"ware", s.ware}, {"stock", s.stock}});
  }
  snap["initial_stock"] = std::move(initial);
  nlohmann::json queues = nlohmann::json::object();
  for (const std::string& q : in.broker->QueueNames()) {
    std::optional<models::mq::QueueStats> s = in.broker->Stats(q);
    if (s) queues[q] = {{"ready", s->ready}, {"unacked", s->unacked}, {"consumers", s->consumers}};
  }
  snap["queues"] = std::move(queues);
  nlohmann::json fates = nlohmann::json::object();
  for (const auto& [msg, steps] : in.recorder->fates()) fates[msg] = steps;
  snap["fates"] = std::move(fates);
  mall::TopologySpec all = mall::OrderTopology(in.options);
  const mall::TopologySpec ware = mall::WareTopology(in.options);
  all.exchanges.insert(all.exchanges.end(), ware.exchanges.begin(), ware.exchanges.end());
  all.queues.insert(all.queues.end(), ware.queues.begin(), ware.queues.end());
  all.bindings.insert(all.bindings.end(), ware.bindings.begin(), ware.bindings.end());
  snap["topology"] = mall::TopologyToJson(all);
  snap["publishes"] = mall::PublishesToJson(mall::SagaPublishes());
  snap["events"] = in.recorder->events();
  return snap;
}

}  // namespace scenarios
