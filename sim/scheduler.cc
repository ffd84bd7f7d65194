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
  const Event e{t.nanos(), next_seq_++, action, owner};
  if (e.time == now_) {
    ReadyPush(e);
  } else {
    HeapPush(e);
  }
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
  std::vector<Event> parked;
  parked.swap(s.parked);
  for (const Event& e : parked) At(Now(), e.owner, e.action);
}

void Scheduler::HeapPush(const Event& e) {
  // 4-ary min-heap: shallower than a binary heap, and a node's children share a cache line pair.
  size_t i = heap_.size();
  heap_.push_back(e);
  while (i > 0) {
    const size_t parent = (i - 1) / 4;
    if (!Before(e, heap_[parent])) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = e;
}

Scheduler::Event Scheduler::HeapPop() {
  const Event top = heap_.front();
  const Event last = heap_.back();
  heap_.pop_back();
  const size_t n = heap_.size();
  if (n == 0) return top;
  size_t i = 0;
  for (;;) {
    const size_t first = 4 * i + 1;
    if (first >= n) break;
    size_t best = first;
    const size_t end = first + 4 < n ? first + 4 : n;
    for (size_t c = first + 1; c < end; ++c) {
      if (Before(heap_[c], heap_[best])) best = c;
    }
    if (!Before(heap_[best], last)) break;
    heap_[i] = heap_[best];
    i = best;
  }
  heap_[i] = last;
  return top;
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

bool Scheduler::PopNext(Event* out) {
  const bool have_ready = ready_count_ > 0;
  const bool have_heap = !heap_.empty();
  if (!have_ready && !have_heap) return false;
  if (have_ready && (!have_heap || Before(ready_[ready_head_], heap_.front()))) {
    *out = ReadyPop();
  } else {
    *out = HeapPop();
  }
  return true;
}

void Scheduler::Dispatch(const Event& e) {
  OwnerState& s = owners_[e.owner.node];
  if (s.epoch != e.owner.epoch) {
    ++events_discarded_;
    return;
  }
  if (s.paused) {
    s.parked.push_back(e);
    return;
  }
  ++events_run_;
  schedule_hash_ = (schedule_hash_ ^ static_cast<uint64_t>(e.time)) * 0x100000001b3ULL;
  schedule_hash_ = (schedule_hash_ ^ e.owner.node) * 0x100000001b3ULL;
  current_ = e.owner;
  e.action.fn(e.action.ctx, e.action.arg);
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
    Event e;
    PopNext(&e);
    SIM_ASSERT_GE(e.time, now_);
    SIM_ASSERT(e.time == now_ || ready_count_ == 0);
    now_ = e.time;
    Dispatch(e);
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
