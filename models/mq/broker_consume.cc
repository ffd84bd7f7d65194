// BrokerModel: basic.qos, basic.consume, basic.cancel, basic.get and the ack family.
#include <map>
#include <set>

#include "models/mq/broker_model.h"
#include "sim/assert.h"

namespace models::mq {

sim::Result<void> BrokerModel::Qos(ChannelId ch, uint16_t prefetch_count, sim::Instant now) {
  auto c = Begin(ch, now);
  if (!c) return c.error();
  // global=false: the limit applies to each consumer started afterwards on this channel.
  (*c)->prefetch = prefetch_count;
  return {};
}

sim::Result<std::string> BrokerModel::Consume(ChannelId ch, const std::string& queue,
                                              const std::string& consumer_tag, bool no_ack,
                                              sim::Instant now) {
  auto c = Begin(ch, now);
  if (!c) return c.error();
  auto q = FindQueue(ch, queue, now_);
  if (!q) return q.error();
  std::string tag = consumer_tag;
  if (tag.empty()) tag = "amq.ctag-" + std::to_string(next_generated_name_++);
  if ((*c)->consumers.count(tag) != 0) {
    return ConnectionError((*c)->conn, 530, "attempt to reuse consumer tag '" + tag + "'",
                           now_);
  }
  (*c)->consumers.emplace(tag, Consumer{queue, no_ack, (*c)->prefetch, 0});
  (*q)->AddConsumer(ConsumerKey{ch, tag});
  RunQueue(**q, now_);
  return tag;
}

sim::Result<void> BrokerModel::Cancel(ChannelId ch, const std::string& consumer_tag,
                                      sim::Instant now) {
  auto c = Begin(ch, now);
  if (!c) return c.error();
  auto it = (*c)->consumers.find(consumer_tag);
  if (it == (*c)->consumers.end()) return {};  // RabbitMQ ignores unknown tags
  const std::string queue = it->second.queue;
  // The consumer's unacked messages stay with the channel until acked or the channel ends.
  (*c)->consumers.erase(it);
  auto q = queues_.find(queue);
  if (q == queues_.end()) return {};
  q->second.RemoveConsumer(ConsumerKey{ch, consumer_tag});
  if (q->second.options().auto_delete && q->second.ConsumerCount() == 0) {
    RemoveQueue(queue, now_);
  }
  return {};
}

sim::Result<GetResult> BrokerModel::Get(ChannelId ch, const std::string& queue, bool no_ack,
                                        sim::Instant now) {
  auto c = Begin(ch, now);
  if (!c) return c.error();
  auto q = FindQueue(ch, queue, now_);
  if (!q) return q.error();
  ClassicQueue& cq = **q;
  std::optional<QueueMessage> msg = cq.PopHead();
  if (!msg) return GetResult{};
  const uint64_t tag = (*c)->next_delivery_tag++;
  GetOk ok{tag, msg->delivered, msg->exchange, msg->routing_key, 0, msg->message};
  FateOnChannel(FateKind::kDelivered, cq.name(), msg->message, ch, tag, "get");
  if (record_fates_) {
    fates_.back().redelivered = msg->delivered;
    fates_.back().no_ack = no_ack;
  }
  if (no_ack) {
    Discard(cq, *msg, now_);
  } else {
    msg->delivered = true;
    if (cq.options().durable && msg->message.props.Persistent() && !cq.options().exclusive) {
      store_.MarkDelivered(cq.name(), msg->seq, now_);
    }
    (*c)->unacked.emplace(tag, Unacked{cq.name(), cq.incarnation(), std::nullopt,
                                       std::move(*msg)});
  }
  DropExpiredHead(cq, now_);
  ok.message_count = static_cast<uint32_t>(cq.ReadyCount());
  return GetResult{std::move(ok)};
}

sim::Result<void> BrokerModel::Ack(ChannelId ch, uint64_t delivery_tag, bool multiple,
                                   sim::Instant now) {
  return SettleTags(ch, delivery_tag, multiple, true, false, now);
}

sim::Result<void> BrokerModel::Nack(ChannelId ch, uint64_t delivery_tag, bool multiple,
                                    bool requeue, sim::Instant now) {
  return SettleTags(ch, delivery_tag, multiple, false, requeue, now);
}

sim::Result<void> BrokerModel::Reject(ChannelId ch, uint64_t delivery_tag, bool requeue,
                                      sim::Instant now) {
  return SettleTags(ch, delivery_tag, false, false, requeue, now);
}

sim::Result<void> BrokerModel::SettleTags(ChannelId ch, uint64_t tag, bool multiple, bool ack,
                                          bool requeue, sim::Instant now) {
  auto c = Begin(ch, now);
  if (!c) return c.error();
  auto& unacked = (*c)->unacked;
  auto first = unacked.begin();
  auto last = unacked.end();
  if (!(multiple && tag == 0)) {  // tag 0 with multiple settles everything outstanding
    auto it = unacked.find(tag);
    if (it == unacked.end()) {
      return ChannelError(ch, kPreconditionFailed, "unknown delivery tag " + std::to_string(tag),
                          now_);
    }
    if (!multiple) first = it;
    last = std::next(it);
  }
  // The channel settles per (queue, consumer tag) group, gets (no tag) first, each group a
  // separate step for the queue (rabbit_channel:foreach_per_queue); the order of groups
  // decides which consumer an unblocked or requeued message goes to.
  std::map<std::pair<std::string, std::optional<std::string>>, std::vector<Unacked>> groups;
  for (auto i = first; i != last; ++i) {
    FateOnChannel(ack ? FateKind::kAcked : FateKind::kRejected, i->second.queue,
                  i->second.msg.message, ch, i->first, ack ? "" : requeue ? "requeue" : "drop");
    groups[{i->second.queue, i->second.consumer_tag}].push_back(std::move(i->second));
  }
  unacked.erase(first, last);
  for (auto& [key, entries] : groups) {
    const auto& [queue, consumer_tag] = key;
    if (consumer_tag) {
      auto con = (*c)->consumers.find(*consumer_tag);
      if (con != (*c)->consumers.end()) {  // else cancelled since
        SIM_ASSERT_GE(con->second.unacked, entries.size());
        con->second.unacked -= static_cast<uint32_t>(entries.size());
        auto q = queues_.find(con->second.queue);
        if (q != queues_.end()) q->second.Unblock(ConsumerKey{ch, *consumer_tag});
      }
    }
    if (!ack && requeue) {
      RequeueAll(std::move(entries), now_, "nack");
      continue;
    }
    auto q = queues_.find(queue);
    for (Unacked& e : entries) {
      if (q == queues_.end() || q->second.incarnation() != e.incarnation) continue;
      if (ack) Discard(q->second, e.msg, now_);
      else DeadLetter(q->second, std::move(e.msg), DeathReason::kRejected, now_);
    }
    if (q != queues_.end()) RunQueue(q->second, now_);
  }
  return {};
}

void BrokerModel::RequeueAll(std::vector<Unacked> entries, sim::Instant now,
                             const char* why) {
  std::set<std::string> touched;
  for (Unacked& e : entries) {
    auto q = queues_.find(e.queue);
    // A message of a deleted queue has nowhere to go back to.
    if (q == queues_.end() || q->second.incarnation() != e.incarnation) {
      Fate(FateKind::kDropped, e.queue, e.msg.message, "queue_deleted");
      continue;
    }
    SIM_ASSERT(e.msg.delivered);
    Fate(FateKind::kRequeued, e.queue, e.msg.message, why);
    q->second.Requeue(std::move(e.msg));
    touched.insert(e.queue);
  }
  for (const std::string& name : touched) {
    ClassicQueue& q = queues_.at(name);
    DropOverLimit(q, now);
    DropExpiredHead(q, now);
    RunQueue(q, now);
  }
}

}  // namespace models::mq
