#pragma once
// Seata AT's undo log (003:697: every participating database needs an UNDO_LOG table): the
// before and after images of the rows one branch changed, written in the branch's own local
// transaction, and their application on a global rollback.
//
// Fidelity contract: the images of Seata's UndoExecutors with client.undo.onlyCareUpdateColumns
// = true (the default): an UPDATE keeps the updated columns (plus the primary key), an INSERT the
// whole inserted row, a DELETE the whole deleted row. Before applying an image the current row
// is compared with the after image on the image's columns; equal to the before image means
// already undone, anything else is dirty data written outside the global transaction and the
// branch cannot be rolled back (Seata's "Has dirty records when undo", retried for ever).
// Undo restores the before values as literals (UPDATE ... SET col = before), never as deltas.
// The rollback_info is JSON, as Seata's default serializer (jackson) writes it.

#include <optional>
#include <string>
#include <vector>

#include "models/db/value.h"
#include "sim/result.h"

namespace models::seata {

struct UndoItem {
  enum class Kind : uint8_t { kInsert, kUpdate, kDelete };
  Kind kind = Kind::kUpdate;
  db::TableName table;
  int64_t pk = 0;
  std::vector<std::string> columns;
  std::vector<db::Value> before;  // kUpdate, kDelete
  std::vector<db::Value> after;   // kInsert, kUpdate
};

// undo_log(id, branch_id, xid, rollback_info, log_status, log_created) in `schema`.
db::TableName UndoLogTable(const std::string& schema);
inline constexpr int64_t kUndoNormal = 0;
inline constexpr int64_t kUndoGlobalFinished = 1;  // the rollback's guard row (see rm_server.cc)

std::string EncodeUndo(const std::vector<UndoItem>& items);
// kInvalid for text that is not a rollback_info this code wrote.
sim::Result<std::vector<UndoItem>> DecodeUndo(const std::string& text);

// The table definition named `table` in `catalog`, or null.
const db::TableDef* FindTable(const std::vector<db::TableDef>& catalog, const db::TableName& table);

}  // namespace models::seata
