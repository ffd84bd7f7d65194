#pragma once
// One RabbitMQ 3.10 classic queue: its ready messages in publish order and its consumers in
// round-robin order. Part of BrokerModel; see broker_model.h for the fidelity contract.
//
// Guarantees kept here:
// - Ready messages are ordered by a per-queue sequence number given at enqueue; a requeued
//   message gets its old number back, so it returns to its original position (RabbitMQ
//   >= 2.7), not to the tail.
// - A message's expiry is fixed at enqueue: now + min(x-message-ttl, expiration property).
//   Only the head can expire (HeadExpiry), as in classic queues, so a long-TTL head blocks
//   shorter-TTL messages behind it.
// - Consumers rotate like rabbit_queue_consumers: the front active consumer gets the next
//   message and goes to the back; one found without prefetch capacity is parked as blocked
//   until the broker unblocks it (it then rejoins at the back).

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/mq/types.h"
#include "sim/time.h"

namespace models::mq {

struct QueueMessage {
  uint64_t seq = 0;  // position in the queue; set by Enqueue
  Message message;
  std::string exchange;     // exchange it was last published or dead-lettered through
  std::string routing_key;  // routing key used for that publish
  bool delivered = false;   // delivered before with ack required: next delivery is redelivered
  std::optional<sim::Instant> expiry;
};

struct ConsumerKey {
  ChannelId channel;
  std::string tag;
  auto operator<=>(const ConsumerKey&) const = default;
};

class ClassicQueue {
 public:
  ClassicQueue(std::string name, QueueOptions options, std::optional<ConnectionId> owner,
               uint64_t incarnation);

  const std::string& name() const { return name_; }
  const QueueOptions& options() const { return options_; }
  const QueueArgs& args() const { return options_.args; }
  std::optional<ConnectionId> owner() const { return owner_; }
  // Distinguishes this queue from an earlier one with the same name.
  uint64_t incarnation() const { return incarnation_; }
  bool had_consumers() const { return had_consumers_; }

  size_t ReadyCount() const { return ready_.size(); }
  bool Empty() const { return ready_.empty(); }
  // True when one more ready message would exceed x-max-length.
  bool WouldOverflow() const;
  // True when the ready messages exceed x-max-length (drop-head trims back to it).
  bool OverLimit() const;

  // Appends `msg` at the tail, fixing its sequence number and expiry. The reference stays
  // valid until the message leaves the queue.
  const QueueMessage& Enqueue(QueueMessage msg, sim::Instant now);
  // Puts a message that was delivered back at its original position.
  void Requeue(QueueMessage msg);
  // Restores a message read back from the durable store after a restart.
  void Restore(QueueMessage msg);
  std::optional<QueueMessage> PopHead();
  std::optional<sim::Instant> HeadExpiry() const;
  bool HeadExpiredAt(sim::Instant now) const;
  std::vector<QueueMessage> TakeAll();  // purge / delete
  // The ready messages by sequence number (head first).
  const std::map<uint64_t, QueueMessage>& Ready() const { return ready_; }

  // Consumer rotation.
  void AddConsumer(const ConsumerKey& key);
  void RemoveConsumer(const ConsumerKey& key);
  size_t ConsumerCount() const { return active_.size() + blocked_.size(); }
  std::vector<ConsumerKey> Consumers() const;
  // The front active consumer, without removing it; nullopt when none is active.
  std::optional<ConsumerKey> FrontActive() const;
  // Moves the front active consumer to the back (it was just given a message).
  void RotateFront();
  // Parks the front active consumer as blocked (no prefetch capacity).
  void BlockFront();
  // Moves a blocked consumer back to the tail of the active ones. False if not blocked.
  bool Unblock(const ConsumerKey& key);

 private:
  std::string name_;
  QueueOptions options_;
  std::optional<ConnectionId> owner_;  // set for exclusive queues
  uint64_t incarnation_ = 0;
  uint64_t next_seq_ = 1;
  bool had_consumers_ = false;
  std::map<uint64_t, QueueMessage> ready_;  // by sequence: begin() is the head
  std::deque<ConsumerKey> active_;
  std::vector<ConsumerKey> blocked_;
};

// Parses a per-message expiration property ("1500" = 1.5 s). nullopt when malformed:
// RabbitMQ accepts only a non-negative decimal integer.
std::optional<int64_t> ParseExpiration(const std::string& text);

}  // namespace models::mq
