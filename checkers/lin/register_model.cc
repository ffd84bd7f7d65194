#include "checkers/lin/register_model.h"

#include <algorithm>
#include <unordered_map>  // determinism: lookup-only (see Interner)

#include <fmt/format.h>

namespace checkers::lin {
namespace {

// Ids are assigned in op order, so they do not depend on hashing; the map is only looked up.
class Interner {
 public:
  Interner() { values_.emplace_back(); }  // id 0: nil (its text is never used)

  int32_t Id(const std::optional<std::string>& value) {
    if (!value) return 0;
    auto [it, inserted] = ids_.try_emplace(*value, static_cast<int32_t>(values_.size()));
    if (inserted) values_.push_back(*value);
    return it->second;
  }
  std::vector<std::string> Take() { return std::move(values_); }
  size_t size() const { return values_.size(); }

 private:
  std::unordered_map<std::string, int32_t> ids_;  // determinism: lookup-only
  std::vector<std::string> values_;
};

// Failed reads/writes never happened; an unknown read says nothing.
bool Constrains(const Operation& op) {
  if (op.input.kind == OpKind::kCas) return true;
  if (op.output.unknown) return op.input.kind == OpKind::kWrite;
  return op.output.ok;
}

// See the reduction in register_model.h.
void DropUnobservedUnknowns(std::vector<TimedOp<RegisterOp>>* ops, size_t values_count) {
  std::vector<uint8_t> observed(values_count, 0);
  for (const auto& timed : *ops) {
    const RegisterOp& op = timed.op;
    if (op.kind == OpKind::kCas && !op.ok && !op.unknown) return;  // a failed cas: keep all
    if (op.kind == OpKind::kRead) observed[static_cast<size_t>(op.value)] = 1;
    if (op.kind == OpKind::kCas) observed[static_cast<size_t>(op.expected)] = 1;
  }
  std::erase_if(*ops, [&](const TimedOp<RegisterOp>& timed) {
    return timed.unknown && timed.op.kind != OpKind::kRead &&
           observed[static_cast<size_t>(timed.op.value)] == 0;
  });
}

}  // namespace

std::string RegisterModel::DescribeOp(const Op& op) const {
  const std::string outcome = op.unknown ? "?" : "ok";
  switch (op.kind) {
    case OpKind::kRead: return fmt::format("read -> {}", DescribeState(op.value));
    case OpKind::kWrite: return fmt::format("write({}) -> {}", DescribeState(op.value), outcome);
    case OpKind::kCas:
      return fmt::format("cas({}->{}) -> {}", DescribeState(op.expected), DescribeState(op.value),
                         op.unknown ? "?" : (op.ok ? "ok" : "fail"));
  }
  return "?";
}

std::string RegisterModel::DescribeState(State state) const {
  if (state == 0) return "nil";
  return fmt::format("\"{}\"", values_->at(static_cast<size_t>(state)));
}

CompiledRegister CompileRegister(const History& history, std::span<const size_t> op_indices) {
  Interner interner;
  std::vector<TimedOp<RegisterOp>> ops;
  ops.reserve(op_indices.size());
  for (size_t index : op_indices) {
    const Operation& op = history.ops[index];
    if (!Constrains(op)) continue;
    TimedOp<RegisterOp> timed;
    timed.call = op.call.nanos();
    timed.unknown = op.output.unknown;
    timed.ret = timed.unknown ? INT64_MAX : op.ret.nanos();
    timed.origin = static_cast<uint32_t>(index);
    timed.op.kind = op.input.kind;
    timed.op.unknown = op.output.unknown;
    timed.op.ok = op.output.ok;
    timed.op.value = interner.Id(op.input.kind == OpKind::kRead ? op.output.value : op.input.value);
    if (op.input.kind == OpKind::kCas) timed.op.expected = interner.Id(op.input.expected);
    ops.push_back(timed);
  }
  DropUnobservedUnknowns(&ops, interner.size());
  std::sort(ops.begin(), ops.end(), [](const auto& a, const auto& b) {
    return a.call != b.call ? a.call < b.call : a.origin < b.origin;
  });
  return CompiledRegister{RegisterModel(interner.Take()), std::move(ops)};
}

CompiledRegister SubsetOf(const CompiledRegister& source, std::span<const size_t> keep) {
  CompiledRegister subset{source.model, {}};
  subset.ops.reserve(keep.size());
  for (size_t position : keep) subset.ops.push_back(source.ops.at(position));
  return subset;
}

}  // namespace checkers::lin
