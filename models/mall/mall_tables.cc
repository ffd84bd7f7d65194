// Column positions of the saga's tables; see mall_tables.h.

#include "models/mall/mall_tables.h"

#include <algorithm>
#include <vector>

#include "models/db/mall_catalog.h"
#include "sim/assert.h"

namespace models::mall {

size_t Col(const db::TableName& table, const std::string& column) {
  // Scanned, as DbModel::TableIndex does: service code reads a few cells of every row it
  // touches, and a map ordered by (schema, table) cost two string compares at every level.
  static const std::vector<db::TableDef> kDefs = db::MallTables();
  const auto it = std::find_if(kDefs.begin(), kDefs.end(),
                               [&table](const db::TableDef& d) { return d.name == table; });
  SIM_ASSERT_MSG(it != kDefs.end(), "unknown table " << table.ToString());
  std::optional<size_t> c = it->FindColumn(column);
  SIM_ASSERT_MSG(c.has_value(), "unknown column " << column << " of " << table.ToString());
  return *c;
}

int64_t IntAt(const db::Row& row, const db::TableName& table, const std::string& column) {
  const db::Value& v = row.at(Col(table, column));
  return v.is_int() ? v.AsInt() : 0;
}

std::string StrAt(const db::Row& row, const db::TableName& table, const std::string& column) {
  const db::Value& v = row.at(Col(table, column));
  return v.is_string() ? v.AsString() : std::string();
}

}  // namespace models::mall
