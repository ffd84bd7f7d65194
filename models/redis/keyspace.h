#pragma once
// Fidelity contract: one Redis logical database: keys mapped to a string, hash, set or list,
// each with an optional absolute expiry deadline in milliseconds of virtual time (Redis keeps
// deadlines as absolute unix milliseconds; the model's epoch is virtual time zero).
//
// Guarantees: every container that is ever iterated is ordered (std::map / std::set /
// std::deque), so HGETALL/SMEMBERS order and the active-expiry order depend only on the
// contents, never on hashing or insertion history. The key -> entry table itself is a hash
// table (key_table.h; the hot path of every command) that is only looked up, never iterated: a command
// that must list keys (KEYS, SCAN, not modelled) would have to sort them. The expiry index
// always agrees with the per-key deadlines.
// Empty hashes, sets and lists never exist: command code erases a key when it empties it.
// Not modelled: other types (zset, stream, ...), encodings, memory accounting, eviction.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "models/redis/key_table.h"

namespace models::redis {

using HashValue = std::map<std::string, std::string, std::less<>>;
using SetValue = std::set<std::string, std::less<>>;
using ListValue = std::deque<std::string>;
using Value = std::variant<std::string, HashValue, SetValue, ListValue>;

inline constexpr int64_t kNoExpiry = -1;

struct Entry {
  Value value;
  int64_t expire_at_ms = kNoExpiry;  // absolute deadline; kNoExpiry when persistent

  bool operator==(const Entry& other) const = default;
};

// "string", "hash", "set", "list": the names TYPE answers.
const char* TypeName(const Value& value);

class Keyspace {
 public:
  // Raw lookup, blind to expiry (callers decide whether an expired key is visible).
  Entry* Find(std::string_view key);
  const Entry* Find(std::string_view key) const;

  // Stores value under key. keep_ttl keeps an existing deadline (SET KEEPTTL); otherwise the
  // key becomes persistent, as SET does in Redis.
  void Put(const std::string& key, Value value, bool keep_ttl);
  // Put of a string value, for a key the caller has just looked up: the write path of SET and
  // INCR, which then need no second lookup. REQUIRES: entry is Find(key) (null: it may be
  // absent, or present but hidden as expired).
  void PutString(std::string_view key, Entry* entry, std::string_view value, bool keep_ttl);
  // Returns whether the key existed.
  bool Erase(std::string_view key);
  // REQUIRES: the key exists.
  void SetExpire(std::string_view key, int64_t deadline_ms);
  // Returns whether a deadline was removed.
  bool Persist(std::string_view key);
  void Clear();

  size_t size() const { return entries_.size(); }

  // Keys whose deadline has passed (now_ms > deadline, Redis's keyIsExpired rule), earliest
  // deadline first and ties by key, at most limit of them.
  std::vector<std::string> ExpiredKeys(int64_t now_ms, size_t limit) const;
  size_t volatile_count() const { return expires_.size(); }

  // Equal contents (compared as sets of pairs).
  bool operator==(const Keyspace& other) const { return entries_ == other.entries_; }

 private:
  // Makes the key persistent; returns whether it had a deadline. REQUIRES: entry is Find(key).
  bool DropDeadline(std::string_view key, Entry* entry);

  KeyTable<std::string, Entry, StringKeyHash> entries_;  // determinism: lookup-only, never iterated in order
  std::set<std::pair<int64_t, std::string>> expires_;  // (deadline, key)
};

}  // namespace models::redis
