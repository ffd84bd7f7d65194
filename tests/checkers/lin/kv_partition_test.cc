// Goal: the kv model is checked per key (P-compositionality): independent keys never constrain
// each other, a violation on one key is found and named, and keys are reported in order.

#include <catch2/catch.hpp>

#include "checkers/lin/checker.h"
#include "checkers/lin/history_gen.h"
#include "tests/checkers/lin/lin_test_util.h"

using namespace lin_test;

TEST_CASE("keys are independent registers") {
  // x is written before y is read as nil: fine for a map, illegal for one register.
  History history{ModelKind::kKv, {Write(1, 0, 10, "1", "x"), Read(2, 20, 30, "1", "x"),
                                   Read(3, 20, 30, std::nullopt, "y")}};
  const auto kv = CheckOk(history, GenerousBudget());
  CHECK(kv.verdict == Verdict::kOk);
  CHECK(kv.partitions_count == 2);
  history.model = ModelKind::kRegister;
  const auto single = CheckOk(history, GenerousBudget());
  CHECK(single.verdict == Verdict::kIllegal);
  CHECK(single.partitions_count == 1);
}

TEST_CASE("a violation on one key is reported with that key") {
  const History history{ModelKind::kKv,
                        {Write(1, 0, 10, "1", "a"), Read(2, 20, 30, "1", "a"),
                         Write(1, 0, 10, "1", "b"), Write(1, 20, 30, "2", "b"),
                         Read(2, 40, 50, "1", "b"), Write(3, 0, 10, "9", "c")}};
  const auto result = CheckOk(history, GenerousBudget());
  REQUIRE(result.verdict == Verdict::kIllegal);
  CHECK(result.failing_key == "b");
  for (size_t index : result.window) CHECK(history.ops[index].input.key == "b");
}

TEST_CASE("the same value on two keys is not a duplicate write") {
  const History history{ModelKind::kKv, {Write(1, 0, 10, "v", "a"), Write(2, 0, 10, "v", "b"),
                                         Read(3, 20, 30, "v", "a")}};
  const auto result = CheckOk(history, GenerousBudget());
  CHECK(result.verdict == Verdict::kOk);
  CHECK(result.unique_value_partitions == 2);
}

TEST_CASE("a generated kv history with many keys checks fast and ok under both algorithms") {
  checkers::lin::GenOptions options;
  options.model = ModelKind::kKv;
  options.keys_count = 10;
  options.ops_count = 5000;
  options.cas_percent = 10;
  options.seed = 11;
  History history = checkers::lin::GenerateHistory(options);
  CHECK(CheckBoth(history) == Verdict::kOk);
  REQUIRE(checkers::lin::CorruptOneRead(&history));
  CHECK(CheckBoth(history) == Verdict::kIllegal);
}
