#pragma once
// Request/response over the simulated network, with Jepsen's three outcomes:
//   ok    the reply arrived (its Result may still carry the server's error: then `fail`);
//   fail  definitely not applied: refused (nobody listening) or an error reply;
//   info  Errc::kTimeout: no reply in time; the request may or may not have been applied.
// Requests and replies are ordinary envelopes: they are lost, delayed, duplicated and cut by
// partitions like any message. A duplicated request runs the handler twice (as a retried
// TCP request can), and a late or duplicated reply is ignored.

#include <any>
#include <coroutine>
#include <cstdint>
#include <functional>

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

  // The raw call: the reply payload (a std::any holding Result<Resp>) or an error.
  // The caller is the node currently running.
  struct CallAwaiter {
    RpcLayer* rpc;
    Endpoint to;
    std::any request;
    Duration timeout;
    uint64_t id = 0;
    Result<std::any> outcome = Error{Errc::kCancelled, {}};

    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h);
    Result<std::any> await_resume() { return std::move(outcome); }
    ~CallAwaiter();
  };
  CallAwaiter CallRaw(Endpoint to, std::any request, Duration timeout) {
    return CallAwaiter{this, to, std::move(request), timeout};
  }

  uint64_t calls() const { return pending_.next_id() - 1; }
  uint64_t timeouts() const { return timeouts_; }

 private:
  struct Pending {
    std::coroutine_handle<> h;
    Owner owner;
    CallAwaiter* awaiter;
  };
  void OnReply(Envelope&& e);
  static void TimeoutThunk(void* ctx, uint64_t id);
  void Finish(uint64_t id, Result<std::any> outcome);

  Scheduler& scheduler_;
  Network& network_;
  uint64_t timeouts_ = 0;
  IdWindow<Pending> pending_;
};

}  // namespace sim
