#include "sim/disk.h"

namespace sim {

std::optional<std::string> Disk::Read(const std::string& key) const {
  auto it = visible_.find(key);
  if (it == visible_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> Disk::Keys(const std::string& prefix) const {
  std::vector<std::string> out;
  for (auto it = visible_.lower_bound(prefix); it != visible_.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    out.push_back(it->first);
  }
  return out;
}

void Disk::Apply(std::map<std::string, std::string>& m, const Pending& p) {
  if (p.value) {
    m[p.key] = *p.value;
  } else {
    m.erase(p.key);
  }
}

void Disk::Write(const std::string& key, std::string value) {
  pending_.push_back(Pending{key, std::move(value)});
  Apply(visible_, pending_.back());
}

void Disk::Erase(const std::string& key) {
  pending_.push_back(Pending{key, std::nullopt});
  Apply(visible_, pending_.back());
}

void Disk::Sync() {
  for (const Pending& p : pending_) Apply(durable_, p);
  pending_.clear();
  ++syncs_;
}

size_t Disk::Crash(DiskLoss loss, Rng& rng) {
  size_t lost = 0;
  for (const Pending& p : pending_) {
    if (loss == DiskLoss::kNone || rng.Chance(Ratio{1, 2})) {
      Apply(durable_, p);
    } else {
      ++lost;
    }
  }
  pending_.clear();
  visible_ = durable_;
  return lost;
}

}  // namespace sim
