#pragma once
// The messages between SimSqlClient (or a replica) and a DbServer / DbReplica node: MySQL's
// client/server protocol reduced to typed values moved over the simulated network.
//
// A connection is named by the client's node, that node's incarnation and a connection id the
// client draws; the first request of a connection says so (`connect`), as a TCP handshake
// would, so a server that restarted can tell a new connection from one it lost.

#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "models/db/commit_log.h"
#include "models/db/statements.h"
#include "sim/scheduler.h"

namespace models::db {

struct BeginOp {};
struct CommitOp {};
struct RollbackOp {};
struct CloseOp {};  // COM_QUIT: ends the session, rolling back an open transaction
struct GetOp {
  TableName table;
  int64_t pk = 0;
  bool for_update = false;
};
// A replica asks for the commit log after position `after` (MySQL's binlog dump).
struct PullLogOp {
  uint64_t after = 0;
};

using DbOp = std::variant<BeginOp, CommitOp, RollbackOp, CloseOp, InsertStmt, SelectStmt, GetOp,
                          UpdateStmt, DeleteStmt, PullLogOp>;

struct DbRequest {
  sim::NodeId client_node = 0;
  uint32_t client_incarnation = 0;
  uint64_t connection = 0;
  bool connect = false;  // the connection's first request
  DbOp op;
};

// What a successful request answers: nothing, a new id / affected count, rows, one optional row,
// or commit log entries.
using DbReply = std::variant<std::monostate, int64_t, std::vector<Row>, std::optional<Row>,
                             std::vector<LogEntry>>;

}  // namespace models::db
