#pragma once
// The RabbitMQ topology of the order saga (gulimall-real.md §4.1, canonical WTS = NS), as data
// each service declares at boot the way Spring's RabbitAdmin declares its beans, and the list of
// (exchange, routing key) pairs the services publish (INV-M4 compares the two).
//
// Fidelity contract: names, exchange types, TTLs, dead-letter exchanges and keys as in the
// course code; TTLs are parameters (design 30/50 min, test 60/120 s). Variant B-1 / F-25 binds
// stock.delay.queue with `stock.delay.#` as the notes' text does (003:163). Everything durable,
// messages persistent. Not modelled: the seckill queue, vhosts, the JSON __TypeId__ header (the
// body carries a "type" field instead).

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/mall/mall_options.h"
#include "models/mq/broker_client.h"
#include "sim/task.h"

namespace models::mall {

inline constexpr const char* kOrderExchange = "order-event-exchange";
inline constexpr const char* kOrderDelayQueue = "order.delay.queue";
inline constexpr const char* kOrderReleaseQueue = "order.release.order.queue";
inline constexpr const char* kStockExchange = "stock-event-exchange";
inline constexpr const char* kStockDelayQueue = "stock.delay.queue";
inline constexpr const char* kStockReleaseQueue = "stock.release.stock.queue";
inline constexpr const char* kKeyOrderCreate = "order.create.order";
inline constexpr const char* kKeyOrderRelease = "order.release.order";
inline constexpr const char* kKeyReleaseOther = "order.release.other";
inline constexpr const char* kKeyStockLocked = "stock.locked";
inline constexpr const char* kKeyStockRelease = "stock.release";

struct QueueSpec {
  std::string name;
  int64_t ttl_ms = 0;  // 0: no x-message-ttl
  std::string dead_letter_exchange;
  std::string dead_letter_key;
};
struct BindingSpec {
  std::string queue;
  std::string exchange;
  std::string key;
};
struct PublishSpec {
  std::string service;
  std::string exchange;
  std::string key;
};
struct TopologySpec {
  std::vector<std::string> exchanges;  // topic, durable
  std::vector<QueueSpec> queues;       // durable
  std::vector<BindingSpec> bindings;
};

// What the order service declares (MyMQConfig) and what ware declares (MyRabbitConfig).
TopologySpec OrderTopology(const SagaOptions& options);
TopologySpec WareTopology(const SagaOptions& options);
// Every (exchange, key) a service publishes, including the dead-letter republishes.
std::vector<PublishSpec> SagaPublishes();

// Declares `spec` on channel `ch`, stopping at the first error.
sim::Task<sim::Result<void>> DeclareTopology(mq::BrokerClient* mq, mq::ChannelId ch,
                                             TopologySpec spec);

nlohmann::json TopologyToJson(const TopologySpec& spec);
nlohmann::json PublishesToJson(const std::vector<PublishSpec>& publishes);

}  // namespace models::mall
