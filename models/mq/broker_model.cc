// BrokerModel: connections, channels, channel errors, crash/restart and introspection.
// Topology lives in broker_topology.cc, message flow in broker_delivery.cc.
#include "models/mq/broker_model.h"

#include <algorithm>

#include "sim/assert.h"

namespace models::mq {

BrokerModel::BrokerModel(BrokerConfig config)
    : config_(config), store_(config.sync_interval) {
  for (const std::string& name : exchanges_.Names()) {
    store_.PutExchange(name, exchanges_.Get(name));
  }
}

sim::Result<BrokerModel::Channel*> BrokerModel::Begin(ChannelId ch, sim::Instant now) {
  if (!up_) return sim::MakeError(sim::Errc::kUnavailable, "broker down");
  Advance(now);
  auto it = channels_.find(ch);
  if (it == channels_.end()) return sim::MakeError(sim::Errc::kInvalid, "no such channel");
  if (!it->second.open) {
    return sim::MakeError(sim::Errc::kUnavailable,
                          "channel closed: " + it->second.close_error.detail);
  }
  return &it->second;
}

sim::Result<ConnectionId> BrokerModel::OpenConnection(sim::Instant now) {
  if (!up_) return sim::MakeError(sim::Errc::kUnavailable, "broker down");
  Advance(now);
  ConnectionId id{next_connection_++};
  connections_[id] = Connection{};
  return id;
}

sim::Result<ChannelId> BrokerModel::OpenChannel(ConnectionId conn, sim::Instant now) {
  if (!up_) return sim::MakeError(sim::Errc::kUnavailable, "broker down");
  Advance(now);
  auto it = connections_.find(conn);
  if (it == connections_.end()) {
    return sim::MakeError(sim::Errc::kUnavailable, "connection closed");
  }
  ChannelId id{next_channel_++};
  Channel channel;
  channel.conn = conn;
  channels_[id] = std::move(channel);
  it->second.channels.push_back(id);
  return id;
}

sim::Result<void> BrokerModel::CloseChannel(ChannelId ch, sim::Instant now) {
  if (!up_) return sim::MakeError(sim::Errc::kUnavailable, "broker down");
  Advance(now);
  auto it = channels_.find(ch);
  if (it == channels_.end()) return sim::MakeError(sim::Errc::kInvalid, "no such channel");
  if (!it->second.open) return {};
  TearDownChannel(ch, now_);
  channels_.at(ch).close_error = sim::MakeError(sim::Errc::kUnavailable, "closed by client");
  return {};
}

sim::Result<void> BrokerModel::CloseConnection(ConnectionId conn, sim::Instant now) {
  if (!up_) return sim::MakeError(sim::Errc::kUnavailable, "broker down");
  Advance(now);
  if (connections_.count(conn) == 0) {
    return sim::MakeError(sim::Errc::kUnavailable, "connection closed");
  }
  (void)ConnectionError(conn, kReplySuccess, "closed by client", now_);
  return {};
}

sim::Error BrokerModel::ChannelError(ChannelId ch, uint16_t code, const std::string& text,
                                     sim::Instant now) {
  sim::Error error = AmqpError(code, text);
  TearDownChannel(ch, now);
  channels_.at(ch).close_error = error;
  return error;
}

sim::Error BrokerModel::ConnectionError(ConnectionId conn, uint16_t code,
                                        const std::string& text, sim::Instant now) {
  sim::Error error = AmqpError(code, text);
  auto it = connections_.find(conn);
  SIM_ASSERT(it != connections_.end());
  const std::vector<ChannelId> chans = it->second.channels;
  for (ChannelId ch : chans) {
    if (!channels_.at(ch).open) continue;
    TearDownChannel(ch, now);
    channels_.at(ch).close_error = error;
  }
  // Exclusive queues belong to the connection and go with it.
  std::vector<std::string> owned;
  for (const auto& [name, q] : queues_) {
    if (q.owner() == conn) owned.push_back(name);
  }
  for (const std::string& name : owned) RemoveQueue(name, now);
  connections_.erase(conn);
  return error;
}

void BrokerModel::TearDownChannel(ChannelId ch, sim::Instant now) {
  Channel& c = channels_.at(ch);
  SIM_ASSERT(c.open);
  c.open = false;
  std::vector<std::string> touched;
  for (const auto& [tag, consumer] : c.consumers) {
    auto q = queues_.find(consumer.queue);
    if (q == queues_.end()) continue;
    q->second.RemoveConsumer(ConsumerKey{ch, tag});
    touched.push_back(consumer.queue);
  }
  c.consumers.clear();
  std::vector<Unacked> entries;
  for (auto& [tag, entry] : c.unacked) entries.push_back(std::move(entry));
  c.unacked.clear();
  std::erase_if(pending_confirms_, [&](const PendingConfirm& p) { return p.ch == ch; });
  RequeueAll(std::move(entries), now, "channel_closed");
  for (const std::string& name : touched) {
    auto q = queues_.find(name);
    if (q != queues_.end() && q->second.options().auto_delete &&
        q->second.ConsumerCount() == 0) {
      RemoveQueue(name, now);
    }
  }
}

void BrokerModel::Crash(sim::Instant now) {
  if (!up_) return;
  Advance(now);
  if (record_fates_) SnapshotForCrash();
  store_.DropPending();
  for (auto& [id, channel] : channels_) {
    if (!channel.open) continue;
    channel.open = false;
    channel.close_error = sim::MakeError(sim::Errc::kUnavailable, "broker crashed");
    channel.unacked.clear();
    channel.consumers.clear();
  }
  connections_.clear();
  pending_confirms_.clear();
  queues_.clear();
  exchanges_ = ExchangeTable();
  up_ = false;
}

void BrokerModel::Restart(sim::Instant now) {
  if (up_) return;
  up_ = true;
  now_ = std::max(now_, now);
  RestoreFromStore(now_);
  if (record_fates_) RecordCrashLosses();
  Advance(now_);
}

void BrokerModel::SnapshotForCrash() {
  crash_snapshot_.clear();
  for (const auto& [name, q] : queues_) {
    auto& held = crash_snapshot_[name];
    for (const auto& [seq, msg] : q.Ready()) held[seq] = MessageKey(msg.message);
  }
  for (const auto& [id, channel] : channels_) {
    for (const auto& [tag, entry] : channel.unacked) {
      auto q = queues_.find(entry.queue);
      if (q == queues_.end() || q->second.incarnation() != entry.incarnation) continue;
      crash_snapshot_[entry.queue][entry.msg.seq] = MessageKey(entry.msg.message);
    }
  }
}

void BrokerModel::RecordCrashLosses() {
  for (const auto& [name, held] : crash_snapshot_) {
    auto q = queues_.find(name);
    for (const auto& [seq, key] : held) {
      if (q != queues_.end() && q->second.Ready().count(seq) != 0) continue;
      MessageFate f;
      f.kind = FateKind::kLostInCrash;
      f.queue = name;
      f.message = key;
      fates_.push_back(std::move(f));
    }
  }
  crash_snapshot_.clear();
}

void BrokerModel::Fate(FateKind kind, const std::string& queue, const Message& message,
                       std::string detail) {
  if (!record_fates_) return;
  MessageFate f;
  f.kind = kind;
  f.queue = queue;
  f.message = MessageKey(message);
  f.detail = std::move(detail);
  fates_.push_back(std::move(f));
}

void BrokerModel::FateOnChannel(FateKind kind, const std::string& queue,
                                const Message& message, ChannelId ch, uint64_t tag,
                                std::string detail) {
  if (!record_fates_) return;
  Fate(kind, queue, message, std::move(detail));
  fates_.back().channel = ch;
  fates_.back().delivery_tag = tag;
}

std::vector<MessageFate> BrokerModel::TakeFates() {
  std::vector<MessageFate> out;
  out.swap(fates_);
  return out;
}

void BrokerModel::RestoreFromStore(sim::Instant now) {
  (void)now;
  for (const auto& [name, options] : store_.exchanges()) exchanges_.Put(name, options);
  for (const auto& [name, options] : store_.queues()) {
    ClassicQueue q(name, options, std::nullopt, next_incarnation_++);
    for (QueueMessage msg : store_.Messages(name)) q.Restore(std::move(msg));
    queues_.emplace(name, std::move(q));
  }
  for (const Binding& b : store_.Bindings()) exchanges_.Bind(b);
}

std::vector<Event> BrokerModel::TakeEvents() {
  std::vector<Event> out;
  out.swap(outbox_);
  return out;
}

std::vector<Event> BrokerModel::TakeEvents(ChannelId ch) {
  std::vector<Event> mine;
  std::vector<Event> rest;
  for (Event& e : outbox_) (EventChannel(e) == ch ? mine : rest).push_back(std::move(e));
  outbox_.swap(rest);
  return mine;
}

std::optional<QueueStats> BrokerModel::Stats(const std::string& queue) const {
  auto it = queues_.find(queue);
  if (it == queues_.end()) return std::nullopt;
  QueueStats stats;
  stats.ready = static_cast<uint32_t>(it->second.ReadyCount());
  stats.consumers = static_cast<uint32_t>(it->second.ConsumerCount());
  for (const auto& [id, channel] : channels_) {
    for (const auto& [tag, entry] : channel.unacked) {
      if (entry.queue == queue && entry.incarnation == it->second.incarnation()) {
        ++stats.unacked;
      }
    }
  }
  return stats;
}

std::vector<std::string> BrokerModel::QueueNames() const {
  std::vector<std::string> out;
  for (const auto& [name, q] : queues_) out.push_back(name);
  return out;
}

bool BrokerModel::ChannelOpen(ChannelId ch) const {
  auto it = channels_.find(ch);
  return up_ && it != channels_.end() && it->second.open;
}

std::optional<ConnectionId> BrokerModel::ConnectionOf(ChannelId ch) const {
  auto it = channels_.find(ch);
  if (it == channels_.end()) return std::nullopt;
  return it->second.conn;
}

}  // namespace models::mq
