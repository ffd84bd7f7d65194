#pragma once
// seata-server, the transaction coordinator (TC) of Seata AT (003:681-801), as a node.
//
// Fidelity contract.
// Models: DefaultCoordinator / DefaultCore of Seata 1.x in AT mode. GlobalBegin opens a global
//   session with a deadline (timeoutMills); BranchRegister takes the branch's global row locks
//   (the lock table) or fails with a lock conflict, and is refused once the session left Begin;
//   GlobalCommit releases the locks at once and deletes the branches' undo logs asynchronously;
//   GlobalRollback asks every branch, newest first, to apply its undo log and releases the locks
//   only when all have; a branch that cannot be undone yet (RM unreachable, dirty data) leaves the
//   session RollbackRetrying with its locks held, retried every second for ever (Seata's
//   rollbackRetryPeriod, max-rollback-retry-timeout -1); the timeout checker rolls back sessions
//   still in Begin past their deadline (TimeoutRollbacking). Locks held until phase two ends are
//   what serializes global transactions that touch the same row (F-55, 003:793).
// Durability: store mode "file" (003:749-757): every session change is written and fsynced to the
//   node's disk before it is answered, so a crash loses nothing acknowledged; a restarted TC
//   reloads its sessions and resumes phase two.
// Faults: crash/restart, partitions, loss and delay towards TMs and RMs.
// Trace: seata.global {xid, status}, seata.branch {xid, branch, resource, locks},
//   seata.lock_conflict {xid, key, holder}.
// Not modelled: TC clusters (store mode db with several servers), transaction groups, the
//   undo-log cleanup of old rows, and the TCC and saga modes.

#include "sim/env.h"

namespace models::seata {

struct TcConfig {
  sim::Duration retry_period = sim::Duration::Seconds(1);  // committing / rollbacking retry
  sim::Duration rm_timeout = sim::Duration::Seconds(3);    // a phase-two call to an RM
};

void BootSeataServer(sim::Env env, TcConfig config);

}  // namespace models::seata
