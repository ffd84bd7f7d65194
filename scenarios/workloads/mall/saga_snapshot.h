#pragma once
// The final-state snapshot of `mall_order` and the recorder of the services' white-box events.
//
// The recorder subscribes to the trace: it keeps, in trace order, every event of the saga's
// services (order.*, ware.*, saga.*, member.*) with its virtual time, and counts each broker
// lifecycle step (mq.enqueued, mq.delivered, ...) per message id. The snapshot carries both, so
// every saga checker reads only the history and the snapshot and can be tested with hand-made
// JSON. Snapshot keys: config, oms_order, oms_order_item, wms_ware_sku, initial_stock,
// wms_ware_order_task, wms_ware_order_task_detail, mq_message, queues, fates, topology,
// publishes, events.

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>  // determinism: lookup-only (fates_)
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/db/db_model.h"
#include "models/mall/alipay_model.h"
#include "models/mall/mall_options.h"
#include "models/mq/broker_model.h"
#include "sim/trace.h"

namespace scenarios {

class SagaRecorder {
 public:
  // Lifecycle step -> count; transparent, so counting a step needs no key string.
  using Steps = std::map<std::string, int64_t, std::less<>>;

  void On(const sim::TraceEvent& e);
  const nlohmann::json& events() const { return events_; }
  // Moves the events out (the recorder is left with none): for the one final snapshot, where
  // copying a busy day's events cost more than recording them.
  nlohmann::json TakeEvents() { return std::exchange(events_, nlohmann::json::array()); }
  // msg -> lifecycle step ("enqueued", "delivered", ...) -> count; "delivered_after_heal"
  // counts the deliveries after the nemesis healed everything (INV-M3's poison loops).
  // Unordered: a consumer must not depend on the iteration order (the snapshot files it
  // into a JSON object, which sorts by key).
  using Fates = std::unordered_map<std::string, Steps>;  // determinism: lookup-only (above)
  const Fates& fates() const { return fates_; }

 private:
  nlohmann::json events_ = nlohmann::json::array();
  // Hashed: message ids share long prefixes, which made every ordered lookup a long memcmp.
  Fates fates_;
  bool healed_ = false;
};

struct StockRow {
  int64_t sku = 0;
  int64_t ware = 0;
  int64_t stock = 0;
};

struct SnapshotInputs {
  const models::db::DbModel* db = nullptr;
  const models::mq::BrokerModel* broker = nullptr;
  SagaRecorder* recorder = nullptr;  // BuildSagaSnapshot takes its events
  const models::mall::AlipayModel* alipay = nullptr;  // null: no payment keys
  models::mall::SagaOptions options;
  std::vector<StockRow> initial_stock;
  sim::Instant now;
  int64_t release_slack_ms = 0;
};

nlohmann::json BuildSagaSnapshot(const SnapshotInputs& in);

// The queues of the saga and whether they hold nothing ready or unacknowledged.
bool SagaQueuesIdle(const models::mq::BrokerModel& broker);
// Outbox rows still new (message_status 0).
int64_t UnsentOutboxRows(const models::db::DbModel& db);

}  // namespace scenarios
