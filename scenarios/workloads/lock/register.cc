#include "scenarios/workloads/lock/register.h"

#include "scenarios/registry.h"
#include "scenarios/workloads/lock/lock_checkers.h"
#include "scenarios/workloads/lock/raft_lock_workload.h"
#include "scenarios/workloads/lock/redis_lock_workload.h"
#include "scenarios/workloads/raft/raft_cluster.h"

namespace scenarios {

void RegisterLock(Registry& r) {
  r.workloads.push_back(WorkloadEntry{
      EntrySpec{"redis_lock",
                "Lock clients take a Redis lock (ladder D-1) around writes to a protected "
                "resource; Redis is a primary with asynchronous replicas under Sentinel",
                {params::Int("clients", 1, 50, 3, "lock client nodes"),
                 params::Int("replicas", 0, 4, 1, "asynchronous Redis replicas (failover needs one)"),
                 params::Ms("lease_ms", 1, 3'600'000, 10'000, "lock TTL (the slides' 10 s, 000:933)"),
                 params::Ms("hold_ms", 1, 3'600'000, 300,
                         "mean critical-section length (drawn in [hold/2, 3*hold/2])"),
                 params::Int("writes", 1, 1000, 3, "resource writes per critical section"),
                 params::Ms("retry_ms", 1, 600'000, 100, "wait after a failed acquire (000:833)"),
                 params::Ms("think_ms", 1, 600'000, 100, "mean pause after a release"),
                 params::Ms("timeout_ms", 1, 600'000, 500, "Redis and resource call timeout"),
                 params::Ms("renew_ms", 0, 3'600'000, 0,
                         "watchdog period with lock.renewal=on; 0: a third of the lease")}},
      &lock::MakeRedisLockWorkload});
  std::vector<ParamSpec> raft_params = {
      params::Int("clients", 1, 50, 3, "lock client nodes"),
      params::Int("nodes", 1, 9, 3, "Raft replicas (the fixed membership)"),
      params::Ms("lease_ms", 1, 3'600'000, 10'000, "lock lease"),
      params::Ms("hold_ms", 1, 3'600'000, 300,
                 "mean critical-section length (drawn in [hold/2, 3*hold/2])"),
      params::Int("writes", 1, 1000, 3, "resource writes per critical section"),
      params::Ms("retry_ms", 1, 600'000, 100, "wait after a failed acquire"),
      params::Ms("think_ms", 1, 600'000, 100, "mean pause after a release"),
      params::Ms("timeout_ms", 1, 600'000, 500,
                 "time one lock call gets, retries included; resource call timeout"),
      params::Ms("renew_ms", 0, 3'600'000, 0,
                 "watchdog period with lock.renewal=on; 0: a third of the lease")};
  for (ParamSpec& p : raft::RaftTimingParams()) raft_params.push_back(std::move(p));
  r.workloads.push_back(WorkloadEntry{
      EntrySpec{"raft_lock",
                "The same lock clients and protected resource with the lock on a Raft-replicated "
                "KV (raft1..raftN): grants are committed log entries, the fencing token is the "
                "entry's log index, leases run on the leaders' stamped clocks",
                std::move(raft_params)},
      &lock::MakeRaftLockWorkload});
  r.checkers.push_back({EntrySpec{"lock.mutual_exclusion",
                                  "INV-L2: no two clients' critical sections overlap in time", {}},
                        &lock::MakeMutualExclusionChecker});
  r.checkers.push_back(
      {EntrySpec{"lock.resource_safe",
                 "The protected resource never accepted two holders' writes interleaved (nor, "
                 "with fencing, out of token order)", {}},
       &lock::MakeResourceSafeChecker});
  r.checkers.push_back(
      {EntrySpec{"lock.safe_release",
                 "INV-L1: a release deletes the lock only while it is the releaser's", {}},
       &lock::MakeSafeReleaseChecker});
  r.checkers.push_back(
      {EntrySpec{"lock.no_deadlock",
                 "INV-L3: the lock never lingers without expiry after its holder died", {}},
       &lock::MakeNoDeadlockChecker});
  r.variants.push_back(
      {"lock.stage", {"1", "2", "3", "4", "5"}, "5",
       "Redis lock rung of ladder D-1: 1 SETNX no expiry (F-1), 2 SETNX then EXPIRE (F-2), 3 SET "
       "NX PX + plain DEL (F-3), 4 unique value + GET-then-DEL (F-4), 5 + Lua compare-and-delete"});
  r.variants.push_back({"lock.renewal", {"on", "off"}, "on",
                        "watchdog renewing the lease by compare-and-PEXPIRE (D-1 stage 6; off: "
                        "F-5 when a section outlives the lease)"});
  r.variants.push_back({"lock.fencing", {"on", "off"}, "on",
                        "fencing tokens (INCR) checked by the resource (D-1 rung 7, anchors "
                        "§2.20; off: a paused or failed-over holder's writes interleave)"});
}

}  // namespace scenarios
