#pragma once
// SqlClient: the port through which mall code talks to its database (ARCHITECTURE.md §2).
//
// One SqlClient object is one connection, hence one session: BEGIN / COMMIT / ROLLBACK and the
// typed statements of statements.h, each answering with the result a successful DbModel
// statement gives (the new primary key, rows in primary-key order, the affected count) or an
// error of db_error.h. Outside BEGIN ... COMMIT every statement runs in autocommit mode.
// In simulation the implementation is SimSqlClient (an RPC per call to a DbServer node); in real
// mode it is PgClient (PostgreSQL through libpq). Callers cannot tell them apart.
//
// Outcomes, Jepsen style: kTimeout means the statement (or the COMMIT) may or may not have taken
// effect; kUnavailable means the connection is gone and nothing of the open transaction will
// ever commit; any other error means the statement did not take effect (a deadlock error also
// rolled back the whole transaction, see db_model.h).
// REQUIRES: one call at a time per client, as on a real connection.

#include <cstdint>
#include <optional>
#include <vector>

#include "models/db/statements.h"
#include "sim/result.h"
#include "sim/task.h"

namespace models::db {

class SqlClient {
 public:
  virtual ~SqlClient() = default;

  virtual sim::Task<sim::Result<void>> Begin() = 0;
  virtual sim::Task<sim::Result<void>> Commit() = 0;
  virtual sim::Task<sim::Result<void>> Rollback() = 0;

  virtual sim::Task<sim::Result<int64_t>> Insert(InsertStmt stmt) = 0;
  virtual sim::Task<sim::Result<std::vector<Row>>> Select(SelectStmt stmt) = 0;
  virtual sim::Task<sim::Result<std::optional<Row>>> Get(TableName table, int64_t pk,
                                                         bool for_update) = 0;
  virtual sim::Task<sim::Result<int64_t>> Update(UpdateStmt stmt) = 0;
  virtual sim::Task<sim::Result<int64_t>> Delete(DeleteStmt stmt) = 0;

  // Ends the session: the server rolls back an open transaction. Later calls open a new session.
  virtual sim::Task<sim::Result<void>> Close() = 0;
};

}  // namespace models::db
