// Goal: the JSON history format round-trips, and every kind of bad input is an error value
// whose message names the op index and its key (no exception escapes).

#include <catch2/catch.hpp>

#include "checkers/lin/history_gen.h"
#include "checkers/lin/history_json.h"
#include "tests/checkers/lin/lin_test_util.h"

using namespace lin_test;
using checkers::lin::ParseHistoryText;

namespace {

std::string ErrorOf(const std::string& text) {
  auto parsed = ParseHistoryText(text);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.code() == sim::Errc::kInvalid);
  return parsed.error().detail;
}

// A kv history whose op 1 (key "k7") is replaced by `bad_op`.
std::string WithBadOp(const std::string& bad_op) {
  return R"({"model": "kv", "ops": [
    {"client": 1, "call": 0, "return": 5, "input": {"op": "write", "key": "k1", "value": "a"},
     "output": {"ok": true}},)" + bad_op + "]}";
}

}  // namespace

TEST_CASE("a well-formed history parses with defaults") {
  auto parsed = ParseHistoryText(R"({"model": "register", "ops": [
    {"client": 1, "call": 0, "return": 10, "input": {"op": "write", "value": "a"},
     "output": {}},
    {"client": 2, "call": 3, "return": null, "input": {"op": "cas", "expected": null,
     "value": "b"}, "output": {"unknown": true}},
    {"client": 3, "call": 20, "return": 30, "input": {"op": "read"},
     "output": {"value": null}}]})");
  REQUIRE(parsed.ok());
  const History& h = *parsed;
  REQUIRE(h.ops.size() == 3);
  CHECK(h.model == ModelKind::kRegister);
  CHECK(h.ops[0].output.ok);
  CHECK_FALSE(h.ops[0].output.unknown);
  CHECK(h.ops[1].ret == sim::Instant::Max());
  CHECK_FALSE(h.ops[1].input.expected.has_value());
  CHECK_FALSE(h.ops[2].output.value.has_value());
}

TEST_CASE("generated histories round-trip through JSON") {
  checkers::lin::GenOptions options;
  options.model = ModelKind::kKv;
  options.keys_count = 3;
  options.ops_count = 200;
  options.cas_percent = 20;
  options.unknown_percent = 20;
  const History history = checkers::lin::GenerateHistory(options);
  auto parsed = checkers::lin::ParseHistory(checkers::lin::HistoryToJson(history));
  REQUIRE(parsed.ok());
  REQUIRE(parsed->ops.size() == history.ops.size());
  for (size_t i = 0; i < history.ops.size(); ++i) {
    INFO("op " << i);
    CHECK(checkers::lin::DescribeOperationLine(i, parsed->ops[i]) ==
          checkers::lin::DescribeOperationLine(i, history.ops[i]));
  }
}

TEST_CASE("bad ops are reported with their index and key") {
  const auto op = [](const std::string& input, const std::string& rest) {
    return R"({"client": 2, "call": 10, )" + rest + R"("input": )" + input + "}";
  };
  const std::string out = R"("return": 20, "output": {"ok": true}, )";
  CHECK_THAT(ErrorOf(WithBadOp(op(R"({"op": "delete", "key": "k7"})", out))),
             Catch::Contains("op 1 (key \"k7\")") && Catch::Contains("delete"));
  CHECK_THAT(ErrorOf(WithBadOp(op(R"({"op": "write", "key": "k7"})", out))),
             Catch::Contains("op 1 (key \"k7\")") && Catch::Contains("input.value"));
  CHECK_THAT(ErrorOf(WithBadOp(op(R"({"op": "read"})", out))),
             Catch::Contains("op 1 (no key)") && Catch::Contains("required by the kv model"));
  CHECK_THAT(ErrorOf(WithBadOp(op(R"({"op": "read", "key": "k7"})",
                                  R"("return": 5, "output": {}, )"))),
             Catch::Contains("op 1 (key \"k7\")") && Catch::Contains("before call"));
  CHECK_THAT(ErrorOf(WithBadOp(op(R"({"op": "read", "key": "k7"})", R"("output": {}, )"))),
             Catch::Contains("op 1 (key \"k7\")") && Catch::Contains("missing \"return\""));
  CHECK_THAT(ErrorOf(WithBadOp(op(R"({"op": "read", "key": "k7", "vaule": "x"})", out))),
             Catch::Contains("op 1 (key \"k7\")") && Catch::Contains("input.vaule"));
  CHECK_THAT(ErrorOf(WithBadOp(op(R"({"op": "read", "key": "k7"})",
                                  R"("return": 20, "output": {"ok": "yes"}, )"))),
             Catch::Contains("op 1 (key \"k7\")") && Catch::Contains("output.ok"));
  CHECK_THAT(ErrorOf(WithBadOp(R"({"client": 2, "call": 1.5, "return": 20,
      "input": {"op": "read", "key": "k7"}, "output": {}})")),
             Catch::Contains("op 1 (key \"k7\")") && Catch::Contains("\"call\" must be"));
  CHECK_THAT(ErrorOf(WithBadOp(op(R"({"op": "write", "key": "k7", "value": "v",
      "expected": "w"})", out))),
             Catch::Contains("op 1 (key \"k7\")") && Catch::Contains("only meaningful for cas"));
}

TEST_CASE("bad documents are reported") {
  CHECK_THAT(ErrorOf("{\"model\": \"register\", \"ops\": ["), Catch::Contains("not valid JSON"));
  CHECK_THAT(ErrorOf(R"({"model": "queue", "ops": []})"), Catch::Contains("\"model\""));
  CHECK_THAT(ErrorOf(R"({"model": "kv"})"), Catch::Contains("\"ops\" must be an array"));
  CHECK_THAT(ErrorOf(R"({"model": "kv", "ops": [], "extra": 1})"), Catch::Contains("extra"));
  CHECK_THAT(ErrorOf("[]"), Catch::Contains("JSON object"));
}

TEST_CASE("a missing file is an error naming the path") {
  auto loaded = checkers::lin::LoadHistoryFile("/nonexistent/lin/history.json");
  REQUIRE_FALSE(loaded.ok());
  CHECK_THAT(loaded.error().detail, Catch::Contains("/nonexistent/lin/history.json"));
}

TEST_CASE("a history built in code is validated before checking") {
  History history = Register({Write(1, 0, 10, "a"), Read(2, 30, 20, "a")});
  auto checked = checkers::lin::Check(history, GenerousBudget());
  REQUIRE_FALSE(checked.ok());
  CHECK_THAT(checked.error().detail, Catch::Contains("op 1 (no key)") &&
                                         Catch::Contains("before call"));
  history.ops[1] = Write(2, 30, 40, "b");
  history.ops[1].input.value.reset();
  CHECK_FALSE(checkers::lin::Check(history, GenerousBudget()).ok());
}
