#pragma once
// Fidelity contract: the replication backlog of a Redis primary: the most recent records of
// its write stream, from which a replica that knows the replication id and its offset can
// continue (PSYNC partial resync). A replica asking for records older than the backlog holds,
// or under another replication id, must do a full resync instead.
// Not modelled: byte-sized backlog limits (the limit here counts records), backlog TTL.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

#include "models/redis/write_stream.h"
#include "sim/result.h"

namespace models::redis {

class ReplicationBacklog {
 public:
  explicit ReplicationBacklog(size_t capacity_records);

  // REQUIRES: record.offset == last_offset() + 1.
  void Append(WriteRecord record);
  // Records with offset > after, at most max_records of them, oldest first. kNotFound when the
  // backlog no longer holds offset after + 1; kInvalid when after is beyond the stream's end.
  sim::Result<std::vector<WriteRecord>> Since(int64_t after, size_t max_records) const;
  // Empties the backlog; the next record appended must have offset + 1.
  void Reset(int64_t offset);

  int64_t last_offset() const { return last_offset_; }
  size_t size() const { return records_.size(); }

 private:
  size_t capacity_records_;
  int64_t last_offset_ = 0;
  std::deque<WriteRecord> records_;
};

}  // namespace models::redis
