// Goal: the simulated DbServer and SimSqlClient give Jepsen's three outcomes under faults and
// keep MySQL's durability: a partition ends calls in kTimeout (info) and breaks the connection;
// a transaction whose connection broke is never silently continued in autocommit; a server crash
// rolls back what was in flight while committed data survives the restart, and a restarted
// server answers "connection lost"; a crashed client node leaves no waiter and no lock behind;
// a session abandoned behind a partition keeps its locks until wait_timeout; a pool evicts a
// connection lost inside a transaction.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "sim/client_pool.h"
#include "tests/models/db/sim_db_fixture.h"

namespace models::db {
namespace {

using namespace sim::literals;
using testing::AddStock;
using testing::InsertSku;
using testing::kSimSku;
using testing::kStock;
using testing::ShowResult;
using testing::SimDb;

using Log = std::vector<std::string>;

void SeedSku(DbModel& model, int64_t stock) {
  const SessionId s = model.Connect();
  REQUIRE(model.Insert(s, {}, InsertSku(1, 1, stock)).result().ok());
  model.Disconnect(s);
}

sim::Task<void> PartitionedCommit(sim::Env env, sim::Endpoint db, Log* log,
                                  uint64_t* connections) {
  SimSqlClient sql(env, db, 1_s);
  const std::vector<sim::NodeId> client{env.id()}, server{db.node};
  log->push_back(ShowResult(co_await sql.Begin()));
  log->push_back(ShowResult(co_await sql.Update(AddStock(1, 5))));
  env.net().Partition(client, server);
  const sim::Result<void> commit = co_await sql.Commit();
  log->push_back(ShowResult(commit) + (commit.error().Indeterminate() ? " info" : " fail"));
  co_await sim::Yield();  // the broken connection's COM_QUIT leaves, and is lost, while cut off
  env.net().Heal();
  // The transaction's connection is gone: nothing may run as if it were still open.
  log->push_back(ShowResult(co_await sql.Get(kSimSku, 1, false)));
  log->push_back(ShowResult(co_await sql.Commit()));
  log->push_back(ShowResult(co_await sql.Rollback()));
  // A fresh connection reads the committed row; the abandoned session (its COM_QUIT was lost in
  // the partition) still holds the row lock, so this write waits until wait_timeout reaps it.
  const sim::Result<std::optional<Row>> row = co_await sql.Get(kSimSku, 1, false);
  log->push_back(row.ok() && *row ? (*row)->at(kStock).ToString() : ShowResult(row));
  SimSqlClient patient(env, db, 60_s);  // waits longer than the lock is held
  const sim::Instant before = env.Now();
  log->push_back(ShowResult(co_await patient.Update(AddStock(1, 1))));
  log->push_back(env.Now() - before >= 20_s ? "waited for wait_timeout" : "did not wait");
  *connections = sql.connections_opened();
}

TEST_CASE("a partition ends a call in kTimeout and breaks the connection") {
  DbServerConfig config;
  config.idle_timeout = 30_s;
  sim::WorldOptions world_options;
  world_options.record_trace = true;
  SimDb db(7, {}, config, world_options);
  SeedSku(db.model, 10);
  sim::Node& c = db.AddClient("c");
  Log log;
  uint64_t connections = 0;
  c.Spawn(PartitionedCommit(c.env(), db.endpoint(), &log, &connections));
  db.world.RunFor(120_s);
  CHECK(log == Log{"ok", "ok:1", "err:timeout:none info", "err:unavailable:none",
                   "err:unavailable:none", "ok", "10", "ok:1", "waited for wait_timeout"});
  CHECK(connections == 2);
  CHECK(db.Committed(1)[kStock] == Value(11));  // the cut COMMIT never applied
  CHECK(db.TraceHas("db.session_closed"));
}

// A pooled connection whose COMMIT was cut: handed back to the pool, it is evicted (Hikari's
// validation), so the next borrower's statement runs on a new connection.
sim::Task<void> PooledAfterCutCommit(sim::Env env, sim::Endpoint db, Log* log) {
  sim::ClientPool<SimSqlClient> pool;
  SimSqlClient* sql = pool.Take(env, db, 1_s);
  log->push_back(ShowResult(co_await sql->Begin()));
  const std::vector<sim::NodeId> client{env.id()}, server{db.node};
  env.net().Partition(client, server);
  log->push_back(ShowResult(co_await sql->Commit()));
  env.net().Heal();
  pool.Give(sql);
  SimSqlClient* next = pool.Take(env, db, 1_s);
  log->push_back(next == sql ? "same client" : "another client");
  const sim::Result<std::optional<Row>> row = co_await next->Get(kSimSku, 1, false);
  log->push_back(row.ok() ? "read" : ShowResult(row));
  log->push_back(std::to_string(next->connections_opened()));
}

TEST_CASE("a pool evicts a connection lost inside a transaction") {
  SimDb db(8);
  SeedSku(db.model, 10);
  sim::Node& c = db.AddClient("c");
  Log log;
  c.Spawn(PooledAfterCutCommit(c.env(), db.endpoint(), &log));
  db.world.RunFor(30_s);
  CHECK(log == Log{"ok", "err:timeout:none", "same client", "read", "2"});
}

sim::Task<void> AcrossServerCrash(sim::Env env, sim::Endpoint db, sim::Node* server, Log* log) {
  SimSqlClient sql(env, db, 500_ms);
  log->push_back(ShowResult(co_await sql.Insert(InsertSku(1, 1, 10))));  // autocommit
  log->push_back(ShowResult(co_await sql.Begin()));
  log->push_back(ShowResult(co_await sql.Update(AddStock(1, 5))));
  log->push_back(ShowResult(co_await sql.Insert(InsertSku(2, 1, 3))));
  server->Crash();
  log->push_back(ShowResult(co_await sql.Commit()));  // the server is down: no answer
  server->Start();
  log->push_back(ShowResult(co_await sql.Commit()));  // broken inside a transaction
  log->push_back(ShowResult(co_await sql.Rollback()));
  log->push_back(ShowResult(co_await sql.Get(kSimSku, 1, false)));
  log->push_back(ShowResult(co_await sql.Get(kSimSku, 2, false)));
  // The auto-increment counter survived; the rolled-back id 2 stays a gap.
  log->push_back(ShowResult(co_await sql.Insert(InsertSku(2, 1, 3))));
}

TEST_CASE("a server crash rolls back the transaction in flight, committed data survives") {
  sim::WorldOptions world_options;
  world_options.record_trace = true;
  SimDb db(11, {}, {}, world_options);
  sim::Node& c = db.AddClient("c");
  Log log;
  c.Spawn(AcrossServerCrash(c.env(), db.endpoint(), db.server, &log));
  db.world.RunFor(10_s);
  CHECK(log == Log{"ok:1", "ok", "ok:1", "ok:2", "err:timeout:none", "err:unavailable:none", "ok",
                   "row:(1, 1, 1, 10, 0, 0, NULL, 0)", "none", "ok:3"});
  CHECK(db.TraceHas("db.recovered"));
  CHECK(db.model.CommittedRows(kSimSku).size() == 2);
  CHECK(db.model.locks().HeldCount(1) == 0);
}

sim::Task<void> CommitAfterRestart(sim::Env env, sim::Endpoint db, sim::Node* server,
                                   std::string* out) {
  SimSqlClient sql(env, db, 500_ms);
  (void)co_await sql.Begin();
  (void)co_await sql.Update(AddStock(1, 5));
  server->Crash();
  server->Start();
  const sim::Result<void> commit = co_await sql.Commit();
  *out = commit.ok() ? "ok" : commit.error().ToString();
}

TEST_CASE("a restarted server answers a lost connection with kUnavailable: connection lost") {
  SimDb db(12);
  SeedSku(db.model, 10);
  sim::Node& c = db.AddClient("c");
  std::string out;
  c.Spawn(CommitAfterRestart(c.env(), db.endpoint(), db.server, &out));
  db.world.RunFor(5_s);
  CHECK(out.rfind("unavailable: connection lost", 0) == 0);
  CHECK(db.Committed(1)[kStock] == Value(10));
}

sim::Task<void> HoldLock(sim::Env env, sim::Endpoint db) {
  SimSqlClient sql(env, db, 300_s);
  (void)co_await sql.Begin();
  (void)co_await sql.Update(AddStock(1, 1));
  co_await env.Sleep(1_h);
  (void)co_await sql.Commit();
}

sim::Task<void> UpdateAt(sim::Env env, sim::Endpoint db, sim::Duration at, int64_t delta,
                         std::string* out, sim::Instant* done) {
  SimSqlClient sql(env, db, 300_s);
  co_await env.Sleep(at);
  *out = ShowResult(co_await sql.Update(AddStock(1, delta)));
  *done = env.Now();
}

TEST_CASE("a crashed client node leaves no waiter and no lock behind") {
  sim::WorldOptions world_options;
  world_options.record_trace = true;
  SimDb db(13, {}, {}, world_options);
  SeedSku(db.model, 10);
  sim::Node& a = db.AddClient("a");
  sim::Node& b = db.AddClient("b");
  sim::Node& c = db.AddClient("c");
  std::string b_out, c_out;
  sim::Instant b_done, c_done;
  a.Spawn(HoldLock(a.env(), db.endpoint()));
  b.Spawn(UpdateAt(b.env(), db.endpoint(), 10_ms, 100, &b_out, &b_done));
  db.world.RunFor(20_ms);
  REQUIRE(db.model.locks().waits().size() == 1);  // b waits for a's lock
  b.Crash();
  db.world.RunFor(20_ms);
  CHECK(db.model.locks().waits().empty());  // b's session was reset with its waiting statement
  c.Spawn(UpdateAt(c.env(), db.endpoint(), 10_ms, 1000, &c_out, &c_done));
  db.world.RunFor(20_ms);
  CHECK(db.model.locks().waits().size() == 1);  // c waits for a's lock
  const sim::Instant crash_at = db.world.Now();
  a.Crash();
  db.world.RunFor(1_s);
  CHECK(c_out == "ok:1");
  CHECK(c_done - crash_at < 20_ms);  // a's reset released the lock at once, not after 50 s
  CHECK(b_out.empty());
  CHECK(db.model.locks().waits().empty());
  CHECK(db.Committed(1)[kStock] == Value(1010));  // a's +1 rolled back, b's +100 never ran
  CHECK(db.TraceHas("db.session_closed"));
}

TEST_CASE("a client crash behind a partition keeps its locks until the partition heals") {
  SimDb db(14);
  SeedSku(db.model, 10);
  sim::Node& a = db.AddClient("a");
  sim::Node& c = db.AddClient("c");
  std::string c_out;
  sim::Instant c_done;
  a.Spawn(HoldLock(a.env(), db.endpoint()));
  db.world.RunFor(20_ms);
  const std::vector<sim::NodeId> side_a{a.id()}, side_db{db.server->id()};
  db.world.network().Partition(side_a, side_db);
  a.Crash();
  c.Spawn(UpdateAt(c.env(), db.endpoint(), 0_ms, 1000, &c_out, &c_done));
  db.world.RunFor(10_s);
  CHECK(c_out.empty());  // the reset cannot reach the server yet
  const sim::Instant heal_at = db.world.Now();
  db.world.network().Heal();
  db.world.RunFor(1_s);
  CHECK(c_out == "ok:1");
  CHECK(c_done - heal_at < 20_ms);
  CHECK(db.Committed(1)[kStock] == Value(1010));
}

}  // namespace
}  // namespace models::db
