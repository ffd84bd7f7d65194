#pragma once
// RaftLockBackend: the lock service on the Raft-replicated KV (models/raft) behind LockBackend,
// the answer to the question the Redis ladder leaves open (issue 6: what a failover does to a
// lock).
//
// Fidelity contract.
// Models a lease lock on a consensus store (etcd's lease + lock, Chubby, ZooKeeper's
// ephemeral nodes reduced to a lease): acquire, renew and release are commands in the Raft log,
// applied by the replicated lock table (kv_state_machine.h), so a grant acknowledged to a
// client was committed on a majority and survives any leader crash, partition or pause that
// leaves a majority (unlike the Redis primary's asynchronous replication, F-56/D-1 top).
//   acquire  an entry {lock, owner, lease}; granted when the lock is free, expired on the
//            replicated clock, or already the same owner's; the fencing token is the entry's log
//            index, strictly increasing across grants, so no separate counter can lag behind.
//   renew    compare-and-extend on (owner, token) while the grant is in force; keeps the token.
//   release  compare-and-delete on (owner, token).
// The owner is "<client node>.<incarnation>", so a client's retry after an `info` acquire
// takes back a grant it never learnt about instead of waiting out its lease; a restarted
// client is a new owner. Each backend uses two KV client sessions (the holder's calls and
// the watchdog's), each a distinct dedupe id per incarnation, since the state machine keeps
// one latest request per session.
// Lease time and its safety argument: kv_state_machine.h. Exclusion by belief (two clients
// never both think they hold the lock) holds while every holder's section (pauses included)
// fits inside its lease and no leader's wall clock jumps forward within a term; a GC pause of
// the holder or a forward clock jump breaks it exactly as on Redis, and then only the fencing
// token keeps the resource safe.
// Outcomes: a KV `ok` answer is the result; `fail` is kUnavailable (not applied); `info` is
// kTimeout (may have been applied).
// Not modelled: waiting queues (etcd's revision-ordered waiters), session keep-alive streams,
// lease reads by the holder.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/raft/raft_kv_client.h"
#include "scenarios/workloads/lock/lock_backend.h"
#include "sim/env.h"

namespace scenarios::lock {

struct RaftLockConfig {
  std::vector<sim::NodeId> members;  // the Raft replicas
  std::string key = "lock";
  std::string owner;                 // "<node>.<incarnation>"
  int64_t session = 1;               // KV client id of the holder's calls; the watchdog's is +1
  sim::Duration call_timeout = sim::Duration::Millis(500);  // one lock call, retries included
  sim::Duration attempt_timeout = sim::Duration::Millis(100);
  // Fencing on: grants carry the log index as token (the resource checks it); off: -1, as a
  // client that ignores the token would (the negative spec's Raft lock without fencing).
  bool fencing = true;
};

class RaftLockBackend final : public LockBackend {
 public:
  RaftLockBackend(sim::Env env, RaftLockConfig config);

  sim::Task<sim::Result<std::optional<LockGrant>>> Acquire(sim::Duration lease) override;
  sim::Task<sim::Result<Released>> Release(LockGrant grant) override;
  sim::Task<sim::Result<bool>> Renew(LockGrant grant, sim::Duration lease) override;

  // A grant's value is "<owner>#<log index>": unique per grant, and it keeps the KV token
  // for release and renew even when fencing is off and LockGrant::token is -1.
  static int64_t KvToken(const LockGrant& grant);

 private:

  sim::Env env_;
  RaftLockConfig config_;
  models::raft::RaftKvClient client_;
  models::raft::RaftKvClient renewal_;
};

}  // namespace scenarios::lock
