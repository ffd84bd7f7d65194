#pragma once
// Rendering of the model's typed tables and statements to PostgreSQL SQL, and conversion of
// values to and from PostgreSQL's text format. Pure functions: no connection here.
//
// Each model schema ("wms") becomes the PostgreSQL schema "<prefix>_wms", so concurrent or
// repeated test runs never share tables. Columns map to bigint, text COLLATE "C" (bytewise, as
// the model compares) and numeric(18, scale); an auto-increment key is an identity column.
// Every parameter carries an explicit cast, so PostgreSQL never has to guess its type.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/db/statements.h"
#include "models/db/value.h"
#include "sim/result.h"

namespace models::db::real {

struct SqlText {
  std::string sql;
  std::vector<std::optional<std::string>> params;  // nullopt is SQL NULL
};

std::string QuoteIdent(std::string_view name);
std::string PgSchemaName(std::string_view prefix, std::string_view schema);
std::string PgTableName(std::string_view prefix, const TableName& table);

// CREATE SCHEMA IF NOT EXISTS, CREATE TABLE and CREATE INDEX statements, in order.
std::vector<std::string> CreateTableSql(std::string_view prefix, const TableDef& def);

// REQUIRES: the statement passed the model's checks for `def` (see PgConnection).
SqlText InsertSql(std::string_view prefix, const TableDef& def, const InsertStmt& stmt);
SqlText SelectSql(std::string_view prefix, const TableDef& def, const SelectStmt& stmt);
SqlText UpdateSql(std::string_view prefix, const TableDef& def, const UpdateStmt& stmt);
SqlText DeleteSql(std::string_view prefix, const TableDef& def, const DeleteStmt& stmt);

// "12.50" for 1250 at scale 2; "-0.05" for -5.
std::string FormatDecimal(int64_t scaled, int scale);
sim::Result<int64_t> ParseDecimal(std::string_view text, int scale);
std::optional<std::string> EncodeValue(const ColumnDef& column, const Value& value);
sim::Result<Value> DecodeValue(const ColumnDef& column, const char* text, bool is_null);

}  // namespace models::db::real
