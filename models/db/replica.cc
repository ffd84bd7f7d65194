// DbReplica; see replica.h.

#include "models/db/replica.h"

#include "models/db/db_error.h"

namespace models::db {

sim::Result<void> DbReplica::Apply(const LogEntry& entry) {
  if (entry.position != applied_ + 1) {
    return sim::MakeError(sim::Errc::kInvalid, "log position " + std::to_string(entry.position) +
                                                   " after " + std::to_string(applied_));
  }
  if (entry.create) {
    const auto id = static_cast<uint32_t>(tables_.size());
    if (!table_ids_.emplace(entry.create->name, id).second) {
      return sim::MakeError(sim::Errc::kInvalid, "table exists on replica");
    }
    tables_.emplace_back(id, *entry.create);
  }
  // Check every table first so a bad entry changes nothing.
  for (const LogChange& change : entry.changes) {
    if (table_ids_.count(change.table) == 0) return NoSuchTableError(change.table.ToString());
  }
  for (const LogChange& change : entry.changes) {
    tables_[table_ids_.at(change.table)].ApplyCommitted(change.pk, change.after);
  }
  applied_ = entry.position;
  return {};
}

const Table* DbReplica::FindTable(const TableName& name) const {
  auto it = table_ids_.find(name);
  return it == table_ids_.end() ? nullptr : &tables_[it->second];
}

const TableDef* DbReplica::FindTableDef(const TableName& table) const {
  const Table* found = FindTable(table);
  return found == nullptr ? nullptr : &found->def();
}

std::optional<Row> DbReplica::Get(const TableName& table, int64_t pk) const {
  const Table* found = FindTable(table);
  if (found == nullptr) return std::nullopt;
  const Row* row = found->Visible(pk, 0);
  if (row == nullptr) return std::nullopt;
  return *row;
}

sim::Result<std::vector<Row>> DbReplica::Select(const SelectStmt& stmt) const {
  if (stmt.for_update) return sim::MakeError(sim::Errc::kInvalid, "FOR UPDATE on a replica");
  const Table* table = FindTable(stmt.table);
  if (table == nullptr) return NoSuchTableError(stmt.table.ToString());
  sim::Result<void> ok = CheckEqualities(stmt.where_eq, table->def());
  if (ok) ok = CheckGuard(stmt.guard, table->def());
  if (!ok) return ok.error();
  std::vector<Row> rows;
  for (const auto& [pk, slot] : table->slots()) {
    const Row& row = *slot.committed;
    if (EvalEqualities(stmt.where_eq, table->def(), row) &&
        EvalGuard(stmt.guard, table->def(), row)) {
      rows.push_back(row);
    }
  }
  return rows;
}

std::vector<Row> DbReplica::Rows(const TableName& table) const {
  std::vector<Row> rows;
  const Table* found = FindTable(table);
  if (found == nullptr) return rows;
  for (const auto& [pk, slot] : found->slots()) rows.push_back(*slot.committed);
  return rows;
}

}  // namespace models::db
