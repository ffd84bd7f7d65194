// The write stream of RedisModel: committing records, time-driven work (fsync/snapshot
// schedule, active expiry), crash recovery, and replication (backlog, full resync, apply,
// promotion). Dispatch, transactions and scripts are in redis_model.cc.
#include <algorithm>
#include <string>
#include <utility>

#include "sim/assert.h"
#include "models/redis/redis_model.h"

namespace models::redis {

EffectLog RedisModel::NewEffectLog() const {
  // Without an AOF or RDB and without a backlog, nobody reads the stream (Redis's propagate()
  // then feeds nothing): the offset moves, and the record need not be built.
  return EffectLog(StreamHasReader());
}

void RedisModel::Commit(EffectLog effects, sim::Instant now) {
  if (effects.count() == 0) return;
  // Only a primary produces writes: replicas refuse them (READONLY) and only hide expired keys.
  SIM_ASSERT(role_ == Role::kPrimary);
  // A clock that jumps back must not reorder the stream; the durable schedule needs order.
  last_record_time_ = std::max(now, last_record_time_);
  ++offset_;
  // A reader cannot appear while a unit runs, so the log kept its commands if one reads them.
  SIM_ASSERT_EQ(effects.keeps_commands(), StreamHasReader());
  if (!effects.keeps_commands()) return;
  WriteRecord record{offset_, last_record_time_, effects.TakeCommands()};
  durable_.Append(record);
  if (backlog_) backlog_->Append(std::move(record));
}

void RedisModel::Advance(sim::Instant now) {
  last_seen_ = std::max(last_seen_, now);
  durable_.Advance(now);
}

void RedisModel::ActiveExpireCycle(sim::Instant now) {
  SIM_ASSERT(script_run_.script == nullptr);
  Advance(now);
  // Replicas wait for the primary's DEL, as real replicas do.
  if (role_ != Role::kPrimary) return;
  const int64_t now_ms = NowMs(now);
  for (const std::string& key : keyspace_.ExpiredKeys(now_ms, config_.active_expire_keys_max)) {
    const bool erased = keyspace_.Erase(key);
    SIM_ASSERT(erased);
    // One DEL record per key, as activeExpireCycle propagates them.
    EffectLog effects = NewEffectLog();
    effects.Add({"DEL", key});
    Commit(std::move(effects), now);
  }
}

void RedisModel::Tick(sim::Instant now) { ActiveExpireCycle(now); }

void RedisModel::Crash(sim::Instant now) {
  SIM_ASSERT(script_run_.script == nullptr);
  last_seen_ = std::max(last_seen_, now);
  keyspace_ = durable_.Recover(now);
  clients_.clear();
  offset_ = durable_.durable_offset();
  // A restarted node starts a new history: whatever replicas received beyond the durable
  // offset may not exist here any more, so they must not continue partially.
  repl_id_ = NewReplicationId();
  prev_repl_id_.clear();
  prev_repl_offset_ = -1;
  backlog_.reset();  // the backlog lived in the crashed process's memory
}

sim::Result<std::vector<WriteRecord>> RedisModel::RecordsSince(const std::string& repl_id,
                                                               int64_t offset,
                                                               size_t max_records) const {
  const bool same_history =
      repl_id == repl_id_ ||
      (!prev_repl_id_.empty() && repl_id == prev_repl_id_ && offset <= prev_repl_offset_);
  if (!same_history) {
    return sim::MakeError(sim::Errc::kConflict, "replication id " + repl_id +
                                                    " is not this node's history (" + repl_id_ +
                                                    "): full resync needed");
  }
  if (!backlog_) {
    return sim::MakeError(sim::Errc::kNotFound,
                          "no replication backlog (no replica attached since the node started); "
                          "full resync needed");
  }
  return backlog_->Since(offset, max_records);
}

FullSyncImage RedisModel::MakeFullSync() {
  // Redis also renews its replication id when it creates the backlog from scratch; no replica
  // can hold the old id here (only a full resync hands it out), so the model keeps it.
  StartBacklog();
  return FullSyncImage{repl_id_, offset_, keyspace_};
}

void RedisModel::StartBacklog() {
  if (backlog_) return;
  backlog_.emplace(config_.repl_backlog_records);
  backlog_->Reset(offset_);
}

void RedisModel::BecomeReplica(const FullSyncImage& image, sim::Instant now) {
  SIM_ASSERT(script_run_.script == nullptr);
  Advance(now);
  role_ = Role::kReplica;
  keyspace_ = image.keyspace;
  repl_id_ = image.repl_id;
  offset_ = image.offset;
  prev_repl_id_.clear();
  prev_repl_offset_ = -1;
  // A replica keeps a backlog of what it applied, so that its own replicas, and the others
  // after its promotion, can continue from it.
  StartBacklog();
  backlog_->Reset(offset_);
  // The replica stores the transferred dataset; it is its durable state from now on.
  durable_.ResetTo(keyspace_, offset_);
}

sim::Result<void> RedisModel::ApplyReplicated(const WriteRecord& record, sim::Instant now) {
  if (role_ != Role::kReplica) {
    return sim::MakeError(sim::Errc::kInvalid, "ApplyReplicated on a primary");
  }
  if (record.offset != offset_ + 1) {
    return sim::MakeError(sim::Errc::kConflict,
                          "replication gap: expected offset " + std::to_string(offset_ + 1) +
                              ", got " + std::to_string(record.offset));
  }
  Advance(now);
  StartBacklog();  // a replica that restarted has none yet
  ReplayRecord(keyspace_, record);
  offset_ = record.offset;
  // The replica's own AOF and backlog carry the record with its local arrival time.
  WriteRecord local = record;
  last_record_time_ = std::max(now, last_record_time_);
  local.time = last_record_time_;
  durable_.Append(local);
  backlog_->Append(std::move(local));
  return {};
}

void RedisModel::Promote(sim::Instant now) {
  Advance(now);
  if (role_ == Role::kPrimary) return;
  role_ = Role::kPrimary;
  prev_repl_id_ = repl_id_;
  prev_repl_offset_ = offset_;
  repl_id_ = NewReplicationId();
}

std::string RedisModel::NewReplicationId() {
  ++repl_epoch_;
  return config_.node_name + "#" + std::to_string(repl_epoch_);
}

}  // namespace models::redis
