#pragma once
// Small builders for hand-written histories, and a check that runs both algorithms.

#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "checkers/lin/checker.h"
#include "checkers/lin/history.h"

namespace lin_test {

using checkers::lin::History;
using checkers::lin::ModelKind;
using checkers::lin::Operation;
using checkers::lin::OpKind;
using checkers::lin::Verdict;

inline Operation Op(int64_t client, int64_t call, int64_t ret, OpKind kind, std::string key = {}) {
  Operation op;
  op.client = client;
  op.call = sim::Instant::FromNanos(call);
  op.ret = sim::Instant::FromNanos(ret);
  op.input.kind = kind;
  op.input.key = std::move(key);
  return op;
}

inline Operation Write(int64_t client, int64_t call, int64_t ret, std::string value,
                       std::string key = {}) {
  Operation op = Op(client, call, ret, OpKind::kWrite, std::move(key));
  op.input.value = std::move(value);
  return op;
}

inline Operation Read(int64_t client, int64_t call, int64_t ret,
                      std::optional<std::string> value, std::string key = {}) {
  Operation op = Op(client, call, ret, OpKind::kRead, std::move(key));
  op.output.value = std::move(value);
  return op;
}

inline Operation Cas(int64_t client, int64_t call, int64_t ret, std::optional<std::string> expected,
                     std::string value, bool ok, std::string key = {}) {
  Operation op = Op(client, call, ret, OpKind::kCas, std::move(key));
  op.input.expected = std::move(expected);
  op.input.value = std::move(value);
  op.output.ok = ok;
  return op;
}

inline Operation Unknown(Operation op) {
  op.output.unknown = true;
  op.ret = sim::Instant::Max();
  return op;
}

inline History Register(std::vector<Operation> ops) {
  return History{ModelKind::kRegister, std::move(ops)};
}

inline checkers::lin::Budget GenerousBudget() {
  checkers::lin::Budget budget;
  budget.steps_max = 50'000'000;
  return budget;
}

// Check() on a history the test built correctly.
inline checkers::lin::CheckResult CheckOk(const History& history,
                                          const checkers::lin::Budget& budget,
                                          const checkers::lin::CheckOptions& options = {}) {
  auto result = checkers::lin::Check(history, budget, options);
  REQUIRE(result.ok());
  return *result;
}

// Runs the default choice and the forced general search; they must agree.
inline Verdict CheckBoth(const History& history) {
  checkers::lin::CheckOptions general;
  general.algorithm = checkers::lin::Algorithm::kGeneral;
  const auto fast = CheckOk(history, GenerousBudget());
  const auto slow = CheckOk(history, GenerousBudget(), general);
  INFO("auto=" << VerdictName(fast.verdict) << " general=" << VerdictName(slow.verdict));
  REQUIRE(fast.verdict == slow.verdict);
  return fast.verdict;
}

}  // namespace lin_test
