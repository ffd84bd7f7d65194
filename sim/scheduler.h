#pragma once
// The discrete-event scheduler: one virtual clock and one queue of events ordered by
// (time, sequence number). Sequence numbers are handed out at scheduling time, so events at
// the same instant run in the order they were scheduled (FIFO) and no tie ever depends on
// container internals.
//
// Every event belongs to an owner: a node (or the world, owner 0). The scheduler keeps, per
// owner, an epoch and a paused flag:
//   - Kill(owner) bumps the epoch; events scheduled under an older epoch are discarded when
//     they come up, so nothing of a crashed incarnation ever runs again.
//   - Pause(owner) parks the owner's events as they come due; Unpause re-posts them at the
//     current time in their original order. Time goes on for everyone else.
//
// Events due now go to a FIFO ring; later ones to a radix heap over their times (Ahuja,
// Mehlhorn, Orlin and Tarjan, 1990) with 8-bit digits, which is also a hierarchical timing
// wheel: time never goes backwards, so a key is filed by the highest digit in which it differs
// from the last extracted minimum (its level) and by its value in that digit, and moves down at
// most once per level (twice for a timer 16 ms ahead). Equal times leave in sequence order, and
// they precede the ring's events at that time, which were scheduled later. All events in the
// ring have time == Now().

#include <coroutine>
#include <cstdint>
#include <functional>
#include <vector>

#include "sim/id_window.h"
#include "sim/time.h"

namespace sim {

using NodeId = uint32_t;
inline constexpr NodeId kWorldOwner = 0;

struct Owner {
  NodeId node = kWorldOwner;
  uint32_t epoch = 0;
  bool operator==(const Owner&) const = default;
};

// A callback without allocation: fn(ctx, arg).
struct Action {
  void (*fn)(void* ctx, uint64_t arg) = nullptr;
  void* ctx = nullptr;
  uint64_t arg = 0;
};

// Where coroutines are resumed. The simulation's Scheduler is one; real mode's Asio loop will
// be another. Tasks find the executor of their thread through Executor::Current().
class Executor {
 public:
  virtual ~Executor() = default;
  virtual Instant Now() const = 0;
  virtual Owner CurrentOwner() const = 0;
  virtual void Resume(std::coroutine_handle<> h, Owner owner) = 0;
  virtual void ResumeAt(Instant t, std::coroutine_handle<> h, Owner owner) = 0;
  // Resumes h right here when `owner` is the one running (its event would come next, at this
  // instant, anyway), else posts it. The caller touches nothing that h may destroy afterwards.
  void ResumeHereOrPost(std::coroutine_handle<> h, Owner owner) {
    if (CurrentOwner() == owner) {
      h.resume();
    } else {
      Resume(h, owner);
    }
  }

  // The executor running on this thread. REQUIRES: inside Run() of some executor.
  static Executor& Current();
  static Executor* CurrentOrNull();

 protected:
  static Executor* Exchange(Executor* e);
};

enum class StopReason { kIdle, kTimeLimit, kEventLimit, kPredicate, kStopRequested };
const char* StopReasonName(StopReason r);

struct RunLimits {
  Instant until = Instant::Max();         // run events with time <= until, then set the clock to it
  uint64_t max_events = UINT64_MAX;       // stop once this many events ran in this call
};

class Scheduler final : public Executor {
 public:
  Scheduler();
  ~Scheduler() override;
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  Instant Now() const override { return Instant::FromNanos(now_); }
  Owner CurrentOwner() const override { return current_; }
  void Resume(std::coroutine_handle<> h, Owner owner) override;
  void ResumeAt(Instant t, std::coroutine_handle<> h, Owner owner) override;

  // REQUIRES: t >= Now().
  void At(Instant t, Owner owner, Action action);
  void Post(Owner owner, Action action) { At(Now(), owner, action); }

  // Cancellable timers: `action` runs at t unless CancelTimer(id) came first. For waits
  // whose awaiter may be gone before the deadline (signals, timeouts).
  uint64_t AddTimer(Instant t, Owner owner, Action action);
  void CancelTimer(uint64_t id) { timers_.Erase(id); }

  // Owners (nodes). Owner 0, the world, always exists and is never killed or paused.
  NodeId AddOwner();
  Owner LiveOwner(NodeId node) const { return Owner{node, owners_[node].epoch}; }
  bool IsCurrent(Owner owner) const { return owners_[owner.node].epoch == owner.epoch; }
  void Kill(NodeId node);
  void Pause(NodeId node);
  void Unpause(NodeId node);
  bool IsPaused(NodeId node) const { return owners_[node].paused; }

  // Runs events until the queue is empty, a limit is reached, stop_when() returns true
  // (checked after every event) or RequestStop() is called from inside an event.
  StopReason Run(RunLimits limits, const std::function<bool()>& stop_when = {});
  StopReason RunFor(Duration d) { return Run(RunLimits{Now() + d}); }
  StopReason RunUntilIdle() { return Run(RunLimits{}); }
  void RequestStop() { stop_requested_ = true; }

  uint64_t events_run() const { return events_run_; }
  uint64_t events_discarded() const { return events_discarded_; }
  size_t pending() const { return radix_size_ + ready_count_; }
  // A rolling hash of (time, owner) of every event run: a cheap second witness of
  // determinism beside the trace hash.
  uint64_t schedule_hash() const { return schedule_hash_; }
  // Bytes the event queues hold now (heap keys, payload slab, ready ring; spare capacity
  // included).
  size_t queue_bytes() const {
    size_t keys = due_.capacity();
    for (const auto& level : buckets_) {
      for (const auto& b : level) keys += b.capacity();
    }
    return keys * sizeof(Key) + payloads_.capacity() * sizeof(Payload) +
           free_payloads_.capacity() * sizeof(uint32_t) + ready_.capacity() * sizeof(Event);
  }

 private:
  // The radix heap holds 16-byte keys; the action and owner wait in a slab. `order` packs the
  // sequence number (high 40 bits) over the slab slot (low 24 bits), so ordering by order is
  // ordering by seq.
  static constexpr int kSlotBits = 24;
  static constexpr int kLevels = 8;     // digits of a 64-bit time
  static constexpr int kDigits = 256;
  struct Key {
    int64_t time;
    uint64_t order;
  };
  struct Payload {
    Action action;
    Owner owner;
  };
  struct Event {
    int64_t time;
    uint64_t seq;
    Payload payload;
  };
  struct OwnerState {
    uint32_t epoch = 0;
    bool paused = false;
    std::vector<Payload> parked;
  };

  void RadixPush(int64_t time, uint64_t seq, const Payload& p);
  void RadixInsert(const Key& k);
  // The earliest time in the radix heap; moves the keys of that time to due_ (in sequence
  // order). REQUIRES: radix_size_ > 0.
  int64_t RadixMin();
  // Whether an event at Now() waits in the radix heap. REQUIRES: radix_size_ > 0.
  bool RadixHasNow();
  Event RadixPop();  // REQUIRES: RadixMin() was called and nothing was pushed since
  void Rebase(int64_t time);
  int LowestDigit(int level) const;  // REQUIRES: the level has a key
  // At most the earliest time in the radix heap, without filing anything. REQUIRES: keys.
  int64_t RadixLowerBound() const;
  void MarkEmpty(int level, int digit);
  void ReadyPush(const Event& e);
  Event ReadyPop();
  void Dispatch(int64_t time, const Payload& p);

  int64_t now_ = 0;
  uint64_t next_seq_ = 0;
  Owner current_;
  bool stop_requested_ = false;
  bool running_ = false;
  uint64_t events_run_ = 0;
  uint64_t events_discarded_ = 0;
  uint64_t schedule_hash_ = 0xcbf29ce484222325ULL;
  std::vector<Key> buckets_[kLevels][kDigits];
  uint64_t occupied_[kLevels][kDigits / 64] = {};  // which buckets are not empty
  uint32_t levels_occupied_ = 0;                   // which levels have a bucket that is not
  std::vector<Key> due_;        // the keys whose time is radix_base_, by sequence
  size_t due_head_ = 0;         // due_ drains from the front
  size_t radix_size_ = 0;
  int64_t radix_base_ = 0;      // <= every key in the radix heap
  std::vector<Payload> payloads_;
  std::vector<uint32_t> free_payloads_;
  std::vector<Event> ready_;  // ring buffer, capacity a power of two
  size_t ready_head_ = 0;
  size_t ready_count_ = 0;
  std::vector<OwnerState> owners_;
  IdWindow<Action> timers_;
  static void TimerThunk(void* ctx, uint64_t id);
};

}  // namespace sim
