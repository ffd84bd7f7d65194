#include "sim/scheduler.h"

#include "sim/assert.h"

namespace sim {

namespace {
thread_local Executor* g_executor = nullptr;

void ResumeThunk(void* ctx, uint64_t) { std::coroutine_handle<>::from_address(ctx).resume(); }
}  // namespace

Executor& Executor::Current() {
  SIM_ASSERT_MSG(g_executor != nullptr, "no executor is running on this thread");
  return *g_executor;
}
Executor* Executor::CurrentOrNull() { return g_executor; }
Executor* Executor::Exchange(Executor* e) {
  Executor* previous = g_executor;
  g_executor = e;
  return previous;
}

const char* StopReasonName(StopReason r) {
  switch (r) {
    case StopReason::kIdle: return "idle";
    case StopReason::kTimeLimit: return "time_limit";
    case StopReason::kEventLimit: return "event_limit";
    case StopReason::kPredicate: return "predicate";
    case StopReason::kStopRequested: return "stop_requested";
  }
  return "?";
}

Scheduler::Scheduler() : ready_(256), owners_(1) {}
Scheduler::~Scheduler() = default;

void Scheduler::Resume(std::coroutine_handle<> h, Owner owner) {
  At(Now(), owner, Action{&ResumeThunk, h.address(), 0});
}

void Scheduler::ResumeAt(Instant t, std::coroutine_handle<> h, Owner owner) {
  At(t, owner, Action{&ResumeThunk, h.address(), 0});
}

void Scheduler::At(Instant t, Owner owner, Action action) {
  SIM_ASSERT_GE(t.nanos(), now_);
  SIM_ASSERT_LT(owner.node, owners_.size());
  const uint64_t seq = next_seq_++;
  if (t.nanos() == now_) {
    ReadyPush(Event{t.nanos(), seq, Payload{action, owner}});
  } else {
    HeapPush(t.nanos(), seq, Payload{action, owner});
  }
}

uint64_t Scheduler::AddTimer(Instant t, Owner owner, Action action) {
  const uint64_t id = next_timer_id_++;
  timers_.emplace(id, action);
  At(t, owner, Action{&Scheduler::TimerThunk, this, id});
  return id;
}

void Scheduler::TimerThunk(void* ctx, uint64_t id) {
  auto* s = static_cast<Scheduler*>(ctx);
  auto it = s->timers_.find(id);
  if (it == s->timers_.end()) return;  // cancelled
  const Action action = it->second;
  s->timers_.erase(it);
  action.fn(action.ctx, action.arg);
}

NodeId Scheduler::AddOwner() {
  owners_.emplace_back();
  return static_cast<NodeId>(owners_.size() - 1);
}

void Scheduler::Kill(NodeId node) {
  SIM_ASSERT_NE(node, kWorldOwner);
  OwnerState& s = owners_[node];
  ++s.epoch;
  s.paused = false;
  events_discarded_ += s.parked.size();
  s.parked.clear();
}

void Scheduler::Pause(NodeId node) {
  SIM_ASSERT_NE(node, kWorldOwner);
  owners_[node].paused = true;
}

void Scheduler::Unpause(NodeId node) {
  OwnerState& s = owners_[node];
  if (!s.paused) return;
  s.paused = false;
  std::vector<Payload> parked;
  parked.swap(s.parked);
  for (const Payload& p : parked) At(Now(), p.owner, p.action);
}

void Scheduler::HeapPush(int64_t time, uint64_t seq, const Payload& p) {
  uint32_t slot;
  if (free_payloads_.empty()) {
    slot = static_cast<uint32_t>(payloads_.size());
    SIM_ASSERT_LT(slot, 1u << kSlotBits);
    payloads_.push_back(p);
  } else {
    slot = free_payloads_.back();
    free_payloads_.pop_back();
    payloads_[slot] = p;
  }
  SIM_ASSERT_LT(seq, uint64_t{1} << (64 - kSlotBits));
  const HeapKey key{time, (seq << kSlotBits) | slot};
  // 4-ary min-heap: shallower than a binary heap.
  size_t i = heap_.size();
  heap_.push_back(key);
  while (i > 0) {
    const size_t parent = (i - 1) / 4;
    if (!Before(key, heap_[parent])) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = key;
}

Scheduler::Event Scheduler::HeapPop() {
  const HeapKey top = heap_.front();
  const HeapKey last = heap_.back();
  heap_.pop_back();
  const size_t n = heap_.size();
  if (n > 0) {
    // Bottom-up: walk the hole down along the smallest children to a leaf without comparing
    // against `last` (which almost always belongs near the bottom), then sift `last` up.
    size_t i = 0;
    for (;;) {
      const size_t first = 4 * i + 1;
      if (first >= n) break;
      size_t best = first;
      const size_t end = first + 4 < n ? first + 4 : n;
      for (size_t c = first + 1; c < end; ++c) best = Before(heap_[c], heap_[best]) ? c : best;
      heap_[i] = heap_[best];
      i = best;
    }
    while (i > 0) {
      const size_t parent = (i - 1) / 4;
      if (!Before(last, heap_[parent])) break;
      heap_[i] = heap_[parent];
      i = parent;
    }
    heap_[i] = last;
  }
  const auto slot = static_cast<uint32_t>(top.order & ((1u << kSlotBits) - 1));
  free_payloads_.push_back(slot);
  return Event{top.time, top.order >> kSlotBits, payloads_[slot]};
}

void Scheduler::ReadyPush(const Event& e) {
  if (ready_count_ == ready_.size()) {
    std::vector<Event> bigger(ready_.size() * 2);
    for (size_t k = 0; k < ready_count_; ++k) {
      bigger[k] = ready_[(ready_head_ + k) & (ready_.size() - 1)];
    }
    ready_.swap(bigger);
    ready_head_ = 0;
  }
  ready_[(ready_head_ + ready_count_) & (ready_.size() - 1)] = e;
  ++ready_count_;
}

Scheduler::Event Scheduler::ReadyPop() {
  const Event e = ready_[ready_head_];
  ready_head_ = (ready_head_ + 1) & (ready_.size() - 1);
  --ready_count_;
  return e;
}

bool Scheduler::ReadyFirst() const {
  if (ready_count_ == 0) return false;
  if (heap_.empty()) return true;
  const Event& r = ready_[ready_head_];
  const HeapKey& h = heap_.front();
  return r.time < h.time || (r.time == h.time && r.seq < (h.order >> kSlotBits));
}

void Scheduler::Dispatch(int64_t time, const Payload& p) {
  OwnerState& s = owners_[p.owner.node];
  if (s.epoch != p.owner.epoch) {
    ++events_discarded_;
    return;
  }
  if (s.paused) {
    s.parked.push_back(p);
    return;
  }
  ++events_run_;
  schedule_hash_ = (schedule_hash_ ^ static_cast<uint64_t>(time)) * 0x100000001b3ULL;
  schedule_hash_ = (schedule_hash_ ^ p.owner.node) * 0x100000001b3ULL;
  current_ = p.owner;
  p.action.fn(p.action.ctx, p.action.arg);
  current_ = Owner{};
}

StopReason Scheduler::Run(RunLimits limits, const std::function<bool()>& stop_when) {
  SIM_ASSERT_MSG(!running_, "Scheduler::Run is not reentrant");
  running_ = true;
  stop_requested_ = false;
  Executor* previous = Exchange(this);
  const uint64_t start_events = events_run_;
  StopReason reason = StopReason::kIdle;
  for (;;) {
    if (events_run_ - start_events >= limits.max_events) {
      reason = StopReason::kEventLimit;
      break;
    }
    const bool ready_due = ready_count_ > 0;
    const bool heap_due = !heap_.empty() && heap_.front().time <= limits.until.nanos();
    if (!ready_due && !heap_due) {
      if (ready_count_ == 0 && heap_.empty()) {
        reason = StopReason::kIdle;
      } else {
        reason = StopReason::kTimeLimit;
      }
      if (limits.until != Instant::Max() && limits.until.nanos() > now_) now_ = limits.until.nanos();
      break;
    }
    const Event e = ReadyFirst() ? ReadyPop() : HeapPop();
    SIM_ASSERT_GE(e.time, now_);
    SIM_ASSERT(e.time == now_ || ready_count_ == 0);
    now_ = e.time;
    Dispatch(e.time, e.payload);
    if (stop_requested_) {
      reason = StopReason::kStopRequested;
      break;
    }
    if (stop_when && stop_when()) {
      reason = StopReason::kPredicate;
      break;
    }
  }
  Exchange(previous);
  running_ = false;
  return reason;
}

}  // namespace sim
