#include "checkers/lin/history_json.h"

#include <fstream>
#include <initializer_list>
#include <sstream>

#include <fmt/format.h>

namespace checkers::lin {
namespace {

using nlohmann::json;

sim::Error Invalid(std::string detail) { return sim::MakeError(sim::Errc::kInvalid, detail); }

// Names the op and its key in every message so a bad line is found without a debugger.
std::string OpContext(size_t index, const json& op) {
  const json* input = op.is_object() && op.contains("input") ? &op.at("input") : nullptr;
  if (input != nullptr && input->is_object() && input->contains("key") &&
      input->at("key").is_string()) {
    return fmt::format("op {} (key \"{}\")", index, input->at("key").get<std::string>());
  }
  return fmt::format("op {} (no key)", index);
}

std::optional<std::string> FirstUnknownField(const json& obj,
                                             std::initializer_list<const char*> allowed) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    bool known = false;
    for (const char* name : allowed) known = known || it.key() == name;
    if (!known) return it.key();
  }
  return std::nullopt;
}

// A string, or nil for null/absent; anything else is an error (reported by the caller).
bool ReadOptionalString(const json& obj, const char* field, std::optional<std::string>* out) {
  if (!obj.contains(field) || obj.at(field).is_null()) {
    *out = std::nullopt;
    return true;
  }
  if (!obj.at(field).is_string()) return false;
  *out = obj.at(field).get<std::string>();
  return true;
}

sim::Result<Input> ParseInput(const json& in, ModelKind model, const std::string& ctx) {
  if (!in.is_object()) return Invalid(ctx + ": \"input\" must be an object");
  if (auto field = FirstUnknownField(in, {"op", "key", "value", "expected"})) {
    return Invalid(fmt::format("{}: unknown field \"input.{}\"", ctx, *field));
  }
  Input input;
  const std::string kind = in.contains("op") && in.at("op").is_string()
                               ? in.at("op").get<std::string>() : std::string();
  if (kind == "read") {
    input.kind = OpKind::kRead;
  } else if (kind == "write") {
    input.kind = OpKind::kWrite;
  } else if (kind == "cas") {
    input.kind = OpKind::kCas;
  } else {
    return Invalid(fmt::format("{}: input.op must be \"read\", \"write\" or \"cas\", got {}", ctx,
                               in.contains("op") ? in.at("op").dump() : "nothing"));
  }
  if (in.contains("key")) {
    if (!in.at("key").is_string()) return Invalid(ctx + ": input.key must be a string");
    input.key = in.at("key").get<std::string>();
  } else if (model == ModelKind::kKv) {
    return Invalid(ctx + ": input.key is required by the kv model");
  }
  if (!ReadOptionalString(in, "value", &input.value)) {
    return Invalid(ctx + ": input.value must be a string");
  }
  if (!ReadOptionalString(in, "expected", &input.expected)) {
    return Invalid(ctx + ": input.expected must be a string or null");
  }
  if (input.kind != OpKind::kRead && !input.value) {
    return Invalid(fmt::format("{}: {} needs a string input.value", ctx, kind));
  }
  if (input.kind != OpKind::kCas && in.contains("expected")) {
    return Invalid(fmt::format("{}: input.expected is only meaningful for cas", ctx));
  }
  return input;
}

sim::Result<Output> ParseOutput(const json& out, const std::string& ctx) {
  if (!out.is_object()) return Invalid(ctx + ": \"output\" must be an object");
  if (auto field = FirstUnknownField(out, {"value", "ok", "unknown"})) {
    return Invalid(fmt::format("{}: unknown field \"output.{}\"", ctx, *field));
  }
  Output output;
  if (!ReadOptionalString(out, "value", &output.value)) {
    return Invalid(ctx + ": output.value must be a string or null");
  }
  for (auto [name, target] : {std::pair{"ok", &output.ok}, std::pair{"unknown", &output.unknown}}) {
    if (!out.contains(name)) continue;
    if (!out.at(name).is_boolean()) return Invalid(fmt::format("{}: output.{} must be a bool", ctx,
                                                               name));
    *target = out.at(name).get<bool>();
  }
  return output;
}

sim::Result<int64_t> ParseInt(const json& op, const char* field, const std::string& ctx) {
  if (!op.contains(field)) return Invalid(fmt::format("{}: missing \"{}\"", ctx, field));
  if (!op.at(field).is_number_integer()) {
    return Invalid(fmt::format("{}: \"{}\" must be an integer (nanoseconds), got {}", ctx, field,
                               op.at(field).dump()));
  }
  return op.at(field).get<int64_t>();
}

sim::Result<Operation> ParseOp(const json& op, size_t index, ModelKind model) {
  const std::string ctx = OpContext(index, op);
  if (!op.is_object()) return Invalid(ctx + ": an op must be an object");
  if (auto field = FirstUnknownField(op, {"client", "call", "return", "input", "output"})) {
    return Invalid(fmt::format("{}: unknown field \"{}\"", ctx, *field));
  }
  if (!op.contains("input")) return Invalid(ctx + ": missing \"input\"");
  if (!op.contains("output")) return Invalid(ctx + ": missing \"output\"");
  Operation parsed;
  auto client = ParseInt(op, "client", ctx);
  if (!client) return client.error();
  auto call = ParseInt(op, "call", ctx);
  if (!call) return call.error();
  auto input = ParseInput(op.at("input"), model, ctx);
  if (!input) return input.error();
  auto output = ParseOutput(op.at("output"), ctx);
  if (!output) return output.error();
  parsed.client = *client;
  parsed.call = sim::Instant::FromNanos(*call);
  parsed.input = std::move(input.value());
  parsed.output = std::move(output.value());
  if (parsed.output.unknown) {
    parsed.ret = sim::Instant::Max();
    return parsed;
  }
  auto ret = ParseInt(op, "return", ctx);
  if (!ret) return ret.error();
  if (*ret < *call) {
    return Invalid(fmt::format("{}: return {} is before call {}", ctx, *ret, *call));
  }
  parsed.ret = sim::Instant::FromNanos(*ret);
  return parsed;
}

json OptionalToJson(const std::optional<std::string>& value) {
  return value ? json(*value) : json(nullptr);
}

}  // namespace

sim::Result<History> ParseHistory(const json& doc) {
  if (!doc.is_object()) return Invalid("history: the document must be a JSON object");
  if (auto field = FirstUnknownField(doc, {"model", "ops"})) {
    return Invalid(fmt::format("history: unknown top-level field \"{}\"", *field));
  }
  History history;
  const std::string model =
      doc.contains("model") && doc.at("model").is_string() ? doc.at("model").get<std::string>()
                                                           : std::string();
  if (model == "register") {
    history.model = ModelKind::kRegister;
  } else if (model == "kv") {
    history.model = ModelKind::kKv;
  } else {
    return Invalid(fmt::format("history: \"model\" must be \"register\" or \"kv\", got {}",
                               doc.contains("model") ? doc.at("model").dump() : "nothing"));
  }
  if (!doc.contains("ops") || !doc.at("ops").is_array()) {
    return Invalid("history: \"ops\" must be an array");
  }
  const json& ops = doc.at("ops");
  history.ops.reserve(ops.size());
  for (size_t i = 0; i < ops.size(); ++i) {
    auto op = ParseOp(ops[i], i, history.model);
    if (!op) return op.error();
    history.ops.push_back(std::move(op.value()));
  }
  return history;
}

sim::Result<History> ParseHistoryText(const std::string& text) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    // The exception stays here; nlohmann's message carries the byte position.
    return Invalid(fmt::format("history: not valid JSON: {}", e.what()));
  }
  return ParseHistory(doc);
}

sim::Result<History> LoadHistoryFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Invalid(fmt::format("cannot open history file \"{}\"", path));
  std::ostringstream text;
  text << in.rdbuf();
  auto history = ParseHistoryText(text.str());
  if (!history) return Invalid(fmt::format("{}: {}", path, history.error().detail));
  return history;
}

json HistoryToJson(const History& history) {
  json ops = json::array();
  for (const Operation& op : history.ops) {
    json input = {{"op", std::string(OpKindName(op.input.kind))}};
    if (!op.input.key.empty() || history.model == ModelKind::kKv) input["key"] = op.input.key;
    if (op.input.kind != OpKind::kRead) input["value"] = OptionalToJson(op.input.value);
    if (op.input.kind == OpKind::kCas) input["expected"] = OptionalToJson(op.input.expected);
    json output = {{"ok", op.output.ok}, {"unknown", op.output.unknown}};
    if (op.input.kind == OpKind::kRead) output["value"] = OptionalToJson(op.output.value);
    ops.push_back({{"client", op.client},
                   {"call", op.call.nanos()},
                   {"return", op.output.unknown ? json(nullptr) : json(op.ret.nanos())},
                   {"input", std::move(input)},
                   {"output", std::move(output)}});
  }
  return {{"model", std::string(ModelKindName(history.model))}, {"ops", std::move(ops)}};
}

sim::Result<void> WriteHistoryFile(const std::string& path, const History& history) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Invalid(fmt::format("cannot write history file \"{}\"", path));
  out << HistoryToJson(history).dump() << '\n';
  if (!out) return Invalid(fmt::format("error while writing history file \"{}\"", path));
  return {};
}

}  // namespace checkers::lin
