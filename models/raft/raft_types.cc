#include "models/raft/raft_types.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace models::raft {

const char* CommandKindName(CommandKind kind) {
  switch (kind) {
    case CommandKind::kNoop: return "noop";
    case CommandKind::kPut: return "put";
    case CommandKind::kCas: return "cas";
    case CommandKind::kAcquire: return "acquire";
    case CommandKind::kRelease: return "release";
    case CommandKind::kRenew: return "renew";
  }
  return "?";
}

std::string Command::Id() const {
  if (kind == CommandKind::kNoop) return fmt::format("noop/t{}", seq);
  return fmt::format("{}/c{}/s{}", CommandKindName(kind), client, seq);
}

std::string Command::Serialize() const {
  nlohmann::json j = {{"k", static_cast<int>(kind)}, {"c", client},   {"s", seq},
                      {"key", key},                  {"v", value},    {"l", lease_ns},
                      {"tok", token},                {"t", time_ns}};
  if (expected) j["e"] = *expected;
  return j.dump();
}

std::optional<Command> Command::Parse(const std::string& text) {
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("k")) return std::nullopt;
  Command c;
  const int kind = j.at("k").get<int>();
  if (kind < 0 || kind > static_cast<int>(CommandKind::kRenew)) return std::nullopt;
  c.kind = static_cast<CommandKind>(kind);
  c.client = j.value("c", int64_t{0});
  c.seq = j.value("s", int64_t{0});
  c.key = j.value("key", std::string());
  c.value = j.value("v", std::string());
  c.lease_ns = j.value("l", int64_t{0});
  c.token = j.value("tok", int64_t{0});
  c.time_ns = j.value("t", int64_t{0});
  if (j.contains("e")) c.expected = j.at("e").get<std::string>();
  return c;
}

}  // namespace models::raft
