#include "checkers/lin/history.h"

#include <fmt/format.h>

namespace checkers::lin {
namespace {

std::string Quoted(const std::optional<std::string>& value) {
  return value ? fmt::format("\"{}\"", *value) : std::string("nil");
}

}  // namespace

sim::Result<void> ValidateHistory(const History& history) {
  for (size_t i = 0; i < history.ops.size(); ++i) {
    const Operation& op = history.ops[i];
    const std::string ctx = op.input.key.empty() && history.model == ModelKind::kRegister
                                ? fmt::format("op {} (no key)", i)
                                : fmt::format("op {} (key \"{}\")", i, op.input.key);
    if (!op.output.unknown && op.ret < op.call) {
      return sim::MakeError(sim::Errc::kInvalid,
                            fmt::format("{}: return {} is before call {}", ctx, op.ret.nanos(),
                                        op.call.nanos()));
    }
    if (op.input.kind != OpKind::kRead && !op.input.value) {
      return sim::MakeError(sim::Errc::kInvalid,
                            fmt::format("{}: {} needs a value", ctx, OpKindName(op.input.kind)));
    }
  }
  return {};
}

std::string_view OpKindName(OpKind kind) {
  switch (kind) {
    case OpKind::kRead: return "read";
    case OpKind::kWrite: return "write";
    case OpKind::kCas: return "cas";
  }
  return "?";
}

std::string_view ModelKindName(ModelKind kind) {
  switch (kind) {
    case ModelKind::kRegister: return "register";
    case ModelKind::kKv: return "kv";
  }
  return "?";
}

std::string DescribeOperation(const Operation& op) {
  const Input& in = op.input;
  const std::string key_prefix = in.key.empty() ? std::string() : fmt::format("\"{}\"", in.key);
  const std::string sep = in.key.empty() ? std::string() : std::string(", ");
  std::string call;
  switch (in.kind) {
    case OpKind::kRead: call = fmt::format("read({})", key_prefix); break;
    case OpKind::kWrite: call = fmt::format("write({}{}{})", key_prefix, sep, Quoted(in.value));
      break;
    case OpKind::kCas:
      call = fmt::format("cas({}{}{}->{})", key_prefix, sep, Quoted(in.expected), Quoted(in.value));
      break;
  }
  std::string result;
  if (op.output.unknown) {
    result = "?";
  } else if (!op.output.ok) {
    result = "fail";
  } else if (in.kind == OpKind::kRead) {
    result = Quoted(op.output.value);
  } else {
    result = "ok";
  }
  return call + " -> " + result;
}

std::string DescribeOperationLine(size_t index, const Operation& op) {
  const std::string ret =
      op.output.unknown ? std::string("inf") : std::to_string(op.ret.nanos());
  return fmt::format("#{} client={} call={} return={} {}", index, op.client, op.call.nanos(), ret,
                     DescribeOperation(op));
}

}  // namespace checkers::lin
