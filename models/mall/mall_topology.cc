// The saga's RabbitMQ topology; see mall_topology.h.

#include "models/mall/mall_topology.h"

namespace models::mall {

TopologySpec OrderTopology(const SagaOptions& options) {
  TopologySpec t;
  t.exchanges = {kOrderExchange};
  t.queues = {
      {kOrderDelayQueue, options.order_ttl.millis(), kOrderExchange, kKeyOrderRelease},
      {kOrderReleaseQueue, 0, "", ""},
      // Declared by ware; order declares it too so its cross-service binding never hits 404.
      {kStockReleaseQueue, 0, "", ""},
  };
  t.bindings = {
      {kOrderDelayQueue, kOrderExchange, kKeyOrderCreate},
      {kOrderReleaseQueue, kOrderExchange, kKeyOrderRelease},
      {kStockReleaseQueue, kOrderExchange, std::string(kKeyReleaseOther) + ".#"},
  };
  return t;
}

TopologySpec WareTopology(const SagaOptions& options) {
  TopologySpec t;
  t.exchanges = {kStockExchange};
  t.queues = {
      {kStockDelayQueue, options.stock_ttl.millis(), kStockExchange, kKeyStockRelease},
      {kStockReleaseQueue, 0, "", ""},
  };
  // B-1 / F-25: the notes bind "stock.delay.#" (003:163) while publishing "stock.locked".
  const std::string delay_key =
      options.stock_binding == StockBinding::kStockLocked ? kKeyStockLocked : "stock.delay.#";
  t.bindings = {
      {kStockDelayQueue, kStockExchange, delay_key},
      {kStockReleaseQueue, kStockExchange, std::string(kKeyStockRelease) + ".#"},
  };
  return t;
}

std::vector<PublishSpec> SagaPublishes() {
  return {
      {"order", kOrderExchange, kKeyOrderCreate},
      {"broker(dlx)", kOrderExchange, kKeyOrderRelease},
      {"order", kOrderExchange, kKeyReleaseOther},
      {"ware", kStockExchange, kKeyStockLocked},
      {"broker(dlx)", kStockExchange, kKeyStockRelease},
  };
}

sim::Task<sim::Result<void>> DeclareTopology(mq::BrokerClient* mq, mq::ChannelId ch,
                                             TopologySpec spec) {
  for (const std::string& x : spec.exchanges) {
    const mq::ExchangeOptions topic{mq::ExchangeType::kTopic, false, true, false};
    sim::Result<void> r = co_await mq->DeclareExchange(ch, x, topic);
    if (!r.ok()) co_return r;
  }
  for (const QueueSpec& q : spec.queues) {
    mq::QueueOptions o;
    o.durable = true;
    if (q.ttl_ms > 0) o.args.message_ttl_ms = q.ttl_ms;
    if (!q.dead_letter_exchange.empty()) o.args.dead_letter_exchange = q.dead_letter_exchange;
    if (!q.dead_letter_key.empty()) o.args.dead_letter_routing_key = q.dead_letter_key;
    sim::Result<mq::QueueDeclareOk> r = co_await mq->DeclareQueue(ch, q.name, o);
    if (!r.ok()) co_return r.error();
  }
  for (const BindingSpec& b : spec.bindings) {
    sim::Result<void> r = co_await mq->Bind(ch, b.queue, b.exchange, b.key);
    if (!r.ok()) co_return r;
  }
  co_return sim::Result<void>();
}

nlohmann::json TopologyToJson(const TopologySpec& spec) {
  nlohmann::json queues = nlohmann::json::array();
  for (const QueueSpec& q : spec.queues) {
    queues.push_back({{"name", q.name}, {"ttl_ms", q.ttl_ms},
                      {"dlx", q.dead_letter_exchange}, {"dlk", q.dead_letter_key}});
  }
  nlohmann::json bindings = nlohmann::json::array();
  for (const BindingSpec& b : spec.bindings) {
    bindings.push_back({{"queue", b.queue}, {"exchange", b.exchange}, {"key", b.key}});
  }
  return {{"exchanges", spec.exchanges}, {"queues", queues}, {"bindings", bindings}};
}

nlohmann::json PublishesToJson(const std::vector<PublishSpec>& publishes) {
  nlohmann::json out = nlohmann::json::array();
  for (const PublishSpec& p : publishes) {
    out.push_back({{"service", p.service}, {"exchange", p.exchange}, {"key", p.key}});
  }
  return out;
}

}  // namespace models::mall
