#pragma once
// Exclusive row locks, the wait-for graph and wake-ups of the synchronous engine.
//
// Fidelity contract: one exclusive lock per row (InnoDB X record locks; no gap or next-key
// locks, no shared locks). A session waits for at most one lock at a time, so the wait-for
// graph has out-degree <= 1 and a cycle check is a walk along one chain. There is no grant
// queue: when a lock is released every session waiting for it becomes runnable, in the order it
// started waiting, and must retry its statement (which may then wait again). So a released lock
// can be taken by a newcomer before a woken waiter retries; InnoDB grants in FIFO order instead.
// Nothing here reads time; deadlines are stored for the engine.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "sim/time.h"

namespace models::db {

using SessionId = uint64_t;

struct RowKey {
  uint32_t table = 0;
  int64_t pk = 0;
  friend auto operator<=>(const RowKey&, const RowKey&) = default;
};

struct LockWait {
  RowKey key;
  SessionId holder = 0;
  sim::Instant deadline;
};

class LockManager {
 public:
  // Grants the lock when it is free or already held by `session`; false when someone else has it.
  bool TryAcquire(SessionId session, RowKey key);
  std::optional<SessionId> Holder(RowKey key) const;
  bool Holds(SessionId session, RowKey key) const;
  size_t HeldCount(SessionId session) const;

  // True when `session` waiting for `holder` would close a cycle in the wait-for graph.
  bool WouldDeadlock(SessionId session, SessionId holder) const;

  // REQUIRES: wait.holder holds wait.key and is not `session`. Replaces any earlier wait.
  void Wait(SessionId session, LockWait wait);
  const LockWait* FindWait(SessionId session) const;
  void CancelWait(SessionId session);
  // Sessions waiting now, ordered by id, with their waits (for deadline timers and tests).
  const std::map<SessionId, LockWait>& waits() const { return waits_; }

  // Releasing wakes the waiters of the released locks (see TakeRunnable).
  void Release(SessionId session, RowKey key);
  void ReleaseAll(SessionId session);

  // Sessions woken since the last call, in wake order, each once.
  std::vector<SessionId> TakeRunnable();

  // Forgets everything (a server crash).
  void Clear();

 private:
  void WakeWaiters(RowKey key);

  std::map<RowKey, SessionId> owner_;
  std::map<SessionId, std::set<RowKey>> held_;
  std::map<SessionId, LockWait> waits_;
  std::map<RowKey, std::vector<SessionId>> waiters_;  // in the order they started waiting
  std::vector<SessionId> runnable_;
};

}  // namespace models::db
