#pragma once
// Fidelity contract: what survives a crash of a Redis node, per its persistence setting.
//   kAofAlways   appendfsync always: the AOF is fsynced before the reply, so every
//                acknowledged write survives.
//   kAofEverysec appendfsync everysec: an fsync at every whole second of the node's clock
//                makes everything acknowledged strictly before that instant durable; a crash
//                loses the writes of the current (unsynced) second.
//   kRdb         RDB snapshots at every multiple of rdb_interval; a snapshot holds everything
//                acknowledged strictly before its instant; FLUSHALL saves at once (as Redis
//                does when save points are configured). A crash loses writes since the last
//                snapshot.
//   kNone        nothing is durable; a crash restarts with an empty dataset.
// The durable image is a keyspace plus the records not yet synced, applied in order when a
// sync instant passes (the same result as replaying the AOF prefix, with bounded memory).
// Not modelled: fsync stalls (real everysec may lose up to two seconds when a fsync is slow),
// torn AOF tails, AOF rewrite, save points' change thresholds, disk-full errors, slow loads.

#include <cstdint>
#include <deque>
#include <string_view>

#include "models/redis/keyspace.h"
#include "models/redis/write_stream.h"
#include "sim/time.h"

namespace models::redis {

enum class Persistence : uint8_t { kNone, kAofAlways, kAofEverysec, kRdb };

std::string_view PersistenceName(Persistence mode);

class DurableImage {
 public:
  DurableImage(Persistence mode, sim::Duration rdb_interval);

  // REQUIRES: record.time is not before the previous record's time.
  void Append(const WriteRecord& record);
  // Performs the syncs scheduled at or before now.
  void Advance(sim::Instant now);
  // The dataset a restart after a crash at now loads. Unsynced records are discarded.
  Keyspace Recover(sim::Instant now);
  // Makes keyspace, at stream position offset, the whole durable image (a replica's full
  // resync writes the received dataset to disk). Ignored when nothing is persisted.
  void ResetTo(const Keyspace& keyspace, int64_t offset);

  // Whether Append does anything: false when nothing is persisted.
  bool keeps_records() const { return mode_ != Persistence::kNone; }
  // Offset of the last record that would survive a crash now.
  int64_t durable_offset() const { return durable_offset_; }
  size_t pending_records() const { return pending_.size(); }

 private:
  void ApplyPendingBefore(sim::Instant boundary);
  void ApplyAllPending();

  Persistence mode_;
  sim::Duration sync_period_;  // between fsyncs (everysec) or snapshots (rdb)
  Keyspace durable_;
  int64_t durable_offset_ = 0;
  std::deque<WriteRecord> pending_;
};

}  // namespace models::redis
