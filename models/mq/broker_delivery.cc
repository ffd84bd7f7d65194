// BrokerModel: publishing, routing into queues, dead-lettering, consumers, acks and timers.
// The order of steps inside each operation follows rabbit_amqqueue_process (3.10), because
// that order decides which message is dropped, expired or delivered first.
#include <algorithm>

#include "models/mq/broker_model.h"
#include "sim/assert.h"

namespace models::mq {
namespace {

// Each step removes a message or applies a sync point, so a bound this large only trips on
// a bug in the model.
constexpr int kTimerStepsMax = 10'000'000;

bool Persists(const ClassicQueue& q, const Message& m) {
  return q.options().durable && !q.options().exclusive && m.props.Persistent();
}

}  // namespace

void BrokerModel::Advance(sim::Instant now) {
  if (now < now_) now = now_;
  for (int step = 0; step < kTimerStepsMax; ++step) {
    ClassicQueue* expiring = nullptr;
    std::optional<sim::Instant> at;
    for (auto& [name, q] : queues_) {
      std::optional<sim::Instant> e = q.HeadExpiry();
      if (e && *e <= now && (!at || *e < *at)) {
        at = e;
        expiring = &q;
      }
    }
    std::optional<sim::Instant> sync = store_.NextSync();
    if (!pending_confirms_.empty() && (!sync || pending_confirms_.front().due < *sync)) {
      sync = pending_confirms_.front().due;
    }
    if (sync && *sync <= now && (!at || *sync <= *at)) {
      now_ = std::max(now_, *sync);
      store_.SyncUpTo(now_);
      FlushConfirms(now_);
      continue;
    }
    if (expiring == nullptr) break;
    now_ = std::max(now_, *at);
    DropExpiredHead(*expiring, now_);
  }
  now_ = now;
}

void BrokerModel::Tick(sim::Instant now) {
  if (up_) Advance(now);
}

std::optional<sim::Instant> BrokerModel::NextExpiry() const {
  if (!up_) return std::nullopt;
  std::optional<sim::Instant> next = store_.NextSync();
  if (!pending_confirms_.empty() && (!next || pending_confirms_.front().due < *next)) {
    next = pending_confirms_.front().due;
  }
  for (const auto& [name, q] : queues_) {
    std::optional<sim::Instant> e = q.HeadExpiry();
    if (e && (!next || *e < *next)) next = e;
  }
  if (next && *next < now_) next = now_;
  return next;
}

void BrokerModel::FlushConfirms(sim::Instant now) {
  size_t done = 0;
  while (done < pending_confirms_.size() && pending_confirms_[done].due <= now) {
    const PendingConfirm& p = pending_confirms_[done];
    outbox_.push_back(Confirm{p.ch, p.tag, true});
    ++done;
  }
  pending_confirms_.erase(pending_confirms_.begin(),
                          pending_confirms_.begin() + static_cast<std::ptrdiff_t>(done));
}

sim::Result<void> BrokerModel::ConfirmSelect(ChannelId ch, sim::Instant now) {
  auto c = Begin(ch, now);
  if (!c) return c.error();
  (*c)->confirm = true;
  return {};
}

sim::Result<uint64_t> BrokerModel::Publish(ChannelId ch, const std::string& exchange,
                                           const std::string& routing_key,
                                           const Message& message,
                                           const PublishOptions& options, sim::Instant now) {
  auto c = Begin(ch, now);
  if (!c) return c.error();
  const auto& expiration = message.props.expiration;
  if (expiration && !ParseExpiration(*expiration)) {
    return ChannelError(ch, kPreconditionFailed, "invalid expiration '" + *expiration + "'",
                        now_);
  }
  if (!exchanges_.Has(exchange)) {
    return ChannelError(ch, kNotFound, "no exchange '" + exchange + "' in vhost '/'", now_);
  }
  const uint64_t seq = (*c)->confirm ? (*c)->next_publish_seq++ : 0;
  const std::vector<std::string> targets = exchanges_.Route(
      exchange, routing_key, [&](const std::string& q) { return queues_.count(q) != 0; });
  if (targets.empty() && options.mandatory) {
    outbox_.push_back(Returned{ch, kNoRoute, "NO_ROUTE", exchange, routing_key, message});
  }
  bool rejected = false;
  bool awaits_sync = false;
  for (const std::string& name : targets) {
    ClassicQueue& q = queues_.at(name);
    awaits_sync = awaits_sync || Persists(q, message);
    QueueMessage qm{0, message, exchange, routing_key, false, std::nullopt};
    if (EnqueueRouted(q, std::move(qm), now_) == EnqueueOutcome::kRejected) rejected = true;
  }
  if (seq != 0) {
    const sim::Instant due = store_.DurableAt(now_);
    if (rejected) {
      outbox_.push_back(Confirm{ch, seq, false});
    } else if (awaits_sync && due > now_) {
      pending_confirms_.push_back(PendingConfirm{due, ch, seq});
    } else {
      outbox_.push_back(Confirm{ch, seq, true});
    }
  }
  return seq;
}

BrokerModel::EnqueueOutcome BrokerModel::EnqueueRouted(ClassicQueue& q, QueueMessage msg,
                                                       sim::Instant now) {
  if (q.args().overflow == Overflow::kRejectPublish && q.WouldOverflow()) {
    Fate(FateKind::kDropped, q.name(), msg.message, "reject_publish");
    return EnqueueOutcome::kRejected;
  }
  const bool persists = Persists(q, msg.message);
  const std::string name = q.name();
  Fate(FateKind::kEnqueued, name, msg.message, msg.exchange);
  const QueueMessage& stored = q.Enqueue(std::move(msg), now);
  if (persists) store_.WriteMessage(name, stored, now);
  // An idle consumer takes the message at once (the queue was empty); otherwise the queue
  // trims its head to x-max-length and drops what expired at the head, in that order.
  RunQueue(q, now);
  DropOverLimit(q, now);
  DropExpiredHead(q, now);
  return EnqueueOutcome::kEnqueued;
}

void BrokerModel::Discard(const ClassicQueue& q, const QueueMessage& msg, sim::Instant now) {
  if (Persists(q, msg.message)) store_.RemoveMessage(q.name(), msg.seq, now);
}

void BrokerModel::DeadLetter(const ClassicQueue& from, QueueMessage msg, DeathReason reason,
                             sim::Instant now) {
  Discard(from, msg, now);
  const std::string why(DeathReasonName(reason));
  if (!from.args().dead_letter_exchange) {
    Fate(FateKind::kDropped, from.name(), msg.message, why);
    return;
  }
  if (!exchanges_.Has(*from.args().dead_letter_exchange)) {  // silently dropped
    Fate(FateKind::kDropped, from.name(), msg.message, why + ":no_dead_letter_exchange");
    return;
  }
  DeadLettered dl = MakeDeadLetter(msg, from.name(), from.args(), reason);
  std::vector<std::string> targets = exchanges_.Route(
      dl.exchange, dl.routing_key, [&](const std::string& q) { return queues_.count(q) != 0; });
  std::erase_if(targets, [&](const std::string& target) {
    return IsDeadLetterCycle(target, dl.message.props.x_death, reason);
  });
  Fate(targets.empty() ? FateKind::kDropped : FateKind::kDeadLettered, from.name(), msg.message,
       targets.empty() ? why + ":unroutable" : dl.exchange);
  for (size_t i = 0; i < targets.size(); ++i) {
    // The last target takes the rewritten message itself; only earlier ones need a copy.
    const bool last = i + 1 == targets.size();
    QueueMessage routed{0, last ? std::move(dl.message) : dl.message, dl.exchange,
                        dl.routing_key, false, std::nullopt};
    // A full reject-publish target drops the message: there is no publisher to nack.
    (void)EnqueueRouted(queues_.at(targets[i]), std::move(routed), now);
  }
}

void BrokerModel::DropExpiredHead(ClassicQueue& q, sim::Instant now) {
  while (q.HeadExpiredAt(now)) {
    std::optional<QueueMessage> head = q.PopHead();
    SIM_ASSERT(head.has_value());
    Fate(FateKind::kExpired, q.name(), head->message);
    DeadLetter(q, std::move(*head), DeathReason::kExpired, now);
  }
}

void BrokerModel::DropOverLimit(ClassicQueue& q, sim::Instant now) {
  if (q.args().overflow == Overflow::kRejectPublish) return;
  while (q.OverLimit()) {
    std::optional<QueueMessage> head = q.PopHead();
    SIM_ASSERT(head.has_value());
    DeadLetter(q, std::move(*head), DeathReason::kMaxLen, now);
  }
}

bool BrokerModel::HasCapacity(const ConsumerKey& key) const {
  const Consumer& c = channels_.at(key.channel).consumers.at(key.tag);
  return c.no_ack || c.prefetch == 0 || c.unacked < c.prefetch;
}

void BrokerModel::RunQueue(ClassicQueue& q, sim::Instant now) {
  while (!q.Empty()) {
    std::optional<ConsumerKey> key = q.FrontActive();
    if (!key) return;
    if (!HasCapacity(*key)) {
      q.BlockFront();
      continue;
    }
    std::optional<QueueMessage> head = q.PopHead();
    q.RotateFront();
    DeliverTo(q, *key, std::move(*head), now);
    DropExpiredHead(q, now);  // the new head may have expired behind the old one
  }
}

void BrokerModel::DeliverTo(ClassicQueue& q, const ConsumerKey& key, QueueMessage msg,
                            sim::Instant now) {
  Channel& c = channels_.at(key.channel);
  Consumer& consumer = c.consumers.at(key.tag);
  const uint64_t tag = c.next_delivery_tag++;
  outbox_.push_back(Delivery{key.channel, key.tag, tag, msg.delivered, msg.exchange,
                             msg.routing_key, msg.message});
  FateOnChannel(FateKind::kDelivered, q.name(), msg.message, key.channel, tag, key.tag);
  if (record_fates_) {
    fates_.back().redelivered = msg.delivered;
    fates_.back().no_ack = consumer.no_ack;
  }
  if (consumer.no_ack) {
    Discard(q, msg, now);
    return;
  }
  msg.delivered = true;
  if (Persists(q, msg.message)) store_.MarkDelivered(q.name(), msg.seq, now);
  ++consumer.unacked;
  c.unacked.emplace(tag, Unacked{q.name(), q.incarnation(), key.tag, std::move(msg)});
}

}  // namespace models::mq
