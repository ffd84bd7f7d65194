// Goal: the simulated DbServer, driven through SimSqlClient over the simulated network, keeps the
// engine's guarantees under concurrency: racing buyers never oversell a guarded stock row, lock
// waits end exactly when the holder commits or at the lock-wait timeout (in virtual time, so a
// 50 s wait costs nothing), deadlocks pick the victim that closes the cycle, and one seed always
// gives the same run.

#include <catch2/catch.hpp>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <string>
#include <vector>

#include "tests/models/db/sim_db_fixture.h"

namespace models::db {
namespace {

using namespace sim::literals;
using testing::AddStock;
using testing::InsertSku;
using testing::kSimSku;
using testing::LockStock;
using testing::ShowResult;
using testing::SimDb;

const TableName kTask{"wms", "lock_task"};

TableDef TaskTable() {
  TableDef def;
  def.name = kTask;
  def.columns = {ColumnDef::Int("id"), ColumnDef::Int("sku_id"), ColumnDef::Int("buyer")};
  return def;
}

InsertStmt TaskRow(int64_t buyer) {
  return InsertStmt{kTask, {{"sku_id", 1}, {"buyer", buyer}}};
}

void SeedSku(DbModel& model, int64_t stock) {
  const SessionId s = model.Connect();
  const sim::Result<int64_t> id = model.Insert(s, {}, InsertSku(1, 1, stock)).result();
  REQUIRE(id.ok());
  model.Disconnect(s);
}

struct RaceStats {
  int committed = 0;
  int sold_out = 0;
  int rolled_back = 0;
  std::vector<std::string> errors;
};

// One buyer: lock one unit and record a task row per transaction until the stock is gone;
// some transactions change their mind and roll back.
sim::Task<void> Buyer(sim::Env env, sim::Endpoint db, int64_t buyer, RaceStats* stats) {
  SimSqlClient sql(env, db, 10_s);
  for (int round = 0; round < 200; ++round) {
    co_await env.Sleep(env.rng().Uniform(0_ms, 3_ms));
    const sim::Result<void> begun = co_await sql.Begin();
    if (!begun.ok()) {
      stats->errors.push_back("begin " + begun.error().ToString());
      co_return;
    }
    const sim::Result<int64_t> locked = co_await sql.Update(LockStock(1, 1));
    if (!locked.ok() || *locked == 0) {
      if (!locked.ok()) stats->errors.push_back("lock " + locked.error().ToString());
      if (locked.ok()) ++stats->sold_out;
      (void)co_await sql.Rollback();
      co_return;
    }
    // Built outside the co_await: GCC 12 rejects string-literal initializers inside one.
    InsertStmt insert = TaskRow(buyer);
    const sim::Result<int64_t> task = co_await sql.Insert(std::move(insert));
    if (!task.ok()) stats->errors.push_back("task " + task.error().ToString());
    if (!task.ok() || env.rng().Below(4) == 0) {
      (void)co_await sql.Rollback();
      ++stats->rolled_back;
      continue;
    }
    const sim::Result<void> committed = co_await sql.Commit();
    if (committed.ok()) ++stats->committed;
    if (!committed.ok()) stats->errors.push_back("commit " + committed.error().ToString());
  }
  stats->errors.push_back("buyer " + std::to_string(buyer) + " never saw the stock run out");
}

struct RaceResult {
  RaceStats stats;
  int64_t stock_locked = 0;
  size_t tasks = 0;
  bool lock_waits = false;
  uint64_t fingerprint = 0;
};

RaceResult RunRace(uint64_t seed, int buyers, int64_t stock) {
  sim::WorldOptions options;
  options.record_trace = true;
  SimDb db(seed, {}, {}, options);
  REQUIRE(db.model.CreateTable(TaskTable()).ok());
  SeedSku(db.model, stock);
  RaceResult out;
  for (int b = 1; b <= buyers; ++b) {
    sim::Node& node = db.AddClient("buyer" + std::to_string(b));
    node.Spawn(Buyer(node.env(), db.endpoint(), b, &out.stats));
  }
  db.world.RunFor(60_s);
  out.stock_locked = db.Committed(1)[testing::kStockLocked].AsInt();
  out.tasks = db.model.CommittedRows(kTask).size();
  out.lock_waits = db.TraceHas("db.lock_wait");
  out.fingerprint = db.world.Fingerprint();
  return out;
}

TEST_CASE("racing buyers over the simulated network never oversell") {
  rc::prop("committed locks == task rows == stock, never more", [] {
    const auto seed = *rc::gen::inRange<uint64_t>(1, 1'000'000);
    const int buyers = *rc::gen::inRange(2, 7);
    const int64_t stock = *rc::gen::inRange<int64_t>(1, 9);
    const RaceResult r = RunRace(seed, buyers, stock);
    RC_ASSERT(r.stats.errors == std::vector<std::string>{});
    RC_ASSERT(r.stock_locked == stock);  // all sold, none oversold
    RC_ASSERT(r.stats.committed == stock);
    RC_ASSERT(r.tasks == static_cast<size_t>(stock));
    RC_ASSERT(r.stats.sold_out == buyers);
  });
}

TEST_CASE("the race really contends for the row lock and is deterministic") {
  const RaceResult a = RunRace(42, 4, 6);
  const RaceResult b = RunRace(42, 4, 6);
  CHECK(a.lock_waits);
  CHECK(a.fingerprint == b.fingerprint);
  CHECK(a.stats.committed == b.stats.committed);
  CHECK(a.stats.rolled_back == b.stats.rolled_back);
}

struct Stamped {
  std::string result;
  sim::Instant at;
};

sim::Task<void> HoldThenEnd(sim::Env env, sim::Endpoint db, UpdateStmt stmt, sim::Duration hold,
                            bool commit, Stamped* out) {
  SimSqlClient sql(env, db, 300_s);
  (void)co_await sql.Begin();
  const sim::Result<int64_t> updated = co_await sql.Update(std::move(stmt));
  co_await env.Sleep(hold);
  sim::Result<void> ended;
  if (commit) {
    ended = co_await sql.Commit();
  } else {
    ended = co_await sql.Rollback();
  }
  *out = Stamped{ShowResult(updated) + " " + ShowResult(ended), env.Now()};
}

sim::Task<void> UpdateLater(sim::Env env, sim::Endpoint db, UpdateStmt stmt, Stamped* started,
                            Stamped* out) {
  SimSqlClient sql(env, db, 300_s);
  co_await env.Sleep(10_ms);
  *started = Stamped{"", env.Now()};
  const sim::Result<int64_t> updated = co_await sql.Update(std::move(stmt));
  *out = Stamped{ShowResult(updated), env.Now()};
}

TEST_CASE("a lock wait ends when the holder commits, in virtual time") {
  SimDb db(3);
  SeedSku(db.model, 10);
  sim::Node& a = db.AddClient("a");
  sim::Node& b = db.AddClient("b");
  Stamped a_done, b_start, b_done;
  a.Spawn(HoldThenEnd(a.env(), db.endpoint(), AddStock(1, 1), 30_s, true, &a_done));
  b.Spawn(UpdateLater(b.env(), db.endpoint(), AddStock(1, 100), &b_start, &b_done));
  db.world.RunFor(29_s);
  CHECK(b_done.result.empty());  // still waiting for a's lock
  CHECK(db.model.locks().waits().size() == 1);
  db.world.RunFor(2_s);
  CHECK(a_done.result == "ok:1 ok");
  CHECK(b_done.result == "ok:1");
  // b's reply left when a's COMMIT ran on the server, at most one round trip before a heard.
  CHECK(b_done.at - a_done.at < 20_ms);
  CHECK(a_done.at - b_done.at < 20_ms);
  CHECK(db.Committed(1)[testing::kStock] == Value(111));
}

TEST_CASE("a lock wait times out after innodb_lock_wait_timeout of virtual time") {
  DbOptions options;
  options.lock_wait_timeout = 50_s;
  SimDb db(4, options);
  SeedSku(db.model, 10);
  sim::Node& a = db.AddClient("a");
  sim::Node& b = db.AddClient("b");
  Stamped a_done, b_start, b_done;
  a.Spawn(HoldThenEnd(a.env(), db.endpoint(), AddStock(1, 1), 200_s, false, &a_done));
  b.Spawn(UpdateLater(b.env(), db.endpoint(), AddStock(1, 100), &b_start, &b_done));
  db.world.RunFor(300_s);
  CHECK(b_done.result == "err:conflict:lock_wait_timeout");
  const sim::Duration waited = b_done.at - b_start.at;
  CHECK(waited >= 50_s);
  CHECK(waited < 50_s + 20_ms);
  CHECK(a_done.result == "ok:1 ok");  // the holder rolls back afterwards
  CHECK(db.Committed(1)[testing::kStock] == Value(10));
  CHECK(db.model.locks().waits().empty());
}

// Locks `first`, then `second` after a pause; records both answers and how it ended.
sim::Task<void> LockTwo(sim::Env env, sim::Endpoint db, int64_t first, int64_t second,
                        sim::Duration pause, std::string* out) {
  SimSqlClient sql(env, db, 300_s);
  (void)co_await sql.Begin();
  const sim::Result<int64_t> one = co_await sql.Update(AddStock(first, 1));
  co_await env.Sleep(pause);
  const sim::Result<int64_t> two = co_await sql.Update(AddStock(second, 1));
  const sim::Result<void> committed = co_await sql.Commit();
  *out = ShowResult(one) + " " + ShowResult(two) + " " + ShowResult(committed);
}

TEST_CASE("a deadlock makes the session that closes the cycle the victim") {
  sim::WorldOptions world_options;
  world_options.record_trace = true;
  SimDb db(5, {}, {}, world_options);
  SeedSku(db.model, 10);
  {
    const SessionId s = db.model.Connect();
    REQUIRE(db.model.Insert(s, {}, InsertSku(2, 1, 10)).result().ok());
    db.model.Disconnect(s);
  }
  sim::Node& a = db.AddClient("a");
  sim::Node& b = db.AddClient("b");
  std::string a_out, b_out;
  a.Spawn(LockTwo(a.env(), db.endpoint(), 1, 2, 20_ms, &a_out));
  b.Spawn(LockTwo(b.env(), db.endpoint(), 2, 1, 40_ms, &b_out));
  db.world.RunFor(10_s);
  CHECK(a_out == "ok:1 ok:1 ok");
  // b's transaction was rolled back by the deadlock; its COMMIT then has nothing to commit.
  CHECK(b_out == "ok:1 err:conflict:deadlock ok");
  CHECK(db.TraceHas("db.deadlock"));
  CHECK(db.Committed(1)[testing::kStock] == Value(11));
  CHECK(db.Committed(2)[testing::kStock] == Value(11));
}

}  // namespace
}  // namespace models::db
