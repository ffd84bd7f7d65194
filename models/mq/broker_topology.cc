// BrokerModel: exchange and queue declare/delete/purge, bind and unbind, with RabbitMQ
// 3.10's checks and error codes.

#include "models/mq/broker_model.h"
#include "sim/assert.h"

namespace models::mq {
namespace {

std::string Quote(const std::string& kind, const std::string& name) {
  return kind + " '" + name + "' in vhost '/'";
}

bool Reserved(const std::string& name) { return name.rfind("amq.", 0) == 0; }

std::string BoolText(bool b) { return b ? "true" : "false"; }

std::string Inequivalent(const std::string& arg, const std::string& kind,
                         const std::string& name, const std::string& received,
                         const std::string& current) {
  return "inequivalent arg '" + arg + "' for " + Quote(kind, name) + ": received '" +
         received + "' but current is '" + current + "'";
}

template <class T>
std::string OptText(const std::optional<T>& v) {
  if (!v) return "none";
  if constexpr (std::is_same_v<T, std::string>) {
    return *v;
  } else if constexpr (std::is_same_v<T, Overflow>) {
    return *v == Overflow::kDropHead ? "drop-head" : "reject-publish";
  } else {
    return std::to_string(*v);
  }
}

std::string LockedText(const std::string& queue) {
  return "cannot obtain exclusive access to locked " + Quote("queue", queue) +
         ". It could be originally declared on another connection or the exclusive property "
         "value does not match that of the original declaration.";
}

}  // namespace

sim::Result<void> BrokerModel::DeclareExchange(ChannelId ch, const std::string& name,
                                               const ExchangeOptions& options,
                                               sim::Instant now) {
  if (auto c = Begin(ch, now); !c) return c.error();
  if (name.empty()) {
    return ChannelError(ch, kAccessRefused, "operation not permitted on the default exchange",
                        now_);
  }
  if (options.passive) {
    if (!exchanges_.Has(name)) {
      return ChannelError(ch, kNotFound, "no " + Quote("exchange", name), now_);
    }
    return {};
  }
  if (Reserved(name)) {
    return ChannelError(ch, kAccessRefused,
                        "exchange name '" + name + "' contains reserved prefix 'amq.*'", now_);
  }
  if (exchanges_.Has(name)) {
    const ExchangeOptions& cur = exchanges_.Get(name);
    if (cur.type != options.type) {
      return ChannelError(ch, kPreconditionFailed,
                          Inequivalent("type", "exchange", name,
                                       std::string(ExchangeTypeName(options.type)),
                                       std::string(ExchangeTypeName(cur.type))), now_);
    }
    if (cur.durable != options.durable) {
      return ChannelError(ch, kPreconditionFailed,
                          Inequivalent("durable", "exchange", name, BoolText(options.durable),
                                       BoolText(cur.durable)), now_);
    }
    if (cur.auto_delete != options.auto_delete) {
      return ChannelError(ch, kPreconditionFailed,
                          Inequivalent("auto_delete", "exchange", name,
                                       BoolText(options.auto_delete),
                                       BoolText(cur.auto_delete)), now_);
    }
    return {};
  }
  exchanges_.Put(name, options);
  if (options.durable) store_.PutExchange(name, exchanges_.Get(name));
  return {};
}

sim::Result<void> BrokerModel::DeleteExchange(ChannelId ch, const std::string& name,
                                              sim::Instant now) {
  if (auto c = Begin(ch, now); !c) return c.error();
  if (name.empty()) {
    return ChannelError(ch, kAccessRefused, "operation not permitted on the default exchange",
                        now_);
  }
  if (Reserved(name)) {
    return ChannelError(ch, kAccessRefused,
                        "deletion of system " + Quote("exchange", name) + " not allowed", now_);
  }
  // RabbitMQ answers delete-ok for an exchange that does not exist.
  exchanges_.Erase(name);
  store_.EraseExchange(name);
  return {};
}

sim::Result<void> BrokerModel::CheckQueueEquivalent(ChannelId ch, const ClassicQueue& q,
                                                    const QueueOptions& o, sim::Instant now) {
  const QueueOptions& cur = q.options();
  const std::string& n = q.name();
  if (o.exclusive && !cur.exclusive) return ChannelError(ch, kResourceLocked, LockedText(n), now);
  if (cur.durable != o.durable) {
    return ChannelError(ch, kPreconditionFailed,
                        Inequivalent("durable", "queue", n, BoolText(o.durable),
                                     BoolText(cur.durable)), now);
  }
  if (cur.auto_delete != o.auto_delete) {
    return ChannelError(ch, kPreconditionFailed,
                        Inequivalent("auto_delete", "queue", n, BoolText(o.auto_delete),
                                     BoolText(cur.auto_delete)), now);
  }
  const QueueArgs& a = o.args;
  const QueueArgs& b = cur.args;
  auto fail = [&](const char* arg, std::string got, std::string have) {
    return ChannelError(ch, kPreconditionFailed, Inequivalent(arg, "queue", n, got, have), now);
  };
  if (a.message_ttl_ms != b.message_ttl_ms) {
    return fail("x-message-ttl", OptText(a.message_ttl_ms), OptText(b.message_ttl_ms));
  }
  if (a.dead_letter_exchange != b.dead_letter_exchange) {
    return fail("x-dead-letter-exchange", OptText(a.dead_letter_exchange),
                OptText(b.dead_letter_exchange));
  }
  if (a.dead_letter_routing_key != b.dead_letter_routing_key) {
    return fail("x-dead-letter-routing-key", OptText(a.dead_letter_routing_key),
                OptText(b.dead_letter_routing_key));
  }
  if (a.max_length != b.max_length) {
    return fail("x-max-length", OptText(a.max_length), OptText(b.max_length));
  }
  if (a.overflow != b.overflow) return fail("x-overflow", OptText(a.overflow), OptText(b.overflow));
  return {};
}

sim::Result<QueueDeclareOk> BrokerModel::DeclareQueue(ChannelId ch, const std::string& name,
                                                      const QueueOptions& options,
                                                      sim::Instant now) {
  auto c = Begin(ch, now);
  if (!c) return c.error();
  const ConnectionId conn = (*c)->conn;
  if (options.passive) {
    auto q = FindQueue(ch, name, now_);
    if (!q) return q.error();
    return QueueDeclareOk{name, static_cast<uint32_t>((*q)->ReadyCount()),
                          static_cast<uint32_t>((*q)->ConsumerCount())};
  }
  std::string qname = name;
  if (qname.empty()) qname = "amq.gen-" + std::to_string(next_generated_name_++);
  else if (Reserved(qname)) {
    return ChannelError(ch, kAccessRefused,
                        "queue name '" + qname + "' contains reserved prefix 'amq.*'", now_);
  }
  const QueueArgs& a = options.args;
  if ((a.message_ttl_ms && *a.message_ttl_ms < 0) || (a.max_length && *a.max_length < 0)) {
    return ChannelError(ch, kPreconditionFailed, "invalid arg for " + Quote("queue", qname),
                        now_);
  }
  if (a.dead_letter_routing_key && !a.dead_letter_exchange) {
    return ChannelError(ch, kPreconditionFailed,
                        "invalid arg 'x-dead-letter-routing-key' for " + Quote("queue", qname) +
                            ": Key x-dead-letter-exchange should be specified", now_);
  }
  auto existing = queues_.find(qname);
  if (existing != queues_.end()) {
    const ClassicQueue& q = existing->second;
    if (q.owner() && *q.owner() != conn) {
      return ChannelError(ch, kResourceLocked, LockedText(qname), now_);
    }
    if (auto r = CheckQueueEquivalent(ch, q, options, now_); !r) return r.error();
    return QueueDeclareOk{qname, static_cast<uint32_t>(q.ReadyCount()),
                          static_cast<uint32_t>(q.ConsumerCount())};
  }
  std::optional<ConnectionId> owner;
  if (options.exclusive) owner = conn;
  queues_.emplace(qname, ClassicQueue(qname, options, owner, next_incarnation_++));
  if (options.durable && !options.exclusive) store_.PutQueue(qname, queues_.at(qname).options());
  return QueueDeclareOk{qname, 0, 0};
}

sim::Result<ClassicQueue*> BrokerModel::FindQueue(ChannelId ch, const std::string& name,
                                                  sim::Instant now) {
  auto it = queues_.find(name);
  if (it == queues_.end()) return ChannelError(ch, kNotFound, "no " + Quote("queue", name), now);
  const ConnectionId conn = channels_.at(ch).conn;
  if (it->second.owner() && *it->second.owner() != conn) {
    return ChannelError(ch, kResourceLocked, LockedText(name), now);
  }
  return &it->second;
}

sim::Result<uint32_t> BrokerModel::DeleteQueue(ChannelId ch, const std::string& name,
                                               sim::Instant now) {
  if (auto c = Begin(ch, now); !c) return c.error();
  // RabbitMQ answers delete-ok with a count of 0 for a queue that does not exist.
  if (queues_.count(name) == 0) return 0u;
  auto q = FindQueue(ch, name, now_);
  if (!q) return q.error();
  const auto count = static_cast<uint32_t>((*q)->ReadyCount());
  for (const QueueMessage& msg : (*q)->TakeAll()) {
    Fate(FateKind::kDropped, name, msg.message, "queue_deleted");
    Discard(**q, msg, now_);
  }
  RemoveQueue(name, now_);
  return count;
}

sim::Result<uint32_t> BrokerModel::PurgeQueue(ChannelId ch, const std::string& name,
                                              sim::Instant now) {
  if (auto c = Begin(ch, now); !c) return c.error();
  auto q = FindQueue(ch, name, now_);
  if (!q) return q.error();
  std::vector<QueueMessage> purged = (*q)->TakeAll();
  for (const QueueMessage& msg : purged) {
    Fate(FateKind::kDropped, name, msg.message, "purged");
    Discard(**q, msg, now_);
  }
  return static_cast<uint32_t>(purged.size());
}

void BrokerModel::RemoveQueue(const std::string& name, sim::Instant now) {
  (void)now;
  auto it = queues_.find(name);
  SIM_ASSERT(it != queues_.end());
  for (const ConsumerKey& key : it->second.Consumers()) {
    // rabbitmq-c announces consumer_cancel_notify, so the broker tells the consumer.
    outbox_.push_back(ConsumerCancelled{key.channel, key.tag});
    channels_.at(key.channel).consumers.erase(key.tag);
  }
  for (const auto& [seq, msg] : it->second.Ready()) {
    Fate(FateKind::kDropped, name, msg.message, "queue_deleted");
  }
  exchanges_.UnbindQueue(name);
  store_.EraseQueue(name);
  queues_.erase(it);
}

sim::Result<void> BrokerModel::BindQueue(ChannelId ch, const std::string& queue,
                                         const std::string& exchange,
                                         const std::string& routing_key, sim::Instant now) {
  if (auto c = Begin(ch, now); !c) return c.error();
  if (exchange.empty()) {
    return ChannelError(ch, kAccessRefused, "operation not permitted on the default exchange",
                        now_);
  }
  auto q = FindQueue(ch, queue, now_);
  if (!q) return q.error();
  if (!exchanges_.Has(exchange)) {
    return ChannelError(ch, kNotFound, "no " + Quote("exchange", exchange), now_);
  }
  const Binding binding{exchange, queue, routing_key};
  exchanges_.Bind(binding);
  if ((*q)->options().durable && !(*q)->options().exclusive && exchanges_.Get(exchange).durable) {
    store_.PutBinding(binding);
  }
  return {};
}

sim::Result<void> BrokerModel::UnbindQueue(ChannelId ch, const std::string& queue,
                                           const std::string& exchange,
                                           const std::string& routing_key, sim::Instant now) {
  if (auto c = Begin(ch, now); !c) return c.error();
  if (exchange.empty()) {
    return ChannelError(ch, kAccessRefused, "operation not permitted on the default exchange",
                        now_);
  }
  auto q = FindQueue(ch, queue, now_);
  if (!q) return q.error();
  if (!exchanges_.Has(exchange)) {
    return ChannelError(ch, kNotFound, "no " + Quote("exchange", exchange), now_);
  }
  const Binding binding{exchange, queue, routing_key};
  exchanges_.Unbind(binding);
  store_.EraseBinding(binding);
  return {};
}

}  // namespace models::mq
