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

std::optional<std::vector<Value>> Table::KeyOf(size_t key, const Row& row) const {
  std::vector<Value> values;
  for (size_t column : key_columns_[key]) {
    if (row[column].is_null()) return std::nullopt;
    values.push_back(row[column]);
  }
  return values;
}

UniqueCheck Table::CheckUnique(const Row& candidate, int64_t self_pk, SessionId session,
                               const Row* old_version) const {
  for (size_t key = 0; key < unique_count_; ++key) {
    std::optional<std::vector<Value>> values = KeyOf(key, candidate);
    if (!values) continue;
    if (old_version != nullptr && KeyOf(key, *old_version) == values) continue;
    auto entry = keys_[key].find(*values);
    if (entry == keys_[key].end()) continue;
    for (int64_t other : entry->second) {
      if (other == self_pk) continue;
      const RowSlot& slot = slots_.at(other);
      const std::string& name = def_.unique_keys[key].name;
      if (slot.has_pending && slot.writer != session) {
        return {UniqueCheck::Verdict::kWait, name, other, slot.writer};
      }
      const Row* visible = Visible(slot, session);
      if (visible != nullptr && KeyOf(key, *visible) == values) {
        return {UniqueCheck::Verdict::kDuplicate, name, other, 0};
      }
    }
  }
  return {};
}

std::optional<std::vector<int64_t>> Table::Lookup(
    const std::vector<std::pair<std::string, Value>>& eq) const {
  for (size_t key = 0; key < keys_.size(); ++key) {
    std::vector<Value> values;
    for (size_t column : key_columns_[key]) {
      const std::string& name = def_.columns[column].name;
      auto bound = std::find_if(eq.begin(), eq.end(), [&](const auto& e) { return e.first == name; });
      if (bound == eq.end() || bound->second.is_null()) break;
      values.push_back(bound->second);
    }
    if (values.size() != key_columns_[key].size()) continue;
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

void Table::Restore(int64_t pk, std::optional<RowSlot> saved) { Replace(pk, std::move(saved)); }

void Table::WritePending(int64_t pk, SessionId session, std::optional<Row> version) {
  std::optional<RowSlot> slot = Save(pk);
  if (!slot) slot.emplace();
  SIM_ASSERT(!slot->has_pending || slot->writer == session);
  SIM_ASSERT(!version || version->size() == def_.columns.size());
  slot->has_pending = true;
  slot->writer = session;
  slot->pending = std::move(version);
  Replace(pk, std::move(slot));
}

std::optional<std::optional<Row>> Table::CommitPending(int64_t pk, SessionId session) {
  std::optional<RowSlot> slot = Save(pk);
  if (!slot || !slot->has_pending) return std::nullopt;
  SIM_ASSERT_EQ(slot->writer, session);
  std::optional<Row> after = slot->pending;
  slot->committed = std::move(slot->pending);
  slot->has_pending = false;
  slot->pending.reset();
  slot->writer = 0;
  Replace(pk, slot->committed ? std::move(slot) : std::nullopt);
  return after;
}

void Table::AbortPending(int64_t pk, SessionId session) {
  std::optional<RowSlot> slot = Save(pk);
  if (!slot || !slot->has_pending) return;
  SIM_ASSERT_EQ(slot->writer, session);
  slot->has_pending = false;
  slot->pending.reset();
  slot->writer = 0;
  Replace(pk, slot->committed ? std::move(slot) : std::nullopt);
}

void Table::ApplyCommitted(int64_t pk, std::optional<Row> version) {
  SIM_ASSERT(Find(pk) == nullptr || !Find(pk)->has_pending);
  if (!version) {
    Replace(pk, std::nullopt);
    return;
  }
  RowSlot slot;
  slot.committed = std::move(version);
  Replace(pk, std::move(slot));
}

void Table::Replace(int64_t pk, std::optional<RowSlot> slot) {
  auto it = slots_.find(pk);
  if (it != slots_.end()) {
    Index(pk, it->second, false);
    slots_.erase(it);
  }
  if (!slot) return;
  SIM_ASSERT(slot->committed || slot->has_pending);
  Index(pk, *slot, true);
  slots_.emplace(pk, std::move(*slot));
}

void Table::Index(int64_t pk, const RowSlot& slot, bool add) {
  for (size_t key = 0; key < keys_.size(); ++key) {
    for (const std::optional<Row>* version : {&slot.committed, &slot.pending}) {
      if (!*version) continue;
      std::optional<std::vector<Value>> values = KeyOf(key, **version);
      if (!values) continue;
      if (add) {
        keys_[key][*values].insert(pk);
        continue;
      }
      auto entry = keys_[key].find(*values);
      if (entry == keys_[key].end()) continue;  // both versions share the key: erased once
      entry->second.erase(pk);
      if (entry->second.empty()) keys_[key].erase(entry);
    }
  }
}

}  // namespace models::db
