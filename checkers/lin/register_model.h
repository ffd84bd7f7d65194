#pragma once
// The register model: one register holding a string or nil, with read, write and
// compare-and-set. Values are interned per partition so a state is one int32 (0 = nil), which
// keeps Step, Hash and Equal branch-light and the memo table small.
//
// Semantics of outputs (see history.h): a read observes a value; a write always succeeds; a
// cas with ok=true swapped (the register held `expected`), with ok=false it observed a
// different value and left the register alone. An unknown op's output is ignored: an unknown
// write sets the value, an unknown cas swaps if the register holds `expected` (the branch in
// which it never took effect is the search leaving it unlinearized), an unknown read is
// dropped at compile time. Reads and writes that definitely failed are dropped too.
//
// Compile-time reduction: an unknown write or cas whose value no op observes (no read returns
// it, no cas expects it) is dropped when the partition has no failed cas. Such an op's span as
// the current value can only hold blind writes, so any linearization with it stays one without
// it, and "never happened" is one of its outcomes anyway. Without this, every timed-out write
// would stay a pending candidate to the end of the search, doubling the space each time.

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "checkers/lin/history.h"
#include "checkers/lin/model.h"

namespace checkers::lin {

struct RegisterOp {
  OpKind kind = OpKind::kRead;
  int32_t value = 0;     // read: the value observed; write/cas: the value stored
  int32_t expected = 0;  // cas only
  bool ok = true;        // cas only: whether the swap happened (ignored when unknown)
  bool unknown = false;
};

class RegisterModel {
 public:
  using State = int32_t;
  using Op = RegisterOp;

  // The value table is shared so that subsets of a partition (window shrinking) copy cheaply.
  explicit RegisterModel(std::vector<std::string> values)
      : values_(std::make_shared<const std::vector<std::string>>(std::move(values))) {}

  State Init() const { return 0; }
  std::optional<State> Step(State state, const Op& op) const {
    switch (op.kind) {
      case OpKind::kRead:
        if (state == op.value) return state;
        return std::nullopt;
      case OpKind::kWrite:
        return op.value;
      case OpKind::kCas:
        if (op.unknown || op.ok) {
          if (state == op.expected) return op.value;
          return std::nullopt;
        }
        if (state != op.expected) return state;
        return std::nullopt;
    }
    return std::nullopt;
  }
  uint64_t Hash(State state) const { return Mix64(static_cast<uint64_t>(state)); }
  bool Equal(State a, State b) const { return a == b; }
  std::string DescribeOp(const Op& op) const;
  std::string DescribeState(State state) const;

  // Interned value 0 is nil; others index the partition's value table.
  const std::vector<std::string>& values() const { return *values_; }

 private:
  std::shared_ptr<const std::vector<std::string>> values_;
};

// One partition compiled for the register model: the model (with its value table) and the ops
// that constrain the search, sorted by (call, origin).
struct CompiledRegister {
  RegisterModel model;
  std::vector<TimedOp<RegisterOp>> ops;
};

// REQUIRES: every index in `op_indices` is valid in `history`.
CompiledRegister CompileRegister(const History& history, std::span<const size_t> op_indices);

// Keeps only `keep` (positions in `source.ops`), preserving order and the value table.
CompiledRegister SubsetOf(const CompiledRegister& source, std::span<const size_t> keep);

}  // namespace checkers::lin
