#pragma once
// LockBackend: the lock service a lock client talks to, reduced to the three calls every
// lease-based lock offers (a Redis key with a TTL: redis_lock_backend.h; a Raft-replicated KV
// that issues fencing tokens: raft_lock_backend.h). The client loop, the protected resource
// and the checkers only see this interface, so a backend can be swapped without touching them.
//
// Outcome rule, as for every port: an error whose code is kTimeout means the call may or may
// not have taken effect (Jepsen `info`); other errors mean it did not.

#include <cstdint>
#include <optional>
#include <string>

#include "sim/result.h"
#include "sim/task.h"
#include "sim/time.h"

namespace scenarios::lock {

// What a successful acquire hands to its holder.
struct LockGrant {
  std::string value;   // what the lock holds for this holder (its owner identity)
  int64_t token = -1;  // fencing token, increasing with every grant; -1: the backend has none
};

struct Released {
  bool deleted = false;  // the release removed a lock
  // When the command that deleted was sent: the deletion happened at or after it, so a grant
  // another client had already received by then was the lock it removed (lock.safe_release).
  sim::Instant delete_sent;
};

class LockBackend {
 public:
  virtual ~LockBackend() = default;
  // One attempt: the grant when this caller got the lock for `lease`, nullopt when somebody
  // else holds it.
  virtual sim::Task<sim::Result<std::optional<LockGrant>>> Acquire(sim::Duration lease) = 0;
  virtual sim::Task<sim::Result<Released>> Release(LockGrant grant) = 0;
  // true when the holder's lease was extended to `lease` from now (it still held the lock).
  // REQUIRES: not called while another call of this backend is in flight on the same
  // connection; backends give renewal its own connection.
  virtual sim::Task<sim::Result<bool>> Renew(LockGrant grant, sim::Duration lease) = 0;
};

}  // namespace scenarios::lock
