#include "sim/node.h"

#include "sim/assert.h"
#include "sim/int128.h"
#include "sim/env.h"
#include "sim/world.h"

namespace sim {

Instant NodeClock::Local(Instant global) const {
  // Without drift the term below is exactly zero: skip its 128-bit division (every Redis
  // command reads its server's clock).
  if (drift_ppm_ == 0) return global + offset_ + drift_accumulated_;
  const Int128 drifted =
      static_cast<Int128>((global - drift_anchor_).nanos()) * drift_ppm_ / 1'000'000;
  return global + offset_ + drift_accumulated_ + Duration::Nanos(static_cast<int64_t>(drifted));
}

void NodeClock::SetDrift(int64_t ppm, Instant global) {
  SIM_ASSERT_GT(ppm, -1'000'000);
  const Int128 drifted =
      static_cast<Int128>((global - drift_anchor_).nanos()) * drift_ppm_ / 1'000'000;
  drift_accumulated_ += Duration::Nanos(static_cast<int64_t>(drifted));
  drift_anchor_ = global;
  drift_ppm_ = ppm;
}

Duration NodeClock::GlobalSpan(Duration local_span) const {
  if (drift_ppm_ == 0) return local_span;  // exactly what the division gives
  const Int128 span = static_cast<Int128>(local_span.nanos()) * 1'000'000 /
                        (1'000'000 + drift_ppm_);
  return Duration::Nanos(static_cast<int64_t>(span));
}

Node::Node(World& world, NodeId id, std::string name, BootFn boot)
    : world_(world),
      id_(id),
      name_(std::move(name)),
      boot_(std::move(boot)),
      rng_(world.rng().Fork("node/" + name_)),
      disk_rng_(world.rng().Fork("disk/" + name_)) {}

Node::~Node() {
  for (auto h : roots_) h.destroy();
  for (auto h : grave_roots_) h.destroy();
}

Env Node::env() { return Env(&world_, this); }

void Node::Start() {
  SIM_ASSERT_MSG(!up_, "node " << name_ << " started while up");
  up_ = true;
  ++incarnation_;
  world_.network().NodeUp(id_);
  world_.Emit(id_, incarnation_ == 1 ? "node.start" : "node.restart",
              {{"incarnation", incarnation_}});
  if (boot_) boot_(env());
}

bool Node::Crash(DiskLoss loss) {
  SIM_ASSERT_MSG(id_ != kWorldOwner, "the world cannot crash");
  if (!up_) return false;
  up_ = false;
  paused_ = false;
  Scheduler& s = world_.scheduler();
  s.Kill(id_);
  world_.network().NodeDown(id_);
  const size_t lost = disk_.Crash(loss, disk_rng_);
  world_.Emit(id_, "node.crash",
              {{"incarnation", incarnation_}, {"lost_unsynced_writes", static_cast<int64_t>(lost)}});
  for (auto h : roots_) grave_roots_.push_back(h);
  roots_.clear();
  for (auto& p : state_) grave_state_.push_back(std::move(p));
  state_.clear();
  if (s.CurrentOwner().node == id_) {
    // Code of this node is on the stack: destroy its frames right after the current event.
    s.Post(Owner{}, Action{&Node::BuryThunk, this, 0});
  } else {
    Bury();
  }
  return true;
}

void Node::BuryThunk(void* ctx, uint64_t) { static_cast<Node*>(ctx)->Bury(); }

void Node::Bury() {
  // Destroying a frame may run destructors that touch other parts of the world (RPC
  // bookkeeping, volatile state); take the lists first so nothing is destroyed twice.
  std::vector<std::coroutine_handle<>> roots;
  roots.swap(grave_roots_);
  for (auto h : roots) h.destroy();
  std::vector<std::shared_ptr<void>> state;
  state.swap(grave_state_);
  state.clear();
}

bool Node::Pause() {
  if (!up_ || paused_) return false;
  paused_ = true;
  world_.scheduler().Pause(id_);
  world_.Emit(id_, "node.pause");
  return true;
}

bool Node::Resume() {
  if (!up_ || !paused_) return false;
  paused_ = false;
  world_.scheduler().Unpause(id_);
  world_.Emit(id_, "node.resume");
  return true;
}

void Node::Spawn(Task<void> task) {
  if (!up_) return;  // the task is destroyed unstarted
  auto h = task.Release();
  h.promise().root_registry = this;
  h.promise().root_index = static_cast<uint32_t>(roots_.size());
  roots_.push_back(h);
  Scheduler& s = world_.scheduler();
  s.Resume(h, s.LiveOwner(id_));
}

void Node::OnRootDone(std::coroutine_handle<> h, uint32_t index) {
  if (index < roots_.size() && roots_[index] == h) {
    roots_[index] = roots_.back();
    using P = task_detail::Promise<void>;
    std::coroutine_handle<P>::from_address(roots_[index].address()).promise().root_index = index;
    roots_.pop_back();
  } else {
    std::erase(grave_roots_, h);  // finished during the event that crashed its node
  }
  h.destroy();
}

}  // namespace sim
