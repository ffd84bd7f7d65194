// Goal: a simulated read replica follows the primary's commit log over the network: it catches
// up within a few polls, lags (serving stale reads) while partitioned from the primary, catches
// up again after the heal, never shows uncommitted data, and rejects writes.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "models/db/db_replica_server.h"
#include "tests/models/db/sim_db_fixture.h"

namespace models::db {
namespace {

using namespace sim::literals;
using testing::AddStock;
using testing::InsertSku;
using testing::kDbPort;
using testing::kSimSku;
using testing::kStock;
using testing::ShowResult;
using testing::SimDb;

sim::Task<void> Write(sim::Env env, sim::Endpoint db, std::vector<std::string>* log) {
  SimSqlClient sql(env, db, 1_s);
  log->push_back(ShowResult(co_await sql.Insert(InsertSku(1, 1, 10))));
}

sim::Task<void> AddInTxn(sim::Env env, sim::Endpoint db, int64_t delta, bool commit,
                         std::vector<std::string>* log) {
  SimSqlClient sql(env, db, 1_s);
  (void)co_await sql.Begin();
  log->push_back(ShowResult(co_await sql.Update(AddStock(1, delta))));
  co_await env.Sleep(commit ? 0_ms : 1_h);  // an uncommitted change stays pending
  if (commit) log->push_back(ShowResult(co_await sql.Commit()));
}

sim::Task<void> ReadStock(sim::Env env, sim::Endpoint replica, std::vector<std::string>* log) {
  SimSqlClient sql(env, replica, 1_s);
  const sim::Result<std::optional<Row>> row = co_await sql.Get(kSimSku, 1, false);
  log->push_back(row.ok() && *row ? "stock " + (*row)->at(kStock).ToString() : ShowResult(row));
}

sim::Task<void> WriteToReplica(sim::Env env, sim::Endpoint replica,
                               std::vector<std::string>* log) {
  SimSqlClient sql(env, replica, 1_s);
  log->push_back(ShowResult(co_await sql.Begin()));
  log->push_back(ShowResult(co_await sql.Update(AddStock(1, 1))));
  log->push_back(ShowResult(co_await sql.Get(kSimSku, 1, true)));
  SelectStmt all{kSimSku, {}, Guard::True(), false};  // named: see sim_sql_client.cc
  log->push_back(ShowResult(co_await sql.Select(std::move(all))));
  log->push_back(ShowResult(co_await sql.Commit()));
}

TEST_CASE("a replica lags behind a partition and catches up after the heal") {
  SimDb db(21);
  DbReplica replica;
  const sim::Endpoint primary = db.endpoint();
  DbReplica* r = &replica;
  sim::Node& replica_node = db.world.AddNode(
      "replica", [r, primary](sim::Env env) { BootDbReplica(env, r, primary, 10_ms); });
  replica_node.Start();
  const sim::Endpoint replica_ep{replica_node.id(), kDbPort};
  sim::Node& c = db.AddClient("c");
  std::vector<std::string> writes, reads;

  c.Spawn(Write(c.env(), primary, &writes));
  db.world.RunFor(100_ms);
  CHECK(replica.applied() == db.model.LogEnd());
  c.Spawn(ReadStock(c.env(), replica_ep, &reads));
  db.world.RunFor(100_ms);

  const std::vector<sim::NodeId> side_r{replica_node.id()}, side_db{db.server->id()};
  db.world.network().Partition(side_r, side_db);
  c.Spawn(AddInTxn(c.env(), primary, 5, true, &writes));
  db.world.RunFor(2_s);
  CHECK(replica.applied() < db.model.LogEnd());  // lag: the commit cannot reach the replica
  c.Spawn(ReadStock(c.env(), replica_ep, &reads));
  db.world.RunFor(100_ms);

  db.world.network().Heal();
  db.world.RunFor(2_s);  // the pull in flight times out (1 s); the next polls catch up
  CHECK(replica.applied() == db.model.LogEnd());
  c.Spawn(ReadStock(c.env(), replica_ep, &reads));
  db.world.RunFor(100_ms);

  sim::Node& d = db.AddClient("d");
  d.Spawn(AddInTxn(d.env(), primary, 100, false, &writes));  // never committed
  db.world.RunFor(200_ms);
  c.Spawn(ReadStock(c.env(), replica_ep, &reads));
  db.world.RunFor(100_ms);

  CHECK(writes == std::vector<std::string>{"ok:1", "ok:1", "ok", "ok:1"});
  CHECK(reads == std::vector<std::string>{"stock 10", "stock 10", "stock 15", "stock 15"});
  CHECK(replica.Rows(kSimSku) == db.model.CommittedRows(kSimSku));
}

TEST_CASE("a replica rejects writes and serves read-only transactions") {
  SimDb db(22);
  DbReplica replica;
  const sim::Endpoint primary = db.endpoint();
  DbReplica* r = &replica;
  sim::Node& replica_node = db.world.AddNode(
      "replica", [r, primary](sim::Env env) { BootDbReplica(env, r, primary, 10_ms); });
  replica_node.Start();
  sim::Node& c = db.AddClient("c");
  std::vector<std::string> log;
  c.Spawn(Write(c.env(), primary, &log));
  db.world.RunFor(100_ms);
  c.Spawn(WriteToReplica(c.env(), sim::Endpoint{replica_node.id(), kDbPort}, &log));
  db.world.RunFor(1_s);
  CHECK(log == std::vector<std::string>{"ok:1", "ok", "err:rejected:none", "err:rejected:none",
                                        "rows:(1, 1, 1, 10, 0, 0, NULL, 0)", "ok"});
}

TEST_CASE("a replica crash keeps what it applied and resumes pulling after restart") {
  SimDb db(23);
  DbReplica replica;
  const sim::Endpoint primary = db.endpoint();
  DbReplica* r = &replica;
  sim::Node& replica_node = db.world.AddNode(
      "replica", [r, primary](sim::Env env) { BootDbReplica(env, r, primary, 10_ms); });
  replica_node.Start();
  sim::Node& c = db.AddClient("c");
  std::vector<std::string> log;
  c.Spawn(Write(c.env(), primary, &log));
  db.world.RunFor(100_ms);
  const uint64_t applied = replica.applied();
  CHECK(applied == db.model.LogEnd());
  replica_node.Crash();
  c.Spawn(AddInTxn(c.env(), primary, 5, true, &log));
  db.world.RunFor(1_s);
  CHECK(replica.applied() == applied);
  replica_node.Start();
  db.world.RunFor(100_ms);
  CHECK(replica.applied() == db.model.LogEnd());
  CHECK(replica.Rows(kSimSku) == db.model.CommittedRows(kSimSku));
}

}  // namespace
}  // namespace models::db
