#pragma once
// BrokerModel: a synchronous, deterministic model of one RabbitMQ 3.10 node (one vhost "/")
// speaking AMQP 0-9-1 to the clients of the mall.
//
// Fidelity contract.
// Models: direct, fanout and topic exchanges (amq.direct/fanout/topic built in) and the
//   default exchange; exchange and queue declare (passive, idempotent redeclare, 406 on an
//   inequivalent redeclare, 403 on the reserved "amq." prefix, 405 on another connection's
//   exclusive queue), delete, purge, bind, unbind; classic queues with x-message-ttl,
//   x-dead-letter-exchange, x-dead-letter-routing-key, x-max-length with x-overflow
//   drop-head (dead-letters the dropped head, reason maxlen) or reject-publish (nack to a
//   confirming publisher); the per-message expiration property; expiry only at the queue
//   head; dead-lettering with x-death (count, reason, queue, exchange, routing-keys,
//   original-expiration), x-first-death-* and cycle dropping; publisher confirms (one
//   Confirm per tag) and mandatory returns (312 NO_ROUTE, emitted before the confirm);
//   consumers with per-consumer prefetch (basic.qos global=false), auto-ack or manual
//   ack/nack/reject (multiple, requeue to the original position with redelivered=true),
//   round-robin delivery, basic.cancel, basic.get (get-empty, message_count); channel errors
//   close the channel (404 missing exchange/queue, 406 unknown delivery tag) and requeue
//   its unacked messages, as does closing a channel or a connection (a client crash);
//   exclusive queues die with their connection; auto-delete queues die with their last
//   consumer.
// Guarantees: every operation takes the current virtual time `now`; results are values and
//   asynchronous outputs (deliveries, returns, confirms, broker cancels) go to an outbox in
//   the order the broker would send them. Timers fire exactly on time: before any operation
//   the model runs every head expiry and sync point due at or before `now`, in time order
//   (Tick does only that; NextExpiry says when the next one is due). Times earlier than a
//   time already seen are treated as that time. Same inputs, same outputs.
// Faults: Crash() loses all connections, transient queues/exchanges, transient messages
//   and unsynced writes; Restart() brings back durable exchanges and queues, their bindings
//   and the persistent messages that reached a sync point (see durable_store.h). A message
//   delivered but not acked before the crash comes back with redelivered=true.
//   BrokerConfig::sync_interval sets the persistence point: zero (default) makes every
//   persistent message in a durable queue durable and confirmed at publish; a positive
//   interval confirms such messages only at the next multiple of the interval, and a crash
//   before it loses them. Confirm-less publishers get the same persistence point.
// Not modelled: headers exchanges, exchange-to-exchange bindings, alternate exchanges,
//   x-expires, x-max-length-bytes, reject-publish-dlx, priorities, quorum/stream queues,
//   lazy mode, consumer priorities, exclusive consumers, basic.recover, transactions,
//   flow control and memory alarms, global qos, vhosts/permissions, CC/BCC headers,
//   exchange auto-delete, clustering. The order of copies across different queues is by
//   queue name (a real broker gives no order across queues).

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "models/mq/classic_queue.h"
#include "models/mq/dead_letter.h"
#include "models/mq/durable_store.h"
#include "models/mq/exchange_table.h"
#include "models/mq/message_fate.h"
#include "models/mq/types.h"
#include "sim/result.h"
#include "sim/time.h"

namespace models::mq {

struct BrokerConfig {
  sim::Duration sync_interval = sim::Duration::Zero();
};

struct QueueStats {
  uint32_t ready = 0;
  uint32_t unacked = 0;
  uint32_t consumers = 0;
};

class BrokerModel {
 public:
  explicit BrokerModel(BrokerConfig config = {});

  sim::Result<ConnectionId> OpenConnection(sim::Instant now);
  // An orderly close or a dead client: same effect on the broker.
  sim::Result<void> CloseConnection(ConnectionId conn, sim::Instant now);
  sim::Result<ChannelId> OpenChannel(ConnectionId conn, sim::Instant now);
  // Closing an already closed channel is not an error.
  sim::Result<void> CloseChannel(ChannelId ch, sim::Instant now);

  sim::Result<void> DeclareExchange(ChannelId ch, const std::string& name,
                                    const ExchangeOptions& options, sim::Instant now);
  sim::Result<void> DeleteExchange(ChannelId ch, const std::string& name, sim::Instant now);
  sim::Result<QueueDeclareOk> DeclareQueue(ChannelId ch, const std::string& name,
                                           const QueueOptions& options, sim::Instant now);
  // Returns the number of ready messages deleted with the queue.
  sim::Result<uint32_t> DeleteQueue(ChannelId ch, const std::string& name, sim::Instant now);
  sim::Result<uint32_t> PurgeQueue(ChannelId ch, const std::string& name, sim::Instant now);
  sim::Result<void> BindQueue(ChannelId ch, const std::string& queue,
                              const std::string& exchange, const std::string& routing_key,
                              sim::Instant now);
  sim::Result<void> UnbindQueue(ChannelId ch, const std::string& queue,
                                const std::string& exchange, const std::string& routing_key,
                                sim::Instant now);

  sim::Result<void> ConfirmSelect(ChannelId ch, sim::Instant now);
  // Returns the publish sequence number in confirm mode, else 0.
  sim::Result<uint64_t> Publish(ChannelId ch, const std::string& exchange,
                                const std::string& routing_key, const Message& message,
                                const PublishOptions& options, sim::Instant now);

  sim::Result<void> Qos(ChannelId ch, uint16_t prefetch_count, sim::Instant now);
  // An empty tag asks the broker for one ("amq.ctag-N"). Returns the tag.
  sim::Result<std::string> Consume(ChannelId ch, const std::string& queue,
                                   const std::string& consumer_tag, bool no_ack,
                                   sim::Instant now);
  sim::Result<void> Cancel(ChannelId ch, const std::string& consumer_tag, sim::Instant now);
  sim::Result<GetResult> Get(ChannelId ch, const std::string& queue, bool no_ack,
                             sim::Instant now);
  sim::Result<void> Ack(ChannelId ch, uint64_t delivery_tag, bool multiple, sim::Instant now);
  sim::Result<void> Nack(ChannelId ch, uint64_t delivery_tag, bool multiple, bool requeue,
                         sim::Instant now);
  sim::Result<void> Reject(ChannelId ch, uint64_t delivery_tag, bool requeue,
                           sim::Instant now);

  // Runs expiries and sync points due at or before `now`.
  void Tick(sim::Instant now);
  // When Tick next has work: the earliest queue-head expiry or pending sync point.
  std::optional<sim::Instant> NextExpiry() const;

  std::vector<Event> TakeEvents();
  std::vector<Event> TakeEvents(ChannelId ch);

  void Crash(sim::Instant now);
  void Restart(sim::Instant now);
  bool IsUp() const { return up_; }
  // The latest virtual time the model has seen (its timers ran up to it). A server that
  // restarts crashes the model at this instant: nothing due after it ran before the crash.
  sim::Instant Now() const { return now_; }

  // The message lifecycle log (message_fate.h), off by default so that callers who never
  // drain it do not pay for it. Records come out in the order the broker took the steps.
  void RecordFates(bool on) { record_fates_ = on; }
  std::vector<MessageFate> TakeFates();

  // Introspection for checkers and tests (no effect on state).
  std::optional<QueueStats> Stats(const std::string& queue) const;
  std::vector<std::string> QueueNames() const;
  bool ChannelOpen(ChannelId ch) const;
  // The connection a channel belongs to, so events can be routed to the right client.
  std::optional<ConnectionId> ConnectionOf(ChannelId ch) const;

 private:
  struct Unacked {
    std::string queue;
    uint64_t incarnation = 0;
    std::optional<std::string> consumer_tag;
    QueueMessage msg;
  };
  struct Consumer {
    std::string queue;
    bool no_ack = false;
    uint16_t prefetch = 0;  // 0 = unlimited
    uint32_t unacked = 0;
  };
  struct Channel {
    ConnectionId conn;
    bool open = true;
    sim::Error close_error;
    uint16_t prefetch = 0;
    bool confirm = false;
    uint64_t next_publish_seq = 1;
    uint64_t next_delivery_tag = 1;
    std::map<uint64_t, Unacked> unacked;
    std::map<std::string, Consumer> consumers;
  };
  struct Connection {
    std::vector<ChannelId> channels;
  };
  struct PendingConfirm {
    sim::Instant due;
    ChannelId ch;
    uint64_t tag = 0;
  };
  enum class EnqueueOutcome { kEnqueued, kRejected };

  // broker_model.cc: lifecycle, channels, crash/restart; broker_topology.cc: topology.
  sim::Result<Channel*> Begin(ChannelId ch, sim::Instant now);
  sim::Error ChannelError(ChannelId ch, uint16_t code, const std::string& text, sim::Instant now);
  void TearDownChannel(ChannelId ch, sim::Instant now);
  sim::Error ConnectionError(ConnectionId conn, uint16_t code, const std::string& text,
                             sim::Instant now);
  sim::Result<ClassicQueue*> FindQueue(ChannelId ch, const std::string& name, sim::Instant now);
  sim::Result<void> CheckQueueEquivalent(ChannelId ch, const ClassicQueue& q,
                                         const QueueOptions& options, sim::Instant now);
  void RemoveQueue(const std::string& name, sim::Instant now);

  // broker_delivery.cc: routing, queues, dead-lettering, delivery, time.
  void Advance(sim::Instant now);
  EnqueueOutcome EnqueueRouted(ClassicQueue& q, QueueMessage msg, sim::Instant now);
  void DeadLetter(const ClassicQueue& from, QueueMessage msg, DeathReason reason,
                  sim::Instant now);
  void Discard(const ClassicQueue& q, const QueueMessage& msg, sim::Instant now);
  void DropExpiredHead(ClassicQueue& q, sim::Instant now);
  void DropOverLimit(ClassicQueue& q, sim::Instant now);
  void RunQueue(ClassicQueue& q, sim::Instant now);
  bool HasCapacity(const ConsumerKey& key) const;
  void DeliverTo(ClassicQueue& q, const ConsumerKey& key, QueueMessage msg, sim::Instant now);
  void FlushConfirms(sim::Instant now);

  // broker_consume.cc: consumers, get, acks.
  sim::Result<void> SettleTags(ChannelId ch, uint64_t tag, bool multiple, bool ack,
                               bool requeue, sim::Instant now);
  // `why` names the cause in the lifecycle log ("nack", "channel_closed").
  void RequeueAll(std::vector<Unacked> entries, sim::Instant now, const char* why);

  // broker_model.cc, after a restart.
  void RestoreFromStore(sim::Instant now);
  void SnapshotForCrash();
  void RecordCrashLosses();

  // Appends a lifecycle record when recording is on.
  void Fate(FateKind kind, const std::string& queue, const Message& message,
            std::string detail = {});
  void FateOnChannel(FateKind kind, const std::string& queue, const Message& message,
                     ChannelId ch, uint64_t tag, std::string detail);

  BrokerConfig config_;
  bool up_ = true;
  sim::Instant now_;
  uint64_t next_connection_ = 1;
  uint64_t next_channel_ = 1;
  uint64_t next_incarnation_ = 1;
  uint64_t next_generated_name_ = 1;
  std::map<ConnectionId, Connection> connections_;
  std::map<ChannelId, Channel> channels_;
  ExchangeTable exchanges_;
  std::map<std::string, ClassicQueue> queues_;
  DurableStore store_;
  std::vector<PendingConfirm> pending_confirms_;
  std::vector<Event> outbox_;
  bool record_fates_ = false;
  std::vector<MessageFate> fates_;
  // Messages (queue -> seq -> MessageKey) held when the broker crashed, to name the lost ones
  // at the restart.
  std::map<std::string, std::map<uint64_t, std::string>> crash_snapshot_;
};

}  // namespace models::mq
