#pragma once
// The messages between Seata's three roles (003:685-695): the TM (the @GlobalTransactional
// method that begins and ends a global transaction), the RMs (each service's DataSourceProxy,
// one branch per local transaction) and the TC (seata-server, which holds the global sessions
// and the global row locks and drives phase two).
//
// Fidelity contract: the requests of Seata's RPC (GlobalBeginRequest, BranchRegisterRequest,
// GlobalLockQueryRequest, GlobalCommitRequest, GlobalRollbackRequest, and the TC's
// BranchCommitRequest / BranchRollbackRequest to an RM), with Seata's global statuses. Lock keys
// are "schema.table:pk", one per row a branch changed (Seata's "table:pk1,pk2"). Results follow
// sim/rpc.h: kConflict is "global lock conflict", kRejected "the global transaction is no longer
// in Begin", kTimeout unknown. Not modelled: transaction groups / vgroup mapping (F-55's "no
// available server" misconfiguration), the TCC and saga modes, XA.

#include <cstdint>
#include <string>
#include <vector>

#include "sim/network.h"
#include "sim/time.h"

namespace models::seata {

// seata-server listens on 8091; the model gives each request type its own port.
inline constexpr sim::Port kTcBeginPort = 8091;
inline constexpr sim::Port kTcRegisterPort = 8092;
inline constexpr sim::Port kTcLockQueryPort = 8093;
inline constexpr sim::Port kTcEndPort = 8094;
inline constexpr sim::Port kRmPort = 8095;  // where a service's RM takes phase-two requests

enum class GlobalStatus : uint8_t {
  kBegin,
  kCommitted,         // phase two: branches' undo logs are deleted asynchronously
  kRollbacking,       // the TM asked for it
  kTimeoutRollbacking,  // the TC's timeout checker started it
  kRollbackRetrying,  // a branch could not be undone yet (unreachable RM, dirty data)
  kRollbacked,
  kFinished,          // unknown to the TC: ended long ago (or never begun)
};
const char* GlobalStatusName(GlobalStatus s);

struct GlobalBeginRequest {
  std::string name;       // the method, for the trace
  sim::Duration timeout;  // @GlobalTransactional(timeoutMills), 60 s by default
};

struct BranchRegisterRequest {
  std::string xid;
  std::string resource;     // the RM's database (schema), e.g. "wms"
  sim::Endpoint rm;         // where the TC sends this branch's phase two
  std::vector<std::string> lock_keys;
};

// @GlobalLock: is any of `lock_keys` held by a global transaction?
struct GlobalLockQueryRequest {
  std::vector<std::string> lock_keys;
};

struct GlobalEndRequest {
  std::string xid;
  bool commit = true;  // false: rollback
};

// TC -> RM, phase two of one branch.
struct BranchEndRequest {
  std::string xid;
  int64_t branch_id = 0;
  std::string resource;
  bool commit = true;  // commit: delete the undo log; rollback: apply it
};

// "wms.wms_ware_sku:7": the row lock key of Seata's lock table.
std::string LockKey(const std::string& table, int64_t pk);

}  // namespace models::seata
