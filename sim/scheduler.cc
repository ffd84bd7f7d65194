#include "sim/scheduler.h"

#include <algorithm>

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
    RadixPush(t.nanos(), seq, Payload{action, owner});
  }
}

uint64_t Scheduler::AddTimer(Instant t, Owner owner, Action action) {
  const uint64_t id = timers_.Insert(action);
  At(t, owner, Action{&Scheduler::TimerThunk, this, id});
  return id;
}

void Scheduler::TimerThunk(void* ctx, uint64_t id) {
  auto* s = static_cast<Scheduler*>(ctx);
  const Action* found = s->timers_.Find(id);
  if (found == nullptr) return;  // cancelled
  const Action action = *found;
  s->timers_.Erase(id);
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

// Inlined into its three callers: a key is filed two or three times on its way out.
[[gnu::always_inline]] inline void Scheduler::RadixInsert(const Key& k) {
  const auto x = static_cast<uint64_t>(k.time ^ radix_base_);
  if (x == 0) {
    due_.push_back(k);  // later sequence numbers than what due_ holds: order is kept
    return;
  }
  const int level = (63 - __builtin_clzll(x)) / 8;
  const auto digit = static_cast<int>((static_cast<uint64_t>(k.time) >> (8 * level)) & 0xff);
  buckets_[level][digit].push_back(k);
  occupied_[level][digit / 64] |= uint64_t{1} << (digit % 64);
  levels_occupied_ |= 1u << level;
}

void Scheduler::RadixPush(int64_t time, uint64_t seq, const Payload& p) {
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
  // A run that stopped at a time limit may have looked ahead past `time` already.
  if (time < radix_base_) Rebase(time);
  RadixInsert(Key{time, (seq << kSlotBits) | slot});
  ++radix_size_;
}

void Scheduler::MarkEmpty(int level, int digit) {
  occupied_[level][digit / 64] &= ~(uint64_t{1} << (digit % 64));
  const uint64_t* words = occupied_[level];
  if ((words[0] | words[1] | words[2] | words[3]) == 0) levels_occupied_ &= ~(1u << level);
}

// Lowers the base below every key: each key is filed again. Only after a run stopped at a
// time limit short of the earliest event it had looked at (RadixLowerBound keeps that rare).
void Scheduler::Rebase(int64_t time) {
  std::vector<Key> all(due_.begin() + static_cast<ptrdiff_t>(due_head_), due_.end());
  due_.clear();
  due_head_ = 0;
  for (int level = 0; level < kLevels; ++level) {
    for (int w = 0; w < kDigits / 64; ++w) {
      for (uint64_t bits = occupied_[level][w]; bits != 0; bits &= bits - 1) {
        std::vector<Key>& b = buckets_[level][64 * w + __builtin_ctzll(bits)];
        all.insert(all.end(), b.begin(), b.end());
        b.clear();
      }
      occupied_[level][w] = 0;
    }
  }
  levels_occupied_ = 0;
  radix_base_ = time;
  for (const Key& k : all) RadixInsert(k);  // every key is later than `time`
}

int Scheduler::LowestDigit(int level) const {
  for (int w = 0; w < kDigits / 64; ++w) {
    if (occupied_[level][w] != 0) return 64 * w + __builtin_ctzll(occupied_[level][w]);
  }
  SIM_UNREACHABLE("no key at this level");
}

int64_t Scheduler::RadixLowerBound() const {
  if (due_head_ < due_.size()) return radix_base_;
  const int level = __builtin_ctz(levels_occupied_);
  // Every key of the lowest bucket shares the base's digits above `level` and has the
  // bucket's digit at `level`; its lower digits are at least zero.
  const auto high = static_cast<uint64_t>(radix_base_) & ~((uint64_t{1} << (8 * (level + 1))) - 1);
  return static_cast<int64_t>(high | (static_cast<uint64_t>(LowestDigit(level)) << (8 * level)));
}

bool Scheduler::RadixHasNow() {
  // With the base at Now(), the keys at Now() are exactly those in due_ (a key at the base has
  // no digit left), so the buckets are not looked at and the base stays put.
  if (radix_base_ == now_) return due_head_ < due_.size();
  return RadixLowerBound() <= now_ && RadixMin() == now_;
}

int64_t Scheduler::RadixMin() {
  if (due_head_ < due_.size()) return radix_base_;
  due_.clear();
  due_head_ = 0;
  const int level = __builtin_ctz(levels_occupied_);
  const int digit = LowestDigit(level);
  std::vector<Key>& from = buckets_[level][digit];
  MarkEmpty(level, digit);
  if (level == 0) {
    // Every key of a level-0 bucket has the same time.
    radix_base_ = from.front().time;
    due_.swap(from);
  } else if (from.size() == 1) {
    // Alone in its bucket: it is the minimum, and would be filed again only to land in due_.
    radix_base_ = from.front().time;
    due_.push_back(from.front());
    from.clear();
  } else {
    int64_t min = from.front().time;
    for (const Key& k : from) min = k.time < min ? k.time : min;
    radix_base_ = min;
    // The keys share every digit above `level` with the new base, so each goes to a lower
    // level, or to due_ when its time is the base.
    for (const Key& k : from) RadixInsert(k);
    from.clear();
  }
  if (due_.size() > 1) {
    std::sort(due_.begin(), due_.end(), [](const Key& x, const Key& y) { return x.order < y.order; });
  }
  return radix_base_;
}

Scheduler::Event Scheduler::RadixPop() {
  const Key k = due_[due_head_++];
  --radix_size_;
  const auto slot = static_cast<uint32_t>(k.order & ((1u << kSlotBits) - 1));
  free_payloads_.push_back(slot);
  return Event{k.time, k.order >> kSlotBits, payloads_[slot]};
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
    // Radix events at Now() were scheduled before Now() was reached, so before any event of
    // the ring: they go first. The bucket bounds are looked at first: taking the minimum
    // files keys relative to it (the base moves up to it), and an event scheduled below the
    // base afterwards (by a ring event at Now(), or after a run stopped short of it) makes
    // every key be filed again.
    bool radix_first = false;
    if (ready_count_ > 0) {
      radix_first = radix_size_ > 0 && RadixHasNow();
    } else {
      // Without a time limit the bound could not stop anything: straight to the minimum.
      const bool radix_due = radix_size_ > 0 &&
                             (limits.until == Instant::Max() ||
                              RadixLowerBound() <= limits.until.nanos()) &&
                             RadixMin() <= limits.until.nanos();
      if (!radix_due) {
        reason = radix_size_ == 0 ? StopReason::kIdle : StopReason::kTimeLimit;
        if (limits.until != Instant::Max() && limits.until.nanos() > now_) now_ = limits.until.nanos();
        break;
      }
      radix_first = true;
    }
    const Event e = radix_first ? RadixPop() : ReadyPop();
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
