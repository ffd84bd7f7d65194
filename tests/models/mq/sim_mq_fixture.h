#pragma once
// A World with one simulated RabbitMQ node (BrokerServer over a BrokerModel) and the pieces
// the simulated-broker tests share: client nodes, a reconnecting listener written the way a
// Gulimall @RabbitListener is (broker_client.h), the Gulimall order delay topology, and
// trace queries.

#include <string>
#include <vector>

#include "models/mq/broker_model.h"
#include "models/mq/broker_server.h"
#include "models/mq/sim_broker_client.h"
#include "sim/world.h"

namespace models::mq::testing {

using namespace sim::literals;

inline constexpr sim::Port kAmqpPort = 5672;

inline sim::WorldOptions Recorded() {
  sim::WorldOptions o;
  o.record_trace = true;
  return o;
}

struct SimMq {
  explicit SimMq(uint64_t seed, BrokerConfig broker_config = {},
                 BrokerServerConfig server_config = {},
                 sim::WorldOptions world_options = Recorded())
      : model(broker_config), world(seed, world_options) {
    server_config.port = kAmqpPort;
    BrokerModel* m = &model;
    broker = &world.AddNode("rabbitmq", [m, server_config](sim::Env env) {
      BootBrokerServer(env, m, server_config);
    });
    broker->Start();
  }

  sim::Endpoint endpoint() const { return sim::Endpoint{broker->id(), kAmqpPort}; }
  sim::Node& AddClient(const std::string& name) {
    sim::Node& n = world.AddNode(name);
    n.Start();
    return n;
  }
  size_t Count(const std::string& name) {
    size_t n = 0;
    for (const sim::TraceEvent& e : world.trace().all()) n += e.name == name ? 1 : 0;
    return n;
  }
  // Events named `name` whose string field `key` equals `value`.
  size_t CountWith(const std::string& name, const std::string& key,
                   const std::string& value) {
    size_t n = 0;
    for (const sim::TraceEvent& e : world.trace().all()) {
      if (e.name != name) continue;
      const sim::TraceValue* v = e.Field(key);
      if (v != nullptr && std::get_if<std::string>(v) != nullptr &&
          std::get<std::string>(*v) == value) {
        ++n;
      }
    }
    return n;
  }

  BrokerModel model;  // declared first: outlives the world's frames
  sim::World world;
  sim::Node* broker = nullptr;
};

struct Received {
  std::string body;
  bool redelivered = false;
  uint64_t tag = 0;
  sim::Instant at;
};

struct ListenerLog {
  std::vector<Received> got;
  int restarts = 0;  // times the listener had to reopen its channel
  std::vector<std::string> errors;
};

// A manual-ack listener on `queue` that restarts itself (new channel, and a new connection
// when the old one is lost) until it acked `want` messages or `until` passed.
inline sim::Task<void> Listen(sim::Env env, sim::Endpoint broker, std::string queue,
                              size_t want, sim::Instant until, ListenerLog* log,
                              uint16_t prefetch = 1) {
  SimBrokerClient mq(env, broker, 2_s);
  // Each round either takes a delivery, waits 1 s for one, or restarts after 1 s.
  while (log->got.size() < want && env.Now() < until) {
    // No co_await inside ?: : GCC 12 mishandles the temporaries of such a conditional.
    sim::Result<ChannelId> ch = co_await mq.OpenChannel();
    sim::Result<std::string> tag = sim::MakeError(sim::Errc::kUnavailable, "no channel");
    if (ch.ok()) {
      sim::Result<void> qos = co_await mq.Qos(*ch, prefetch);
      if (qos.ok()) tag = co_await mq.Consume(*ch, queue, "", false);
    }
    if (!tag.ok()) {
      log->errors.push_back("start: " + tag.error().ToString());
      co_await env.Sleep(1_s);
      continue;
    }
    while (log->got.size() < want && env.Now() < until) {
      sim::Result<std::optional<Delivery>> d = co_await mq.NextDelivery(*ch, 1_s);
      if (!d.ok()) {
        log->errors.push_back("next: " + d.error().ToString());
        ++log->restarts;
        break;
      }
      if (!d->has_value()) continue;
      const Delivery& del = **d;
      log->got.push_back(Received{del.message.body, del.redelivered, del.delivery_tag, env.Now()});
      sim::Result<void> acked = co_await mq.Ack(*ch, del.delivery_tag, false);
      if (!acked.ok()) log->errors.push_back("ack: " + acked.error().ToString());
    }
  }
  (void)co_await mq.Close();
}

inline Message Persistent(const std::string& body) {
  Message m;
  m.body = body;
  m.props.delivery_mode = 2;
  m.props.message_id = body;
  return m;
}

inline Message Transient(const std::string& body) {
  Message m = Persistent(body);
  m.props.delivery_mode = 1;
  return m;
}

inline QueueOptions Durable() {
  QueueOptions o;
  o.durable = true;
  return o;
}

// Gulimall's order topology (gulimall-order MyMQConfig), names kept, TTL a parameter.
inline constexpr const char* kOrderExchange = "order-event-exchange";
inline constexpr const char* kDelayQueue = "order.delay.queue";
inline constexpr const char* kReleaseQueue = "order.release.order.queue";

inline sim::Task<sim::Result<void>> DeclareOrderTopology(BrokerClient* mq, ChannelId ch,
                                                         int64_t ttl_ms) {
  ExchangeOptions topic{ExchangeType::kTopic, false, true, false};
  sim::Result<void> x = co_await mq->DeclareExchange(ch, kOrderExchange, topic);
  if (!x.ok()) co_return x;
  QueueOptions delay = Durable();
  delay.args.message_ttl_ms = ttl_ms;
  delay.args.dead_letter_exchange = kOrderExchange;
  delay.args.dead_letter_routing_key = "order.release.order";
  sim::Result<QueueDeclareOk> q1 = co_await mq->DeclareQueue(ch, kDelayQueue, delay);
  if (!q1.ok()) co_return q1.error();
  sim::Result<QueueDeclareOk> q2 = co_await mq->DeclareQueue(ch, kReleaseQueue, Durable());
  if (!q2.ok()) co_return q2.error();
  sim::Result<void> b1 =
      co_await mq->Bind(ch, kDelayQueue, kOrderExchange, "order.create.order");
  if (!b1.ok()) co_return b1;
  co_return co_await mq->Bind(ch, kReleaseQueue, kOrderExchange, "order.release.order");
}

}  // namespace models::mq::testing
