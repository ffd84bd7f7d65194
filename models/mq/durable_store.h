#pragma once
// What a RabbitMQ node keeps on disk across a crash: durable exchanges, durable queues,
// bindings between durable ends, and persistent messages in durable queues. Part of
// BrokerModel; see broker_model.h for the fidelity contract.
//
// Persistence point: topology changes are written at once (Mnesia commits before the
// -ok reply). Message writes, delivery marks and removals (acks) are group-committed at
// sync points, the multiples of `sync_interval` (RabbitMQ's message store fsyncs in batches
// and confirms persistent messages only after that). A crash loses every write not yet
// synced: an unconfirmed message can vanish and an acked one can come back. With
// sync_interval zero every write is durable the moment it is made.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/mq/classic_queue.h"
#include "models/mq/exchange_table.h"
#include "sim/time.h"

namespace models::mq {

class DurableStore {
 public:
  explicit DurableStore(sim::Duration sync_interval);

  void PutExchange(const std::string& name, const ExchangeOptions& options);
  void EraseExchange(const std::string& name);
  void PutQueue(const std::string& name, const QueueOptions& options);
  // Drops the queue, its bindings, its messages and its unsynced writes.
  void EraseQueue(const std::string& name);
  void PutBinding(const Binding& binding);
  void EraseBinding(const Binding& binding);

  // The instant at which a write made at `now` becomes durable.
  sim::Instant DurableAt(sim::Instant now) const;
  void WriteMessage(const std::string& queue, const QueueMessage& msg, sim::Instant now);
  void MarkDelivered(const std::string& queue, uint64_t seq, sim::Instant now);
  void RemoveMessage(const std::string& queue, uint64_t seq, sim::Instant now);

  // Earliest pending sync point, if any write waits for one.
  std::optional<sim::Instant> NextSync() const;
  // Applies every pending write due at or before `now`.
  void SyncUpTo(sim::Instant now);
  // A crash: unsynced writes are lost.
  void DropPending();

  const std::map<std::string, ExchangeOptions>& exchanges() const { return exchanges_; }
  const std::map<std::string, QueueOptions>& queues() const { return queues_; }
  std::vector<Binding> Bindings() const;
  // Synced messages of a durable queue in queue order.
  std::vector<QueueMessage> Messages(const std::string& queue) const;

 private:
  enum class OpKind { kWrite, kDeliver, kRemove };
  struct PendingOp {
    sim::Instant due;
    OpKind kind;
    std::string queue;
    uint64_t seq = 0;
    std::optional<QueueMessage> msg;
  };
  void Apply(PendingOp op);

  sim::Duration sync_interval_;
  std::map<std::string, ExchangeOptions> exchanges_;
  std::map<std::string, QueueOptions> queues_;
  std::map<Binding, bool> bindings_;
  std::map<std::string, std::map<uint64_t, QueueMessage>> messages_;
  std::vector<PendingOp> pending_;  // in write order; due times never decrease
};

}  // namespace models::mq
