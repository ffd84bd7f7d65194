#include "models/redis/keyspace.h"

#include "sim/assert.h"

namespace models::redis {

const char* TypeName(const Value& value) {
  switch (value.index()) {
    case 0: return "string";
    case 1: return "hash";
    case 2: return "set";
    case 3: return "list";
  }
  return "none";
}

Entry* Keyspace::Find(std::string_view key) {
  auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &it->second;
}

const Entry* Keyspace::Find(std::string_view key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &it->second;
}

void Keyspace::Put(const std::string& key, Value value, bool keep_ttl) {
  auto [it, inserted] = entries_.try_emplace(key);
  if (inserted) {
    it->second.value = std::move(value);
    return;
  }
  it->second.value = std::move(value);
  if (!keep_ttl && it->second.expire_at_ms != kNoExpiry) {
    expires_.erase({it->second.expire_at_ms, key});
    it->second.expire_at_ms = kNoExpiry;
  }
}

bool Keyspace::Erase(std::string_view key) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return false;
  if (it->second.expire_at_ms != kNoExpiry) {
    const size_t removed = expires_.erase({it->second.expire_at_ms, it->first});
    SIM_ASSERT_EQ(removed, 1u);
  }
  entries_.erase(it);
  return true;
}

void Keyspace::SetExpire(std::string_view key, int64_t deadline_ms) {
  auto it = entries_.find(key);
  SIM_ASSERT(it != entries_.end());
  SIM_ASSERT_NE(deadline_ms, kNoExpiry);
  if (it->second.expire_at_ms != kNoExpiry) expires_.erase({it->second.expire_at_ms, it->first});
  it->second.expire_at_ms = deadline_ms;
  expires_.emplace(deadline_ms, it->first);
}

bool Keyspace::Persist(std::string_view key) {
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.expire_at_ms == kNoExpiry) return false;
  expires_.erase({it->second.expire_at_ms, it->first});
  it->second.expire_at_ms = kNoExpiry;
  return true;
}

void Keyspace::Clear() {
  entries_.clear();
  expires_.clear();
}

std::vector<std::string> Keyspace::ExpiredKeys(int64_t now_ms, size_t limit) const {
  std::vector<std::string> out;
  for (const auto& [deadline, key] : expires_) {
    if (out.size() >= limit || deadline >= now_ms) break;
    out.push_back(key);
  }
  return out;
}

}  // namespace models::redis
