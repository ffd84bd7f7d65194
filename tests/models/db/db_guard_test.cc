// Goal: guards and SET clauses follow SQL semantics (NULL never matches, no overflow surprises),
// and the mall's guarded stock lock never oversells under any interleaving of concurrent
// transactions, while the unguarded fork variant (AK: stock - stock_locked > 0) does.

#include <catch2/catch.hpp>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <deque>

#include "models/db/db_error.h"
#include "models/db/db_model.h"
#include "tests/models/db/sku_table.h"

namespace models::db {
namespace {

const TableName kSku{"wms", "ware_sku"};

TEST_CASE("guards: NULL never matches, differences do not overflow, bad guards are invalid") {
  const TableDef def = testing::SkuTable();
  Row row = {Value(1), Value(7), Value(1), Value(INT64_MAX), Value(-5), Value(0), Value(),
             Value(250)};
  CHECK(EvalGuard(Guard::Diff("stock", "stock_locked", CmpOp::kGt, INT64_MAX), def, row));
  CHECK(!EvalGuard(Guard::Cmp("sku_name", CmpOp::kNe, "x"), def, row));
  CHECK(!EvalGuard(Guard::Cmp("sku_name", CmpOp::kEq, Value()), def, row));
  CHECK(EvalGuard(Guard::And({Guard::Cmp("sku_id", CmpOp::kGe, 7),
                              Guard::Cmp("price", CmpOp::kLt, 251)}), def, row));
  CHECK(!EvalGuard(Guard::And({Guard::Cmp("sku_id", CmpOp::kGe, 7),
                               Guard::Cmp("price", CmpOp::kLt, 250)}), def, row));
  CHECK(EvalGuard(Guard::True(), def, row));
  CHECK(!CheckGuard(Guard::Cmp("nope", CmpOp::kEq, 1), def).ok());
  CHECK(!CheckGuard(Guard::Cmp("sku_name", CmpOp::kEq, 1), def).ok());
  CHECK(!CheckGuard(Guard::Diff("stock", "price", CmpOp::kEq, 1), def).ok());
  CHECK(Guard::And({Guard::Cmp("a", CmpOp::kEq, 1), Guard::Diff("b", "c", CmpOp::kGe, 2)})
            .ToString() == "(a = 1) AND (b - c >= 2)");

  sim::Result<Row> bumped = ApplySet({SetClause::Add("stock", 1)}, def, row);
  CHECK(ClassifyError(bumped.error()) == DbErrorKind::kOutOfRange);
  sim::Result<Row> swapped = ApplySet({SetClause::Assign("stock_locked", 8),
                                       SetClause::Add("sku_id", 1),
                                       SetClause::Add("stock_locked", 5)}, def, row);
  REQUIRE(swapped.ok());  // every right-hand side reads the old row; the last write wins
  CHECK((*swapped)[1] == Value(8));
  CHECK((*swapped)[4] == Value(0));
  CHECK(!CheckSet({SetClause::Add("sku_name", 1)}, def).ok());
  CHECK(!CheckSet({SetClause::Assign("id", 3)}, def).ok());
  sim::Result<Row> nulled = ApplySet({SetClause::Assign("sku_id", Value())}, def, row);
  CHECK(ClassifyError(nulled.error()) == DbErrorKind::kNotNull);
  sim::Result<Row> price = ApplySet({SetClause::Add("price", kDecimalLimit - 1)}, def, row);
  CHECK(ClassifyError(price.error()) == DbErrorKind::kOutOfRange);
}

// One transaction of a stock-locking session: BEGIN, lock `n`, then COMMIT or ROLLBACK.
struct Txn {
  int n = 1;
  bool commit = true;
};

struct SessionScript {
  SessionId id = 0;
  std::deque<Txn> txns;
  int step = 0;          // 0 begin, 1 lock, 2 end
  bool locked = false;   // the lock statement of the current txn affected a row
  bool blocked = false;
};

// Runs the scripts interleaved by `picks` and returns the highest stock_locked ever committed
// minus the stock; also checks stock_locked equals the committed successful locks.
int64_t RunInterleaved(int stock, std::vector<SessionScript> scripts, const std::vector<int>& picks,
                       const Guard& guard_template, bool exact_guard) {
  DbModel db;
  RC_ASSERT(db.CreateTable(testing::SkuTable()).ok());
  SessionId setup = db.Connect();
  Outcome<int64_t> id = db.Insert(setup, {}, {kSku, {{"sku_id", 1}, {"ware_id", 1},
                                                    {"stock", stock}}});
  RC_ASSERT(id.result().ok());
  for (SessionScript& script : scripts) script.id = db.Connect();
  int64_t committed_locks = 0;
  int64_t worst = INT64_MIN;
  for (size_t turn = 0; turn < 10'000; ++turn) {
    std::vector<SessionScript*> ready;
    for (SessionScript& script : scripts) {
      if (!script.blocked && !script.txns.empty()) ready.push_back(&script);
    }
    if (ready.empty()) break;
    SessionScript& s = *ready[static_cast<size_t>(picks.empty() ? 0 : picks[turn % picks.size()])
                              % ready.size()];
    const Txn txn = s.txns.front();
    if (s.step == 0) {
      RC_ASSERT(db.Begin(s.id).ok());
      s.step = 1;
    } else if (s.step == 1) {
      Guard guard = exact_guard ? Guard::Diff("stock", "stock_locked", CmpOp::kGe, txn.n)
                                : guard_template;
      Outcome<int64_t> out = db.Update(s.id, {}, {kSku, {SetClause::Add("stock_locked", txn.n)},
                                                  {{"sku_id", 1}, {"ware_id", 1}}, guard});
      if (out.blocked()) {
        s.blocked = true;
        continue;
      }
      RC_ASSERT(out.result().ok());
      s.locked = out.result().value() == 1;
      s.step = 2;
    } else {
      RC_ASSERT((txn.commit ? db.Commit(s.id) : db.Rollback(s.id)).ok());
      if (txn.commit && s.locked) committed_locks += txn.n;
      s.txns.pop_front();
      s.step = 0;
      for (SessionId woken : db.TakeRunnable()) {
        for (SessionScript& other : scripts) {
          if (other.id == woken) other.blocked = false;
        }
      }
    }
    const Row row = db.CommittedRows(kSku).front();
    RC_ASSERT(row[4] == Value(committed_locks));
    worst = std::max(worst, row[4].AsInt() - row[3].AsInt());
  }
  for (const SessionScript& script : scripts) RC_ASSERT(script.txns.empty());
  return worst;
}

TEST_CASE("the guarded stock lock never oversells under interleavings") {
  rc::prop("stock_locked <= stock after every step", [] {
    const int stock = *rc::gen::inRange(0, 12);
    const int sessions = *rc::gen::inRange(2, 5);
    std::vector<SessionScript> scripts(static_cast<size_t>(sessions));
    for (SessionScript& script : scripts) {
      const auto txns = *rc::gen::container<std::vector<std::pair<int, bool>>>(
          rc::gen::pair(rc::gen::inRange(1, 6), rc::gen::arbitrary<bool>()));
      for (const auto& [n, commit] : txns) script.txns.push_back(Txn{n, commit});
    }
    const auto picks = *rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 1000));
    RC_ASSERT(RunInterleaved(stock, scripts, picks, Guard::True(), true) <= 0);
  });
}

TEST_CASE("the AK fork's guard (stock - stock_locked > 0) oversells: the check can fail") {
  std::vector<SessionScript> scripts(2);
  scripts[0].txns = {Txn{3, true}};
  scripts[1].txns = {Txn{3, true}};
  const Guard weak = Guard::Diff("stock", "stock_locked", CmpOp::kGt, 0);
  // Both sessions lock 3 of 5, one after the other.
  CHECK(RunInterleaved(5, scripts, {0}, weak, false) > 0);
  CHECK(RunInterleaved(5, scripts, {0}, Guard::True(), true) <= 0);
}

}  // namespace
}  // namespace models::db
