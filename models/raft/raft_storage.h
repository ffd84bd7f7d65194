#pragma once
// The durable part of a Raft replica on sim::Disk: currentTerm and votedFor in one record,
// and the log, one record per entry. Writes become durable at Sync (fsync); the node syncs
// before it answers a vote or an append, so what it promised survives a crash.
//
// Crash model (sim/disk.h): unsynced writes survive independently, so a crash may leave a
// hole in the unsynced tail. Load keeps the longest contiguous prefix and erases the rest,
// and a truncation is synced before new entries are written over it, so a reloaded log is
// always a prefix of some log the node really had.

#include <cstdint>
#include <vector>

#include "models/raft/raft_types.h"
#include "sim/disk.h"
#include "sim/network.h"

namespace models::raft {

class RaftStorage {
 public:
  explicit RaftStorage(sim::Disk* disk) : disk_(disk) {}

  // Reads what survived; returns how many log records after a hole were discarded.
  size_t Load();

  int64_t term() const { return term_; }
  sim::NodeId vote() const { return vote_; }
  int64_t LastIndex() const { return static_cast<int64_t>(log_.size()); }
  int64_t LastTerm() const { return log_.empty() ? 0 : log_.back().term; }
  // REQUIRES: 0 <= index <= LastIndex(). Index 0 is the empty prefix, term 0.
  int64_t TermAt(int64_t index) const;
  // REQUIRES: 1 <= index <= LastIndex().
  const LogEntry& At(int64_t index) const;

  // Updates term and vote; `sync` false is the raft.vote_fsync=off variant.
  void SetMeta(int64_t term, sim::NodeId vote, bool sync);
  // Writes entries after the last one (not yet durable: call Sync).
  void Append(const std::vector<LogEntry>& entries);
  // Removes entries index.. and makes the removal durable.
  // REQUIRES: 1 <= index <= LastIndex().
  void TruncateFrom(int64_t index);
  void Sync() { disk_->Sync(); }

 private:
  sim::Disk* disk_;
  int64_t term_ = 0;
  sim::NodeId vote_ = 0;
  std::vector<LogEntry> log_;  // log_[i - 1] is the entry at index i
};

}  // namespace models::raft
