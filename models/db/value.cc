// Values and table definitions; see value.h.

#include "models/db/value.h"

#include <cstring>
#include <set>

#include "sim/assert.h"
#include "models/db/db_error.h"

namespace models::db {

std::string Value::ToString() const {
  if (is_null()) return "NULL";
  if (is_int()) return std::to_string(AsInt());
  return "'" + AsString() + "'";
}

std::string RowToString(const Row& row) {
  std::string out = "(";
  for (size_t i = 0; i < row.size(); ++i) {
    if (i > 0) out += ", ";
    out += row[i].ToString();
  }
  return out + ")";
}

std::optional<size_t> TableDef::FindColumn(const std::string& column) const {
  // Hot (every statement and every snapshot row resolves names): the length and first byte
  // rule out most columns before a full comparison.
  const size_t size = column.size();
  const char first = size == 0 ? '\0' : column[0];
  for (size_t i = 0; i < columns.size(); ++i) {
    const std::string& name = columns[i].name;
    if (name.size() != size) continue;
    if (size != 0 && (name[0] != first || std::memcmp(name.data(), column.data(), size) != 0)) {
      continue;
    }
    return i;
  }
  return std::nullopt;
}

size_t TableDef::Col(const std::string& column) const {
  std::optional<size_t> index = FindColumn(column);
  SIM_ASSERT(index.has_value());
  return *index;
}

namespace {

sim::Error Invalid(const TableDef& def, const std::string& what) {
  return sim::MakeError(sim::Errc::kInvalid, def.name.ToString() + ": " + what);
}

sim::Result<void> CheckKey(const TableDef& def, const KeyDef& key) {
  if (key.name.empty() || key.columns.empty()) return Invalid(def, "key without name or columns");
  for (const std::string& column : key.columns) {
    if (!def.FindColumn(column)) return Invalid(def, "key " + key.name + " names " + column);
  }
  return {};
}

}  // namespace

sim::Result<void> ValidateTableDef(const TableDef& def) {
  if (def.name.schema.empty() || def.name.table.empty()) return Invalid(def, "empty name");
  std::set<std::string> names;
  for (const ColumnDef& column : def.columns) {
    if (column.name.empty() || !names.insert(column.name).second) {
      return Invalid(def, "empty or repeated column name '" + column.name + "'");
    }
    if (column.scale < 0 || column.scale > 8) return Invalid(def, "bad scale on " + column.name);
    if (!column.default_value.is_null()) {
      sim::Result<void> fits = CheckValueFits(column, column.default_value);
      if (!fits) return Invalid(def, "bad default on " + column.name);
    }
  }
  std::optional<size_t> pk = def.FindColumn(def.primary_key);
  if (!pk) return Invalid(def, "primary key column missing");
  const ColumnDef& pk_column = def.columns[*pk];
  if (pk_column.type != ColumnType::kInt64 || pk_column.nullable) {
    return Invalid(def, "primary key must be a NOT NULL int64 column");
  }
  std::set<std::string> key_names;
  for (const KeyDef& key : def.unique_keys) {
    if (!key_names.insert(key.name).second) return Invalid(def, "repeated key " + key.name);
    sim::Result<void> ok = CheckKey(def, key);
    if (!ok) return ok;
  }
  for (const KeyDef& key : def.indexes) {
    if (!key_names.insert(key.name).second) return Invalid(def, "repeated key " + key.name);
    sim::Result<void> ok = CheckKey(def, key);
    if (!ok) return ok;
  }
  return {};
}

sim::Result<void> CheckValueFits(const ColumnDef& column, const Value& value) {
  if (value.is_null()) {
    if (column.nullable) return {};
    return NotNullError(column.name);
  }
  const bool want_string = column.type == ColumnType::kString;
  if (want_string != value.is_string()) {
    return sim::MakeError(sim::Errc::kInvalid,
                          "type mismatch for column '" + column.name + "': " + value.ToString());
  }
  if (column.type == ColumnType::kDecimal &&
      (value.AsInt() >= kDecimalLimit || value.AsInt() <= -kDecimalLimit)) {
    return OutOfRangeError(column.name);
  }
  return {};
}

}  // namespace models::db
