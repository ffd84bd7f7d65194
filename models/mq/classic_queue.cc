// Classic-queue storage and consumer rotation for BrokerModel.
#include "models/mq/classic_queue.h"

#include <algorithm>
#include <charconv>

#include "sim/assert.h"

namespace models::mq {

std::optional<int64_t> ParseExpiration(const std::string& text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

ClassicQueue::ClassicQueue(std::string name, QueueOptions options,
                           std::optional<ConnectionId> owner, uint64_t incarnation)
    : name_(std::move(name)), options_(std::move(options)), owner_(owner),
      incarnation_(incarnation) {
  options_.passive = false;
}

bool ClassicQueue::WouldOverflow() const {
  const auto& max = options_.args.max_length;
  return max.has_value() && static_cast<int64_t>(ready_.size()) + 1 > *max;
}

bool ClassicQueue::OverLimit() const {
  const auto& max = options_.args.max_length;
  return max.has_value() && static_cast<int64_t>(ready_.size()) > *max;
}

const QueueMessage& ClassicQueue::Enqueue(QueueMessage msg, sim::Instant now) {
  std::optional<int64_t> ttl_ms = options_.args.message_ttl_ms;
  if (msg.message.props.expiration) {
    // The broker validated the property before routing, so it parses.
    std::optional<int64_t> per_msg = ParseExpiration(*msg.message.props.expiration);
    SIM_ASSERT(per_msg.has_value());
    if (per_msg && (!ttl_ms || *per_msg < *ttl_ms)) ttl_ms = per_msg;
  }
  msg.expiry.reset();
  if (ttl_ms) msg.expiry = now + sim::Duration::Millis(*ttl_ms);
  msg.seq = next_seq_++;
  const uint64_t seq = msg.seq;
  return ready_.emplace(seq, std::move(msg)).first->second;
}

void ClassicQueue::Requeue(QueueMessage msg) {
  SIM_ASSERT_NE(msg.seq, 0u);
  SIM_ASSERT_LT(msg.seq, next_seq_);
  const uint64_t seq = msg.seq;
  ready_.insert_or_assign(seq, std::move(msg));
}

void ClassicQueue::Restore(QueueMessage msg) {
  SIM_ASSERT_NE(msg.seq, 0u);
  next_seq_ = std::max(next_seq_, msg.seq + 1);
  const uint64_t seq = msg.seq;
  ready_.insert_or_assign(seq, std::move(msg));
}

std::optional<QueueMessage> ClassicQueue::PopHead() {
  if (ready_.empty()) return std::nullopt;
  QueueMessage head = std::move(ready_.begin()->second);
  ready_.erase(ready_.begin());
  return head;
}

std::optional<sim::Instant> ClassicQueue::HeadExpiry() const {
  if (ready_.empty()) return std::nullopt;
  return ready_.begin()->second.expiry;
}

bool ClassicQueue::HeadExpiredAt(sim::Instant now) const {
  // RabbitMQ drops a message once now >= expiry.
  std::optional<sim::Instant> expiry = HeadExpiry();
  return expiry.has_value() && *expiry <= now;
}

std::vector<QueueMessage> ClassicQueue::TakeAll() {
  std::vector<QueueMessage> out;
  out.reserve(ready_.size());
  for (auto& [seq, msg] : ready_) out.push_back(std::move(msg));
  ready_.clear();
  return out;
}

void ClassicQueue::AddConsumer(const ConsumerKey& key) {
  had_consumers_ = true;
  active_.push_back(key);
}

void ClassicQueue::RemoveConsumer(const ConsumerKey& key) {
  active_.erase(std::remove(active_.begin(), active_.end(), key), active_.end());
  blocked_.erase(std::remove(blocked_.begin(), blocked_.end(), key), blocked_.end());
}

std::vector<ConsumerKey> ClassicQueue::Consumers() const {
  std::vector<ConsumerKey> out(active_.begin(), active_.end());
  out.insert(out.end(), blocked_.begin(), blocked_.end());
  return out;
}

std::optional<ConsumerKey> ClassicQueue::FrontActive() const {
  if (active_.empty()) return std::nullopt;
  return active_.front();
}

void ClassicQueue::RotateFront() {
  SIM_ASSERT(!active_.empty());
  ConsumerKey front = active_.front();
  active_.pop_front();
  active_.push_back(std::move(front));
}

void ClassicQueue::BlockFront() {
  SIM_ASSERT(!active_.empty());
  blocked_.push_back(active_.front());
  active_.pop_front();
}

bool ClassicQueue::Unblock(const ConsumerKey& key) {
  auto it = std::find(blocked_.begin(), blocked_.end(), key);
  if (it == blocked_.end()) return false;
  blocked_.erase(it);
  active_.push_back(key);
  return true;
}

}  // namespace models::mq
