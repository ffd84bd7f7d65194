// DbModel statement execution: INSERT, SELECT [FOR UPDATE], UPDATE, DELETE under strict
// two-phase locking. See db_model.h for the fidelity contract.

#include <utility>

#include "sim/assert.h"
#include "models/db/db_error.h"
#include "models/db/db_model.h"

namespace models::db {
namespace {

// Passes a Blocked or error outcome on under another result type.
template <class T, class U>
Outcome<T> Relay(const Outcome<U>& outcome) {
  if (outcome.blocked()) return outcome.blocked_on();
  SIM_ASSERT(!outcome.result().ok());
  return outcome.result().error();
}

sim::Result<void> CheckWhere(const Assignments& eq, const Guard& guard, const TableDef& def) {
  sim::Result<void> ok = CheckEqualities(eq, def);
  if (!ok) return ok;
  return CheckGuard(guard, def);
}

// The full row an INSERT writes before ids and constraints: given values, then defaults.
sim::Result<Row> BuildRow(const TableDef& def, const Assignments& values) {
  std::vector<size_t> indexes;  // the check resolves each name once, for the copy below too
  sim::Result<void> ok = CheckInsertValues(values, def, &indexes);
  if (!ok) return ok.error();
  Row row;
  row.reserve(def.columns.size());
  for (const ColumnDef& column : def.columns) row.push_back(column.default_value);
  // Every column is given at most once (checked), so the given values replace the defaults.
  for (size_t i = 0; i < values.size(); ++i) row[indexes[i]] = values[i].second;
  return row;
}

std::string KeyText(const TableDef& def, const std::string& key, int64_t other_pk) {
  return "key '" + key + "' of " + def.name.ToString() + " already used by row " +
         std::to_string(other_pk);
}

}  // namespace

template <class T>
Outcome<T> DbModel::Finish(SessionId id, Session& session, Outcome<T> outcome,
                           const std::set<RowKey>& keep) {
  if (outcome.blocked()) {
    session.stmt_blocked = true;
    return outcome;
  }
  EndStatement(id, session, outcome.result().ok(), keep);
  return outcome;
}

std::vector<int64_t> DbModel::Candidates(const Table& table, SessionId id, const Assignments& eq,
                                         const Guard& guard) const {
  const TableDef& def = table.def();
  auto matches = [&](int64_t pk) {
    const Row* row = table.Visible(pk, id);
    return row != nullptr && EvalEqualities(eq, def, *row) && EvalGuard(guard, def, *row);
  };
  for (const auto& [name, value] : eq) {
    if (name != def.primary_key) continue;  // a pk equality is a point lookup
    if (value.is_int() && matches(value.AsInt())) return {value.AsInt()};
    return {};
  }
  std::vector<int64_t> out;
  if (std::optional<std::vector<int64_t>> keyed = table.Lookup(eq)) {
    for (int64_t pk : *keyed) {
      if (matches(pk)) out.push_back(pk);
    }
    return out;
  }
  for (const auto& [pk, slot] : table.slots()) {
    if (matches(pk)) out.push_back(pk);
  }
  return out;
}

Outcome<std::vector<int64_t>> DbModel::LockMatching(SessionId id, Session& session,
                                                    sim::Instant now, Table& table,
                                                    const Assignments& eq, const Guard& guard) {
  // Rows that do not match their latest committed version are skipped without waiting.
  const std::vector<int64_t> candidates = Candidates(table, id, eq, guard);
  for (int64_t pk : candidates) {
    const RowKey key{table.id(), pk};
    const bool had = locks_.Holds(id, key);
    if (!locks_.TryAcquire(id, key)) {
      return Relay<std::vector<int64_t>>(BlockOn(id, now, key, *locks_.Holder(key)));
    }
    if (!had) session.stmt_locks.insert(key);
  }
  // Locked now: evaluate again on the current version, which may have changed while we waited.
  std::vector<int64_t> matched;
  for (int64_t pk : candidates) {
    const Row* row = table.Visible(pk, id);
    if (row != nullptr && EvalEqualities(eq, table.def(), *row) &&
        EvalGuard(guard, table.def(), *row)) {
      matched.push_back(pk);
    }
  }
  return matched;
}

Outcome<std::vector<Row>> DbModel::Select(SessionId id, sim::Instant now, const SelectStmt& stmt) {
  sim::Result<Session*> session = Find(id);
  if (!session) return session.error();
  sim::Result<Table*> table = FindTable(stmt.table);
  if (!table) return table.error();
  sim::Result<void> ok = CheckWhere(stmt.where_eq, stmt.guard, (*table)->def());
  if (!ok) return ok.error();
  std::vector<Row> rows;
  if (!stmt.for_update) {  // a consistent read: no transaction, no locks, never blocks
    for (int64_t pk : Candidates(**table, id, stmt.where_eq, stmt.guard)) {
      rows.push_back(*(*table)->Visible(pk, id));
    }
    return rows;
  }
  StartStatement(**session);
  Outcome<std::vector<int64_t>> phase =
      LockMatching(id, **session, now, **table, stmt.where_eq, stmt.guard);
  if (phase.blocked() || !phase.result().ok()) {
    return Finish(id, **session, Relay<std::vector<Row>>(phase));
  }
  std::set<RowKey> keep;
  for (int64_t pk : phase.result().value()) {
    rows.push_back(*(*table)->Visible(pk, id));
    keep.insert(RowKey{(*table)->id(), pk});
  }
  return Finish(id, **session, Outcome<std::vector<Row>>(std::move(rows)), keep);
}

Outcome<std::optional<Row>> DbModel::Get(SessionId id, sim::Instant now, const TableName& table,
                                         int64_t pk, bool for_update) {
  const TableDef* def = FindTableDef(table);
  if (def == nullptr) return NoSuchTableError(table.ToString());
  SelectStmt stmt{table, {{def->primary_key, Value(pk)}}, Guard::True(), for_update};
  Outcome<std::vector<Row>> rows = Select(id, now, stmt);
  if (rows.blocked() || !rows.result().ok()) return Relay<std::optional<Row>>(rows);
  const std::vector<Row>& found = rows.result().value();
  SIM_ASSERT_LE(found.size(), size_t{1});
  if (found.empty()) return std::optional<Row>();
  return std::optional<Row>(found.front());
}

Outcome<int64_t> DbModel::Insert(SessionId id, sim::Instant now, const InsertStmt& stmt) {
  sim::Result<Session*> session = Find(id);
  if (!session) return session.error();
  sim::Result<Table*> table = FindTable(stmt.table);
  if (!table) return table.error();
  sim::Result<Row> row = BuildRow((*table)->def(), stmt.values);
  if (!row) return row.error();
  StartStatement(**session);
  return Finish(id, **session, InsertRow(id, **session, now, **table, std::move(*row)));
}

Outcome<int64_t> DbModel::InsertRow(SessionId id, Session& session, sim::Instant now,
                                    Table& table, Row row) {
  const TableDef& def = table.def();
  const size_t pk_index = def.PkIndex();
  const bool generated = row[pk_index].is_null() && def.auto_increment;
  if (generated) {
    // The id is drawn before any check, as nextval() / InnoDB's counter are, and kept if the
    // statement waits so its retry inserts the same id.
    if (!session.reserved_id) session.reserved_id = table.AllocateId();
    row[pk_index] = Value(*session.reserved_id);
  }
  for (size_t i = 0; i < row.size(); ++i) {
    sim::Result<void> fits = CheckValueFits(def.columns[i], row[i]);
    if (!fits) return fits.error();
  }
  const int64_t pk = row[pk_index].AsInt();
  const RowKey key{table.id(), pk};
  if (const RowSlot* slot = table.Find(pk)) {
    if (slot->has_pending && slot->writer != id) return BlockOn(id, now, key, slot->writer);
    if (Table::Visible(*slot, id) != nullptr) {
      return DuplicateKeyError(KeyText(def, "PRIMARY", pk));
    }
  }
  const UniqueCheck unique = table.CheckUnique(row, pk, id, nullptr);
  if (unique.verdict == UniqueCheck::Verdict::kDuplicate) {
    return DuplicateKeyError(KeyText(def, unique.key_name, unique.conflict_pk));
  }
  if (unique.verdict == UniqueCheck::Verdict::kWait) {
    return BlockOn(id, now, RowKey{table.id(), unique.conflict_pk}, unique.writer);
  }
  const bool had = locks_.Holds(id, key);
  const bool granted = locks_.TryAcquire(id, key);
  SIM_ASSERT(granted);  // a row that no one sees and no one writes has no lock
  if (!had) session.stmt_locks.insert(key);
  table.WritePending(pk, id, std::move(row));
  session.writes.insert(key);
  if (!generated) table.NoteExplicitId(pk);
  return pk;
}

Outcome<int64_t> DbModel::Update(SessionId id, sim::Instant now, const UpdateStmt& stmt) {
  sim::Result<Session*> session = Find(id);
  if (!session) return session.error();
  sim::Result<Table*> table = FindTable(stmt.table);
  if (!table) return table.error();
  sim::Result<void> ok = CheckWhere(stmt.where_eq, stmt.guard, (*table)->def());
  if (ok) ok = CheckSet(stmt.set, (*table)->def());
  if (!ok) return ok.error();
  StartStatement(**session);
  Outcome<std::vector<int64_t>> phase =
      LockMatching(id, **session, now, **table, stmt.where_eq, stmt.guard);
  if (phase.blocked() || !phase.result().ok()) {
    return Finish(id, **session, Relay<int64_t>(phase));
  }
  return Finish(id, **session,
                UpdateRows(id, **session, now, **table, stmt, phase.result().value()));
}

Outcome<int64_t> DbModel::UpdateRows(SessionId id, Session& session, sim::Instant now,
                                     Table& table, const UpdateStmt& stmt,
                                     const std::vector<int64_t>& matched) {
  // Rows change one at a time (a later row may collide with an earlier one's new key); any
  // failure puts back every row this statement touched.
  Undo undo;
  for (size_t i = 0; i < matched.size(); ++i) {
    const int64_t pk = matched[i];
    // `old` lives in the slot and is read only before WritePending replaces it.
    const Row& old = *table.Visible(pk, id);
    sim::Result<Row> next = ApplySet(stmt.set, table.def(), old);
    if (!next) {
      UndoStatement(table, undo);
      return next.error();
    }
    const UniqueCheck unique = table.CheckUnique(*next, pk, id, &old);
    if (unique.verdict == UniqueCheck::Verdict::kDuplicate) {
      UndoStatement(table, undo);
      return DuplicateKeyError(KeyText(table.def(), unique.key_name, unique.conflict_pk));
    }
    if (unique.verdict == UniqueCheck::Verdict::kWait) {
      UndoStatement(table, undo);
      return BlockOn(id, now, RowKey{table.id(), unique.conflict_pk}, unique.writer);
    }
    // Only a later row's failure restores this one, so the last row needs no saved copy.
    if (i + 1 < matched.size()) undo.emplace_back(pk, table.Save(pk));
    table.WritePending(pk, id, std::move(*next));
  }
  for (int64_t pk : matched) session.writes.insert(RowKey{table.id(), pk});
  return static_cast<int64_t>(matched.size());
}

void DbModel::UndoStatement(Table& table, Undo& undo) {
  for (auto it = undo.rbegin(); it != undo.rend(); ++it) table.Restore(it->first, it->second);
  undo.clear();
}

Outcome<int64_t> DbModel::Delete(SessionId id, sim::Instant now, const DeleteStmt& stmt) {
  sim::Result<Session*> session = Find(id);
  if (!session) return session.error();
  sim::Result<Table*> table = FindTable(stmt.table);
  if (!table) return table.error();
  sim::Result<void> ok = CheckWhere(stmt.where_eq, stmt.guard, (*table)->def());
  if (!ok) return ok.error();
  StartStatement(**session);
  Outcome<std::vector<int64_t>> phase =
      LockMatching(id, **session, now, **table, stmt.where_eq, stmt.guard);
  if (phase.blocked() || !phase.result().ok()) {
    return Finish(id, **session, Relay<int64_t>(phase));
  }
  for (int64_t pk : phase.result().value()) {
    (*table)->WritePending(pk, id, std::nullopt);
    (*session)->writes.insert(RowKey{(*table)->id(), pk});
  }
  return Finish(id, **session, Outcome<int64_t>(
                                   static_cast<int64_t>(phase.result().value().size())));
}

}  // namespace models::db
