#pragma once
// PgClient: the SqlClient port over a real PostgreSQL 15 (PgConnection, libpq).
//
// Each call runs the statement on the connection and co_returns its answer, with PgConnection's
// mapping of PostgreSQL onto the model's semantics (READ COMMITTED, statement-level rollback,
// SQLSTATEs onto db_error.h). Statements that may wait for a row lock (INSERT, SELECT / Get,
// UPDATE, DELETE) are sent without blocking and their answer is polled: between polls the task
// sleeps `poll_interval` on its executor, so other tasks of the same executor (a second client,
// the one that will commit) run while PostgreSQL makes this one wait. BEGIN, COMMIT and ROLLBACK
// never wait for locks and run synchronously.
// Close ends the open transaction and keeps the libpq connection (the next calls run in what is,
// for these statements, a fresh session: lock_timeout and other settings are kept).
// Differences from SimSqlClient: no client-side timeout (PostgreSQL's lock_timeout ends lock
// waits); a broken connection answers kUnavailable and stays broken.

#include <memory>

#include "models/db/real/pg_connection.h"
#include "models/db/sql_client.h"

namespace models::db::real {

class PgClient final : public SqlClient {
 public:
  explicit PgClient(std::unique_ptr<PgConnection> connection,
                    sim::Duration poll_interval = sim::Duration::Millis(1));

  PgConnection& connection() { return *connection_; }

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

 private:
  // Polls until the statement in flight has its answer (or the connection broke).
  sim::Task<sim::Result<void>> AwaitAnswer();

  std::unique_ptr<PgConnection> connection_;
  sim::Duration poll_interval_;
};

}  // namespace models::db::real
