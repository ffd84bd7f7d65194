#include "sim/rpc.h"

namespace sim {

RpcLayer::RpcLayer(Scheduler& scheduler, Network& network)
    : scheduler_(scheduler), network_(network) {
  network_.SetReplyHandler([this](Envelope&& e) { OnReply(std::move(e)); });
}

void RpcLayer::CallAwaiter::await_suspend(std::coroutine_handle<> h) {
  Scheduler& s = rpc->scheduler_;
  const Owner owner = s.CurrentOwner();
  const Instant deadline = s.Now() + timeout;
  const uint32_t queue = rpc->QueueFor(timeout);
  caller = h;
  id = rpc->pending_.Insert(Pending{this, owner, queue});
  if (queue == kNoQueue) {
    s.At(deadline, Owner{}, Action{&RpcLayer::TimeoutThunk, rpc, id});
  } else {
    rpc->EnqueueDeadline(queue, deadline, id);
  }
  rpc->network_.Send(Envelope{Endpoint{owner.node, kRpcReplyPort}, to, EnvelopeKind::kRequest,
                              id, std::move(request)});
}

RpcLayer::CallAwaiter::~CallAwaiter() {
  // A crash destroys the awaiting frame: forget the call so no reply resumes it.
  if (id != 0) rpc->pending_.Erase(id);
}

uint32_t RpcLayer::QueueFor(Duration timeout) {
  if (last_queue_ != kNoQueue && queues_[last_queue_].timeout == timeout) return last_queue_;
  uint32_t idle = kNoQueue;
  for (uint32_t i = 0; i < queues_.size(); ++i) {
    const TimeoutQueue& q = queues_[i];
    if (q.timeout == timeout) return last_queue_ = i;
    if (idle == kNoQueue && q.entries.empty() && !q.armed) idle = i;
  }
  if (idle != kNoQueue) {
    // No call refers to an empty queue: it can take the new value.
    queues_[idle].timeout = timeout;
    return last_queue_ = idle;
  }
  if (queues_.size() == kMaxQueues) return kNoQueue;
  queues_.push_back(TimeoutQueue{timeout, {}, false});
  return last_queue_ = static_cast<uint32_t>(queues_.size() - 1);
}

void RpcLayer::EnqueueDeadline(uint32_t queue, Instant deadline, uint64_t id) {
  TimeoutQueue& q = queues_[queue];
  // Deadlines of one queue come in call order: now + the same timeout, and time only advances.
  q.entries.push_back(Deadline{deadline.nanos(), id});
  if (q.armed) return;  // the armed event is due no later than this deadline
  q.armed = true;
  scheduler_.At(deadline, Owner{}, Action{&RpcLayer::QueueTimeoutThunk, this, queue});
}

void RpcLayer::DropFinished(TimeoutQueue& q) {
  while (!q.entries.empty() && pending_.Find(q.entries.front().id) == nullptr) {
    q.entries.pop_front();
  }
}

void RpcLayer::QueueTimeoutThunk(void* ctx, uint64_t queue) {
  auto* rpc = static_cast<RpcLayer*>(ctx);
  TimeoutQueue& q = rpc->queues_[queue];
  q.armed = false;
  const int64_t now = rpc->scheduler_.Now().nanos();
  // Finish (not direct) resumes nothing here, so no call is added while this runs.
  for (;;) {
    rpc->DropFinished(q);
    if (q.entries.empty() || q.entries.front().at > now) break;
    const uint64_t id = q.entries.front().id;
    q.entries.pop_front();
    ++rpc->timeouts_;
    rpc->Finish(id, Error{Errc::kTimeout, "no reply in time"}, false);
  }
  if (q.entries.empty()) return;
  q.armed = true;
  rpc->scheduler_.At(Instant::FromNanos(q.entries.front().at), Owner{},
                     Action{&RpcLayer::QueueTimeoutThunk, rpc, queue});
}

void RpcLayer::OnReply(Envelope&& e) {
  if (e.kind == EnvelopeKind::kRefused) {
    Finish(e.rpc_id, Error{Errc::kUnavailable, "connection refused"}, true);
  } else {
    Finish(e.rpc_id, std::move(e.payload), true);
  }
}

void RpcLayer::TimeoutThunk(void* ctx, uint64_t id) {
  auto* rpc = static_cast<RpcLayer*>(ctx);
  if (rpc->pending_.Find(id) != nullptr) ++rpc->timeouts_;
  rpc->Finish(id, Error{Errc::kTimeout, "no reply in time"}, false);
}

void RpcLayer::Finish(uint64_t id, Result<Box> outcome, bool direct) {
  const Pending* found = pending_.Find(id);
  if (found == nullptr) return;  // already finished: a late or duplicated reply
  const Pending p = *found;
  pending_.Erase(id);
  if (p.queue != kNoQueue) DropFinished(queues_[p.queue]);
  if (!scheduler_.IsCurrent(p.owner)) return;  // the caller crashed meanwhile
  p.awaiter->outcome = std::move(outcome);
  if (direct) {
    // A reply's delivery running on the caller's incarnation (not paused, or it would have been
    // parked) resumes it here rather than through one more event at the same instant.
    scheduler_.ResumeHereOrPost(p.awaiter->caller, p.owner);
  } else {
    scheduler_.Resume(p.awaiter->caller, p.owner);
  }
}

}  // namespace sim
