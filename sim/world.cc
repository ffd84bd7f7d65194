#include "sim/world.h"

#include <ostream>

namespace sim {

World::World(uint64_t seed, WorldOptions options)
    : seed_(seed),
      rng_(seed),
      trace_(options.trace_keep_last),
      network_(scheduler_, trace_, rng_.Fork("network")),
      rpc_(scheduler_, network_),
      context_(seed, options.buggify) {
  trace_.SetRecordAll(options.record_trace);
  network_.SetDefaultLink(options.default_link);
  nodes_.push_back(std::make_unique<Node>(*this, kWorldOwner, "world", Node::BootFn{}));
  world_node_ = nodes_.front().get();
  trace_.SetNodeName(kWorldOwner, "world");
  world_node_->Start();
}

World::~World() {
  // Destroy node frames while this world is still the thread's context.
  const AssertContext* previous_assert = SetAssertContext(this);
  nodes_.clear();
  SetAssertContext(previous_assert);
}

Node& World::AddNode(std::string name, Node::BootFn boot) {
  SIM_ASSERT_MSG(FindNode(name) == nullptr, "duplicate node name " << name);
  const NodeId id = scheduler_.AddOwner();
  SIM_ASSERT_EQ(id, nodes_.size());
  network_.AddNode(id);
  trace_.SetNodeName(id, name);
  nodes_.push_back(std::make_unique<Node>(*this, id, std::move(name), std::move(boot)));
  return *nodes_.back();
}

void World::StartAll() {
  for (Node* n : nodes()) {
    if (!n->up()) n->Start();
  }
}

Node* World::FindNode(std::string_view name) {
  for (auto& n : nodes_) {
    if (n->name() == name) return n.get();
  }
  return nullptr;
}

std::vector<Node*> World::nodes() {
  std::vector<Node*> out;
  for (size_t i = 1; i < nodes_.size(); ++i) out.push_back(nodes_[i].get());
  return out;
}

StopReason World::Run(RunLimits limits, const std::function<bool()>& stop_when) {
  const AssertContext* previous_assert = SetAssertContext(this);
  RunContext* previous_context = RunContext::Exchange(&context_);
  const StopReason reason = scheduler_.Run(limits, stop_when);
  RunContext::Exchange(previous_context);
  SetAssertContext(previous_assert);
  return reason;
}

void World::Emit(NodeId node, std::string_view name, std::vector<TraceField> fields) {
  trace_.Emit(Now(), node, name, std::move(fields));
}

uint64_t World::Fingerprint() const {
  uint64_t h = trace_.hash();
  h = (h ^ scheduler_.schedule_hash()) * 0x100000001b3ULL;
  return h ^ (h >> 31);
}

void World::DescribeForAssert(std::ostream& out) const {
  const NodeId current = scheduler_.CurrentOwner().node;
  out << "  seed: " << seed_ << "\n"
      << "  virtual time: " << FormatInstant(Now()) << "s (" << Now().nanos() << " ns)\n"
      << "  node: " << trace_.NodeName(current) << " (id " << current << ")\n"
      << "  events run: " << scheduler_.events_run() << "\n"
      << "  last trace events (oldest first):\n";
  const auto& recent = trace_.recent();
  const size_t skip = recent.size() > 20 ? recent.size() - 20 : 0;
  for (size_t i = skip; i < recent.size(); ++i) {
    out << "    " << trace_.Describe(recent[i]) << "\n";
  }
  out << "  reproduce with: --seed " << seed_ << "\n";
}

// Env members that need the full World.
Instant Env::Now() const { return world_->Now(); }
Instant Env::LocalNow() const { return node_->clock().Local(world_->Now()); }
SleepAwaiter Env::Sleep(Duration d) const { return SleepAwaiter{node_->clock().GlobalSpan(d)}; }
Network& Env::net() const { return world_->network(); }
History& Env::history() const { return world_->history(); }
RpcLayer& Env::rpc() const { return world_->rpc(); }
void Env::Trace(std::string_view name, std::vector<TraceField> fields) const {
  world_->Emit(node_->id(), name, std::move(fields));
}

}  // namespace sim
