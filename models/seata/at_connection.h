#pragma once
// Seata AT on the service side: the RM's ConnectionProxy (what DataSourceProxy hands out,
// 003:771-783), the TM's begin / commit / rollback, and the RM's phase-two endpoint.
//
// Fidelity contract.
// AtConnection wraps one SqlClient connection for one local transaction.
//   In a global transaction (xid set): every INSERT / UPDATE / DELETE takes its images (for an
//   UPDATE or DELETE a SELECT ... FOR UPDATE of the rows first, then the after image by primary
//   key); at COMMIT the branch registers with the TC, taking the global locks of every row it
//   changed, retrying a lock conflict every lock_retry_interval (10 ms) up to lock_retry_times
//   (30) while the local transaction keeps its row locks (client.rm.lock.retryInterval /
//   retryTimes); it then writes the undo_log row in the same local transaction and commits. A
//   branch that cannot register rolls back and fails with kConflict.
//   Without an xid it is @GlobalLock: the same images are taken for their keys, and the commit
//   first asks the TC whether a global transaction holds any of them (same retries), so a local
//   writer never changes a row some global transaction may still roll back.
//   A statement outside BEGIN runs in its own local transaction (Seata's autocommit path).
//   Reads pass through (AT's default read-uncommitted isolation between global transactions).
// The TM: GlobalBegin, then GlobalCommit or GlobalRollback, each retried up to 5 times on an
//   unknown outcome (tm.commit.retry.count / tm.rollback.retry.count).
// The RM's endpoint (ServeAtResource): phase-two commit deletes the branch's undo_log row;
//   rollback applies it in a local transaction (undo_log.h); finding no undo_log row it inserts
//   a GlobalFinished row instead, so a phase one that commits later fails on the unique key.
// Not modelled: SQL parsing (statements are the typed ones of models/db), multi-row batch
//   inserts (AT cannot do them, 003:801), table meta caching.

#include <memory>
#include <string>
#include <vector>

#include "models/db/sql_client.h"
#include "models/seata/seata_protocol.h"
#include "models/seata/undo_log.h"
#include "sim/env.h"

namespace models::seata {

struct AtContext {
  sim::Env env;
  sim::NodeId tc = 0;
  std::string resource;  // the schema this RM's branches live in
  const std::vector<db::TableDef>* catalog = nullptr;
  sim::Duration rpc_timeout = sim::Duration::Seconds(3);
  int lock_retry_times = 30;
  sim::Duration lock_retry_interval = sim::Duration::Millis(10);
};

class AtConnection final : public db::SqlClient {
 public:
  // REQUIRES: target outlives this. An empty xid: @GlobalLock mode.
  AtConnection(db::SqlClient* target, AtContext ctx, std::string xid)
      : target_(target), ctx_(std::move(ctx)), xid_(std::move(xid)) {}

  sim::Task<sim::Result<void>> Begin() override;
  sim::Task<sim::Result<void>> Commit() override;
  sim::Task<sim::Result<void>> Rollback() override;
  sim::Task<sim::Result<int64_t>> Insert(db::InsertStmt stmt) override;
  sim::Task<sim::Result<std::vector<db::Row>>> Select(db::SelectStmt stmt) override;
  sim::Task<sim::Result<std::optional<db::Row>>> Get(db::TableName table, int64_t pk,
                                                     bool for_update) override;
  sim::Task<sim::Result<int64_t>> Update(db::UpdateStmt stmt) override;
  sim::Task<sim::Result<int64_t>> Delete(db::DeleteStmt stmt) override;
  sim::Task<sim::Result<void>> Close() override;

 private:
  sim::Task<sim::Result<int64_t>> InsertInTxn(db::InsertStmt stmt);
  sim::Task<sim::Result<int64_t>> UpdateInTxn(db::UpdateStmt stmt);
  sim::Task<sim::Result<int64_t>> DeleteInTxn(db::DeleteStmt stmt);
  // Runs a statement's images and body; outside BEGIN inside a transaction of its own.
  template <class Stmt>
  sim::Task<sim::Result<int64_t>> Dml(Stmt stmt,
                                      sim::Task<sim::Result<int64_t>> (AtConnection::*in_txn)(Stmt));
  // Ends a statement's own transaction when it ran outside BEGIN.
  sim::Task<sim::Result<int64_t>> EndAuto(sim::Result<int64_t> r);
  // Phase one's global part: register the branch (or, @GlobalLock, check the locks).
  sim::Task<sim::Result<void>> TakeGlobalLocks();
  std::vector<std::string> LockKeys() const;

  db::SqlClient* target_;
  AtContext ctx_;
  std::string xid_;
  bool in_txn_ = false;
  std::vector<UndoItem> undo_;
};

// The TM side of @GlobalTransactional. GlobalBegin answers the xid.
sim::Task<sim::Result<std::string>> GlobalBegin(sim::Env env, sim::NodeId tc, std::string name,
                                                sim::Duration timeout, sim::Duration rpc_timeout);
sim::Task<sim::Result<GlobalStatus>> GlobalEnd(sim::Env env, sim::NodeId tc, std::string xid,
                                               bool commit, sim::Duration rpc_timeout);

// Serves kRmPort for the branches of `resource` on the database at `db`.
struct RmConfig {
  sim::Endpoint db;
  sim::Duration db_timeout = sim::Duration::Seconds(5);
  const std::vector<db::TableDef>* catalog = nullptr;
};
void ServeAtResource(sim::Env env, RmConfig config);

}  // namespace models::seata
