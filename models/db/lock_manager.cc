// Row locks and the wait-for graph; see lock_manager.h.

#include "models/db/lock_manager.h"

#include <algorithm>

#include "sim/assert.h"

namespace models::db {

bool LockManager::TryAcquire(SessionId session, RowKey key) {
  SIM_ASSERT_NE(session, SessionId{0});
  auto [it, inserted] = owner_.try_emplace(key, session);
  if (!inserted) return it->second == session;
  held_[session].insert(key);
  return true;
}

std::optional<SessionId> LockManager::Holder(RowKey key) const {
  auto it = owner_.find(key);
  if (it == owner_.end()) return std::nullopt;
  return it->second;
}

bool LockManager::Holds(SessionId session, RowKey key) const {
  auto it = owner_.find(key);
  return it != owner_.end() && it->second == session;
}

size_t LockManager::HeldCount(SessionId session) const {
  auto it = held_.find(session);
  return it == held_.end() ? 0 : it->second.size();
}

bool LockManager::WouldDeadlock(SessionId session, SessionId holder) const {
  // Out-degree <= 1, so following the chain from `holder` either reaches `session` (a cycle),
  // ends at a session that waits for nobody, or loops among others (already a cycle that
  // does not involve us, which cannot exist because every cycle is broken when it forms).
  SessionId at = holder;
  for (size_t steps = 0; steps <= waits_.size(); ++steps) {
    if (at == session) return true;
    auto it = waits_.find(at);
    if (it == waits_.end()) return false;
    at = it->second.holder;
  }
  SIM_UNREACHABLE("wait-for graph holds a cycle that was never broken");
  return true;
}

void LockManager::Wait(SessionId session, LockWait wait) {
  SIM_ASSERT_NE(wait.holder, session);
  SIM_ASSERT(Holds(wait.holder, wait.key));
  CancelWait(session);
  waiters_[wait.key].push_back(session);
  waits_[session] = wait;
}

const LockWait* LockManager::FindWait(SessionId session) const {
  auto it = waits_.find(session);
  return it == waits_.end() ? nullptr : &it->second;
}

void LockManager::CancelWait(SessionId session) {
  auto it = waits_.find(session);
  if (it == waits_.end()) return;
  std::vector<SessionId>& queue = waiters_[it->second.key];
  queue.erase(std::remove(queue.begin(), queue.end(), session), queue.end());
  if (queue.empty()) waiters_.erase(it->second.key);
  waits_.erase(it);
}

void LockManager::Release(SessionId session, RowKey key) {
  auto it = owner_.find(key);
  if (it == owner_.end() || it->second != session) return;
  owner_.erase(it);
  auto held = held_.find(session);
  SIM_ASSERT(held != held_.end());
  held->second.erase(key);
  if (held->second.empty()) held_.erase(held);
  WakeWaiters(key);
}

void LockManager::ReleaseAll(SessionId session) {
  CancelWait(session);
  auto held = held_.find(session);
  if (held == held_.end()) return;
  const std::set<RowKey> keys = std::move(held->second);
  held_.erase(held);
  for (const RowKey& key : keys) {  // key order: deterministic wake order
    SIM_ASSERT_EQ(owner_.at(key), session);
    owner_.erase(key);
    WakeWaiters(key);
  }
}

void LockManager::WakeWaiters(RowKey key) {
  auto it = waiters_.find(key);
  if (it == waiters_.end()) return;
  const std::vector<SessionId> woken = std::move(it->second);
  waiters_.erase(it);
  for (SessionId waiter : woken) {
    waits_.erase(waiter);
    if (std::find(runnable_.begin(), runnable_.end(), waiter) == runnable_.end()) {
      runnable_.push_back(waiter);
    }
  }
}

std::vector<SessionId> LockManager::TakeRunnable() {
  std::vector<SessionId> out;
  out.swap(runnable_);
  return out;
}

void LockManager::Clear() {
  owner_.clear();
  held_.clear();
  waits_.clear();
  waiters_.clear();
  runnable_.clear();
}

}  // namespace models::db
