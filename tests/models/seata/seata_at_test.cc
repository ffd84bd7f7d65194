// Goal: the Seata AT model keeps Seata's contract over the simulated network: a committed global
// transaction keeps its branches' changes and drops their undo logs; a rollback restores the
// before images (also after a "remote false failure", where the branch committed but its caller
// never heard); a branch that needs a row another global transaction holds retries the global
// lock 30 times 10 ms apart and fails; @GlobalLock keeps a local writer off a held row, while a
// writer without it makes the undo dirty (never completing) or, when it restores the before
// value by chance, is skipped as already undone (Seata's rule, a lost update); and the TC's
// sessions survive its crash (store mode file), so an interrupted rollback completes.

#include <catch2/catch.hpp>

#include <memory>
#include <optional>
#include <string>

#include "models/db/db_model.h"
#include "models/db/db_server.h"
#include "models/db/mall_catalog.h"
#include "models/db/sim_sql_client.h"
#include "models/seata/at_connection.h"
#include "models/seata/tc_server.h"
#include "sim/world.h"

namespace models::seata {
namespace {

using namespace sim::literals;

constexpr sim::Port kDbPort = 3306;
const db::TableName kSku{"wms", "wms_ware_sku"};
const db::TableName kDetail{"wms", "wms_ware_order_task_detail"};

const std::vector<db::TableDef>& Catalog() {
  static const std::vector<db::TableDef> c = [] {
    db::MallCatalogOptions o;
    o.seata_undo_log = true;
    return db::MallTables(o);
  }();
  return c;
}

struct Cluster {
  explicit Cluster(uint64_t seed) : world(seed) {
    world.trace().SetRecordAll(true);
    for (db::TableDef def : Catalog()) REQUIRE(model.CreateTable(std::move(def)).ok());
    const db::SessionId s = model.Connect();
    db::InsertStmt row{kSku, {{"sku_id", 1}, {"ware_id", 1}, {"stock", 100}, {"stock_locked", 10}}};
    REQUIRE(model.Insert(s, {}, row).result().ok());
    model.Disconnect(s);
    db::DbModel* m = &model;
    db::DbServerConfig dbc;
    dbc.port = kDbPort;
    db_node = &world.AddNode("db", [m, dbc](sim::Env e) { db::BootDbServer(e, m, dbc); });
    tc = &world.AddNode("seata", [](sim::Env e) { BootSeataServer(e, {}); });
    const sim::Endpoint db_at{db_node->id(), kDbPort};
    rm = &world.AddNode("ware", [db_at](sim::Env e) {
      ServeAtResource(e, RmConfig{db_at, 5_s, &Catalog()});
    });
    client = &world.AddNode("client");
    world.StartAll();
  }
  sim::Endpoint db() const { return sim::Endpoint{db_node->id(), kDbPort}; }
  int64_t StockLocked() const {
    for (const db::Row& row : model.CommittedRows(kSku)) return row[5].AsInt();
    return -1;
  }
  size_t Rows(const db::TableName& t) const { return model.CommittedRows(t).size(); }
  size_t TraceCount(const std::string& name) {
    size_t n = 0;
    for (const sim::TraceEvent& e : world.trace().all()) n += e.name == name ? 1 : 0;
    return n;
  }

  sim::World world;
  db::DbModel model;
  sim::Node* db_node = nullptr;
  sim::Node* tc = nullptr;
  sim::Node* rm = nullptr;
  sim::Node* client = nullptr;
};

AtContext Ctx(sim::Env env, sim::NodeId tc) { return AtContext{env, tc, "wms", &Catalog()}; }

// A ware-like branch on the RM's node: lock `n` units of the sku row and write a detail, in one
// local transaction through the proxy. An empty xid is @GlobalLock.
sim::Task<void> LockBranch(sim::Env env, sim::Endpoint db, sim::NodeId tc, std::string xid,
                           int64_t n, std::optional<sim::Result<void>>* out) {
  db::SimSqlClient raw(env, db, 5_s);
  AtConnection sql(&raw, Ctx(env, tc), xid);
  sim::Result<void> r = co_await sql.Begin();
  db::UpdateStmt lock{kSku, {db::SetClause::Add("stock_locked", n)}, {{"id", 1}}, db::Guard::True()};
  sim::Result<int64_t> u = co_await sql.Update(std::move(lock));
  if (!u.ok()) r = u.error();
  db::InsertStmt detail{kDetail, {{"sku_id", 1}, {"sku_num", n}, {"task_id", 1}, {"ware_id", 1}}};
  if (r.ok()) {
    sim::Result<int64_t> d = co_await sql.Insert(std::move(detail));
    if (!d.ok()) r = d.error();
  }
  if (r.ok()) {
    r = co_await sql.Commit();
  } else {
    sim::Result<void> rb = co_await sql.Rollback();
    (void)rb;
  }
  *out = r;
}

// A local writer without any proxy: stock_locked += n in autocommit.
// (Results are handed out, never asserted inside a coroutine: Catch's REQUIRE throws.)
sim::Task<void> PlainWrite(sim::Env env, sim::Endpoint db, int64_t n, bool* ok) {
  db::SimSqlClient raw(env, db, 5_s);
  db::UpdateStmt u{kSku, {db::SetClause::Add("stock_locked", n)}, {{"id", 1}}, db::Guard::True()};
  sim::Result<int64_t> r = co_await raw.Update(std::move(u));
  *ok = r.ok();
}

sim::Task<void> Begin(sim::Env env, sim::NodeId tc, std::string* xid) {
  sim::Result<std::string> r = co_await GlobalBegin(env, tc, "test", 60_s, 3_s);
  if (r.ok()) *xid = *r;
}

sim::Task<void> End(sim::Env env, sim::NodeId tc, std::string xid, bool commit,
                    std::optional<GlobalStatus>* out) {
  sim::Result<GlobalStatus> r = co_await GlobalEnd(env, tc, xid, commit, 3_s);
  if (r.ok()) *out = *r;
}

// Begins a global transaction and runs one 2-unit branch of it to completion.
std::string GlobalWithBranch(Cluster& c) {
  std::string xid;
  c.client->Spawn(Begin(c.client->env(), c.tc->id(), &xid));
  c.world.RunFor(1_s);
  REQUIRE(!xid.empty());
  std::optional<sim::Result<void>> branch;
  c.rm->Spawn(LockBranch(c.rm->env(), c.db(), c.tc->id(), xid, 2, &branch));
  c.world.RunFor(1_s);
  REQUIRE(branch.has_value());
  REQUIRE(branch->ok());
  return xid;
}

// The TM ends `xid` from the client node; runs the world for `run`. nullopt: no answer.
std::optional<GlobalStatus> EndGlobal(Cluster& c, const std::string& xid, bool commit,
                                      sim::Duration run) {
  std::optional<GlobalStatus> end;
  c.client->Spawn(End(c.client->env(), c.tc->id(), xid, commit, &end));
  c.world.RunFor(run);
  return end;
}

TEST_CASE("a committed global transaction keeps its branch and drops the undo log", "[seata]") {
  Cluster c(1);
  const std::string xid = GlobalWithBranch(c);
  CHECK(c.StockLocked() == 12);
  CHECK(c.Rows(UndoLogTable("wms")) == 1);  // written with the branch, in its transaction
  const std::optional<GlobalStatus> end = EndGlobal(c, xid, true, 5_s);
  CHECK(end == GlobalStatus::kCommitted);
  CHECK(c.StockLocked() == 12);
  CHECK(c.Rows(kDetail) == 1);
  CHECK(c.Rows(UndoLogTable("wms")) == 0);  // phase two, asynchronously
  // The row's global lock is free again: a second global transaction's branch registers at once.
  GlobalWithBranch(c);
  CHECK(c.TraceCount("seata.lock_conflict") == 0);
}

TEST_CASE("a rollback after a remote false failure restores the before image", "[seata]") {
  Cluster c(2);
  // The branch committed; its caller (the TM) decides to roll back as if the reply were lost.
  const std::string xid = GlobalWithBranch(c);
  const std::optional<GlobalStatus> end = EndGlobal(c, xid, false, 5_s);
  CHECK(end == GlobalStatus::kRollbacked);
  CHECK(c.StockLocked() == 10);
  CHECK(c.Rows(kDetail) == 0);
  CHECK(c.Rows(UndoLogTable("wms")) == 0);
}

TEST_CASE("a branch on a row another global transaction holds retries 30 times, then fails",
          "[seata]") {
  Cluster c(3);
  const std::string first = GlobalWithBranch(c);
  std::string second;
  c.client->Spawn(Begin(c.client->env(), c.tc->id(), &second));
  c.world.RunFor(1_s);
  std::optional<sim::Result<void>> branch;
  c.rm->Spawn(LockBranch(c.rm->env(), c.db(), c.tc->id(), second, 3, &branch));
  c.world.RunFor(200_ms);
  CHECK_FALSE(branch.has_value());  // still retrying, holding its row lock
  c.world.RunFor(2_s);
  REQUIRE(branch.has_value());
  CHECK(branch->code() == sim::Errc::kConflict);
  CHECK(c.TraceCount("seata.lock_conflict") == 30);
  CHECK(c.StockLocked() == 12);  // the second branch rolled back locally
  // Once the first ends, the same branch goes through.
  const std::optional<GlobalStatus> end = EndGlobal(c, first, true, 1_s);
  CHECK(end == GlobalStatus::kCommitted);
  std::optional<sim::Result<void>> retry;
  c.rm->Spawn(LockBranch(c.rm->env(), c.db(), c.tc->id(), second, 3, &retry));
  c.world.RunFor(1_s);
  REQUIRE(retry.has_value());
  CHECK(retry->ok());
  CHECK(c.StockLocked() == 15);
}

TEST_CASE("@GlobalLock keeps a local writer off a held row, without it the undo goes wrong",
          "[seata]") {
  SECTION("@GlobalLock: the writer fails while the row is held, the rollback is clean") {
    Cluster c(4);
    const std::string xid = GlobalWithBranch(c);
    std::optional<sim::Result<void>> guarded;
    c.rm->Spawn(LockBranch(c.rm->env(), c.db(), c.tc->id(), "", 5, &guarded));
    c.world.RunFor(2_s);
    REQUIRE(guarded.has_value());
    CHECK(guarded->code() == sim::Errc::kConflict);
    const std::optional<GlobalStatus> end = EndGlobal(c, xid, false, 5_s);
    CHECK(end == GlobalStatus::kRollbacked);
    CHECK(c.StockLocked() == 10);
  }
  SECTION("no @GlobalLock, a different value: dirty, the rollback never completes") {
    Cluster c(5);
    const std::string xid = GlobalWithBranch(c);
    bool wrote = false;
    c.rm->Spawn(PlainWrite(c.rm->env(), c.db(), 5, &wrote));
    c.world.RunFor(1_s);
    REQUIRE(wrote);
    const std::optional<GlobalStatus> end = EndGlobal(c, xid, false, 30_s);
    CHECK(end == GlobalStatus::kRollbackRetrying);
    CHECK(c.TraceCount("seata.dirty_undo") > 10);  // retried every second
    CHECK(c.StockLocked() == 17);
    CHECK(c.Rows(kDetail) == 1);  // the branch stays, its undo log too
  }
  SECTION("no @GlobalLock, back to the before value: skipped as undone, a lost update") {
    Cluster c(6);
    const std::string xid = GlobalWithBranch(c);  // 10 -> 12
    bool wrote = false;
    c.rm->Spawn(PlainWrite(c.rm->env(), c.db(), -2, &wrote));  // someone else's unlock: 12 -> 10
    c.world.RunFor(1_s);
    REQUIRE(wrote);
    const std::optional<GlobalStatus> end = EndGlobal(c, xid, false, 5_s);
    CHECK(end == GlobalStatus::kRollbacked);
    // Right would be 8 (the other writer's -2 and the branch's -2); Seata stops at "no change
    // between the before image and the current data".
    CHECK(c.StockLocked() == 10);
    CHECK(c.Rows(kDetail) == 0);
  }
}

TEST_CASE("the TC's sessions survive its crash and an interrupted rollback completes", "[seata]") {
  Cluster c(7);
  const std::string xid = GlobalWithBranch(c);
  c.rm->Crash();  // the RM cannot take phase two
  const std::optional<GlobalStatus> end = EndGlobal(c, xid, false, 20_s);
  // The TC calls the RM during the rollback, so the TM's own call may time out first.
  CHECK(end != GlobalStatus::kRollbacked);
  CHECK(c.StockLocked() == 12);
  c.tc->Crash();
  c.tc->Start();
  c.rm->Start();
  c.world.RunFor(5_s);
  CHECK(c.StockLocked() == 10);
  CHECK(c.Rows(kDetail) == 0);
  CHECK(c.TraceCount("seata.global") > 0);
  // A retried end of the finished transaction answers its outcome.
  const std::optional<GlobalStatus> again = EndGlobal(c, xid, false, 1_s);
  CHECK(again == GlobalStatus::kRollbacked);
}

TEST_CASE("a TC restarted during an asynchronous commit does not take the locks back", "[seata]") {
  Cluster c(8);
  const std::string xid = GlobalWithBranch(c);
  c.rm->Crash();  // phase two (the undo log's deletion) cannot finish yet
  const std::optional<GlobalStatus> end = EndGlobal(c, xid, true, 2_s);
  CHECK(end == GlobalStatus::kCommitted);
  c.tc->Crash();
  c.tc->Start();
  c.rm->Start();
  // The committed transaction's row is free at once, before phase two is done.
  GlobalWithBranch(c);
  CHECK(c.TraceCount("seata.lock_conflict") == 0);
  c.world.RunFor(5_s);
  CHECK(c.StockLocked() == 14);
}

}  // namespace
}  // namespace models::seata
