#pragma once
// Signal: coroutines wait until someone notifies them or a timeout passes. The building
// block for lock waits, consumers waiting for messages and mailboxes.
//
// Waiters wake in FIFO order, each through the scheduler (never inline), and only while
// their node's incarnation is alive. A waiter whose frame is destroyed (crash) leaves the
// queue and cancels its timer in the awaiter's destructor, so a Signal never resumes a dead
// frame. REQUIRES: a Signal outlives its waiters (keep it in the same node's state).

#include <coroutine>
#include <cstdint>
#include <list>

#include "sim/scheduler.h"
#include "sim/time.h"

namespace sim {

class Signal {
 public:
  enum class WaitResult : uint8_t { kNotified, kTimedOut };

  Signal() = default;
  Signal(const Signal&) = delete;
  Signal& operator=(const Signal&) = delete;

  class Awaiter {
   public:
    Awaiter(Signal* signal, Duration timeout) : signal_(signal), timeout_(timeout) {}
    Awaiter(const Awaiter&) = delete;
    Awaiter& operator=(const Awaiter&) = delete;
    ~Awaiter();

    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h);
    WaitResult await_resume() const noexcept { return result_; }

   private:
    friend class Signal;
    static void TimeoutThunk(void* ctx, uint64_t);
    void Wake(WaitResult result);

    Signal* signal_;
    Duration timeout_;
    Scheduler* scheduler_ = nullptr;
    std::coroutine_handle<> h_;
    Owner owner_;
    std::list<Awaiter*>::iterator it_;
    bool queued_ = false;
    uint64_t timer_ = 0;
    WaitResult result_ = WaitResult::kTimedOut;
  };

  // co_await signal.Wait(timeout) -> kNotified or kTimedOut.
  Awaiter Wait(Duration timeout = Duration::Max()) { return Awaiter(this, timeout); }
  // Wakes the oldest waiter; returns false when nobody waits.
  bool NotifyOne();
  // Wakes every current waiter; returns how many.
  size_t NotifyAll();
  size_t waiters() const { return waiters_.size(); }

 private:
  std::list<Awaiter*> waiters_;
};

}  // namespace sim
