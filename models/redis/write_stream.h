#pragma once
// Fidelity contract: the write stream of a Redis node, the one feed that Redis 7.0 sends both
// to its AOF and to its replicas (propagate()). Each record is one atomic unit: a single
// command, a whole MULTI/EXEC, or all the writes of one script (Redis wraps the latter two in
// MULTI/EXEC on the stream, and a torn trailing transaction is discarded when the AOF loads).
// Commands are normalized so replay needs no clock: relative expiries are absolute deadlines.
//
// Offsets count records (1, 2, 3, ...), not bytes as Redis's master_repl_offset does; only
// their order and gaps matter to the model.

#include <cstdint>
#include <string>
#include <vector>

#include "models/redis/commands.h"
#include "models/redis/keyspace.h"
#include "sim/time.h"

namespace models::redis {

struct WriteRecord {
  int64_t offset = 0;
  sim::Instant time;  // when the writing node acknowledged it (its local clock)
  std::vector<Argv> commands;

  bool operator==(const WriteRecord& other) const = default;
};

// Applies a record to keyspace the way AOF loading and a replica do: deadlines are not
// checked, and a past deadline is kept rather than deleting the key.
void ReplayRecord(Keyspace& keyspace, const WriteRecord& record);

}  // namespace models::redis
