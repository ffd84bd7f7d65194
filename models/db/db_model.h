#pragma once
// DbModel: a synchronous, deterministic MySQL-like engine hosting several schemas.
//
// Fidelity contract.
// Models: typed tables (value.h) with a primary key, auto-increment, unique keys; the statements
// of statements.h; sessions with BEGIN / COMMIT / ROLLBACK and autocommit; strict two-phase
// row locking; lock waits, lock-wait timeouts and deadlock detection; a durable commit log that
// feeds asynchronous replicas (replica.h); crash of the server process.
// Isolation: READ COMMITTED, chosen because PostgreSQL's default READ COMMITTED and InnoDB's
// READ COMMITTED behave alike here and the real client can match it exactly. Plain reads see the
// latest committed version (or the session's own write) and never block. UPDATE, DELETE and
// SELECT ... FOR UPDATE evaluate the WHERE clause on that same version, skip rows that do not
// match without waiting, wait for the exclusive lock on rows that do, and evaluate WHERE again on
// the then-current version before acting (PostgreSQL's EvalPlanQual, InnoDB's semi-consistent
// read), releasing the lock of a row that no longer matches. Writes and FOR UPDATE hold their
// locks to COMMIT / ROLLBACK. So the mall's guarded `UPDATE ... SET stock_locked = stock_locked
// + n WHERE ... AND stock - stock_locked >= n` can never oversell. InnoDB's default REPEATABLE
// READ (snapshot reads, gap locks) is NOT modelled.
// Blocking: a statement that needs a lock held by another session returns Blocked and registers
// the session as a waiter; after the holder commits or rolls back, TakeRunnable() names it and
// the caller retries the same statement (REQUIRES: a blocked session issues nothing but that
// retry, or Disconnect). A retry at or after the wait's deadline (now + lock_wait_timeout,
// counted from when this lock wait began) fails with a lock-wait timeout (kConflict) that rolls
// back only the statement, as innodb_rollback_on_timeout=OFF. A wait that would close a cycle in
// the wait-for graph makes the requesting session the victim: its whole transaction is rolled
// back and the statement fails with a deadlock error (kConflict, like MySQL 1213).
// Errors: duplicate key, NOT NULL and out-of-range fail the statement only (MySQL); inside an
// explicit transaction the transaction goes on. Affected counts are rows matched (what JDBC
// reports to the mall, useAffectedRows=false). A statement that blocks and is retried restarts
// from scratch, so on a multi-row statement it may see rows committed while it waited, where
// PostgreSQL keeps its first snapshot.
// Faults: Crash() rolls back every transaction in flight, drops every session and lock and keeps
// everything committed (innodb_flush_log_at_trx_commit=1); the commit log can lag on replicas.
// Not modelled: SQL text, joins, aggregates, ORDER BY / LIMIT, secondary-index locking scope
// (FOR UPDATE on a non-indexed column locks only matching rows here, not the whole table, F-53),
// gap locks, shared locks, savepoints, case-insensitive collations, DDL inside transactions.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "models/db/commit_log.h"
#include "models/db/lock_manager.h"
#include "models/db/statements.h"
#include "models/db/table.h"
#include "sim/result.h"
#include "sim/time.h"

namespace models::db {

struct DbOptions {
  sim::Duration lock_wait_timeout = sim::Duration::Seconds(50);  // innodb_lock_wait_timeout
};

class DbModel {
 public:
  explicit DbModel(DbOptions options = {});

  // DDL: not transactional; logged so replicas learn the table.
  sim::Result<void> CreateTable(TableDef def);
  const TableDef* FindTableDef(const TableName& name) const;

  SessionId Connect();
  // Rolls back the session's transaction (and abandons a blocked statement).
  void Disconnect(SessionId session);
  bool Connected(SessionId session) const { return sessions_.count(session) != 0; }
  bool InTransaction(SessionId session) const;

  // BEGIN inside a transaction is kInvalid (MySQL would commit implicitly; the mall never does
  // it). COMMIT / ROLLBACK outside one succeed and do nothing, as in both servers.
  sim::Result<void> Begin(SessionId session);
  sim::Result<void> Commit(SessionId session);
  sim::Result<void> Rollback(SessionId session);

  Outcome<int64_t> Insert(SessionId session, sim::Instant now, const InsertStmt& stmt);
  Outcome<std::vector<Row>> Select(SessionId session, sim::Instant now, const SelectStmt& stmt);
  Outcome<std::optional<Row>> Get(SessionId session, sim::Instant now, const TableName& table,
                                  int64_t pk, bool for_update = false);
  Outcome<int64_t> Update(SessionId session, sim::Instant now, const UpdateStmt& stmt);
  Outcome<int64_t> Delete(SessionId session, sim::Instant now, const DeleteStmt& stmt);

  // Blocked sessions whose lock was released since the last call, in wake order.
  std::vector<SessionId> TakeRunnable();
  // When the session's current lock wait times out; nullopt if it is not waiting.
  std::optional<sim::Instant> WaitDeadline(SessionId session) const;
  // The earliest deadline over all waits, for the caller's timer.
  std::optional<sim::Instant> NextWaitDeadline() const;

  void Crash();

  // Commit log positions run 1..LogEnd(). Entries with position > after, at most max_entries.
  uint64_t LogEnd() const { return log_.size(); }
  std::vector<LogEntry> ReadLog(uint64_t after, size_t max_entries) const;

  // Committed contents in pk order (checkers and tests; bypasses locks).
  std::vector<Row> CommittedRows(const TableName& table) const;
  // Calls `fn` on each committed row in pk order, without copying (snapshots of busy runs).
  void ForEachCommitted(const TableName& table, const std::function<void(const Row&)>& fn) const;
  const LockManager& locks() const { return locks_; }

 private:
  struct Session {
    bool explicit_txn = false;
    bool txn_open = false;                // explicit, or an autocommit statement still waiting
    std::set<RowKey> writes;              // rows with a pending write of this transaction
    bool stmt_blocked = false;            // a statement waits and will be retried
    std::set<RowKey> stmt_locks;          // locks the current statement took, kept while waiting
    std::optional<int64_t> reserved_id;   // the id an INSERT drew, kept across its retries
  };
  using Undo = std::vector<std::pair<int64_t, std::optional<RowSlot>>>;

  sim::Result<Session*> Find(SessionId session);
  sim::Result<Table*> FindTable(const TableName& name);
  int TableIndex(const TableName& name) const;  // -1 when absent
  void StartStatement(Session& session);
  // Ends a statement: keeps `keep` locked, releases the other locks it took, and ends an
  // autocommit transaction (commit on success, rollback on error).
  void EndStatement(SessionId id, Session& session, bool ok, const std::set<RowKey>& keep);
  template <class T>
  Outcome<T> Finish(SessionId id, Session& session, Outcome<T> outcome,
                    const std::set<RowKey>& keep = {});
  // Registers a wait for `key` held by `holder`, or fails with a deadlock / lock-wait timeout.
  Outcome<int64_t> BlockOn(SessionId id, sim::Instant now, RowKey key, SessionId holder);
  // Locks the rows matching eq AND guard; the pks that still match once locked.
  Outcome<std::vector<int64_t>> LockMatching(SessionId id, Session& session, sim::Instant now,
                                             Table& table, const Assignments& eq,
                                             const Guard& guard);
  std::vector<int64_t> Candidates(const Table& table, SessionId id, const Assignments& eq,
                                  const Guard& guard) const;
  Outcome<int64_t> InsertRow(SessionId id, Session& session, sim::Instant now, Table& table,
                             Row row);
  Outcome<int64_t> UpdateRows(SessionId id, Session& session, sim::Instant now, Table& table,
                              const UpdateStmt& stmt, const std::vector<int64_t>& matched);
  void UndoStatement(Table& table, Undo& undo);
  void CommitTxn(SessionId id, Session& session);
  void RollbackTxn(SessionId id, Session& session);

  DbOptions options_;
  std::vector<Table> tables_;                 // index = RowKey::table
  std::map<SessionId, Session> sessions_;
  SessionId next_session_ = 1;
  LockManager locks_;
  std::vector<LogEntry> log_;
};

}  // namespace models::db
