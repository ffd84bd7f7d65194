#pragma once
// Row storage of one table: committed versions, the one uncommitted version a lock holder may
// have written, unique and secondary indexes and the auto-increment counter.
//
// Fidelity contract: each row has at most two versions, the latest committed one and the
// pending one of the session that holds its exclusive lock (strict two-phase locking makes
// more impossible). A read sees the session's own pending version, else the latest committed
// one (READ COMMITTED). Unique keys skip keys that contain NULL (MySQL and PostgreSQL both allow
// repeated NULLs). A key held by another session's pending write (insert, update or delete) makes
// the checker wait for that session, as PostgreSQL's unique check does; a committed key held
// only under a FOR UPDATE lock is a duplicate at once (InnoDB would wait there). The
// auto-increment counter never goes back: rolled back and failed inserts leave gaps, as in both
// servers, and it survives a crash as in MySQL 8.

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>  // determinism: lookup-only (KeyIndex)
#include <vector>

#include "models/db/lock_manager.h"
#include "models/db/value.h"

namespace models::db {

struct RowSlot {
  std::optional<Row> committed;
  bool has_pending = false;
  std::optional<Row> pending;  // the writer's version; nullopt means the writer deleted the row
  SessionId writer = 0;        // valid when has_pending
};

struct UniqueCheck {
  enum class Verdict : uint8_t { kOk, kDuplicate, kWait };
  Verdict verdict = Verdict::kOk;
  std::string key_name;     // kDuplicate / kWait: which key
  int64_t conflict_pk = 0;  // kDuplicate / kWait: the other row
  SessionId writer = 0;     // kWait: whose pending write to wait for
};

class Table {
 public:
  Table(uint32_t id, TableDef def);

  uint32_t id() const { return id_; }
  const TableDef& def() const { return def_; }
  const std::map<int64_t, RowSlot>& slots() const { return slots_; }
  const RowSlot* Find(int64_t pk) const;

  // The version `session` reads, or nullptr when it sees no row.
  static const Row* Visible(const RowSlot& slot, SessionId session);
  const Row* Visible(int64_t pk, SessionId session) const;

  int64_t AllocateId() { return next_id_++; }
  // An explicit id moves the counter past it, as MySQL does.
  void NoteExplicitId(int64_t pk);
  int64_t next_id() const { return next_id_; }

  // Checks the unique keys of `candidate` (the new version of row `self_pk`) for `session`.
  // With `old_version`, keys whose values did not change are not checked.
  UniqueCheck CheckUnique(const Row& candidate, int64_t self_pk, SessionId session,
                          const Row* old_version) const;

  // The rows a WHERE of equalities can match, from the first key (unique keys first, then the
  // secondary indexes) whose every column `eq` binds to a non-NULL literal: each row whose
  // committed or pending version carries those values, in primary-key order. nullopt when no
  // key is bound: the caller scans. (A superset of the matches: callers still evaluate the
  // WHERE on the version their session sees.)
  std::optional<std::vector<int64_t>> Lookup(const std::vector<std::pair<std::string, Value>>& eq) const;
  // Statement undo: Save before touching a slot, Restore to put it back exactly.
  std::optional<RowSlot> Save(int64_t pk) const;
  void Restore(int64_t pk, std::optional<RowSlot> saved);

  // REQUIRES: `session` holds the row's lock. `version` nullopt deletes the row.
  void WritePending(int64_t pk, SessionId session, std::optional<Row> version);
  // Makes the pending version of `session` the committed one. Returns the after image
  // (nullopt for a delete) when there was a pending write, for the commit log.
  std::optional<std::optional<Row>> CommitPending(int64_t pk, SessionId session);
  void AbortPending(int64_t pk, SessionId session);

  // Replaces the committed version outright (replica apply). REQUIRES: no pending write.
  void ApplyCommitted(int64_t pk, std::optional<Row> version);

 private:
  // Keyed by the values' byte encoding (EncodeKey): a string hashes and compares far faster
  // than a vector of variants. Determinism: a hash table, only ever looked up, filed into and
  // erased from by key, never iterated; the row ids of a key stay ordered (std::set).
  using KeyIndex = std::unordered_map<std::string, std::set<int64_t>>;  // determinism: lookup-only
  // The versions of a row the indexes file: committed, then pending (nullptr when absent).
  using Versions = std::array<const Row*, 2>;

  static Versions VersionsOf(const RowSlot& slot);
  // Whether `row` has a value in every column of `key` (keys with a NULL are not filed).
  bool HasKey(size_t key, const Row& row) const;
  // Whether both rows carry key `key` with equal values.
  bool SameKey(size_t key, const Row& a, const Row& b) const;
  std::optional<std::string> KeyOf(size_t key, const Row& row) const;
  // Appends an injective encoding of `v` (a type tag, then the integer's 8 bytes or the
  // string's length and bytes).
  static void EncodeKey(std::string* out, const Value& v);
  // Moves row `pk`'s index entries from the key values of `before` to those of `after`,
  // touching only keys whose values differ. REQUIRES: `before` are the versions filed now.
  void Reindex(int64_t pk, Versions before, Versions after);

  uint32_t id_;
  TableDef def_;
  // Column indexes per key: the unique keys, then the secondary indexes.
  std::vector<std::vector<size_t>> key_columns_;
  size_t unique_count_ = 0;
  std::map<int64_t, RowSlot> slots_;
  std::vector<KeyIndex> keys_;  // per key: values -> rows with a version carrying them
  int64_t next_id_ = 1;
};

}  // namespace models::db
