// Goal: on a non-linearizable history the checker reports a small window of ops that is itself
// not linearizable, contains the culprit, and loses that property when any op is removed.

#include <catch2/catch.hpp>

#include "checkers/lin/checker.h"
#include "checkers/lin/history_gen.h"
#include "tests/checkers/lin/lin_test_util.h"

using namespace lin_test;
using checkers::lin::Algorithm;
using checkers::lin::CheckOptions;

namespace {

History SubHistory(const History& history, const std::vector<size_t>& indices) {
  History sub{history.model, {}};
  for (size_t index : indices) sub.ops.push_back(history.ops.at(index));
  return sub;
}

void CheckWindow(const History& history, size_t corrupted, Algorithm algorithm) {
  CheckOptions options;
  options.algorithm = algorithm;
  const auto result = CheckOk(history, GenerousBudget(), options);
  REQUIRE(result.verdict == Verdict::kIllegal);
  INFO(checkers::lin::FormatWindow(history, result));
  CHECK(result.window.size() <= 8);
  CHECK(std::find(result.window.begin(), result.window.end(), corrupted) !=
        result.window.end());
  // The window alone is a witness, under both algorithms.
  CHECK(CheckBoth(SubHistory(history, result.window)) == Verdict::kIllegal);
  // Removing any write also removes the reads of its value (they would read a value nobody
  // wrote, a different violation); removing anything else alone makes it linearizable.
  for (size_t skip = 0; skip < result.window.size(); ++skip) {
    const Operation& removed = history.ops[result.window[skip]];
    std::vector<size_t> rest;
    for (size_t i = 0; i < result.window.size(); ++i) {
      const Operation& op = history.ops[result.window[i]];
      const bool depends = removed.input.kind != OpKind::kRead && op.input.kind == OpKind::kRead &&
                           op.output.value == removed.input.value;
      if (i != skip && !depends) rest.push_back(result.window[i]);
    }
    CHECK(CheckBoth(SubHistory(history, rest)) == Verdict::kOk);
  }
}

}  // namespace

TEST_CASE("a corrupted read in a long register history yields a tiny window") {
  checkers::lin::GenOptions options;
  options.ops_count = 2000;
  options.seed = 21;
  History history = checkers::lin::GenerateHistory(options);
  const auto corrupted = checkers::lin::CorruptOneRead(&history);
  REQUIRE(corrupted);
  CheckWindow(history, *corrupted, Algorithm::kAuto);
  CheckWindow(history, *corrupted, Algorithm::kGeneral);
}

TEST_CASE("a corrupted read in a cas history yields a tiny window") {
  checkers::lin::GenOptions options;
  options.ops_count = 2000;
  options.cas_percent = 20;
  options.seed = 22;
  History history = checkers::lin::GenerateHistory(options);
  const auto corrupted = checkers::lin::CorruptOneRead(&history);
  REQUIRE(corrupted);
  const auto result = CheckOk(history, GenerousBudget());
  REQUIRE(result.verdict == Verdict::kIllegal);
  CHECK(result.general_partitions == 1);
  CHECK(result.window.size() <= 8);
  CHECK(std::find(result.window.begin(), result.window.end(), *corrupted) !=
        result.window.end());
  CHECK(CheckOk(SubHistory(history, result.window), GenerousBudget()).verdict ==
        Verdict::kIllegal);
}

TEST_CASE("the printed window lists each op with its call and return times") {
  const History history = Register({Write(1, 0, 10, "a"), Write(1, 20, 30, "b"),
                                    Read(2, 40, 50, "a"), Read(3, 60, 70, "b")});
  const auto result = CheckOk(history, GenerousBudget());
  REQUIRE(result.verdict == Verdict::kIllegal);
  CHECK(result.window == std::vector<size_t>{0, 1, 2});
  CHECK(result.unplaceable_op == 2);
  CHECK(result.prefix_ops == 2);
  const std::string text = checkers::lin::FormatWindow(history, result);
  CHECK_THAT(text, Catch::Contains("#0 client=1 call=0 return=10 write(\"a\") -> ok"));
  CHECK_THAT(text, Catch::Contains("#2 client=2 call=40 return=50 read() -> \"a\""));
  CHECK_THAT(text, !Catch::Contains("#3"));
}
