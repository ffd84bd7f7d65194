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
// Events due now go to a FIFO ring; later ones to a 4-ary heap. The next event is the smaller
// (time, seq) of the two fronts. All events in the ring have time == Now().

#include <coroutine>
#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include "sim/int128.h"
#include "sim/time.h"

namespace sim {

using NodeId = uint32_t;
inline constexpr NodeId kWorldOwner = 0;

struct Owner {
  NodeId node = kWorldOwner;
  uint32_t epoch = 0;
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
  void CancelTimer(uint64_t id) { timers_.erase(id); }

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
  size_t pending() const { return heap_.size() + ready_count_; }
  // A rolling hash of (time, owner) of every event run: a cheap second witness of
  // determinism beside the trace hash.
  uint64_t schedule_hash() const { return schedule_hash_; }
  // Bytes the event queues hold now (heap keys, payload slab, ready ring; spare capacity
  // included).
  size_t queue_bytes() const {
    return heap_.capacity() * sizeof(HeapKey) + payloads_.capacity() * sizeof(Payload) +
           free_payloads_.capacity() * sizeof(uint32_t) + ready_.capacity() * sizeof(Event);
  }

 private:
  // The heap orders 16-byte keys; the action and owner wait in a slab. `order` packs the
  // sequence number (high 40 bits) over the slab slot (low 24 bits), so comparing (time,
  // order) compares (time, seq). Four children of a heap node fill one cache line.
  static constexpr int kSlotBits = 24;
  struct HeapKey {
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

  // Time is never negative, so (time, order) compares as one unsigned 128-bit number:
  // branch-free, which matters on the hottest path of the simulator.
  static bool Before(const HeapKey& a, const HeapKey& b) {
    return ((static_cast<UInt128>(static_cast<uint64_t>(a.time)) << 64) | a.order) <
           ((static_cast<UInt128>(static_cast<uint64_t>(b.time)) << 64) | b.order);
  }
  void HeapPush(int64_t time, uint64_t seq, const Payload& p);
  Event HeapPop();
  void ReadyPush(const Event& e);
  Event ReadyPop();
  bool ReadyFirst() const;  // REQUIRES: something is pending
  void Dispatch(int64_t time, const Payload& p);

  int64_t now_ = 0;
  uint64_t next_seq_ = 0;
  Owner current_;
  bool stop_requested_ = false;
  bool running_ = false;
  uint64_t events_run_ = 0;
  uint64_t events_discarded_ = 0;
  uint64_t schedule_hash_ = 0xcbf29ce484222325ULL;
  std::vector<HeapKey> heap_;
  std::vector<Payload> payloads_;
  std::vector<uint32_t> free_payloads_;
  std::vector<Event> ready_;  // ring buffer, capacity a power of two
  size_t ready_head_ = 0;
  size_t ready_count_ = 0;
  std::vector<OwnerState> owners_;
  std::map<uint64_t, Action> timers_;
  uint64_t next_timer_id_ = 1;
  static void TimerThunk(void* ctx, uint64_t id);
};

}  // namespace sim
