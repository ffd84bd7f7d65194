#pragma once
// The messages between SimRedisClient and a RedisServer node, and between a replica and the
// node it follows: RESP reduced to typed values moved over the simulated network.
//
// A client connection is named by the client's node, that node's incarnation and a connection
// id the client draws; the connection's first request says so (`connect`), as a TCP handshake
// would, so a server that restarted can tell a new connection from one it lost.
// The answer to a RedisRequest is a sim::Result<Reply>: the Reply as the server wrote it (error
// replies included), or kUnavailable when the server does not know the connection.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/redis/commands.h"
#include "models/redis/redis_model.h"
#include "models/redis/write_stream.h"
#include "sim/scheduler.h"

namespace models::redis {

enum class RedisRequestKind : uint8_t {
  kCommand,  // argv; the answer is its reply
  kExec,     // MULTI, batch..., EXEC back to back; the answer is EXEC's reply
  kQuit,     // the client closes the connection (its MULTI state is discarded)
};

struct RedisRequest {
  sim::NodeId client_node = 0;
  uint32_t client_incarnation = 0;
  uint64_t connection = 0;
  bool connect = false;  // the connection's first request
  RedisRequestKind kind = RedisRequestKind::kCommand;
  Argv argv;                // kCommand
  std::vector<Argv> batch;  // kExec
};

// PSYNC: the replica names the history it follows and the last record it applied; `full` asks
// for a full resync whatever the history (a node that was a primary and must become a replica).
struct PsyncRequest {
  std::string repl_id;
  int64_t offset = 0;
  bool full = false;
};

// Either the records after the replica's offset (possibly none: the long poll ended) or a full
// resync image.
struct PsyncReply {
  std::vector<WriteRecord> records;
  std::optional<FullSyncImage> full_sync;
};

}  // namespace models::redis
