// The on-disk state of the modelled RabbitMQ node.
#include "models/mq/durable_store.h"
#include "sim/assert.h"


namespace models::mq {

DurableStore::DurableStore(sim::Duration sync_interval) : sync_interval_(sync_interval) {
  SIM_ASSERT_GE(sync_interval.nanos(), 0);
}

void DurableStore::PutExchange(const std::string& name, const ExchangeOptions& options) {
  exchanges_[name] = options;
}

void DurableStore::EraseExchange(const std::string& name) {
  exchanges_.erase(name);
  for (auto it = bindings_.begin(); it != bindings_.end();) {
    it = it->first.exchange == name ? bindings_.erase(it) : std::next(it);
  }
}

void DurableStore::PutQueue(const std::string& name, const QueueOptions& options) {
  queues_[name] = options;
}

void DurableStore::EraseQueue(const std::string& name) {
  queues_.erase(name);
  messages_.erase(name);
  for (auto it = bindings_.begin(); it != bindings_.end();) {
    it = it->first.queue == name ? bindings_.erase(it) : std::next(it);
  }
  for (auto it = pending_.begin(); it != pending_.end();) {
    it = it->queue == name ? pending_.erase(it) : std::next(it);
  }
}

void DurableStore::PutBinding(const Binding& binding) { bindings_[binding] = true; }

void DurableStore::EraseBinding(const Binding& binding) { bindings_.erase(binding); }

sim::Instant DurableStore::DurableAt(sim::Instant now) const {
  if (sync_interval_.nanos() == 0) return now;
  const int64_t k = now.nanos() / sync_interval_.nanos() + 1;
  return sim::Instant::FromNanos(k * sync_interval_.nanos());
}

void DurableStore::WriteMessage(const std::string& queue, const QueueMessage& msg,
                                sim::Instant now) {
  Apply(PendingOp{DurableAt(now), OpKind::kWrite, queue, msg.seq, msg});
}

void DurableStore::MarkDelivered(const std::string& queue, uint64_t seq, sim::Instant now) {
  Apply(PendingOp{DurableAt(now), OpKind::kDeliver, queue, seq, std::nullopt});
}

void DurableStore::RemoveMessage(const std::string& queue, uint64_t seq, sim::Instant now) {
  Apply(PendingOp{DurableAt(now), OpKind::kRemove, queue, seq, std::nullopt});
}

void DurableStore::Apply(PendingOp op) {
  if (sync_interval_.nanos() != 0) {
    SIM_ASSERT(pending_.empty() || pending_.back().due <= op.due);
    pending_.push_back(std::move(op));
    return;
  }
  if (queues_.count(op.queue) == 0) return;  // a transient queue: nothing is kept
  auto& stored = messages_[op.queue];
  switch (op.kind) {
    case OpKind::kWrite: stored[op.seq] = std::move(*op.msg); break;
    case OpKind::kDeliver:
      if (auto it = stored.find(op.seq); it != stored.end()) it->second.delivered = true;
      break;
    case OpKind::kRemove: stored.erase(op.seq); break;
  }
}

std::optional<sim::Instant> DurableStore::NextSync() const {
  if (pending_.empty()) return std::nullopt;
  return pending_.front().due;
}

void DurableStore::SyncUpTo(sim::Instant now) {
  const sim::Duration saved = sync_interval_;
  size_t applied = 0;
  sync_interval_ = sim::Duration::Zero();  // Apply writes through while draining
  while (applied < pending_.size() && pending_[applied].due <= now) {
    Apply(std::move(pending_[applied]));
    ++applied;
  }
  sync_interval_ = saved;
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(applied));
}

void DurableStore::DropPending() { pending_.clear(); }

std::vector<Binding> DurableStore::Bindings() const {
  std::vector<Binding> out;
  for (const auto& [binding, present] : bindings_) out.push_back(binding);
  return out;
}

std::vector<QueueMessage> DurableStore::Messages(const std::string& queue) const {
  std::vector<QueueMessage> out;
  auto it = messages_.find(queue);
  if (it == messages_.end()) return out;
  for (const auto& [seq, msg] : it->second) out.push_back(msg);
  return out;
}

}  // namespace models::mq
