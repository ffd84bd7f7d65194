#pragma once
// Values, columns and table definitions of the MySQL-like model.
//
// Fidelity contract: a column is int64, string or fixed-point decimal (held as an int64
// scaled by 10^scale, so decimal(18,4) 12.5 is 125000), optionally nullable, with an optional
// default. Every table has a single int64 primary key, optionally auto-increment, plus named
// unique keys and plain secondary indexes (the latter only matter to the PostgreSQL DDL; the
// model scans). Strings compare bytewise (MySQL's default collation is case-insensitive; that is
// not modelled and the PostgreSQL client uses COLLATE "C" to agree with the model). Decimals are
// limited to 18 digits in total, like DECIMAL(18, s).

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "sim/result.h"

namespace models::db {

// A cell: NULL, an integer (also the scaled form of a decimal) or a string.
class Value {
 public:
  Value() = default;  // NULL
  Value(int v) : v_(static_cast<int64_t>(v)) {}              // NOLINT: implicit by design
  Value(int64_t v) : v_(v) {}                                // NOLINT: implicit by design
  Value(std::string v) : v_(std::move(v)) {}                 // NOLINT: implicit by design
  Value(const char* v) : v_(std::string(v)) {}               // NOLINT: implicit by design
  static Value Null() { return Value(); }

  bool is_null() const { return v_.index() == 0; }
  bool is_int() const { return v_.index() == 1; }
  bool is_string() const { return v_.index() == 2; }
  // REQUIRES: is_int()
  int64_t AsInt() const { return std::get<1>(v_); }
  // REQUIRES: is_string()
  const std::string& AsString() const { return std::get<2>(v_); }

  // NULL, 42 or 'text': for messages and test output.
  std::string ToString() const;

  friend bool operator==(const Value&, const Value&) = default;
  friend auto operator<=>(const Value&, const Value&) = default;

 private:
  std::variant<std::monostate, int64_t, std::string> v_;
};

// A row holds one value per column, in the table's column order.
using Row = std::vector<Value>;
std::string RowToString(const Row& row);

enum class ColumnType : uint8_t { kInt64, kString, kDecimal };

// Largest magnitude (exclusive) of a scaled decimal: 18 digits, as DECIMAL(18, s).
inline constexpr int64_t kDecimalLimit = 1'000'000'000'000'000'000;

struct ColumnDef {
  std::string name;
  ColumnType type = ColumnType::kInt64;
  bool nullable = false;
  int scale = 0;              // digits after the point, kDecimal only (0..8)
  Value default_value;        // NULL means "no default" for a NOT NULL column

  static ColumnDef Int(std::string name, Value dflt = {}) {
    return {std::move(name), ColumnType::kInt64, false, 0, std::move(dflt)};
  }
  static ColumnDef Str(std::string name, Value dflt = {}) {
    return {std::move(name), ColumnType::kString, false, 0, std::move(dflt)};
  }
  static ColumnDef Dec(std::string name, int scale, Value dflt = {}) {
    return {std::move(name), ColumnType::kDecimal, false, scale, std::move(dflt)};
  }
  ColumnDef Nullable() && { nullable = true; return std::move(*this); }
};

// Schema (database) and table name, e.g. {"wms", "wms_ware_sku"}.
struct TableName {
  std::string schema;
  std::string table;
  std::string ToString() const { return schema + "." + table; }
  friend bool operator==(const TableName&, const TableName&) = default;
  friend auto operator<=>(const TableName&, const TableName&) = default;
};

struct KeyDef {
  std::string name;
  std::vector<std::string> columns;
};

struct TableDef {
  TableName name;
  std::vector<ColumnDef> columns;
  std::string primary_key = "id";   // an int64 column
  bool auto_increment = true;
  std::vector<KeyDef> unique_keys;
  std::vector<KeyDef> indexes;      // non-unique: lookups by equality use them, as scans would

  std::optional<size_t> FindColumn(const std::string& column) const;
  // REQUIRES: the column exists.
  size_t Col(const std::string& column) const;
  size_t PkIndex() const { return Col(primary_key); }
};

// Checks the definition is well formed (names resolve, pk is a NOT NULL int64 column, ...).
sim::Result<void> ValidateTableDef(const TableDef& def);

// Checks `value` fits `column` (type, nullability, decimal range). Returns a kInvalid error
// for a type mismatch and the not-null / out-of-range errors of db_error.h otherwise.
sim::Result<void> CheckValueFits(const ColumnDef& column, const Value& value);

}  // namespace models::db
