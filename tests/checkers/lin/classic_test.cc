// Goal: the checker gives the textbook answers on small hand-written register histories
// (stale reads, concurrency in either order, unknown writes, cas), with the polynomial and
// the general algorithm agreeing wherever both apply.

#include <catch2/catch.hpp>

#include "tests/checkers/lin/lin_test_util.h"

using namespace lin_test;

TEST_CASE("a read after a completed write must see it") {
  CHECK(CheckBoth(Register({Write(1, 0, 10, "a"), Read(2, 20, 30, "a")})) == Verdict::kOk);
  CHECK(CheckBoth(Register({Write(1, 0, 10, "a"), Read(2, 20, 30, std::nullopt)})) ==
        Verdict::kIllegal);
}

TEST_CASE("a stale read after an overwrite completed is illegal") {
  const History stale = Register({Write(1, 0, 10, "a"), Write(1, 20, 30, "b"),
                                  Read(2, 40, 50, "a")});
  CHECK(CheckBoth(stale) == Verdict::kIllegal);
}

TEST_CASE("a read concurrent with a write may see either value") {
  CHECK(CheckBoth(Register({Write(1, 0, 10, "a"), Read(2, 5, 15, std::nullopt)})) ==
        Verdict::kOk);
  CHECK(CheckBoth(Register({Write(1, 0, 10, "a"), Read(2, 5, 15, "a")})) == Verdict::kOk);
  // Touching intervals overlap: a return at 10 and a call at 10 are concurrent.
  CHECK(CheckBoth(Register({Write(1, 0, 10, "a"), Read(2, 10, 20, std::nullopt)})) ==
        Verdict::kOk);
}

TEST_CASE("two reads cannot see two concurrent writes in opposite orders") {
  // Writes a and b overlap; reader 1 sees b then a, reader 2 sees a then b: no single order.
  const History history = Register({Write(1, 0, 100, "a"), Write(2, 0, 100, "b"),
                                    Read(3, 10, 20, "b"), Read(3, 30, 40, "a"),
                                    Read(4, 10, 20, "a"), Read(4, 30, 40, "b")});
  CHECK(CheckBoth(history) == Verdict::kIllegal);
}

TEST_CASE("reads of a value nobody wrote, or that a failed write tried, are illegal") {
  CHECK(CheckBoth(Register({Read(1, 0, 10, "ghost")})) == Verdict::kIllegal);
  Operation failed = Write(1, 0, 10, "a");
  failed.output.ok = false;
  CHECK(CheckBoth(Register({failed, Read(2, 20, 30, "a")})) == Verdict::kIllegal);
  CHECK(CheckBoth(Register({failed, Read(2, 20, 30, std::nullopt)})) == Verdict::kOk);
}

TEST_CASE("a read cannot finish before its write starts") {
  CHECK(CheckBoth(Register({Read(1, 0, 10, "a"), Write(2, 20, 30, "a")})) == Verdict::kIllegal);
}

TEST_CASE("an unknown write may have happened, at any time after its call, or never") {
  const Operation lost = Unknown(Write(1, 0, 10, "a"));
  CHECK(CheckBoth(Register({lost, Read(2, 100, 110, "a")})) == Verdict::kOk);
  CHECK(CheckBoth(Register({lost, Read(2, 100, 110, std::nullopt)})) == Verdict::kOk);
  // It can take effect long after the caller gave up...
  CHECK(CheckBoth(Register({lost, Read(2, 100, 110, std::nullopt), Read(2, 200, 210, "a")})) ==
        Verdict::kOk);
  // ...but once seen it cannot be un-seen, and it cannot act before its call.
  CHECK(CheckBoth(Register({lost, Read(2, 100, 110, "a"), Read(2, 200, 210, std::nullopt)})) ==
        Verdict::kIllegal);
  CHECK(CheckBoth(Register({Read(2, 0, 5, "a"), Unknown(Write(1, 10, 20, "a"))})) ==
        Verdict::kIllegal);
  // An unknown write that nobody saw may still be overwritten later.
  CHECK(CheckBoth(Register({lost, Write(2, 50, 60, "b"), Read(2, 100, 110, "b")})) ==
        Verdict::kOk);
}

TEST_CASE("an unknown read says nothing") {
  Operation read = Unknown(Read(2, 20, 30, "whatever"));
  CHECK(CheckBoth(Register({Write(1, 0, 10, "a"), read})) == Verdict::kOk);
}

TEST_CASE("cas swaps only when the register holds the expected value") {
  const Operation init = Write(1, 0, 10, "a");
  CHECK(CheckBoth(Register({init, Cas(2, 20, 30, "a", "b", true), Read(3, 40, 50, "b")})) ==
        Verdict::kOk);
  CHECK(CheckBoth(Register({init, Cas(2, 20, 30, "a", "b", true), Read(3, 40, 50, "a")})) ==
        Verdict::kIllegal);
  // A failed cas is an observation: the register did not hold `expected`.
  CHECK(CheckBoth(Register({init, Cas(2, 20, 30, "a", "b", false)})) == Verdict::kIllegal);
  CHECK(CheckBoth(Register({init, Cas(2, 20, 30, "z", "b", false), Read(3, 40, 50, "a")})) ==
        Verdict::kOk);
  CHECK(CheckBoth(Register({Cas(2, 0, 10, std::nullopt, "b", true), Read(3, 20, 30, "b")})) ==
        Verdict::kOk);
}

TEST_CASE("two concurrent cas from the same value cannot both succeed") {
  const Operation init = Write(1, 0, 10, "a");
  CHECK(CheckBoth(Register({init, Cas(2, 20, 40, "a", "b", true),
                            Cas(3, 20, 40, "a", "c", true)})) == Verdict::kIllegal);
  CHECK(CheckBoth(Register({init, Cas(2, 20, 40, "a", "b", true),
                            Cas(3, 20, 40, "a", "c", false), Read(4, 50, 60, "b")})) ==
        Verdict::kOk);
}

TEST_CASE("an unknown cas may have swapped or not") {
  const Operation init = Write(1, 0, 10, "a");
  const Operation cas = Unknown(Cas(2, 20, 30, "a", "b", true));
  CHECK(CheckBoth(Register({init, cas, Read(3, 40, 50, "b")})) == Verdict::kOk);
  CHECK(CheckBoth(Register({init, cas, Read(3, 40, 50, "a")})) == Verdict::kOk);
  // It cannot swap from a value the register never held when it ran.
  CHECK(CheckBoth(Register({Write(1, 0, 10, "z"), cas, Read(3, 40, 50, "b")})) ==
        Verdict::kIllegal);
}

TEST_CASE("the polynomial algorithm is used exactly when values are unique and there is no cas") {
  const auto unique = CheckOk(Register({Write(1, 0, 10, "a"), Read(2, 5, 15, "a")}),
                            GenerousBudget());
  CHECK(unique.unique_value_partitions == 1);
  CHECK(unique.general_partitions == 0);
  const auto duplicate = CheckOk(Register({Write(1, 0, 10, "a"), Write(1, 20, 30, "a")}),
                               GenerousBudget());
  CHECK(duplicate.general_partitions == 1);
  const auto cas = CheckOk(Register({Cas(1, 0, 10, std::nullopt, "a", true)}), GenerousBudget());
  CHECK(cas.general_partitions == 1);
  // Unknown writes do not force the fallback: the polynomial algorithm handles them.
  const auto unknown = CheckOk(Register({Unknown(Write(1, 0, 10, "a"))}), GenerousBudget());
  CHECK(unknown.unique_value_partitions == 1);
}

TEST_CASE("an empty history is linearizable") {
  CHECK(CheckBoth(Register({})) == Verdict::kOk);
}

TEST_CASE("many timed-out writes nobody saw do not blow up the general search") {
  // Forty unknown writes pending to the end, then a stale read: without the compile-time
  // reduction the search would try every subset of them at every step.
  std::vector<Operation> ops = {Write(1, 0, 10, "a"), Write(1, 20, 30, "b")};
  for (int i = 0; i < 40; ++i) ops.push_back(Unknown(Write(2 + i, 5, 6, "u" + std::to_string(i))));
  ops.push_back(Read(99, 40, 50, "a"));
  checkers::lin::Budget budget;
  budget.steps_max = 10'000;
  checkers::lin::CheckOptions general;
  general.algorithm = checkers::lin::Algorithm::kGeneral;
  CHECK(CheckOk(Register(ops), budget, general).verdict == Verdict::kIllegal);
  ops.back() = Read(99, 40, 50, "b");
  CHECK(CheckOk(Register(ops), budget, general).verdict == Verdict::kOk);
}
