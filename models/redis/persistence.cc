#include "models/redis/persistence.h"

#include <algorithm>

#include "sim/assert.h"

namespace models::redis {

std::string_view PersistenceName(Persistence mode) {
  switch (mode) {
    case Persistence::kNone: return "none";
    case Persistence::kAofAlways: return "aof_always";
    case Persistence::kAofEverysec: return "aof_everysec";
    case Persistence::kRdb: return "rdb";
  }
  return "unknown";
}

DurableImage::DurableImage(Persistence mode, sim::Duration rdb_interval)
    : mode_(mode),
      sync_period_(mode == Persistence::kRdb ? rdb_interval : sim::Duration::Seconds(1)) {
  SIM_ASSERT(sync_period_ > sim::Duration::Zero());
}

void DurableImage::Append(const WriteRecord& record) {
  if (!pending_.empty()) SIM_ASSERT(pending_.back().time <= record.time);
  switch (mode_) {
    case Persistence::kNone:
      return;
    case Persistence::kAofAlways:
      ReplayRecord(durable_, record);
      durable_offset_ = record.offset;
      return;
    case Persistence::kAofEverysec:
      pending_.push_back(record);
      return;
    case Persistence::kRdb: {
      pending_.push_back(record);
      const bool flushall = std::any_of(record.commands.begin(), record.commands.end(),
                                        [](const Argv& argv) { return argv[0] == "FLUSHALL"; });
      if (flushall) ApplyAllPending();
      return;
    }
  }
}

void DurableImage::Advance(sim::Instant now) {
  if (pending_.empty()) return;
  // The latest sync instant at or before now: a whole multiple of the period.
  const int64_t period_ns = sync_period_.nanos();
  const int64_t now_ns = std::max<int64_t>(now.nanos(), 0);
  ApplyPendingBefore(sim::Instant::FromNanos(now_ns / period_ns * period_ns));
}

Keyspace DurableImage::Recover(sim::Instant now) {
  Advance(now);
  pending_.clear();
  return durable_;
}

void DurableImage::ResetTo(const Keyspace& keyspace, int64_t offset) {
  pending_.clear();
  if (mode_ == Persistence::kNone) return;
  durable_ = keyspace;
  durable_offset_ = offset;
}

void DurableImage::ApplyPendingBefore(sim::Instant boundary) {
  while (!pending_.empty() && pending_.front().time < boundary) {
    ReplayRecord(durable_, pending_.front());
    durable_offset_ = pending_.front().offset;
    pending_.pop_front();
  }
}

void DurableImage::ApplyAllPending() {
  while (!pending_.empty()) {
    ReplayRecord(durable_, pending_.front());
    durable_offset_ = pending_.front().offset;
    pending_.pop_front();
  }
}

}  // namespace models::redis
