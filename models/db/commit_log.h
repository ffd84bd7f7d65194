#pragma once
// The commit log: what a replica needs to follow the primary (MySQL's binlog in row format).
//
// Fidelity contract: one entry per committed transaction that wrote something, or per
// CREATE TABLE, in commit order, numbered from position 1 without gaps. An entry carries after
// images only (row format); applying entries in order on an empty replica reproduces the
// primary's committed state at that position. The log is durable: it survives a crash.

#include <cstdint>
#include <optional>
#include <vector>

#include "models/db/value.h"

namespace models::db {

struct LogChange {
  TableName table;
  int64_t pk = 0;
  std::optional<Row> after;  // nullopt: the row was deleted
};

struct LogEntry {
  uint64_t position = 0;            // 1, 2, 3, ...
  std::optional<TableDef> create;   // a CREATE TABLE, or
  std::vector<LogChange> changes;   // a committed transaction's row changes, in pk order
};

}  // namespace models::db
