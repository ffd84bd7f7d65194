#pragma once
// Request/response over the simulated network, with Jepsen's three outcomes:
//   ok    the reply arrived (its Result may still carry the server's error: then `fail`);
//   fail  definitely not applied: refused (nobody listening) or an error reply;
//   info  Errc::kTimeout: no reply in time; the request may or may not have been applied.
// Requests and replies are ordinary envelopes: they are lost, delayed, duplicated and cut by
// partitions like any message. A duplicated request runs the handler twice (as a retried
// TCP request can), and a late or duplicated reply is ignored.
//
// Cost: a reply resumes its caller inside the reply's delivery event (the caller's own node and
// incarnation is the one running then), and calls made with the same timeout share one armed
// scheduler event: their deadlines come in call order, so a FIFO per timeout value and one event
// at its oldest live deadline replace a queued event per call that outlived nearly every call.

#include <coroutine>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <vector>

#include "sim/box.h"
#include "sim/id_window.h"
#include "sim/network.h"
#include "sim/result.h"
#include "sim/scheduler.h"
#include "sim/task.h"

namespace sim {

class RpcLayer {
 public:
  RpcLayer(Scheduler& scheduler, Network& network);
  RpcLayer(const RpcLayer&) = delete;
  RpcLayer& operator=(const RpcLayer&) = delete;

  // The raw call: the reply payload (a Box holding Result<Resp>) or an error.
  // The caller is the node currently running.
  struct CallAwaiter {
    RpcLayer* rpc;
    Endpoint to;
    Box request;
    Duration timeout;
    uint64_t id = 0;
    std::coroutine_handle<> caller;  // set by await_suspend
    // Set by Finish before the caller resumes, and read only then. It starts as a box, the
    // type a reply brings, so that storing one does not first destroy an Error.
    Result<Box> outcome = Box{};

    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h);
    // The outcome in place: the caller takes what it needs out of the box, which dies with
    // the awaiter.
    Result<Box>& await_resume() { return outcome; }
    ~CallAwaiter();
  };
  CallAwaiter CallRaw(Endpoint to, Box request, Duration timeout) {
    return CallAwaiter{this, to, std::move(request), timeout};
  }

  uint64_t calls() const { return pending_.next_id() - 1; }
  uint64_t timeouts() const { return timeouts_; }

 private:
  static constexpr uint32_t kNoQueue = UINT32_MAX;
  // Beyond this many timeout values in use at once, a call gets its own timeout event.
  static constexpr size_t kMaxQueues = 16;

  // 24 bytes, 32 in the window's ring: two to a cache line, none straddling two (the caller's
  // handle waits in its awaiter, which Finish writes anyway).
  struct Pending {
    CallAwaiter* awaiter;
    Owner owner;
    uint32_t queue;  // its TimeoutQueue, or kNoQueue
  };
  static_assert(sizeof(std::optional<Pending>) == 32);
  struct Deadline {
    int64_t at;
    uint64_t id;
  };
  // The calls made with one timeout value, oldest first. Entries of finished calls are dropped
  // from the front as they come up. REQUIRES (invariant): entries not empty => armed, and the
  // armed event is due no later than the front entry's deadline.
  struct TimeoutQueue {
    Duration timeout;
    std::deque<Deadline> entries;
    bool armed = false;
  };

  void OnReply(Envelope&& e);
  // The queue of calls with this timeout (kNoQueue: too many values in use; own event).
  uint32_t QueueFor(Duration timeout);
  void EnqueueDeadline(uint32_t queue, Instant deadline, uint64_t id);
  void DropFinished(TimeoutQueue& q);
  static void QueueTimeoutThunk(void* ctx, uint64_t queue);
  static void TimeoutThunk(void* ctx, uint64_t id);
  // `direct`: resume the caller inside this event when it is the caller's node that runs.
  void Finish(uint64_t id, Result<Box> outcome, bool direct);

  Scheduler& scheduler_;
  Network& network_;
  uint64_t timeouts_ = 0;
  IdWindow<Pending> pending_;
  std::vector<TimeoutQueue> queues_;
  uint32_t last_queue_ = kNoQueue;  // the queue the last call used: usually the next one's
};

}  // namespace sim
