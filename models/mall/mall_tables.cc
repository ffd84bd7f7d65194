// Column positions of the saga's tables; see mall_tables.h.

#include "models/mall/mall_tables.h"

#include <map>

#include "models/db/mall_catalog.h"
#include "sim/assert.h"

namespace models::mall {

size_t Col(const db::TableName& table, const std::string& column) {
  static const std::map<db::TableName, db::TableDef> kDefs = [] {
    std::map<db::TableName, db::TableDef> m;
    for (db::TableDef& d : db::MallTables()) m.emplace(d.name, std::move(d));
    return m;
  }();
  auto it = kDefs.find(table);
  SIM_ASSERT_MSG(it != kDefs.end(), "unknown table " << table.ToString());
  std::optional<size_t> c = it->second.FindColumn(column);
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
