// Goal: running out of budget (steps, memo memory, or an injected clock) yields `unknown`
// with its cause, never `ok`; and the step-counted library is deterministic.

#include <catch2/catch.hpp>

#include "checkers/lin/checker.h"
#include "checkers/lin/history_gen.h"
#include "tests/checkers/lin/lin_test_util.h"

using namespace lin_test;
using checkers::lin::Algorithm;
using checkers::lin::Budget;
using checkers::lin::BudgetCause;
using checkers::lin::CheckOptions;

namespace {

// Many concurrent clients: hard for the general search, trivial for the polynomial one.
History Hard() {
  checkers::lin::GenOptions options;
  options.clients_count = 50;
  options.ops_count = 500;
  options.seed = 3;
  return checkers::lin::GenerateHistory(options);
}

CheckOptions General() {
  CheckOptions options;
  options.algorithm = Algorithm::kGeneral;
  return options;
}

}  // namespace

TEST_CASE("a step budget that runs out gives unknown") {
  Budget budget;
  budget.steps_max = 10'000;
  const auto result = CheckOk(Hard(), budget, General());
  CHECK(result.verdict == Verdict::kUnknown);
  CHECK(result.unknown_cause == BudgetCause::kSteps);
  CHECK(result.steps > 10'000);
  // The polynomial algorithm answers the same history within that budget.
  CHECK(CheckOk(Hard(), budget).verdict == Verdict::kOk);
}

TEST_CASE("a memory budget that runs out gives unknown") {
  Budget budget;
  budget.memory_bytes_max = 64 << 10;
  const auto result = CheckOk(Hard(), budget, General());
  CHECK(result.verdict == Verdict::kUnknown);
  CHECK(result.unknown_cause == BudgetCause::kMemory);
}

TEST_CASE("an injected clock that expires gives unknown, even for the fast algorithm") {
  Budget budget;
  int polls = 0;
  budget.out_of_time = [&polls] { return ++polls > 3; };
  const auto result = CheckOk(Hard(), budget, General());
  CHECK(result.verdict == Verdict::kUnknown);
  CHECK(result.unknown_cause == BudgetCause::kTime);
  Budget expired;
  expired.out_of_time = [] { return true; };
  CHECK(CheckOk(Hard(), expired).verdict == Verdict::kUnknown);
}

TEST_CASE("an illegal history under a tiny budget is unknown, not ok") {
  History history = Hard();
  REQUIRE(checkers::lin::CorruptOneRead(&history));
  Budget budget;
  budget.steps_max = 100;
  CHECK(CheckOk(history, budget, General()).verdict == Verdict::kUnknown);
}

TEST_CASE("the same history and budget give the same steps and verdict") {
  Budget budget;
  budget.steps_max = 200'000;
  const auto first = CheckOk(Hard(), budget, General());
  const auto second = CheckOk(Hard(), budget, General());
  CHECK(first.verdict == second.verdict);
  CHECK(first.steps == second.steps);
}
