// Guard and SET evaluation; see guard.h.

#include "models/db/guard.h"

#include <compare>

#include "sim/assert.h"
#include "models/db/db_error.h"

namespace models::db {

std::string_view CmpOpSql(CmpOp op) {
  switch (op) {
    case CmpOp::kEq: return "=";
    case CmpOp::kNe: return "<>";
    case CmpOp::kLt: return "<";
    case CmpOp::kLe: return "<=";
    case CmpOp::kGt: return ">";
    case CmpOp::kGe: return ">=";
  }
  return "?";
}

Guard Guard::Cmp(std::string column, CmpOp op, Value literal) {
  return Guard(ColLit{std::move(column), op, std::move(literal)});
}

Guard Guard::Diff(std::string left, std::string right, CmpOp op, Value literal) {
  return Guard(ColDiffLit{std::move(left), std::move(right), op, std::move(literal)});
}

Guard Guard::And(std::vector<Guard> parts) { return Guard(AllOf{std::move(parts)}); }

bool Guard::IsTrue() const {
  const AllOf* all = std::get_if<AllOf>(&node_);
  if (all == nullptr) return false;
  for (const Guard& part : all->parts) {
    if (!part.IsTrue()) return false;
  }
  return true;
}

std::string Guard::ToString() const {
  if (const auto* c = std::get_if<ColLit>(&node_)) {
    return c->column + " " + std::string(CmpOpSql(c->op)) + " " + c->literal.ToString();
  }
  if (const auto* d = std::get_if<ColDiffLit>(&node_)) {
    return d->left + " - " + d->right + " " + std::string(CmpOpSql(d->op)) + " " +
           d->literal.ToString();
  }
  const AllOf& all = std::get<AllOf>(node_);
  if (all.parts.empty()) return "TRUE";
  std::string out;
  for (const Guard& part : all.parts) {
    if (!out.empty()) out += " AND ";
    out += "(" + part.ToString() + ")";
  }
  return out;
}

namespace {

sim::Error Invalid(const std::string& what) { return sim::MakeError(sim::Errc::kInvalid, what); }

// The literal must be NULL or have the column's representation.
sim::Result<void> CheckLiteral(const ColumnDef& column, const Value& literal) {
  if (literal.is_null()) return {};
  if ((column.type == ColumnType::kString) != literal.is_string()) {
    return Invalid("literal " + literal.ToString() + " does not match column " + column.name);
  }
  return {};
}

sim::Result<const ColumnDef*> Resolve(const TableDef& def, const std::string& column) {
  std::optional<size_t> index = def.FindColumn(column);
  if (!index) return Invalid("unknown column '" + column + "' in " + def.name.ToString());
  return &def.columns[*index];
}

bool Holds(std::strong_ordering order, CmpOp op) {
  switch (op) {
    case CmpOp::kEq: return order == 0;
    case CmpOp::kNe: return order != 0;
    case CmpOp::kLt: return order < 0;
    case CmpOp::kLe: return order <= 0;
    case CmpOp::kGt: return order > 0;
    case CmpOp::kGe: return order >= 0;
  }
  return false;
}

// REQUIRES: a and b have the same representation unless one is NULL (Check* ensure it).
bool Compare(const Value& a, CmpOp op, const Value& b) {
  if (a.is_null() || b.is_null()) return false;  // UNKNOWN is not TRUE
  if (a.is_int()) return Holds(a.AsInt() <=> b.AsInt(), op);
  return Holds(a.AsString().compare(b.AsString()) <=> 0, op);
}

}  // namespace

sim::Result<void> CheckGuard(const Guard& guard, const TableDef& def) {
  if (const auto* c = std::get_if<Guard::ColLit>(&guard.node())) {
    sim::Result<const ColumnDef*> column = Resolve(def, c->column);
    if (!column) return column.error();
    return CheckLiteral(**column, c->literal);
  }
  if (const auto* d = std::get_if<Guard::ColDiffLit>(&guard.node())) {
    sim::Result<const ColumnDef*> left = Resolve(def, d->left);
    if (!left) return left.error();
    sim::Result<const ColumnDef*> right = Resolve(def, d->right);
    if (!right) return right.error();
    if ((*left)->type == ColumnType::kString || (*right)->type == ColumnType::kString ||
        (*left)->scale != (*right)->scale) {
      return Invalid("difference needs numeric columns of one scale: " + guard.ToString());
    }
    return CheckLiteral(**left, d->literal);
  }
  for (const Guard& part : std::get<Guard::AllOf>(guard.node()).parts) {
    sim::Result<void> ok = CheckGuard(part, def);
    if (!ok) return ok;
  }
  return {};
}

sim::Result<void> CheckEqualities(const Assignments& eq, const TableDef& def) {
  for (const auto& [name, literal] : eq) {
    sim::Result<const ColumnDef*> column = Resolve(def, name);
    if (!column) return column.error();
    sim::Result<void> ok = CheckLiteral(**column, literal);
    if (!ok) return ok;
  }
  return {};
}

sim::Result<void> CheckInsertValues(const Assignments& values, const TableDef& def,
                                    std::vector<size_t>* indexes) {
  std::vector<bool> given(def.columns.size(), false);
  if (indexes != nullptr) {
    indexes->clear();
    indexes->reserve(values.size());
  }
  for (const auto& [name, literal] : values) {
    std::optional<size_t> index = def.FindColumn(name);
    if (!index || given[*index]) return Invalid("unknown or repeated column '" + name + "'");
    given[*index] = true;
    sim::Result<void> ok = CheckLiteral(def.columns[*index], literal);
    if (!ok) return ok;
    if (indexes != nullptr) indexes->push_back(*index);
  }
  return {};
}

sim::Result<void> CheckSet(const std::vector<SetClause>& set, const TableDef& def) {
  if (set.empty()) return Invalid("UPDATE without SET");
  for (const SetClause& clause : set) {
    sim::Result<const ColumnDef*> column = Resolve(def, clause.column);
    if (!column) return column.error();
    if (clause.column == def.primary_key) return Invalid("SET on the primary key");
    if (clause.kind == SetClause::Kind::kAdd) {
      if ((*column)->type == ColumnType::kString || !clause.value.is_int()) {
        return Invalid("col = col + delta needs a numeric column and an integer delta");
      }
    } else {
      sim::Result<void> ok = CheckLiteral(**column, clause.value);
      if (!ok) return ok;
    }
  }
  return {};
}

bool EvalGuard(const Guard& guard, const TableDef& def, const Row& row) {
  SIM_ASSERT_EQ(row.size(), def.columns.size());
  if (const auto* c = std::get_if<Guard::ColLit>(&guard.node())) {
    return Compare(row[def.Col(c->column)], c->op, c->literal);
  }
  if (const auto* d = std::get_if<Guard::ColDiffLit>(&guard.node())) {
    const Value& left = row[def.Col(d->left)];
    const Value& right = row[def.Col(d->right)];
    if (left.is_null() || right.is_null() || d->literal.is_null()) return false;
    // left - right may overflow int64; then it lies beyond every int64 literal.
    int64_t diff = 0;
    if (__builtin_sub_overflow(left.AsInt(), right.AsInt(), &diff)) {
      return Holds(left.AsInt() > right.AsInt() ? std::strong_ordering::greater
                                                : std::strong_ordering::less,
                   d->op);
    }
    return Holds(diff <=> d->literal.AsInt(), d->op);
  }
  for (const Guard& part : std::get<Guard::AllOf>(guard.node()).parts) {
    if (!EvalGuard(part, def, row)) return false;
  }
  return true;
}

bool EvalEqualities(const Assignments& eq, const TableDef& def, const Row& row) {
  for (const auto& [name, literal] : eq) {
    if (!Compare(row[def.Col(name)], CmpOp::kEq, literal)) return false;
  }
  return true;
}

sim::Result<Row> ApplySet(const std::vector<SetClause>& set, const TableDef& def, Row row) {
  // SQL evaluates every right-hand side against the old row, so every new value is computed
  // before any is assigned (cheaper than keeping a copy of the old row).
  std::vector<std::pair<size_t, Value>> next_values;
  next_values.reserve(set.size());
  for (const SetClause& clause : set) {
    const size_t index = def.Col(clause.column);
    const ColumnDef& column = def.columns[index];
    Value next = clause.value;
    if (clause.kind == SetClause::Kind::kAdd) {
      if (row[index].is_null()) {
        next = Value::Null();
      } else {
        int64_t sum = 0;
        if (__builtin_add_overflow(row[index].AsInt(), clause.value.AsInt(), &sum)) {
          return OutOfRangeError(column.name);
        }
        next = Value(sum);
      }
    }
    sim::Result<void> fits = CheckValueFits(column, next);
    if (!fits) return fits.error();
    next_values.emplace_back(index, std::move(next));
  }
  for (auto& [index, next] : next_values) row[index] = std::move(next);
  return row;
}

}  // namespace models::db
