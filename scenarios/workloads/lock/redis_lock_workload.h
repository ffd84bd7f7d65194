#pragma once
// The `redis_lock` workload: the distributed-lock ladder D-1 on a replicated Redis.
//
// Nodes: redis_a (the primary at start), redis_b, ... (asynchronous replicas under one
// RedisDirectory, i.e. Sentinel), `resource` (the protected store, resource.h) and
// client1..clientN (lock clients, lock_client.h) talking to whichever node the directory names
// primary. Fault targets: the Redis nodes and the clients (not the resource). The Redis group
// is also the target of the `redis_failover` fault when it has a replica.
// Variants (registered in register.cc):
//   lock.stage    = 1..5   the rung of D-1 (redis_lock_backend.h), default 5
//   lock.renewal  = on|off the watchdog (D-1 stage 6; off shows F-5 with holds > lease)
//   lock.fencing  = on|off fencing tokens checked by the resource (D-1 rung 7, anchors §2.20)
// Snapshot: the lock key as the current primary holds it (value, remaining TTL or none), each
// client's status (up, incarnation, whether its live loop holds the lock) and the resource's
// accepted writes.

#include <memory>

#include "scenarios/workload.h"

namespace scenarios::lock {

std::unique_ptr<Workload> MakeRedisLockWorkload();

}  // namespace scenarios::lock
