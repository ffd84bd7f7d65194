// Row storage; see table.h.

#include "models/db/table.h"

#include <algorithm>
#include <utility>

#include "sim/assert.h"

namespace models::db {

Table::Table(uint32_t id, TableDef def) : id_(id), def_(std::move(def)) {
  for (const std::vector<KeyDef>* keys : {&def_.unique_keys, &def_.indexes}) {
    for (const KeyDef& key : *keys) {
      std::vector<size_t> columns;
      for (const std::string& name : key.columns) columns.push_back(def_.Col(name));
      key_columns_.push_back(std::move(columns));
    }
  }
  unique_count_ = def_.unique_keys.size();
  keys_.resize(key_columns_.size());
}

const RowSlot* Table::Find(int64_t pk) const {
  auto it = slots_.find(pk);
  return it == slots_.end() ? nullptr : &it->second;
}

const Row* Table::Visible(const RowSlot& slot, SessionId session) {
  if (slot.has_pending && slot.writer == session) {
    return slot.pending ? &*slot.pending : nullptr;
  }
  return slot.committed ? &*slot.committed : nullptr;
}

const Row* Table::Visible(int64_t pk, SessionId session) const {
  const RowSlot* slot = Find(pk);
  return slot == nullptr ? nullptr : Visible(*slot, session);
}

void Table::NoteExplicitId(int64_t pk) {
  if (pk >= next_id_) next_id_ = pk + 1;
}

bool Table::HasKey(size_t key, const Row& row) const {
  for (size_t column : key_columns_[key]) {
    if (row[column].is_null()) return false;
  }
  return true;
}

bool Table::SameKey(size_t key, const Row& a, const Row& b) const {
  if (!HasKey(key, a) || !HasKey(key, b)) return false;
  for (size_t column : key_columns_[key]) {
    if (a[column] != b[column]) return false;
  }
  return true;
}

void Table::EncodeKey(std::string* out, const Value& v) {
  if (v.is_int()) {
    const uint64_t n = static_cast<uint64_t>(v.AsInt());
    out->push_back('i');
    for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>(n >> shift));
  } else if (v.is_string()) {
    const std::string& s = v.AsString();
    const uint64_t n = s.size();
    out->push_back('s');
    for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>(n >> shift));
    out->append(s);
  } else {
    out->push_back('n');
  }
}

std::optional<std::string> Table::KeyOf(size_t key, const Row& row) const {
  if (!HasKey(key, row)) return std::nullopt;
  std::string encoded;
  for (size_t column : key_columns_[key]) EncodeKey(&encoded, row[column]);
  return encoded;
}

UniqueCheck Table::CheckUnique(const Row& candidate, int64_t self_pk, SessionId session,
                               const Row* old_version) const {
  for (size_t key = 0; key < unique_count_; ++key) {
    // An update that keeps a key's values has nothing to check there (the common case: the
    // mall's writes change counters and statuses), so compare before building the lookup key.
    if (!HasKey(key, candidate)) continue;
    if (old_version != nullptr && SameKey(key, *old_version, candidate)) continue;
    auto entry = keys_[key].find(*KeyOf(key, candidate));
    if (entry == keys_[key].end()) continue;
    for (int64_t other : entry->second) {
      if (other == self_pk) continue;
      const RowSlot& slot = slots_.at(other);
      const std::string& name = def_.unique_keys[key].name;
      if (slot.has_pending && slot.writer != session) {
        return {UniqueCheck::Verdict::kWait, name, other, slot.writer};
      }
      const Row* visible = Visible(slot, session);
      if (visible != nullptr && SameKey(key, *visible, candidate)) {
        return {UniqueCheck::Verdict::kDuplicate, name, other, 0};
      }
    }
  }
  return {};
}

std::optional<std::vector<int64_t>> Table::Lookup(
    const std::vector<std::pair<std::string, Value>>& eq) const {
  for (size_t key = 0; key < keys_.size(); ++key) {
    std::string values;
    size_t bound_columns = 0;
    for (size_t column : key_columns_[key]) {
      const std::string& name = def_.columns[column].name;
      auto bound = std::find_if(eq.begin(), eq.end(), [&](const auto& e) { return e.first == name; });
      if (bound == eq.end() || bound->second.is_null()) break;
      EncodeKey(&values, bound->second);
      ++bound_columns;
    }
    if (bound_columns != key_columns_[key].size()) continue;
    auto entry = keys_[key].find(values);
    if (entry == keys_[key].end()) return std::vector<int64_t>{};
    return std::vector<int64_t>(entry->second.begin(), entry->second.end());
  }
  return std::nullopt;
}

std::optional<RowSlot> Table::Save(int64_t pk) const {
  const RowSlot* slot = Find(pk);
  if (slot == nullptr) return std::nullopt;
  return *slot;
}

Table::Versions Table::VersionsOf(const RowSlot& slot) {
  const Row* pending = slot.has_pending && slot.pending ? &*slot.pending : nullptr;
  return {slot.committed ? &*slot.committed : nullptr, pending};
}

void Table::Restore(int64_t pk, std::optional<RowSlot> saved) {
  auto it = slots_.find(pk);
  const Versions before = it == slots_.end() ? Versions{} : VersionsOf(it->second);
  const Versions after = saved ? VersionsOf(*saved) : Versions{};
  Reindex(pk, before, after);
  if (!saved) {
    if (it != slots_.end()) slots_.erase(it);
    return;
  }
  SIM_ASSERT(saved->committed || saved->has_pending);
  if (it == slots_.end()) {
    slots_.emplace(pk, std::move(*saved));
  } else {
    it->second = std::move(*saved);
  }
}

// Writes change the slot in place: copying a slot (two rows of strings) and re-filing it in
// the map and every index on each write was most of a busy day's database cost.
void Table::WritePending(int64_t pk, SessionId session, std::optional<Row> version) {
  RowSlot& slot = slots_[pk];
  SIM_ASSERT(!slot.has_pending || slot.writer == session);
  SIM_ASSERT(!version || version->size() == def_.columns.size());
  const Versions before = VersionsOf(slot);
  Reindex(pk, before, {before[0], version ? &*version : nullptr});
  slot.has_pending = true;
  slot.writer = session;
  slot.pending = std::move(version);
}

std::optional<std::optional<Row>> Table::CommitPending(int64_t pk, SessionId session) {
  auto it = slots_.find(pk);
  if (it == slots_.end() || !it->second.has_pending) return std::nullopt;
  RowSlot& slot = it->second;
  SIM_ASSERT_EQ(slot.writer, session);
  const Versions before = VersionsOf(slot);
  Reindex(pk, before, {before[1], nullptr});
  std::optional<Row> after = slot.pending;  // the commit log keeps its own copy
  slot.committed = std::move(slot.pending);
  slot.has_pending = false;
  slot.pending.reset();
  slot.writer = 0;
  if (!slot.committed) slots_.erase(it);
  return after;
}

void Table::AbortPending(int64_t pk, SessionId session) {
  auto it = slots_.find(pk);
  if (it == slots_.end() || !it->second.has_pending) return;
  RowSlot& slot = it->second;
  SIM_ASSERT_EQ(slot.writer, session);
  const Versions before = VersionsOf(slot);
  Reindex(pk, before, {before[0], nullptr});
  slot.has_pending = false;
  slot.pending.reset();
  slot.writer = 0;
  if (!slot.committed) slots_.erase(it);
}

void Table::ApplyCommitted(int64_t pk, std::optional<Row> version) {
  SIM_ASSERT(Find(pk) == nullptr || !Find(pk)->has_pending);
  if (!version) {
    Restore(pk, std::nullopt);
    return;
  }
  RowSlot slot;
  slot.committed = std::move(version);
  Restore(pk, std::move(slot));
}

void Table::Reindex(int64_t pk, Versions before, Versions after) {
  for (size_t key = 0; key < keys_.size(); ++key) {
    // A version whose key values some version on the other side shares leaves the entry as it
    // is: the row stays filed under those values.
    auto shared = [&](const Row* version, const Versions& other) {
      for (const Row* o : other) {
        if (o != nullptr && SameKey(key, *version, *o)) return true;
      }
      return false;
    };
    for (const Row* version : before) {
      if (version == nullptr || !HasKey(key, *version) || shared(version, after)) continue;
      auto entry = keys_[key].find(*KeyOf(key, *version));
      if (entry == keys_[key].end()) continue;  // both old versions share the key: erased once
      entry->second.erase(pk);
      if (entry->second.empty()) keys_[key].erase(entry);
    }
    for (const Row* version : after) {
      if (version == nullptr || !HasKey(key, *version) || shared(version, before)) continue;
      keys_[key][*KeyOf(key, *version)].insert(pk);
    }
  }
}

}  // namespace models::db
