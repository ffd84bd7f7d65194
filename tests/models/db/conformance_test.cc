// Goal: the db model and a real PostgreSQL 15 (through PgConnection) agree on every typed
// operation the mall uses: generated single-session sequences (inserts with duplicate keys,
// guarded updates, selects, deletes, transactions) give the same ids, affected counts, rows and
// error kinds; and two sessions agree on blocking, wake-up after commit, lock-wait timeouts,
// waits on uncommitted unique keys and deadlock victims.
// Needs the PostgreSQL of `scripts/servers.sh start` (port MALLSIM_PG_PORT, default 5439).

#include <catch2/catch.hpp>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <chrono>
#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <thread>

#include "models/db/db_error.h"
#include "models/db/db_model.h"
#include "models/db/real/pg_connection.h"
#include "tests/models/db/pg_test_util.h"
#include "tests/models/db/sku_table.h"

namespace models::db {
namespace {

using real::PgConnection;
using testing::ConnInfo;
using testing::MustConnect;
using testing::NewPrefix;
using testing::SchemaCleanup;
using testing::Show;
const TableName kSku{"conf", "ware_sku"};
const sim::Instant kT0 = sim::Instant::Zero();

// A generated operation: `kind` picks the statement, a..d parameterise it.
struct OpCode {
  int kind = 0;
  int a = 0;
  int b = 0;
  int c = 0;
  int d = 0;
};
std::ostream& operator<<(std::ostream& os, const OpCode& op) {
  return os << "{" << op.kind << "," << op.a << "," << op.b << "," << op.c << "," << op.d << "}";
}
constexpr int kKinds = 15;

Value Name(int d) { return d % 3 == 0 ? Value() : Value("n" + std::to_string(d % 4)); }

// Both worlds run one op; the function returns the two answers as comparable text.
struct Both {
  DbModel& model;
  SessionId session;
  PgConnection& pg;

  template <class M, class P>
  std::pair<std::string, std::string> Stmt(M&& on_model, P&& on_pg) {
    return {Show(on_model()), Show(on_pg())};
  }
  std::pair<std::string, std::string> Insert(const InsertStmt& s) {
    return Stmt([&] { return model.Insert(session, kT0, s); }, [&] { return pg.Insert(s); });
  }
  std::pair<std::string, std::string> Update(const UpdateStmt& s) {
    return Stmt([&] { return model.Update(session, kT0, s); }, [&] { return pg.Update(s); });
  }
  std::pair<std::string, std::string> Select(const SelectStmt& s) {
    return Stmt([&] { return model.Select(session, kT0, s); }, [&] { return pg.Select(s); });
  }
  std::pair<std::string, std::string> Delete(const DeleteStmt& s) {
    return Stmt([&] { return model.Delete(session, kT0, s); }, [&] { return pg.Delete(s); });
  }
};

std::pair<std::string, std::string> RunOp(Both& both, const OpCode& op) {
  const int sku = op.a % 3 + 1;
  const int ware = op.b % 3 + 1;
  const int n = op.c % 5 + 1;
  const int id = op.a % 8 + 1;
  const Assignments at = {{"sku_id", sku}, {"ware_id", ware}};
  switch (op.kind) {
    case 0: return both.Insert({kSku, {{"sku_id", sku}, {"ware_id", ware}, {"stock", op.c % 8},
                                       {"sku_name", Name(op.d)}, {"price", op.d * 125}}});
    case 1: return both.Update({kSku, {SetClause::Add("stock_locked", n)}, at,
                                Guard::Diff("stock", "stock_locked", CmpOp::kGe, n)});
    case 2: return both.Update({kSku, {SetClause::Add("stock_locked", -n)}, at, Guard::True()});
    case 3: return both.Update({kSku, {SetClause::Assign("stock", op.c % 8),
                                       SetClause::Add("version", 1)},
                                {{"id", id}}, Guard::Cmp("version", CmpOp::kEq, op.b % 3)});
    case 4: return both.Select({kSku, {{"sku_id", sku}},
                                op.c % 2 ? Guard::Cmp("stock", CmpOp::kGt, op.d % 5)
                                         : Guard::True(), op.b % 2 == 1});
    case 5:
      return both.Stmt([&] { return both.model.Get(both.session, kT0, kSku, id, op.b % 2); },
                       [&] { return both.pg.Get(kSku, id, op.b % 2); });
    case 6: return both.Delete({kSku, {{"id", id}},
                                op.c % 2 ? Guard::Cmp("version", CmpOp::kEq, op.b % 2)
                                         : Guard::True()});
    case 7: return both.Update({kSku, {SetClause::Assign("ware_id", ware)}, {{"sku_id", sku}},
                                Guard::True()});
    case 8: return both.Update({kSku, {SetClause::Assign("sku_name", Name(op.d))}, {{"id", id}},
                                Guard::Cmp("sku_name", op.c % 2 ? CmpOp::kNe : CmpOp::kEq,
                                           Name(op.b))});
    case 9: return {Show(both.model.Begin(both.session)), Show(both.pg.Begin())};
    case 10: return {Show(both.model.Commit(both.session)), Show(both.pg.Commit())};
    case 11: return {Show(both.model.Rollback(both.session)), Show(both.pg.Rollback())};
    case 12: return both.Update({kSku, {SetClause::Add("price", op.c % 2 ? kDecimalLimit - 100
                                                                          : -1000)},
                                 {{"ware_id", ware}}, Guard::True()});
    case 13: return both.Insert({kSku, {{"ware_id", ware}, {"sku_name", Name(op.d)}}});
    default: return both.Delete({kSku, {{"sku_id", sku}},
                                 Guard::Diff("stock", "stock_locked", CmpOp::kLt, n)});
  }
}

TEST_CASE("conformance: generated single-session sequences agree with PostgreSQL",
          "[integration]") {
  const std::string prefix = NewPrefix();
  std::unique_ptr<PgConnection> admin = MustConnect(prefix);
  SchemaCleanup cleanup{*admin};
  REQUIRE(admin->Exec("CREATE SCHEMA " + real::PgSchemaName(prefix, "conf")).ok());
  admin->RegisterTable(testing::SkuTable("conf"));  // so DropSchemas knows the schema
  int cases = 0;
  std::set<std::string> seen_errors;  // coverage: the generator must reach every error path
  rc::prop("model and PostgreSQL give the same answers", [&] {
    const auto ops = *rc::gen::container<std::vector<OpCode>>(rc::gen::construct<OpCode>(
        rc::gen::inRange(0, kKinds), rc::gen::inRange(0, 8), rc::gen::inRange(0, 8),
        rc::gen::inRange(0, 8), rc::gen::inRange(0, 8)));
    sim::Result<std::unique_ptr<PgConnection>> pg = PgConnection::Connect(ConnInfo(), prefix);
    RC_ASSERT(pg.ok());
    RC_ASSERT((*pg)->DropTable(kSku).ok());
    RC_ASSERT((*pg)->CreateTable(testing::SkuTable("conf")).ok());
    DbModel model;
    RC_ASSERT(model.CreateTable(testing::SkuTable("conf")).ok());
    Both both{model, model.Connect(), **pg};
    std::string trace;
    for (size_t i = 0; i < ops.size(); ++i) {
      auto [m, p] = RunOp(both, ops[i]);
      trace += std::to_string(i) + " op" + std::to_string(ops[i].kind) + " model=" + m +
               " pg=" + p + "\n";
      if (m != p) RC_FAIL("divergence at op " + std::to_string(i) + "\n" + trace);
      if (m.rfind("err:", 0) == 0) seen_errors.insert(m);
    }
    const SelectStmt all{kSku, {}, Guard::True()};
    RC_ASSERT(both.Select(all).first == both.Select(all).second);
    RC_ASSERT(model.Rollback(both.session).ok());
    RC_ASSERT((*pg)->Rollback().ok());
    auto [m, p] = both.Select(all);
    RC_ASSERT(m == p);
    ++cases;
  });
  CHECK(cases > 0);
  for (const char* error : {"err:conflict:duplicate_key", "err:rejected:not_null",
                            "err:rejected:out_of_range", "err:invalid:none"}) {
    INFO(error);
    CHECK(seen_errors.count(error) == 1);
  }
}

// ---- two sessions -------------------------------------------------------------------------

struct TwoSessions {
  std::string prefix = NewPrefix();
  std::unique_ptr<PgConnection> a = MustConnect(prefix);
  std::unique_ptr<PgConnection> b = MustConnect(prefix);
  std::unique_ptr<PgConnection> watcher = MustConnect(prefix);
  SchemaCleanup cleanup{*a};
  DbModel model;
  SessionId ma = model.Connect();
  SessionId mb = model.Connect();

  TwoSessions() {
    REQUIRE(a->CreateTable(testing::SkuTable("conf")).ok());
    b->RegisterTable(testing::SkuTable("conf"));
    REQUIRE(model.CreateTable(testing::SkuTable("conf")).ok());
    for (int sku = 1; sku <= 2; ++sku) {
      InsertStmt row{kSku, {{"sku_id", sku}, {"ware_id", 1}, {"stock", 5}}};
      REQUIRE(Show(a->Insert(row)) == Show(model.Insert(ma, kT0, row)));
    }
  }
  // Waits (bounded) until PostgreSQL shows `conn` waiting for a lock.
  void AwaitBlocked(PgConnection& conn) {
    for (int i = 0; i < 1000; ++i) {
      sim::Result<bool> waiting = watcher->IsWaitingForLock(conn.BackendPid());
      REQUIRE(waiting.ok());
      if (*waiting) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL("PostgreSQL never showed the session waiting for a lock");
  }
  std::string Rows() {
    const SelectStmt all{kSku, {}, Guard::True()};
    const std::string pg = Show(a->Select(all));
    REQUIRE(pg == Show(model.Select(ma, kT0, all)));
    return pg;
  }
};

UpdateStmt LockStmt(int sku, int n) {
  return {kSku, {SetClause::Add("stock_locked", n)}, {{"sku_id", sku}, {"ware_id", 1}},
          Guard::Diff("stock", "stock_locked", CmpOp::kGe, n)};
}

TEST_CASE("conformance: a blocked update proceeds after the holder commits", "[integration]") {
  TwoSessions t;
  REQUIRE(t.a->Begin().ok());
  REQUIRE(t.model.Begin(t.ma).ok());
  REQUIRE(Show(t.a->Update(LockStmt(1, 4))) == "ok:1");
  REQUIRE(Show(t.model.Update(t.ma, kT0, LockStmt(1, 4))) == "ok:1");
  // b wants 2 of what is left; it must wait for a.
  REQUIRE(t.b->SendUpdate(LockStmt(1, 2)).ok());
  t.AwaitBlocked(*t.b);
  REQUIRE(t.model.Update(t.mb, kT0, LockStmt(1, 2)).blocked());
  REQUIRE(t.a->Commit().ok());
  REQUIRE(t.model.Commit(t.ma).ok());
  REQUIRE(t.model.TakeRunnable() == std::vector<SessionId>{t.mb});
  // Both re-check the guard on a's committed row: 5 - 4 < 2, so nothing is locked.
  const std::string pg = Show(t.b->FinishUpdate());
  CHECK(pg == "ok:0");
  CHECK(pg == Show(t.model.Update(t.mb, kT0, LockStmt(1, 2))));
  t.Rows();
}

TEST_CASE("conformance: lock-wait timeout rolls back only the statement", "[integration]") {
  TwoSessions t;
  REQUIRE(t.b->SetLockWaitTimeout(sim::Duration::Millis(200)).ok());
  REQUIRE(t.a->Begin().ok());
  REQUIRE(t.model.Begin(t.ma).ok());
  REQUIRE(Show(t.a->Update(LockStmt(1, 1))) == Show(t.model.Update(t.ma, kT0, LockStmt(1, 1))));
  REQUIRE(t.b->Begin().ok());
  REQUIRE(t.model.Begin(t.mb).ok());
  REQUIRE(Show(t.b->Update(LockStmt(2, 3))) == Show(t.model.Update(t.mb, kT0, LockStmt(2, 3))));
  const std::string pg = Show(t.b->Update(LockStmt(1, 1)));
  CHECK(pg == "err:conflict:lock_wait_timeout");
  REQUIRE(t.model.Update(t.mb, kT0, LockStmt(1, 1)).blocked());
  const sim::Instant later = kT0 + sim::Duration::Seconds(50);
  CHECK(pg == Show(t.model.Update(t.mb, later, LockStmt(1, 1))));
  // b's transaction and its first write survive the timeout in both.
  CHECK(t.b->InTransaction());
  CHECK(t.model.InTransaction(t.mb));
  REQUIRE(t.b->Commit().ok());
  REQUIRE(t.model.Commit(t.mb).ok());
  REQUIRE(t.a->Commit().ok());
  REQUIRE(t.model.Commit(t.ma).ok());
  CHECK(t.Rows().find("(2, 2, 1, 5, 3, ") != std::string::npos);
}

TEST_CASE("conformance: an insert waits for an uncommitted duplicate key", "[integration]") {
  TwoSessions t;
  const InsertStmt row{kSku, {{"sku_id", 3}, {"ware_id", 1}}};
  REQUIRE(t.a->Begin().ok());
  REQUIRE(t.model.Begin(t.ma).ok());
  REQUIRE(Show(t.a->Insert(row)) == Show(t.model.Insert(t.ma, kT0, row)));
  REQUIRE(t.b->SendInsert(row).ok());
  t.AwaitBlocked(*t.b);
  REQUIRE(t.model.Insert(t.mb, kT0, row).blocked());
  SECTION("holder commits: duplicate key") {
    REQUIRE(t.a->Commit().ok());
    REQUIRE(t.model.Commit(t.ma).ok());
  }
  SECTION("holder rolls back: the insert succeeds") {
    REQUIRE(t.a->Rollback().ok());
    REQUIRE(t.model.Rollback(t.ma).ok());
  }
  REQUIRE(t.model.TakeRunnable() == std::vector<SessionId>{t.mb});
  CHECK(Show(t.b->FinishInsert()) == Show(t.model.Insert(t.mb, kT0, row)));
  t.Rows();
}

TEST_CASE("conformance: both detect a deadlock and roll the victim back", "[integration]") {
  TwoSessions t;
  // PostgreSQL's victim is the session whose deadlock_timeout fires first: make it b, the
  // session that closes the cycle, which is the model's (and InnoDB's usual) choice.
  REQUIRE(t.a->SetDeadlockTimeout(sim::Duration::Seconds(30)).ok());
  REQUIRE(t.b->SetDeadlockTimeout(sim::Duration::Millis(100)).ok());
  REQUIRE(t.a->Begin().ok());
  REQUIRE(t.b->Begin().ok());
  REQUIRE(t.model.Begin(t.ma).ok());
  REQUIRE(t.model.Begin(t.mb).ok());
  REQUIRE(Show(t.a->Update(LockStmt(1, 1))) == Show(t.model.Update(t.ma, kT0, LockStmt(1, 1))));
  REQUIRE(Show(t.b->Update(LockStmt(2, 1))) == Show(t.model.Update(t.mb, kT0, LockStmt(2, 1))));
  REQUIRE(t.a->SendUpdate(LockStmt(2, 1)).ok());
  t.AwaitBlocked(*t.a);
  REQUIRE(t.model.Update(t.ma, kT0, LockStmt(2, 1)).blocked());
  const std::string pg = Show(t.b->Update(LockStmt(1, 1)));
  CHECK(pg == "err:conflict:deadlock");
  CHECK(pg == Show(t.model.Update(t.mb, kT0, LockStmt(1, 1))));
  CHECK(!t.b->InTransaction());
  CHECK(!t.model.InTransaction(t.mb));
  REQUIRE(t.model.TakeRunnable() == std::vector<SessionId>{t.ma});
  CHECK(Show(t.a->FinishUpdate()) == Show(t.model.Update(t.ma, kT0, LockStmt(2, 1))));
  REQUIRE(t.a->Commit().ok());
  REQUIRE(t.model.Commit(t.ma).ok());
  CHECK(t.Rows().find("(2, 2, 1, 5, 1, ") != std::string::npos);  // b's lock was undone
}

}  // namespace
}  // namespace models::db
