#pragma once
// RedisLockBackend: the course's Redis lock, rung by rung (catalog ladder D-1, 000:780-985),
// behind LockBackend.
//
// Fidelity contract.
// Models the client side of each rung exactly as the slides write it, over the RedisClient port
// (so the same code runs against a real redis-server):
//   stage 1  SETNX lock 1111 (SET NX, no expiry) ... DEL lock. A holder that dies inside the
//            section leaves the key forever: deadlock (F-1, 000:838-843).
//   stage 2  SETNX, then a separate PEXPIRE. A crash between the two commands leaves a key
//            with no expiry: deadlock again (F-2, 000:886-891). Trace `lock.setnx_ok` marks
//            the gap, so an event-triggered fault can land in it.
//   stage 3  SET lock 1111 NX PX lease, unconditional DEL: a holder whose lease ran out
//            deletes the next holder's lock (F-3, 000:919-926).
//   stage 4  value = a unique id per acquisition; GET == id, then DEL as two round trips: the
//            lease can end between them and the DEL removes the next holder's lock (F-4,
//            000:948-956). Trace `lock.unlock_checked` marks the gap.
//   stage 5  SET NX PX with the unique id, release by the Lua compare-and-delete (000:960-985;
//            CompareAndDeleteUnlockScript). Residual risk: a lease that ends inside the
//            section (F-5), a failover that loses the key.
// Renewal (the watchdog, stage 6 of D-1, 003:67-73): compare-and-PEXPIRE (LockRenewScript).
// Fencing (D-1 rung 7 [suggestion], anchors §2.20): before SET, INCR of a fence key; the lock
// value is "<token>:<id>", and the token goes with every write to the protected resource.
// Guarantees: nothing beyond what each rung's commands give; that is the point.
// Not modelled: Redisson's hash-based reentrant lock, pub/sub wake-up of waiters, Redlock over
// several independent primaries.

#include <cstdint>
#include <optional>
#include <string>

#include "models/redis/redis_client.h"
#include "scenarios/workloads/lock/lock_backend.h"
#include "sim/env.h"

namespace scenarios::lock {

struct RedisLockConfig {
  int stage = 5;           // 1..5, ladder D-1
  bool fencing = false;    // INCR a fence key and carry the token in the value
  std::string key = "lock";
  std::string fence_key = "lock:fence";
  std::string owner;       // unique per client process, e.g. "client2.1" (node, incarnation)
};

// The value stages 1-3 write: the slides' constant (000:820, 000:902).
inline constexpr const char* kConstantLockValue = "1111";

class RedisLockBackend final : public LockBackend {
 public:
  // REQUIRES: both clients outlive the backend and are distinct connections; `renewal` is used
  // only by Renew, so a watchdog can run while the holder's own calls are in flight.
  RedisLockBackend(sim::Env env, RedisLockConfig config, models::redis::RedisClient* client,
                   models::redis::RedisClient* renewal);

  sim::Task<sim::Result<std::optional<LockGrant>>> Acquire(sim::Duration lease) override;
  sim::Task<sim::Result<Released>> Release(LockGrant grant) override;
  sim::Task<sim::Result<bool>> Renew(LockGrant grant, sim::Duration lease) override;

  const RedisLockConfig& config() const { return config_; }

 private:
  std::string NextValue(int64_t token);

  sim::Env env_;
  RedisLockConfig config_;
  models::redis::RedisClient* client_;
  models::redis::RedisClient* renewal_;
  int64_t acquisitions_ = 0;
};

}  // namespace scenarios::lock
