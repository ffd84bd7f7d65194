#pragma once
// The JSON history format, read and written:
//   {"model": "register"|"kv",
//    "ops": [{"client": int, "call": ns, "return": ns|null,
//             "input": {"op": "read"|"write"|"cas", "key": str, "value": str, "expected": str},
//             "output": {"value": str|null, "ok": bool, "unknown": bool}}]}
// `key` is optional for the register model and required for kv. `return` is ignored (and may be
// null or absent) when output.unknown is true: the return is then +infinity. output.ok defaults
// to true, output.unknown to false. A null or absent `value`/`expected` means nil. Unknown
// fields are errors, so a misspelt field cannot silently change a verdict.
//
// Errors are values (sim::Errc::kInvalid) whose text names the op index and its key.

#include <string>

#include <nlohmann/json.hpp>

#include "checkers/lin/history.h"
#include "sim/result.h"

namespace checkers::lin {

sim::Result<History> ParseHistory(const nlohmann::json& doc);
sim::Result<History> ParseHistoryText(const std::string& text);
sim::Result<History> LoadHistoryFile(const std::string& path);

nlohmann::json HistoryToJson(const History& history);
sim::Result<void> WriteHistoryFile(const std::string& path, const History& history);

}  // namespace checkers::lin
