#include "models/redis/keyspace.h"

#include <tuple>

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

Entry* Keyspace::Find(std::string_view key) { return entries_.Find(key); }

const Entry* Keyspace::Find(std::string_view key) const { return entries_.Find(key); }

void Keyspace::Put(const std::string& key, Value value, bool keep_ttl) {
  auto [entry, inserted] = entries_.FindOrInsert(key);
  entry->value = std::move(value);
  if (inserted) return;
  if (!keep_ttl) DropDeadline(key, entry);
}

void Keyspace::PutString(std::string_view key, Entry* entry, std::string_view value,
                         bool keep_ttl) {
  if (entry == nullptr) {
    bool inserted = false;
    std::tie(entry, inserted) = entries_.FindOrInsert(key);
    if (inserted) {
      entry->value.emplace<std::string>(value);
      return;
    }
  }
  // Assigning into the string the key already holds reuses its buffer.
  if (auto* text = std::get_if<std::string>(&entry->value)) {
    text->assign(value);
  } else {
    entry->value.emplace<std::string>(value);
  }
  if (!keep_ttl) DropDeadline(key, entry);
}

bool Keyspace::Erase(std::string_view key) {
  const Entry* entry = entries_.Find(key);
  if (entry == nullptr) return false;
  if (entry->expire_at_ms != kNoExpiry) {
    const size_t removed = expires_.erase({entry->expire_at_ms, std::string(key)});
    SIM_ASSERT_EQ(removed, 1u);
  }
  entries_.Erase(key);
  return true;
}

void Keyspace::SetExpire(std::string_view key, int64_t deadline_ms) {
  Entry* entry = entries_.Find(key);
  SIM_ASSERT(entry != nullptr);
  SIM_ASSERT_NE(deadline_ms, kNoExpiry);
  if (entry->expire_at_ms != kNoExpiry) expires_.erase({entry->expire_at_ms, std::string(key)});
  entry->expire_at_ms = deadline_ms;
  expires_.emplace(deadline_ms, std::string(key));
}

bool Keyspace::Persist(std::string_view key) {
  Entry* entry = entries_.Find(key);
  if (entry == nullptr) return false;
  return DropDeadline(key, entry);
}

bool Keyspace::DropDeadline(std::string_view key, Entry* entry) {
  if (entry->expire_at_ms == kNoExpiry) return false;
  expires_.erase({entry->expire_at_ms, std::string(key)});
  entry->expire_at_ms = kNoExpiry;
  return true;
}

void Keyspace::Clear() {
  entries_.Clear();
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
