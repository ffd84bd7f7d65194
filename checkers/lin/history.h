#pragma once
// A history of register/KV operations as the linearizability checker sees it.
//
// Contract: each operation has a call time and a return time (integer nanoseconds on one
// timeline). Operation a precedes b in real time iff a.ret < b.call; equal times mean the two
// overlap (intervals are closed), as in Porcupine. An operation with an indeterminate outcome
// (`unknown`, Jepsen's :info) has its return at +infinity: it may have taken effect at any
// point after its call, or never, and its output carries no information.
//
// Values are strings; the register's initial value is "nil", which no write can produce. A
// read that found nothing reports no value (JSON null or no "value" field). A write or read
// that definitely failed (output ok=false, not unknown) never took effect and is ignored by
// the checker. For cas, ok says whether the swap happened: ok=false is an observation that
// the register did not hold `expected` at the linearization point.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/result.h"
#include "sim/time.h"

namespace checkers::lin {

enum class OpKind : uint8_t { kRead, kWrite, kCas };

enum class ModelKind : uint8_t {
  kRegister,  // one register; keys are ignored
  kKv,        // a map of independent registers, partitioned per key (P-compositionality)
};

struct Input {
  OpKind kind = OpKind::kRead;
  std::string key;
  std::optional<std::string> value;     // write/cas: the value stored
  std::optional<std::string> expected;  // cas: the value compared against (nullopt = nil)
};

struct Output {
  std::optional<std::string> value;  // read: the value seen (nullopt = nil)
  bool ok = true;
  bool unknown = false;
};

struct Operation {
  int64_t client = 0;
  sim::Instant call;
  sim::Instant ret;  // Instant::Max() when output.unknown
  Input input;
  Output output;
};

struct History {
  ModelKind model = ModelKind::kRegister;
  std::vector<Operation> ops;
};

// The invariants the checker relies on: a known op returns no earlier than its call, writes
// and cas carry a value. The error names the op index and its key.
sim::Result<void> ValidateHistory(const History& history);

std::string_view OpKindName(OpKind kind);
std::string_view ModelKindName(ModelKind kind);

// "write(k, \"v3\") -> ok", "read(k) -> \"v2\"", "cas(k, \"a\"->\"b\") -> fail", "... -> ?".
std::string DescribeOperation(const Operation& op);

// One line for a failure window: index, client, call and return times, description.
std::string DescribeOperationLine(size_t index, const Operation& op);

}  // namespace checkers::lin
