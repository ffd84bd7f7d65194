#pragma once
// DbReplica: an asynchronous read replica that applies the primary's commit log.
//
// Fidelity contract: the replica's state is exactly the primary's committed state as of
// applied() (a prefix of the commit log), so reads from it may be stale by however many entries
// have not been shipped yet: replication lag. Entries must be applied in order, each once; the
// caller (the simulated network) moves them and may delay them. Reads are plain consistent
// reads; the replica takes no writes and no locks. Not modelled: semi-synchronous replication,
// replica crash recovery (a replica is rebuilt by replaying the log from position 1), failover.

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "models/db/commit_log.h"
#include "models/db/statements.h"
#include "models/db/table.h"
#include "sim/result.h"

namespace models::db {

class DbReplica {
 public:
  uint64_t applied() const { return applied_; }

  // kInvalid (and no change) unless entry.position == applied() + 1.
  sim::Result<void> Apply(const LogEntry& entry);

  std::optional<Row> Get(const TableName& table, int64_t pk) const;
  // nullptr until the table's CREATE TABLE has been applied.
  const TableDef* FindTableDef(const TableName& table) const;
  // REQUIRES: !stmt.for_update (kInvalid otherwise).
  sim::Result<std::vector<Row>> Select(const SelectStmt& stmt) const;
  std::vector<Row> Rows(const TableName& table) const;

 private:
  const Table* FindTable(const TableName& name) const;

  uint64_t applied_ = 0;
  std::vector<Table> tables_;
  std::map<TableName, uint32_t> table_ids_;
};

}  // namespace models::db
