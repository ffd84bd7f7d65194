// The snapshot and recorder of `mall_order`; see saga_snapshot.h.

#include "scenarios/workloads/mall/saga_snapshot.h"

#include <initializer_list>

#include "models/mall/mall_tables.h"
#include "models/mall/payment.h"
#include "models/mall/order_status.h"
#include "models/mall/mall_topology.h"

namespace scenarios {

namespace mall = models::mall;

namespace {

bool HasPrefix(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// A busy day leaves tens of thousands of rows; each snapshot row is one JSON object filled in
// place from column positions looked up once, not per cell.
using Row = models::db::Row;
using RowFn = nlohmann::json (*)(const Row&);

// A column's position and the snapshot key it goes under.
struct Field {
  const char* key;
  size_t col;
};
Field F(const models::db::TableName& t, const char* key, const char* column) {
  return {key, mall::Col(t, column)};
}

// As mall::IntAt / StrAt read a cell: 0 / "" when NULL or of the other type.
int64_t IntOf(const Row& r, size_t col) {
  const models::db::Value& v = r.at(col);
  return v.is_int() ? v.AsInt() : 0;
}
const std::string& StrOf(const Row& r, size_t col) {
  static const std::string kEmpty;
  const models::db::Value& v = r.at(col);
  return v.is_string() ? v.AsString() : kEmpty;
}

nlohmann::json Fill(const Row& r, std::initializer_list<Field> ints,
                    std::initializer_list<Field> strs) {
  nlohmann::json j(nlohmann::json::value_t::object);
  for (const Field& f : ints) j[f.key] = IntOf(r, f.col);
  for (const Field& f : strs) j[f.key] = StrOf(r, f.col);
  return j;
}

nlohmann::json Rows(const models::db::DbModel& db, const models::db::TableName& t, RowFn fn) {
  nlohmann::json out = nlohmann::json::array();
  db.ForEachCommitted(t, [&out, fn](const Row& row) {
    nlohmann::json j = fn(row);
    if (!j.is_null()) out.push_back(std::move(j));
  });
  return out;
}

nlohmann::json OrderRow(const Row& r) {
  const auto& t = mall::kOrderTable;
  static const Field kId = F(t, "id", "id"), kMember = F(t, "member", "member_id"),
                     kStatus = F(t, "status", "status"), kCreate = F(t, "create_ms", "create_time"),
                     kModify = F(t, "modify_ms", "modify_time"),
                     kPayment = F(t, "payment_ms", "payment_time"), kSn = F(t, "sn", "order_sn");
  return Fill(r, {kId, kMember, kStatus, kCreate, kModify, kPayment}, {kSn});
}
// OrderRow plus the oms_order columns the payment checkers read under their column names
// (pay_checkers.cc): order_sn, status, create_time, modify_time, payment_time. Only those: the
// order table's other twenty columns made a busy day's snapshot a fifth bigger for nobody.
nlohmann::json OrderRowWithPay(const Row& r) {
  const auto& t = mall::kOrderTable;
  static const Field kCreate = F(t, "create_time", "create_time"),
                     kModify = F(t, "modify_time", "modify_time"),
                     kPayment = F(t, "payment_time", "payment_time"),
                     kSn = F(t, "order_sn", "order_sn");
  nlohmann::json j = OrderRow(r);
  j["order_sn"] = StrOf(r, kSn.col);
  // NULL stays null: the checkers fall back when modify_time or payment_time is unset.
  for (const Field& f : {kCreate, kModify, kPayment}) {
    const models::db::Value& v = r.at(f.col);
    j[f.key] = v.is_int() ? nlohmann::json(v.AsInt()) : nlohmann::json(nullptr);
  }
  return j;
}
nlohmann::json ItemRow(const Row& r) {
  const auto& t = mall::kOrderItemTable;
  static const Field kSku = F(t, "sku", "sku_id"), kQty = F(t, "qty", "sku_quantity"),
                     kSn = F(t, "sn", "order_sn");
  return Fill(r, {kSku, kQty}, {kSn});
}
nlohmann::json SkuRow(const Row& r) {
  const auto& t = mall::kWareSkuTable;
  static const Field kSku = F(t, "sku", "sku_id"), kWare = F(t, "ware", "ware_id"),
                     kStock = F(t, "stock", "stock"),
                     kLocked = F(t, "stock_locked", "stock_locked");
  return Fill(r, {kSku, kWare, kStock, kLocked}, {});
}
nlohmann::json TaskRow(const Row& r) {
  const auto& t = mall::kTaskTable;
  static const Field kId = F(t, "id", "id"), kCreate = F(t, "create_ms", "create_time"),
                     kSn = F(t, "sn", "order_sn");
  return Fill(r, {kId, kCreate}, {kSn});
}
nlohmann::json DetailRow(const Row& r) {
  const auto& t = mall::kDetailTable;
  static const Field kId = F(t, "id", "id"), kTask = F(t, "task", "task_id"),
                     kSku = F(t, "sku", "sku_id"), kWare = F(t, "ware", "ware_id"),
                     kNum = F(t, "num", "sku_num"), kLock = F(t, "lock_status", "lock_status");
  return Fill(r, {kId, kTask, kSku, kWare, kNum, kLock}, {});
}
// Both outboxes share kMessageTable's columns.
nlohmann::json MessageRow(const Row& r) {
  const auto& t = mall::kMessageTable;
  static const Field kClass = F(t, "class_type", "class_type"),
                     kId = F(t, "id", "message_id"), kExchange = F(t, "exchange", "to_exchange"),
                     kKey = F(t, "key", "routing_key"), kStatus = F(t, "status", "message_status");
  if (StrOf(r, kClass.col) == "dedup") return nullptr;
  return Fill(r, {kStatus}, {kId, kExchange, kKey});
}

// ++steps[step] without building a key string when the step was counted before.
void Count(SagaRecorder::Steps& steps, std::string_view step) {
  auto it = steps.find(step);
  if (it == steps.end()) it = steps.emplace(std::string(step), 0).first;
  ++it->second;
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
    Steps& fate = fates_[*key];
    Count(fate, std::string_view(e.name).substr(3));
    if (healed_ && e.name == "mq.delivered") Count(fate, "delivered_after_heal");
    return;
  }
  if (e.name == "nemesis.heal_all") healed_ = true;
  if (e.name == "payment.order_paid") {
    // The payment path (payment.h) reports its guarded 0 -> 1 in its own terms: filed as the
    // order's status move, which the order checkers read.
    const sim::TraceValue* sn = e.Field("order_sn");
    const sim::TraceValue* from = e.Field("from");
    const std::string* sn_text = sn != nullptr ? std::get_if<std::string>(sn) : nullptr;
    const int64_t* from_status = from != nullptr ? std::get_if<int64_t>(from) : nullptr;
    nlohmann::json& j = events_.emplace_back(nlohmann::json::value_t::object);
    j["t_ms"] = e.time.nanos() / 1'000'000;
    j["name"] = "order.status";
    j["sn"] = sn_text != nullptr ? *sn_text : std::string();
    j["from"] = from_status != nullptr ? *from_status : int64_t{-1};
    j["to"] = mall::kOrderPaid;
    j["msg"] = "";
    return;
  }
  if (!HasPrefix(e.name, "order.") && !HasPrefix(e.name, "ware.") &&
      !HasPrefix(e.name, "saga.") && !HasPrefix(e.name, "member.")) {
    return;
  }
  // Filled in place (no initializer-list temporaries): one object per service event.
  nlohmann::json& j = events_.emplace_back(nlohmann::json::value_t::object);
  j["t_ms"] = e.time.nanos() / 1'000'000;
  j["name"] = e.name;
  for (const sim::TraceField& f : e.fields) {
    if (const int64_t* i = std::get_if<int64_t>(&f.value)) {
      j[f.key] = *i;
    } else {
      j[f.key] = std::get<std::string>(f.value);
    }
  }
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
    const size_t status = mall::Col(t, "message_status");
    db.ForEachCommitted(t, [&n, status](const models::db::Row& r) {
      const models::db::Value& v = r.at(status);
      n += (v.is_int() ? v.AsInt() : 0) == 0 ? 1 : 0;  // as mall::IntAt reads it
    });
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
  if (in.alipay == nullptr) {
    snap["oms_order"] = Rows(db, mall::kOrderTable, &OrderRow);
  } else {
    // The payment checkers' inputs (pay_checkers.h): oms_order's columns they read (in the
    // saga's rows), oms_payment_info, Alipay's trades and the order's life.
    snap["oms_order"] = Rows(db, mall::kOrderTable, &OrderRowWithPay);
    snap["oms_payment_info"] = mall::PaymentInfoRows(db);
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
  // Any order: the JSON object sorts its keys.
  for (const auto& [msg, steps] : in.recorder->fates()) fates[msg] = steps;
  snap["fates"] = std::move(fates);
  mall::TopologySpec all = mall::OrderTopology(in.options);
  const mall::TopologySpec ware = mall::WareTopology(in.options);
  all.exchanges.insert(all.exchanges.end(), ware.exchanges.begin(), ware.exchanges.end());
  all.queues.insert(all.queues.end(), ware.queues.begin(), ware.queues.end());
  all.bindings.insert(all.bindings.end(), ware.bindings.begin(), ware.bindings.end());
  snap["topology"] = mall::TopologyToJson(all);
  snap["publishes"] = mall::PublishesToJson(mall::SagaPublishes());
  snap["events"] = in.recorder->TakeEvents();
  return snap;
}

}  // namespace scenarios
