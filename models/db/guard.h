#pragma once
// The closed expression language of WHERE guards and SET clauses.
//
// Fidelity contract: exactly the predicate shapes the mall's SQL uses, and nothing that would
// need a parser: `col op literal`, `col_a - col_b op literal` and AND of those, plus
// `SET col = literal` and `SET col = col + delta`. Comparisons follow SQL three-valued logic
// reduced to WHERE semantics: a comparison with NULL is never true, so a row with NULL in a
// guarded column never matches; `col + delta` on NULL stays NULL. The model evaluates these
// structures and the PostgreSQL client renders the very same structures to SQL.

#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "models/db/value.h"
#include "sim/result.h"

namespace models::db {

enum class CmpOp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };
std::string_view CmpOpSql(CmpOp op);  // "=", "<>", "<", "<=", ">", ">="

class Guard {
 public:
  struct ColLit {        // column op literal
    std::string column;
    CmpOp op;
    Value literal;
  };
  struct ColDiffLit {    // left - right op literal (numeric columns of the same scale)
    std::string left;
    std::string right;
    CmpOp op;
    Value literal;
  };
  struct AllOf {         // AND of the parts; empty means TRUE
    std::vector<Guard> parts;
  };
  using Node = std::variant<AllOf, ColLit, ColDiffLit>;

  Guard() = default;  // TRUE
  static Guard True() { return Guard(); }
  static Guard Cmp(std::string column, CmpOp op, Value literal);
  static Guard Diff(std::string left, std::string right, CmpOp op, Value literal);
  static Guard And(std::vector<Guard> parts);

  const Node& node() const { return node_; }
  bool IsTrue() const;
  std::string ToString() const;

 private:
  explicit Guard(Node node) : node_(std::move(node)) {}
  Node node_;
};

// Column equalities of a WHERE clause (combined with AND); also used for INSERT values.
using Assignments = std::vector<std::pair<std::string, Value>>;

struct SetClause {
  enum class Kind : uint8_t { kAssign, kAdd };
  Kind kind = Kind::kAssign;
  std::string column;
  Value value;  // the literal, or the delta for kAdd

  static SetClause Assign(std::string column, Value value) {
    return {Kind::kAssign, std::move(column), std::move(value)};
  }
  static SetClause Add(std::string column, int64_t delta) {
    return {Kind::kAdd, std::move(column), Value(delta)};
  }
};

// Checks every column exists and literals have the column's type. kInvalid otherwise.
sim::Result<void> CheckGuard(const Guard& guard, const TableDef& def);
sim::Result<void> CheckEqualities(const Assignments& eq, const TableDef& def);
// INSERT values: every column exists once and literals have the column's type. With
// `indexes`, on success it holds each value's column index, so callers resolve names once.
sim::Result<void> CheckInsertValues(const Assignments& values, const TableDef& def,
                                    std::vector<size_t>* indexes = nullptr);
// Also rejects SET on the primary key (the model keys rows by it).
sim::Result<void> CheckSet(const std::vector<SetClause>& set, const TableDef& def);

// REQUIRES: the corresponding Check* passed for `def`.
bool EvalGuard(const Guard& guard, const TableDef& def, const Row& row);
bool EvalEqualities(const Assignments& eq, const TableDef& def, const Row& row);
// Returns the updated row, or the not-null / out-of-range error the first bad column gives.
sim::Result<Row> ApplySet(const std::vector<SetClause>& set, const TableDef& def, Row row);

}  // namespace models::db
