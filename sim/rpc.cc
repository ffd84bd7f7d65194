#include "sim/rpc.h"

namespace sim {

RpcLayer::RpcLayer(Scheduler& scheduler, Network& network)
    : scheduler_(scheduler), network_(network) {
  network_.SetReplyHandler([this](Envelope&& e) { OnReply(std::move(e)); });
}

void RpcLayer::CallAwaiter::await_suspend(std::coroutine_handle<> h) {
  Scheduler& s = rpc->scheduler_;
  const Owner owner = s.CurrentOwner();
  id = rpc->pending_.Insert(Pending{h, owner, this});
  s.At(s.Now() + timeout, Owner{}, Action{&RpcLayer::TimeoutThunk, rpc, id});
  rpc->network_.Send(Envelope{Endpoint{owner.node, kRpcReplyPort}, to, EnvelopeKind::kRequest,
                              id, std::move(request)});
}

RpcLayer::CallAwaiter::~CallAwaiter() {
  // A crash destroys the awaiting frame: forget the call so no reply resumes it.
  if (id != 0) rpc->pending_.Erase(id);
}

void RpcLayer::OnReply(Envelope&& e) {
  if (e.kind == EnvelopeKind::kRefused) {
    Finish(e.rpc_id, Error{Errc::kUnavailable, "connection refused"});
  } else {
    Finish(e.rpc_id, std::move(e.payload));
  }
}

void RpcLayer::TimeoutThunk(void* ctx, uint64_t id) {
  auto* rpc = static_cast<RpcLayer*>(ctx);
  if (rpc->pending_.Find(id) != nullptr) ++rpc->timeouts_;
  rpc->Finish(id, Error{Errc::kTimeout, "no reply in time"});
}

void RpcLayer::Finish(uint64_t id, Result<std::any> outcome) {
  const Pending* found = pending_.Find(id);
  if (found == nullptr) return;  // already finished: a late or duplicated reply
  const Pending p = *found;
  pending_.Erase(id);
  if (!scheduler_.IsCurrent(p.owner)) return;  // the caller crashed meanwhile
  p.awaiter->outcome = std::move(outcome);
  scheduler_.Resume(p.h, p.owner);
}

}  // namespace sim
