#pragma once
// The simulated network. Fault model:
//   - Messages are typed C++ values moved (not serialized) between endpoints (node, port).
//   - Each directed path has a latency of latency_min plus an exponential tail, and
//     probabilities of loss, duplication and reordering. Without reordering a path is FIFO,
//     as a TCP connection is; a reordered message takes its own delay and may overtake.
//   - Each path carries at most `capacity` messages in flight; excess is dropped (queue
//     overflow on a congested link).
//   - Partitions block arbitrary directed pairs (two-way or one-way); a message is checked at
//     send and again at delivery, so a partition also cuts what is in flight.
//   - A clog holds every message sent on a path until the clog ends (a stalled link).
//   - A node that is down neither sends nor receives; a message in flight to a node that
//     crashes is lost, even if the node restarts before it would have arrived (its
//     connections died with the process). A paused node's messages wait until it resumes.
//   - A request to a port nobody listens on is refused at once (the RPC fails: not applied).
// Not modelled: bandwidth, message sizes, connection setup, byte-level corruption.

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "sim/box.h"
#include "sim/ratio.h"
#include "sim/rng.h"
#include "sim/scheduler.h"
#include "sim/time.h"
#include "sim/trace.h"

namespace sim {

using Port = uint32_t;
inline constexpr Port kRpcReplyPort = 0;

struct Endpoint {
  NodeId node = kWorldOwner;
  Port port = 0;
  bool operator==(const Endpoint&) const = default;
};

enum class EnvelopeKind : uint8_t { kMessage, kRequest, kReply, kRefused };

struct Envelope {
  Endpoint from;
  Endpoint to;
  EnvelopeKind kind = EnvelopeKind::kMessage;
  uint64_t rpc_id = 0;
  Box payload;
};

struct LinkConfig {
  Duration latency_min = Duration::Micros(500);
  Duration latency_tail_mean = Duration::Micros(500);
  Ratio loss = Ratio::Never();
  Ratio duplicate = Ratio::Never();
  Ratio reorder = Ratio::Never();
  uint32_t capacity = 100'000;
};

struct NetworkStats {
  uint64_t sent = 0;
  uint64_t delivered = 0;
  uint64_t duplicated = 0;
  uint64_t reordered = 0;
  uint64_t dropped_loss = 0;
  uint64_t dropped_partition = 0;
  uint64_t dropped_capacity = 0;
  uint64_t dropped_node_down = 0;
  uint64_t refused = 0;
};

class Network {
 public:
  using Handler = std::function<void(Envelope&&)>;
  using ReplyHandler = std::function<void(Envelope&&)>;

  Network(Scheduler& scheduler, Trace& trace, Rng rng);
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  // Nodes join with AddNode (the World does this); NodeUp/NodeDown follow crashes.
  void AddNode(NodeId node);
  void NodeUp(NodeId node);
  void NodeDown(NodeId node);  // drops bindings and everything in flight to the node
  bool IsUp(NodeId node) const { return node < up_.size() && up_[node]; }

  void SetDefaultLink(const LinkConfig& config);
  void SetLink(NodeId from, NodeId to, const LinkConfig& config);  // one direction
  const LinkConfig& Link(NodeId from, NodeId to) const { return Path(from, to).config; }

  // Partitions. Each call adds blocked directed pairs; Heal removes them all.
  void Partition(std::span<const NodeId> side_a, std::span<const NodeId> side_b);
  void PartitionOneWay(std::span<const NodeId> from, std::span<const NodeId> to);
  void Heal();
  bool Blocked(NodeId from, NodeId to) const { return Path(from, to).blocked; }
  // Holds messages from -> to until `until`.
  void Clog(NodeId from, NodeId to, Instant until);
  void Unclog();

  // Handlers run on the destination node (owner), inside the delivery event.
  void Bind(Endpoint at, Handler handler);
  void Unbind(Endpoint at);
  // The RPC layer's hook for replies and refusals arriving at a node.
  void SetReplyHandler(ReplyHandler handler) { reply_handler_ = std::move(handler); }

  void Send(Envelope&& envelope);
  void Send(Endpoint from, Endpoint to, Box payload) {
    Send(Envelope{from, to, EnvelopeKind::kMessage, 0, std::move(payload)});
  }

  const NetworkStats& stats() const { return stats_; }
  size_t in_flight() const { return slots_.size() - free_slots_.size(); }

 private:
  struct PathState {
    LinkConfig config;
    bool blocked = false;
    Instant clogged_until;
    Instant last_arrival;
    uint32_t in_flight = 0;
  };
  // One cache line each: a delivery reads its slot long after the send wrote it, and an
  // unaligned 56-byte slot straddled two lines in most positions.
  struct alignas(64) Slot {
    Envelope envelope;
    bool used = false;
  };
  struct Binding {
    Port port;
    std::unique_ptr<Handler> handler;
  };

  PathState& Path(NodeId from, NodeId to) { return paths_[from * width_ + to]; }
  const PathState& Path(NodeId from, NodeId to) const { return paths_[from * width_ + to]; }
  void Resize(size_t width);
  void Schedule(Envelope&& envelope, PathState& path, bool fifo);
  // A handler being unbound or replaced may be the one running: it is destroyed once the
  // delivery that runs it returns.
  void Retire(std::unique_ptr<Handler> handler);
  static void DeliverThunk(void* ctx, uint64_t slot);
  void Deliver(uint32_t slot);
  void Refuse(const Envelope& request);

  Scheduler& scheduler_;
  Trace& trace_;
  Rng rng_;
  LinkConfig default_link_;
  size_t width_ = 0;
  std::vector<PathState> paths_;
  std::vector<bool> up_;
  std::vector<std::vector<Binding>> bindings_;
  std::vector<std::unique_ptr<Handler>> retired_;
  int delivering_ = 0;
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_slots_;
  ReplyHandler reply_handler_;
  NetworkStats stats_;
};

}  // namespace sim
