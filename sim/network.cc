#include "sim/network.h"

#include <algorithm>

#include "sim/assert.h"

namespace sim {

Network::Network(Scheduler& scheduler, Trace& trace, Rng rng)
    : scheduler_(scheduler), trace_(trace), rng_(rng) {
  Resize(1);  // the world (node 0) sends from harness code
  up_[kWorldOwner] = true;
}

void Network::Resize(size_t width) {
  std::vector<PathState> paths(width * width);
  for (size_t from = 0; from < width; ++from) {
    for (size_t to = 0; to < width; ++to) {
      if (from < width_ && to < width_) {
        paths[from * width + to] = paths_[from * width_ + to];
      } else {
        paths[from * width + to].config = default_link_;
      }
    }
  }
  paths_.swap(paths);
  width_ = width;
  up_.resize(width, false);
  bindings_.resize(width);
}

void Network::AddNode(NodeId node) {
  if (node >= width_) Resize(node + 1);
}

void Network::NodeUp(NodeId node) {
  SIM_ASSERT_LT(node, width_);
  up_[node] = true;
}

void Network::NodeDown(NodeId node) {
  SIM_ASSERT_LT(node, width_);
  up_[node] = false;
  for (Binding& b : bindings_[node]) Retire(std::move(b.handler));
  bindings_[node].clear();
  // Messages in flight to the node are lost: their delivery events belong to the node's old
  // epoch and will be discarded, so free their slots here.
  for (uint32_t i = 0; i < slots_.size(); ++i) {
    Slot& s = slots_[i];
    if (!s.used || s.envelope.to.node != node) continue;
    --Path(s.envelope.from.node, node).in_flight;
    s = Slot{};
    free_slots_.push_back(i);
    ++stats_.dropped_node_down;
  }
}

void Network::SetDefaultLink(const LinkConfig& config) {
  SIM_ASSERT(config.loss.IsValid());
  SIM_ASSERT(config.duplicate.IsValid());
  SIM_ASSERT(config.reorder.IsValid());
  default_link_ = config;
  for (PathState& p : paths_) p.config = config;
}

void Network::SetLink(NodeId from, NodeId to, const LinkConfig& config) {
  SIM_ASSERT(config.loss.IsValid());
  SIM_ASSERT(config.duplicate.IsValid());
  SIM_ASSERT(config.reorder.IsValid());
  Path(from, to).config = config;
}

void Network::Partition(std::span<const NodeId> side_a, std::span<const NodeId> side_b) {
  PartitionOneWay(side_a, side_b);
  PartitionOneWay(side_b, side_a);
}

void Network::PartitionOneWay(std::span<const NodeId> from, std::span<const NodeId> to) {
  for (NodeId f : from) {
    for (NodeId t : to) {
      if (f != t) Path(f, t).blocked = true;
    }
  }
}

void Network::Heal() {
  for (PathState& p : paths_) p.blocked = false;
}

void Network::Clog(NodeId from, NodeId to, Instant until) {
  PathState& p = Path(from, to);
  p.clogged_until = std::max(p.clogged_until, until);
}

void Network::Unclog() {
  for (PathState& p : paths_) p.clogged_until = Instant::Zero();
}

void Network::Bind(Endpoint at, Handler handler) {
  SIM_ASSERT_NE(at.port, kRpcReplyPort);
  SIM_ASSERT_LT(at.node, width_);
  auto owned = std::make_unique<Handler>(std::move(handler));
  for (Binding& b : bindings_[at.node]) {
    if (b.port == at.port) {
      Retire(std::move(b.handler));
      b.handler = std::move(owned);
      return;
    }
  }
  bindings_[at.node].push_back(Binding{at.port, std::move(owned)});
}

void Network::Unbind(Endpoint at) {
  for (Binding& b : bindings_[at.node]) {
    if (b.port == at.port) Retire(std::move(b.handler));
  }
  std::erase_if(bindings_[at.node], [&](const Binding& b) { return b.port == at.port; });
}

void Network::Retire(std::unique_ptr<Handler> handler) {
  if (delivering_ > 0) retired_.push_back(std::move(handler));
}

void Network::Send(Envelope&& envelope) {
  const NodeId from = envelope.from.node;
  const NodeId to = envelope.to.node;
  SIM_ASSERT_LT(from, width_);
  SIM_ASSERT_LT(to, width_);
  ++stats_.sent;
  if (!up_[from] || !up_[to]) {
    ++stats_.dropped_node_down;
    return;
  }
  PathState& path = Path(from, to);
  if (path.blocked) {
    ++stats_.dropped_partition;
    return;
  }
  const LinkConfig& c = path.config;
  // A zero ratio is never drawn (Chance returns false without a draw): skip the calls.
  if (c.loss.numerator != 0 && rng_.Chance(c.loss)) {
    ++stats_.dropped_loss;
    return;
  }
  if (c.duplicate.numerator != 0 && rng_.Chance(c.duplicate)) {
    ++stats_.duplicated;
    Envelope copy = envelope;
    Schedule(std::move(copy), path, false);  // the copy takes its own path through the network
  }
  const bool reordered = c.reorder.numerator != 0 && rng_.Chance(c.reorder);
  if (reordered) ++stats_.reordered;
  Schedule(std::move(envelope), path, !reordered);
}

void Network::Schedule(Envelope&& envelope, PathState& path, bool fifo) {
  if (path.in_flight >= path.config.capacity) {
    ++stats_.dropped_capacity;
    return;
  }
  const Instant now = scheduler_.Now();
  const Duration delay = path.config.latency_min + rng_.Exponential(path.config.latency_tail_mean);
  Instant arrival = now + delay;
  if (path.clogged_until > now) arrival = std::max(arrival, path.clogged_until + delay);
  if (fifo) {
    arrival = std::max(arrival, path.last_arrival);
    path.last_arrival = arrival;
  }
  uint32_t slot;
  if (free_slots_.empty()) {
    slot = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
  }
  const NodeId to = envelope.to.node;
  Slot& s = slots_[slot];
  s.envelope = std::move(envelope);
  s.used = true;
  ++path.in_flight;
  scheduler_.At(arrival, scheduler_.LiveOwner(to), Action{&DeliverThunk, this, slot});
}

void Network::DeliverThunk(void* ctx, uint64_t slot) {
  static_cast<Network*>(ctx)->Deliver(static_cast<uint32_t>(slot));
}

void Network::Deliver(uint32_t slot) {
  Slot& s = slots_[slot];
  SIM_ASSERT(s.used);
  Envelope envelope = std::move(s.envelope);
  s.envelope.payload.Reset();  // a no-op: the move left it empty
  s.used = false;
  free_slots_.push_back(slot);
  const NodeId from = envelope.from.node;
  const NodeId to = envelope.to.node;
  --Path(from, to).in_flight;
  if (Path(from, to).blocked) {
    ++stats_.dropped_partition;
    return;
  }
  ++stats_.delivered;
  trace_.Mix((static_cast<uint64_t>(from) << 32) ^ to ^ (envelope.rpc_id << 8));
  if (envelope.kind == EnvelopeKind::kReply || envelope.kind == EnvelopeKind::kRefused) {
    if (reply_handler_) reply_handler_(std::move(envelope));
    return;
  }
  for (Binding& b : bindings_[to]) {
    if (b.port == envelope.to.port) {
      Handler* handler = b.handler.get();  // b may move if the handler binds a port
      ++delivering_;
      (*handler)(std::move(envelope));
      if (--delivering_ == 0) retired_.clear();
      return;
    }
  }
  if (envelope.kind == EnvelopeKind::kRequest) Refuse(envelope);
}

void Network::Refuse(const Envelope& request) {
  ++stats_.refused;
  Send(Envelope{request.to, request.from, EnvelopeKind::kRefused, request.rpc_id, {}});
}

}  // namespace sim
