#pragma once
// The `raft_lock` workload: the same lock clients, protected resource and checkers as
// redis_lock (lock_client.h, resource.h, lock_checkers.h), with the lock service on a
// Raft-replicated KV (RaftLockBackend over models/raft) instead of a Redis primary.
//
// Nodes: raft1..raftN (the fixed Raft membership), `resource`, client1..clientN. Fault
// targets: the Raft replicas and the clients (not the resource).
// Variants: lock.renewal and lock.fencing as for redis_lock (lock.stage does not apply: the
// Raft lock has one design); the raft.* variants change the replicas (raft_kv_workload.h).
// Snapshot: the lock as the highest-term live leader's state machine holds it (owner, token,
// time left on the replicated clock), each client's status and the resource's accepted
// writes, in the redis_lock format, and election_ms_max (raft.leader_after_heal's bound).
// Converged: every client loop that can still run has finished.

#include <memory>

#include "scenarios/workload.h"

namespace scenarios::lock {

std::unique_ptr<Workload> MakeRaftLockWorkload();

}  // namespace scenarios::lock
