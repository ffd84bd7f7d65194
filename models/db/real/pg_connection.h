#pragma once
// PgConnection: the model's typed statements run on a real PostgreSQL 15 over libpq.
//
// One connection is one session. It maps the model's semantics onto PostgreSQL:
// - isolation READ COMMITTED (the model's level; see db_model.h);
// - statement-level rollback inside a transaction (MySQL's behaviour, which the model keeps):
//   every statement in an explicit transaction runs under a savepoint that is rolled back when
//   the statement fails, so the transaction goes on; a deadlock instead rolls back the whole
//   transaction, as MySQL does and as the model does;
// - lock waits end after lock_timeout (the model's lock_wait_timeout) with the lock-wait-timeout
//   error; SQLSTATEs map to db_error.h (23505 duplicate key, 55P03 lock wait timeout, 40P01
//   deadlock, 23502 not null, 22003 out of range, 42P01 no such table); a broken connection is
//   kUnavailable.
// Statements are checked against the table definition with the model's own checks before they
// are sent, so malformed statements fail identically (kInvalid) in both worlds.
// Blocking: the synchronous calls block while PostgreSQL waits for a lock; the Send* / Finish*
// pairs start a statement and collect its answer later (a test observes meanwhile that it waits,
// with IsWaitingForLock from another connection; PgClient polls ResultReady so that other tasks
// of its executor run while PostgreSQL waits).

#include <libpq-fe.h>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "models/db/real/pg_sql.h"
#include "models/db/statements.h"
#include "sim/result.h"
#include "sim/time.h"

namespace models::db::real {

class PgConnection {
 public:
  // `conninfo` as libpq takes it; `prefix` names this run's schemas (<prefix>_<schema>).
  static sim::Result<std::unique_ptr<PgConnection>> Connect(const std::string& conninfo,
                                                            std::string prefix);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  const std::string& prefix() const { return prefix_; }
  int BackendPid() const;

  // Creates the schema (if needed) and the table, and registers the definition.
  sim::Result<void> CreateTable(const TableDef& def);
  // Registers a definition for a table that already exists (e.g. made by another connection).
  void RegisterTable(const TableDef& def);
  // The registered definition; no_such_table when the table was never registered.
  sim::Result<const TableDef*> Lookup(const TableName& table) const;
  // DROP TABLE, so a test can recreate it.
  sim::Result<void> DropTable(const TableName& table);
  // DROP SCHEMA ... CASCADE of every schema this connection registered.
  sim::Result<void> DropSchemas();

  sim::Result<void> SetLockWaitTimeout(sim::Duration timeout);
  // PostgreSQL detects deadlocks after deadlock_timeout, from the side whose timer fires first.
  sim::Result<void> SetDeadlockTimeout(sim::Duration timeout);

  bool InTransaction() const { return in_txn_; }
  sim::Result<void> Begin();
  sim::Result<void> Commit();
  sim::Result<void> Rollback();

  sim::Result<int64_t> Insert(const InsertStmt& stmt);
  sim::Result<std::vector<Row>> Select(const SelectStmt& stmt);
  sim::Result<std::optional<Row>> Get(const TableName& table, int64_t pk, bool for_update = false);
  sim::Result<int64_t> Update(const UpdateStmt& stmt);
  sim::Result<int64_t> Delete(const DeleteStmt& stmt);

  // Start a statement without waiting for its answer (REQUIRES: nothing else in flight), then
  // wait for the answer with the matching Finish call.
  sim::Result<void> SendUpdate(const UpdateStmt& stmt);
  sim::Result<int64_t> FinishUpdate();
  sim::Result<void> SendInsert(const InsertStmt& stmt);
  sim::Result<int64_t> FinishInsert();
  sim::Result<void> SendSelect(const SelectStmt& stmt);
  sim::Result<std::vector<Row>> FinishSelect();
  sim::Result<void> SendDelete(const DeleteStmt& stmt);
  sim::Result<int64_t> FinishDelete();
  // Whether the answer of the statement in flight has arrived (so Finish* will not block);
  // waits for it at most `wait_max` of wall time. kUnavailable when the connection broke.
  sim::Result<bool> ResultReady(sim::Duration wait_max);

  // Whether backend `pid` is waiting for a lock held by another backend.
  sim::Result<bool> IsWaitingForLock(int pid);
  // Runs one SQL command without parameters (setup and cleanup).
  sim::Result<void> Exec(const std::string& sql);

 private:
  struct ResultDeleter {
    void operator()(PGresult* result) const { PQclear(result); }
  };
  using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

  PgConnection(PGconn* conn, std::string prefix);
  // Sends a statement (under a savepoint inside a transaction) / collects its result.
  sim::Result<void> Send(const SqlText& text);
  sim::Result<PgResult> Collect();
  sim::Result<PgResult> Run(const SqlText& text);
  sim::Result<std::vector<Row>> DecodeRows(const TableDef& def, const PGresult* result) const;
  sim::Error ErrorOf(const PGresult* result) const;
  sim::Error ConnectionError(const std::string& what) const;

  PGconn* conn_;
  std::string prefix_;
  std::map<TableName, TableDef> tables_;
  std::set<std::string> schemas_;
  bool in_txn_ = false;
  bool in_flight_ = false;
  TableName in_flight_table_;  // of a SendSelect, to decode its rows
};

}  // namespace models::db::real
