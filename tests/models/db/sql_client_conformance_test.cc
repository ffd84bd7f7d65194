// Goal: the SqlClient port means the same thing in both worlds. One operation sequence with two
// connections runs through SimSqlClient (against a simulated DbServer node) and through PgClient
// (against the real PostgreSQL of `scripts/servers.sh start`, driven from a task of a World that
// is only the executor here), and the two logs must be identical: ids and unique violations,
// guarded update counts, statement-level rollback inside a transaction, a FOR UPDATE lock that
// makes the second connection wait and then re-check its guard, and a lock-wait timeout.

#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "models/db/real/pg_client.h"
#include "tests/models/db/pg_test_util.h"
#include "tests/models/db/sim_db_fixture.h"

namespace models::db {
namespace {

using namespace sim::literals;
using testing::AddStock;
using testing::InsertSku;
using testing::kSimSku;
using testing::LockStock;
using testing::ShowResult;

using Log = std::vector<std::string>;
constexpr sim::Duration kLockWait = 300_ms;

template <class R>
void Note(Log* log, const char* what, const R& result) {
  log->push_back(std::string(what) + " " + ShowResult(result));
}

UpdateStmt AddStockOfSku(int64_t sku, int64_t n) {
  return UpdateStmt{kSimSku, {SetClause::Add("stock", n)}, {{"sku_id", sku}}, Guard::True()};
}
UpdateStmt SetLocked(int64_t pk, int64_t locked) {
  return UpdateStmt{kSimSku, {SetClause::Assign("stock_locked", Value(locked))}, {{"id", pk}},
                    Guard::True()};
}
// Statements are made by functions: GCC 12 destroys a braced temporary built inside a co_await
// expression twice.
DeleteStmt DeleteOfSku(int64_t sku) { return DeleteStmt{kSimSku, {{"sku_id", sku}}, {}}; }
SelectStmt All() { return SelectStmt{kSimSku, {}, Guard::True(), false}; }

// Polls a flag another task sets; bounded so a hang fails instead of spinning forever.
sim::Task<void> WaitFor(const bool* done) {
  for (int i = 0; i < 100'000 && !*done; ++i) co_await sim::Sleep(1_ms);
}

sim::Task<void> LockWhileHeld(SqlClient* b, Log* log, bool* done) {
  Note(log, "b begin", co_await b->Begin());
  Note(log, "b lock", co_await b->Update(LockStock(2, 1)));
  Note(log, "b commit", co_await b->Commit());
  *done = true;
}

sim::Task<void> AddWhileHeld(SqlClient* b, Log* log, bool* done) {
  Note(log, "b add", co_await b->Update(AddStock(4, 5)));  // sku 3 got id 4
  *done = true;
}

sim::Task<void> Basics(SqlClient* a, Log* log) {
  Note(log, "insert sku1", co_await a->Insert(InsertSku(1, 1, 10)));
  Note(log, "insert sku2", co_await a->Insert(InsertSku(2, 1, 3)));
  Note(log, "insert dup", co_await a->Insert(InsertSku(1, 1, 5)));
  Note(log, "insert sku3", co_await a->Insert(InsertSku(3, 1, 0)));  // the dup used an id
  for (int i = 0; i < 6; ++i) Note(log, "lock 2", co_await a->Update(LockStock(1, 2)));
  Note(log, "update none", co_await a->Update(AddStockOfSku(99, 1)));
  // A failed statement inside a transaction rolls back only itself.
  Note(log, "begin", co_await a->Begin());
  Note(log, "add", co_await a->Update(AddStock(2, 1)));
  Note(log, "dup in txn", co_await a->Insert(InsertSku(2, 1, 9)));
  Note(log, "commit", co_await a->Commit());
  Note(log, "get 2", co_await a->Get(kSimSku, 2, false));
  Note(log, "get 9", co_await a->Get(kSimSku, 9, false));
  Note(log, "delete none", co_await a->Delete(DeleteOfSku(99)));
}

sim::Task<void> Scenario(sim::Env env, SqlClient* a, SqlClient* b, Log* log) {
  co_await Basics(a, log);
  // FOR UPDATE: b waits for a's row lock, then re-checks its guard on a's committed row.
  Note(log, "a begin", co_await a->Begin());
  Note(log, "a for update", co_await a->Get(kSimSku, 2, true));
  bool b_done = false;
  env.Spawn(LockWhileHeld(b, log, &b_done));
  co_await sim::Sleep(50_ms);
  Note(log, "a sell out", co_await a->Update(SetLocked(2, 4)));
  log->push_back("a commits");
  const sim::Result<void> a_commit = co_await a->Commit();
  co_await WaitFor(&b_done);
  Note(log, "a commit", a_commit);
  // Lock-wait timeout: b gives up on a's lock; only b's statement fails.
  Note(log, "a begin", co_await a->Begin());
  Note(log, "a add", co_await a->Update(AddStock(4, 1)));
  bool b2_done = false;
  env.Spawn(AddWhileHeld(b, log, &b2_done));
  co_await WaitFor(&b2_done);
  Note(log, "a commit", co_await a->Commit());
  Note(log, "final", co_await a->Select(All()));
  Note(log, "a close", co_await a->Close());
  Note(log, "b close", co_await b->Close());
}

Log RunSim() {
  DbOptions options;
  options.lock_wait_timeout = kLockWait;
  testing::SimDb db(1, options);
  SimSqlClient a(db.world.env(), db.endpoint(), 10_s);
  SimSqlClient b(db.world.env(), db.endpoint(), 10_s);
  Log log;
  db.world.Spawn(Scenario(db.world.env(), &a, &b, &log));
  db.world.RunFor(60_s);
  return log;
}

Log RunPg() {
  const std::string prefix = testing::NewPrefix();
  std::unique_ptr<real::PgConnection> conn_a = testing::MustConnect(prefix);
  std::unique_ptr<real::PgConnection> conn_b = testing::MustConnect(prefix);
  for (real::PgConnection* conn : {conn_a.get(), conn_b.get()}) {
    REQUIRE(conn->SetLockWaitTimeout(kLockWait).ok());
  }
  real::PgClient a(std::move(conn_a));
  testing::SchemaCleanup cleanup{a.connection()};
  REQUIRE(a.connection().CreateTable(testing::SkuTable()).ok());
  real::PgClient b(std::move(conn_b));  // destroyed first: its session ends before the cleanup
  b.connection().RegisterTable(testing::SkuTable());
  sim::World world(1);
  Log log;
  world.Spawn(Scenario(world.env(), &a, &b, &log));
  world.RunUntilIdle();
  return log;
}

TEST_CASE("SimSqlClient and PgClient agree on one two-connection sequence") {
  const Log sim_log = RunSim();
  const Log pg_log = RunPg();
  CHECK(sim_log == pg_log);
  // The sequence is only meaningful if it exercised what it claims to.
  const Log expected_tail = {"a begin ok", "a add ok:1", "b add err:conflict:lock_wait_timeout",
                             "a commit ok"};
  REQUIRE(sim_log.size() > expected_tail.size() + 3);
  CHECK(Log(sim_log.end() - 7, sim_log.end() - 3) == expected_tail);
  CHECK(std::find(sim_log.begin(), sim_log.end(), "b lock ok:0") != sim_log.end());
  CHECK(std::find(sim_log.begin(), sim_log.end(), "insert dup err:conflict:duplicate_key") !=
        sim_log.end());
}

}  // namespace
}  // namespace models::db
