// DbModel: DDL, sessions, transactions, the commit log and crashes. Statement execution is in
// db_statements.cc. See db_model.h for the fidelity contract.

#include "models/db/db_model.h"

#include <algorithm>
#include <utility>

#include "sim/assert.h"
#include "models/db/db_error.h"

namespace models::db {

DbModel::DbModel(DbOptions options) : options_(options) {
  SIM_ASSERT_GE(options_.lock_wait_timeout, sim::Duration::Zero());
}

sim::Result<void> DbModel::CreateTable(TableDef def) {
  sim::Result<void> valid = ValidateTableDef(def);
  if (!valid) return valid;
  if (TableIndex(def.name) >= 0) {
    return sim::MakeError(sim::Errc::kInvalid, "table exists: " + def.name.ToString());
  }
  const auto id = static_cast<uint32_t>(tables_.size());
  LogEntry entry;
  entry.position = log_.size() + 1;
  entry.create = def;
  log_.push_back(std::move(entry));
  tables_.emplace_back(id, std::move(def));
  return {};
}

// A scan: a model holds a few dozen tables at most, and string equality rules most names out by
// length, where a map ordered by (schema, table) ran two three-way string compares at every
// level (about 400 instructions a statement).
int DbModel::TableIndex(const TableName& name) const {
  for (size_t i = 0; i < tables_.size(); ++i) {
    if (tables_[i].def().name == name) return static_cast<int>(i);
  }
  return -1;
}

const TableDef* DbModel::FindTableDef(const TableName& name) const {
  const int i = TableIndex(name);
  return i < 0 ? nullptr : &tables_[static_cast<size_t>(i)].def();
}

sim::Result<Table*> DbModel::FindTable(const TableName& name) {
  const int i = TableIndex(name);
  if (i < 0) return NoSuchTableError(name.ToString());
  return &tables_[static_cast<size_t>(i)];
}

SessionId DbModel::Connect() {
  const SessionId id = next_session_++;
  sessions_.emplace(id, Session{});
  return id;
}

void DbModel::Disconnect(SessionId session) {
  auto it = sessions_.find(session);
  if (it == sessions_.end()) return;
  RollbackTxn(session, it->second);
  sessions_.erase(it);
}

bool DbModel::InTransaction(SessionId session) const {
  auto it = sessions_.find(session);
  return it != sessions_.end() && it->second.txn_open;
}

sim::Result<DbModel::Session*> DbModel::Find(SessionId session) {
  auto it = sessions_.find(session);
  if (it == sessions_.end()) {
    return NoSuchSessionError("session " + std::to_string(session) + " is not connected");
  }
  return &it->second;
}

sim::Result<void> DbModel::Begin(SessionId id) {
  sim::Result<Session*> session = Find(id);
  if (!session) return session.error();
  if ((*session)->txn_open) {
    return sim::MakeError(sim::Errc::kInvalid, "BEGIN inside a transaction");
  }
  (*session)->txn_open = true;
  (*session)->explicit_txn = true;
  return {};
}

sim::Result<void> DbModel::Commit(SessionId id) {
  sim::Result<Session*> session = Find(id);
  if (!session) return session.error();
  if ((*session)->stmt_blocked) {
    return sim::MakeError(sim::Errc::kInvalid, "COMMIT while a statement waits");
  }
  if ((*session)->txn_open) CommitTxn(id, **session);
  return {};
}

sim::Result<void> DbModel::Rollback(SessionId id) {
  sim::Result<Session*> session = Find(id);
  if (!session) return session.error();
  if ((*session)->stmt_blocked) {
    return sim::MakeError(sim::Errc::kInvalid, "ROLLBACK while a statement waits");
  }
  RollbackTxn(id, **session);
  return {};
}

void DbModel::StartStatement(Session& session) {
  // An autocommit statement runs in its own transaction, which stays open while it waits.
  session.txn_open = true;
}

void DbModel::EndStatement(SessionId id, Session& session, bool ok,
                           const std::set<RowKey>& keep) {
  session.stmt_blocked = false;
  session.reserved_id.reset();
  locks_.CancelWait(id);
  // Locks the statement took on rows it did not keep or write go back at once (a failed
  // statement's locks too: the PostgreSQL client's savepoint rollback releases them).
  for (const RowKey& key : session.stmt_locks) {
    if (keep.count(key) == 0 && session.writes.count(key) == 0) locks_.Release(id, key);
  }
  session.stmt_locks.clear();
  if (!session.explicit_txn && session.txn_open) {
    if (ok) {
      CommitTxn(id, session);
    } else {
      RollbackTxn(id, session);
    }
  }
}

Outcome<int64_t> DbModel::BlockOn(SessionId id, sim::Instant now, RowKey key,
                                  SessionId holder) {
  SIM_ASSERT_NE(holder, id);
  SIM_ASSERT(locks_.Holds(holder, key));
  if (locks_.WouldDeadlock(id, holder)) {
    RollbackTxn(id, sessions_.at(id));
    return DeadlockError("session " + std::to_string(id) + " waiting for session " +
                         std::to_string(holder) + " closes a cycle; transaction rolled back");
  }
  // A retry of a wait that was not woken keeps its deadline; a new wait starts a new one.
  const LockWait* previous = locks_.FindWait(id);
  const sim::Instant deadline = previous != nullptr ? previous->deadline
                                                    : now + options_.lock_wait_timeout;
  if (now >= deadline) {
    locks_.CancelWait(id);
    return LockWaitTimeoutError("session " + std::to_string(id) + " waited for session " +
                                std::to_string(holder) + " until " + sim::FormatInstant(now));
  }
  locks_.Wait(id, LockWait{key, holder, deadline});
  return Blocked{holder, deadline};
}

void DbModel::CommitTxn(SessionId id, Session& session) {
  LogEntry entry;
  for (const RowKey& key : session.writes) {  // (table, pk) order
    Table& table = tables_[key.table];
    std::optional<std::optional<Row>> after = table.CommitPending(key.pk, id);
    if (after) entry.changes.push_back(LogChange{table.def().name, key.pk, std::move(*after)});
  }
  if (!entry.changes.empty()) {
    entry.position = log_.size() + 1;
    log_.push_back(std::move(entry));
  }
  locks_.ReleaseAll(id);
  session = Session{};
}

void DbModel::RollbackTxn(SessionId id, Session& session) {
  for (const RowKey& key : session.writes) tables_[key.table].AbortPending(key.pk, id);
  locks_.ReleaseAll(id);
  session = Session{};
}

std::vector<SessionId> DbModel::TakeRunnable() {
  std::vector<SessionId> woken = locks_.TakeRunnable();
  std::vector<SessionId> out;
  for (SessionId id : woken) {
    auto it = sessions_.find(id);
    if (it != sessions_.end() && it->second.stmt_blocked) out.push_back(id);
  }
  return out;
}

std::optional<sim::Instant> DbModel::WaitDeadline(SessionId session) const {
  const LockWait* wait = locks_.FindWait(session);
  if (wait == nullptr) return std::nullopt;
  return wait->deadline;
}

std::optional<sim::Instant> DbModel::NextWaitDeadline() const {
  std::optional<sim::Instant> earliest;
  for (const auto& [session, wait] : locks_.waits()) {
    if (!earliest || wait.deadline < *earliest) earliest = wait.deadline;
  }
  return earliest;
}

void DbModel::Crash() {
  // Only committed state is durable: pending writes of every open transaction vanish.
  for (auto& [id, session] : sessions_) {
    for (const RowKey& key : session.writes) tables_[key.table].AbortPending(key.pk, id);
  }
  sessions_.clear();
  locks_.Clear();
  for (const Table& table : tables_) {
    for (const auto& [pk, slot] : table.slots()) SIM_ASSERT(!slot.has_pending);
  }
}

std::vector<LogEntry> DbModel::ReadLog(uint64_t after, size_t max_entries) const {
  std::vector<LogEntry> out;
  for (uint64_t pos = after + 1; pos <= log_.size() && out.size() < max_entries; ++pos) {
    out.push_back(log_[pos - 1]);
  }
  return out;
}

std::vector<Row> DbModel::CommittedRows(const TableName& name) const {
  std::vector<Row> rows;
  ForEachCommitted(name, [&rows](const Row& row) { rows.push_back(row); });
  return rows;
}

void DbModel::ForEachCommitted(const TableName& name,
                               const std::function<void(const Row&)>& fn) const {
  const int i = TableIndex(name);
  if (i < 0) return;
  for (const auto& [pk, slot] : tables_[static_cast<size_t>(i)].slots()) {
    if (slot.committed) fn(*slot.committed);
  }
}

}  // namespace models::db
