#pragma once
// A node's durable store, modelling a file system with a page cache: Write and Erase are
// visible to reads at once but durable only after Sync (fsync). A crash keeps every synced
// write and, for the unsynced ones, whatever the seed decides: under DiskLoss::kUnsynced each
// unsynced write independently survives or not (applied in order), which covers torn
// suffixes and reordered flushes; under DiskLoss::kNone everything written survives (a clean
// process crash whose page cache the kernel still flushes).
//
// Not modelled: partial (torn) writes of one value, corruption of synced data, disk full.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/rng.h"

namespace sim {

enum class DiskLoss : uint8_t { kNone, kUnsynced };

class Disk {
 public:
  std::optional<std::string> Read(const std::string& key) const;
  // Keys in order, starting with prefix.
  std::vector<std::string> Keys(const std::string& prefix) const;
  void Write(const std::string& key, std::string value);
  void Erase(const std::string& key);
  void Sync();

  size_t unsynced_writes() const { return pending_.size(); }
  uint64_t syncs() const { return syncs_; }
  // What survives a crash replaces what is visible. Returns how many unsynced writes were lost.
  size_t Crash(DiskLoss loss, Rng& rng);

 private:
  struct Pending {
    std::string key;
    std::optional<std::string> value;  // nullopt: erase
  };
  static void Apply(std::map<std::string, std::string>& m, const Pending& p);

  std::map<std::string, std::string> durable_;
  std::map<std::string, std::string> visible_;
  std::vector<Pending> pending_;
  uint64_t syncs_ = 0;
};

}  // namespace sim
