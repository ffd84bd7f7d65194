#pragma once
// A small wms_ware_sku-like table shared by the db tests: an auto-increment id, a unique
// (sku_id, ware_id) pair so duplicate keys are easy to hit, stock counters, a version column for
// optimistic locking, a nullable name and a decimal price.

#include "models/db/value.h"

namespace models::db::testing {

inline TableDef SkuTable(std::string schema = "wms") {
  TableDef def;
  def.name = TableName{std::move(schema), "ware_sku"};
  def.columns = {ColumnDef::Int("id"),
                 ColumnDef::Int("sku_id"),
                 ColumnDef::Int("ware_id"),
                 ColumnDef::Int("stock", 0),
                 ColumnDef::Int("stock_locked", 0),
                 ColumnDef::Int("version", 0),
                 ColumnDef::Str("sku_name").Nullable(),
                 ColumnDef::Dec("price", 2, 0)};
  def.unique_keys = {{"uk_sku_ware", {"sku_id", "ware_id"}}};
  def.indexes = {{"idx_sku", {"sku_id"}}};
  return def;
}

}  // namespace models::db::testing
