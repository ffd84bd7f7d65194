#pragma once
// SimSqlClient: a SqlClient whose every call is one RPC over the simulated network to a DbServer
// (or a DbReplica) node.
//
// Fidelity contract: one object is one JDBC-like connection. Its first request opens the session
// on the server. A call that gets no answer within `timeout` ends kTimeout (it may have taken
// effect) and, as a JDBC socket timeout does, breaks the connection: the client sends a
// best-effort COM_QUIT (the server then rolls the session back) and opens a fresh connection at
// its next call, like a pool replacing a broken connection. A refused server or a "connection
// lost" answer (the server restarted or closed the session) breaks it the same way, with
// kUnavailable. While the caller is inside a transaction whose connection broke, every call but
// Begin and Rollback fails with kUnavailable "connection lost" (the transaction is gone and a
// later statement must not silently run in autocommit); Rollback then succeeds at once.
// Faults: those of the network and of the server node; a crash of the client's node destroys
// the call in flight and the server resets the session (db_server.h).
// REQUIRES: one call at a time; the object lives within one incarnation of its node.

#include <cstdint>

#include "models/db/db_protocol.h"
#include "models/db/sql_client.h"
#include "sim/env.h"

namespace models::db {

class SimSqlClient final : public SqlClient {
 public:
  SimSqlClient(sim::Env env, sim::Endpoint server, sim::Duration timeout);

  sim::Task<sim::Result<void>> Begin() override;
  sim::Task<sim::Result<void>> Commit() override;
  sim::Task<sim::Result<void>> Rollback() override;
  sim::Task<sim::Result<int64_t>> Insert(InsertStmt stmt) override;
  sim::Task<sim::Result<std::vector<Row>>> Select(SelectStmt stmt) override;
  sim::Task<sim::Result<std::optional<Row>>> Get(TableName table, int64_t pk,
                                                 bool for_update) override;
  sim::Task<sim::Result<int64_t>> Update(UpdateStmt stmt) override;
  sim::Task<sim::Result<int64_t>> Delete(DeleteStmt stmt) override;
  sim::Task<sim::Result<void>> Close() override;

  uint64_t connection() const { return connection_; }
  // Connections this client opened so far (1 + reconnects after breaks and closes).
  uint64_t connections_opened() const { return connections_opened_; }
  // A pool (Hikari) validating a connection handed back: one whose connection was lost is
  // evicted, so the next borrower gets a new connection instead of the lost transaction's
  // "connection lost" on every statement. (The new connection opens lazily with the next
  // call, as it does for a broken connection outside a transaction.)
  void EvictIfBroken() {
    if (broken_) in_txn_ = false;
  }

 private:
  // `op` lives in the awaiting wrapper's frame, which outlives the call: a DbOp passed by
  // value would be moved twice more per statement (parameter and coroutine frame).
  sim::Task<sim::Result<DbReply>> Call(DbOp* op);
  void NewConnection();

  sim::Env env_;
  sim::Endpoint server_;
  sim::Duration timeout_;
  uint64_t connection_ = 0;
  uint64_t connections_opened_ = 0;
  bool connected_ = false;  // the server answered on this connection at least once
  bool broken_ = false;
  bool in_txn_ = false;     // the caller's view: BEGIN answered, no COMMIT/ROLLBACK yet
  bool busy_ = false;
};

}  // namespace models::db
