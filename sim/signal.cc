#include "sim/signal.h"

#include "sim/assert.h"

namespace sim {

void Signal::Awaiter::await_suspend(std::coroutine_handle<> h) {
  scheduler_ = dynamic_cast<Scheduler*>(&Executor::Current());
  SIM_ASSERT_MSG(scheduler_ != nullptr, "Signal needs the simulation scheduler");
  h_ = h;
  owner_ = scheduler_->CurrentOwner();
  it_ = signal_->waiters_.insert(signal_->waiters_.end(), this);
  queued_ = true;
  if (timeout_ != Duration::Max()) {
    timer_ = scheduler_->AddTimer(scheduler_->Now() + timeout_, owner_,
                                  Action{&Awaiter::TimeoutThunk, this, 0});
  }
}

Signal::Awaiter::~Awaiter() {
  if (queued_) signal_->waiters_.erase(it_);
  if (timer_ != 0) scheduler_->CancelTimer(timer_);
}

void Signal::Awaiter::TimeoutThunk(void* ctx, uint64_t) {
  auto* a = static_cast<Awaiter*>(ctx);
  a->timer_ = 0;
  a->Wake(WaitResult::kTimedOut);
}

void Signal::Awaiter::Wake(WaitResult result) {
  if (!queued_) return;
  signal_->waiters_.erase(it_);
  queued_ = false;
  result_ = result;
  if (timer_ != 0) {
    scheduler_->CancelTimer(timer_);
    timer_ = 0;
  }
  scheduler_->Resume(h_, owner_);
}

bool Signal::NotifyOne() {
  if (waiters_.empty()) return false;
  waiters_.front()->Wake(WaitResult::kNotified);
  return true;
}

size_t Signal::NotifyAll() {
  size_t n = 0;
  while (NotifyOne()) ++n;
  return n;
}

}  // namespace sim
