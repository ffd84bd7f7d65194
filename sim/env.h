#pragma once
// Env: what code running on a node sees of the world, passed explicitly (never a global).
// Services, workloads and models are written against it: the clock, sleeping, spawning,
// the node's random stream, its disk, tracing, messages and RPC. Real mode will provide the
// same surface over an Asio event loop (ARCHITECTURE.md §2).

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sim/box.h"
#include "sim/network.h"
#include "sim/node.h"
#include "sim/result.h"
#include "sim/rpc.h"
#include "sim/task.h"
#include "sim/trace.h"

namespace sim {

class World;
class History;

// co_await env.Call<Resp>(to, request, timeout) -> Result<Resp>.
template <class Resp>
struct TypedCall {
  RpcLayer::CallAwaiter raw;
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) { raw.await_suspend(h); }
  Result<Resp> await_resume() {
    Result<Box>& r = raw.await_resume();  // only the typed value moves out of the box
    if (!r.ok()) return r.error();
    auto* typed = r.value().template Get<Result<Resp>>();
    SIM_ASSERT_MSG(typed != nullptr, "RPC reply has an unexpected type");
    return std::move(*typed);
  }
};

class Env {
 public:
  Env(World* world, Node* node) : world_(world), node_(node) {}

  Instant Now() const;
  // The node's wall clock: skewed, drifting, jumping.
  Instant LocalNow() const;
  // Sleeps `d` as measured by the node's (drifting) clock.
  SleepAwaiter Sleep(Duration d) const;
  void Spawn(Task<void> task) const { node_->Spawn(std::move(task)); }
  template <class T, class... Args>
  T& Keep(Args&&... args) const {
    return node_->Keep<T>(std::forward<Args>(args)...);
  }

  NodeId id() const { return node_->id(); }
  const std::string& name() const { return node_->name(); }
  Endpoint At(Port port) const { return Endpoint{node_->id(), port}; }
  Rng& rng() const { return node_->rng(); }
  Disk& disk() const { return node_->disk(); }
  Node& node() const { return *node_; }
  World& world() const { return *world_; }
  Network& net() const;
  History& history() const;

  void Trace(std::string_view name, std::vector<TraceField> fields = {}) const;

  void Send(Port from_port, Endpoint to, Box payload) const {
    net().Send(At(from_port), to, std::move(payload));
  }

  template <class Resp, class Req>
  TypedCall<Resp> Call(Endpoint to, Req request, Duration timeout) const {
    return TypedCall<Resp>{rpc().CallRaw(to, Box(std::move(request)), timeout)};
  }

  // Serves requests of type Req on `port`; each request runs `handler` in its own task on
  // this node, and its Result<Resp> travels back as the reply.
  template <class Req, class Resp>
  void Serve(Port port, std::function<Task<Result<Resp>>(Req)> handler) const {
    Env self = *this;
    // Shared, not copied per request: a request's task may outlive the binding (the port is
    // bound again while it runs), so it holds a reference of its own.
    auto shared = std::make_shared<const std::function<Task<Result<Resp>>(Req)>>(
        std::move(handler));
    net().Bind(At(port), [self, shared](Envelope&& e) {
      if (e.kind != EnvelopeKind::kRequest) return;
      Req* req = e.payload.template Get<Req>();
      SIM_ASSERT_MSG(req != nullptr, "RPC request has an unexpected type");
      self.Spawn(ServeOne<Req, Resp>(self, shared, e.to, e.from, e.rpc_id, std::move(*req)));
    });
  }

  // Serves requests of type Req on `port` with a handler that never suspends: it runs to
  // completion inside the request's delivery, on this node, and its Result<Resp> is sent back
  // at once; no task per request. For servers that execute each request atomically (Redis's
  // single thread). Loss, duplication (the handler runs twice), partitions and crashes apply
  // to the request and the reply as with Serve.
  template <class Req, class Resp>
  void ServeNow(Port port, std::function<Result<Resp>(Req&&)> handler) const {
    Network* network = &net();
    network->Bind(At(port), [network, handler = std::move(handler)](Envelope&& e) {
      if (e.kind != EnvelopeKind::kRequest) return;
      Req* req = e.payload.template Get<Req>();
      SIM_ASSERT_MSG(req != nullptr, "RPC request has an unexpected type");
      Box reply = Box::Emplace([&] { return handler(std::move(*req)); });
      network->Send(Envelope{e.to, e.from, EnvelopeKind::kReply, e.rpc_id, std::move(reply)});
    });
  }

 private:
  RpcLayer& rpc() const;

  template <class Req, class Resp>
  static Task<void> ServeOne(Env env,
                             std::shared_ptr<const std::function<Task<Result<Resp>>(Req)>> handler,
                             Endpoint self, Endpoint caller, uint64_t rpc_id, Req req) {
    Result<Resp> reply = co_await (*handler)(std::move(req));
    env.net().Send(
        Envelope{self, caller, EnvelopeKind::kReply, rpc_id, Box(std::move(reply))});
  }

  World* world_;
  Node* node_;
};

}  // namespace sim
