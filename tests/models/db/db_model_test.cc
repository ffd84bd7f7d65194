// Goal: the db model's transactional core behaves as its fidelity contract says: duplicate keys,
// read-committed reads, lock waits and wake-ups, lock-wait timeouts by virtual time, deadlock
// cycles of length 2 and 3, crash recovery, replica lag and optimistic locking.

#include <catch2/catch.hpp>

#include "models/db/db_error.h"
#include "models/db/db_model.h"
#include "models/db/mall_catalog.h"
#include "models/db/replica.h"
#include "tests/models/db/sku_table.h"

namespace models::db {
namespace {

using sim::Duration;
using sim::Instant;

const TableName kSku{"wms", "ware_sku"};
const Instant kT0 = Instant::Zero();

struct Fixture {
  DbModel db;
  explicit Fixture(DbOptions options = {}) : db(options) {
    REQUIRE(db.CreateTable(testing::SkuTable()).ok());
  }
  int64_t Add(SessionId s, int sku, int ware, int stock) {
    Outcome<int64_t> id = db.Insert(s, kT0, {kSku, {{"sku_id", sku}, {"ware_id", ware},
                                                    {"stock", stock}}});
    REQUIRE(!id.blocked());
    REQUIRE(id.result().ok());
    return id.result().value();
  }
  // The mall's lock statement.
  Outcome<int64_t> Lock(SessionId s, Instant now, int sku, int ware, int n) {
    return db.Update(s, now, {kSku, {SetClause::Add("stock_locked", n)},
                              {{"sku_id", sku}, {"ware_id", ware}},
                              Guard::Diff("stock", "stock_locked", CmpOp::kGe, n)});
  }
  int64_t Committed(int64_t id, const std::string& column) {
    for (const Row& row : db.CommittedRows(kSku)) {
      if (row[0] == Value(id)) return row[db.FindTableDef(kSku)->Col(column)].AsInt();
    }
    FAIL("row " << id << " missing");
    return 0;
  }
};

int64_t Affected(const Outcome<int64_t>& outcome) {
  REQUIRE(!outcome.blocked());
  REQUIRE(outcome.result().ok());
  return outcome.result().value();
}

DbErrorKind Kind(const Outcome<int64_t>& outcome) {
  REQUIRE(!outcome.blocked());
  REQUIRE(!outcome.result().ok());
  return ClassifyError(outcome.result().error());
}

TEST_CASE("duplicate keys are refused, NULLs never collide, statements stay atomic") {
  Fixture f;
  SessionId s = f.db.Connect();
  const int64_t a = f.Add(s, 1, 1, 5);
  f.Add(s, 1, 2, 5);
  CHECK(Kind(f.db.Insert(s, kT0, {kSku, {{"sku_id", 1}, {"ware_id", 1}}})) ==
        DbErrorKind::kDuplicateKey);
  CHECK(Kind(f.db.Insert(s, kT0, {kSku, {{"id", a}, {"sku_id", 9}, {"ware_id", 9}}})) ==
        DbErrorKind::kDuplicateKey);
  // Moving both rows of sku 1 to ware 3 collides on the second row: neither moves.
  CHECK(Kind(f.db.Update(s, kT0, {kSku, {SetClause::Assign("ware_id", 3)}, {{"sku_id", 1}}})) ==
        DbErrorKind::kDuplicateKey);
  CHECK(f.Committed(a, "ware_id") == 1);
  // A failed insert still used up its id, as nextval() and InnoDB's counter do.
  CHECK(f.Add(s, 2, 1, 0) == 4);
  CHECK(Kind(f.db.Insert(s, kT0, {kSku, {{"sku_id", 3}}})) == DbErrorKind::kNotNull);
}

TEST_CASE("an insert colliding with an uncommitted key waits for the writer") {
  Fixture f;
  SessionId a = f.db.Connect();
  SessionId b = f.db.Connect();
  REQUIRE(f.db.Begin(a).ok());
  f.Add(a, 1, 1, 5);
  InsertStmt same{kSku, {{"sku_id", 1}, {"ware_id", 1}}};
  Outcome<int64_t> blocked = f.db.Insert(b, kT0, same);
  REQUIRE(blocked.blocked());
  CHECK(blocked.blocked_on().holder == a);
  SECTION("writer rolls back: the insert succeeds with the id it drew first") {
    REQUIRE(f.db.Rollback(a).ok());
    CHECK(f.db.TakeRunnable() == std::vector<SessionId>{b});
    CHECK(Affected(f.db.Insert(b, kT0, same)) == 2);
  }
  SECTION("writer commits: the insert is a duplicate") {
    REQUIRE(f.db.Commit(a).ok());
    CHECK(f.db.TakeRunnable() == std::vector<SessionId>{b});
    CHECK(Kind(f.db.Insert(b, kT0, same)) == DbErrorKind::kDuplicateKey);
  }
}

TEST_CASE("plain reads see committed data and never block, FOR UPDATE blocks") {
  Fixture f;
  SessionId a = f.db.Connect();
  SessionId b = f.db.Connect();
  const int64_t id = f.Add(a, 1, 1, 5);
  REQUIRE(f.db.Begin(a).ok());
  CHECK(Affected(f.Lock(a, kT0, 1, 1, 2)) == 1);
  Outcome<std::optional<Row>> own = f.db.Get(a, kT0, kSku, id);
  CHECK((*own.result().value())[4] == Value(2));  // a sees its own write
  Outcome<std::optional<Row>> other = f.db.Get(b, kT0, kSku, id);
  REQUIRE(!other.blocked());
  CHECK((*other.result().value())[4] == Value(0));  // b sees the committed version
  CHECK(f.db.Get(b, kT0, kSku, id, /*for_update=*/true).blocked());
  REQUIRE(f.db.Commit(a).ok());
  CHECK(f.db.TakeRunnable() == std::vector<SessionId>{b});
  Outcome<std::optional<Row>> locked = f.db.Get(b, kT0, kSku, id, true);
  CHECK((*locked.result().value())[4] == Value(2));
  CHECK(f.db.locks().HeldCount(b) == 0);  // autocommit released it again
}

TEST_CASE("lookups through a key see what a scan would: each session its own version") {
  Fixture f;
  SessionId a = f.db.Connect();
  SessionId b = f.db.Connect();
  for (int sku = 1; sku <= 3; ++sku) {
    for (int ware = 1; ware <= 2; ++ware) f.Add(a, sku, ware, 10);
  }
  auto skus = [&f](SessionId s, const Assignments& eq) {
    Outcome<std::vector<Row>> rows = f.db.Select(s, kT0, SelectStmt{kSku, eq, Guard{}, false});
    REQUIRE(!rows.blocked());
    REQUIRE(rows.result().ok());
    std::vector<int64_t> ids;
    for (const Row& row : rows.result().value()) ids.push_back(row[0].AsInt());
    return ids;
  };
  CHECK(skus(b, {{"sku_id", 2}}) == std::vector<int64_t>{3, 4});             // idx_sku
  CHECK(skus(b, {{"sku_id", 2}, {"ware_id", 2}}) == std::vector<int64_t>{4});  // uk_sku_ware
  CHECK(skus(b, {{"sku_id", 9}}).empty());
  // a moves row 4 from sku 2 to sku 9, uncommitted: a sees the move, b does not.
  REQUIRE(f.db.Begin(a).ok());
  REQUIRE(Affected(f.db.Update(a, kT0, {kSku, {SetClause::Assign("sku_id", 9)},
                                        {{"id", 4}}, Guard{}})) == 1);
  CHECK(skus(a, {{"sku_id", 2}}) == std::vector<int64_t>{3});
  CHECK(skus(a, {{"sku_id", 9}}) == std::vector<int64_t>{4});
  CHECK(skus(b, {{"sku_id", 2}}) == std::vector<int64_t>{3, 4});
  CHECK(skus(b, {{"sku_id", 9}}).empty());
  REQUIRE(f.db.Rollback(a).ok());
  CHECK(skus(a, {{"sku_id", 2}}) == std::vector<int64_t>{3, 4});
  CHECK(skus(a, {{"sku_id", 9}}).empty());
  CHECK(skus(a, {{"sku_id", 3}, {"stock", 10}}) == std::vector<int64_t>{5, 6});
}

TEST_CASE("a blocked guarded update re-evaluates its guard after the holder ends") {
  Fixture f;
  SessionId a = f.db.Connect();
  SessionId b = f.db.Connect();
  const int64_t id = f.Add(a, 1, 1, 5);
  REQUIRE(f.db.Begin(a).ok());
  CHECK(Affected(f.Lock(a, kT0, 1, 1, 4)) == 1);
  Outcome<int64_t> waiting = f.Lock(b, kT0, 1, 1, 2);  // autocommit
  REQUIRE(waiting.blocked());
  CHECK(f.db.WaitDeadline(b) == kT0 + Duration::Seconds(50));
  CHECK(f.db.NextWaitDeadline() == kT0 + Duration::Seconds(50));
  CHECK(f.db.TakeRunnable().empty());
  SECTION("commit: only 1 left, so b's guard fails") {
    REQUIRE(f.db.Commit(a).ok());
    CHECK(f.db.TakeRunnable() == std::vector<SessionId>{b});
    CHECK(Affected(f.Lock(b, kT0, 1, 1, 2)) == 0);
    CHECK(f.Committed(id, "stock_locked") == 4);
  }
  SECTION("rollback: b locks 2") {
    REQUIRE(f.db.Rollback(a).ok());
    CHECK(f.db.TakeRunnable() == std::vector<SessionId>{b});
    CHECK(Affected(f.Lock(b, kT0, 1, 1, 2)) == 1);
    CHECK(f.Committed(id, "stock_locked") == 2);
    CHECK(!f.db.InTransaction(b));
  }
  // A row whose committed version fails the guard is skipped without waiting.
  SessionId c = f.db.Connect();
  REQUIRE(f.db.Begin(c).ok());
  CHECK(!f.Lock(c, kT0, 1, 1, 1).blocked());
}

TEST_CASE("a lock wait times out by virtual time and rolls back only the statement") {
  Fixture f(DbOptions{Duration::Seconds(5)});
  SessionId a = f.db.Connect();
  SessionId b = f.db.Connect();
  const int64_t first = f.Add(a, 1, 1, 5);
  const int64_t second = f.Add(a, 2, 1, 5);
  REQUIRE(f.db.Begin(a).ok());
  CHECK(Affected(f.Lock(a, kT0, 1, 1, 1)) == 1);
  REQUIRE(f.db.Begin(b).ok());
  CHECK(Affected(f.Lock(b, kT0, 2, 1, 3)) == 1);
  const Instant start = kT0 + Duration::Seconds(1);
  REQUIRE(f.Lock(b, start, 1, 1, 1).blocked());
  CHECK(f.Lock(b, start + Duration::Millis(4999), 1, 1, 1).blocked());  // a timer retry
  CHECK(f.db.WaitDeadline(b) == start + Duration::Seconds(5));
  CHECK(Kind(f.Lock(b, start + Duration::Seconds(5), 1, 1, 1)) ==
        DbErrorKind::kLockWaitTimeout);
  CHECK(!f.db.WaitDeadline(b));
  CHECK(f.db.InTransaction(b));  // the transaction and its first write survive
  REQUIRE(f.db.Commit(b).ok());
  CHECK(f.Committed(second, "stock_locked") == 3);
  REQUIRE(f.db.Commit(a).ok());
  CHECK(f.Committed(first, "stock_locked") == 1);
  CHECK(f.db.TakeRunnable().empty());
}

TEST_CASE("deadlock of two sessions: the requester is the victim and is rolled back") {
  Fixture f;
  SessionId a = f.db.Connect();
  SessionId b = f.db.Connect();
  const int64_t r1 = f.Add(a, 1, 1, 5);
  const int64_t r2 = f.Add(a, 2, 1, 5);
  REQUIRE(f.db.Begin(a).ok());
  REQUIRE(f.db.Begin(b).ok());
  CHECK(Affected(f.Lock(a, kT0, 1, 1, 1)) == 1);
  CHECK(Affected(f.Lock(b, kT0, 2, 1, 1)) == 1);
  REQUIRE(f.Lock(a, kT0, 2, 1, 1).blocked());
  Outcome<int64_t> victim = f.Lock(b, kT0, 1, 1, 1);
  CHECK(Kind(victim) == DbErrorKind::kDeadlock);
  CHECK(victim.result().code() == sim::Errc::kConflict);
  CHECK(!f.db.InTransaction(b));
  CHECK(f.db.locks().HeldCount(b) == 0);
  CHECK(f.db.TakeRunnable() == std::vector<SessionId>{a});
  CHECK(Affected(f.Lock(a, kT0, 2, 1, 1)) == 1);
  REQUIRE(f.db.Commit(a).ok());
  CHECK(f.Committed(r1, "stock_locked") == 1);
  CHECK(f.Committed(r2, "stock_locked") == 1);  // b's lock of r2 was undone
}

TEST_CASE("deadlock cycle of three sessions") {
  Fixture f;
  std::vector<SessionId> s = {f.db.Connect(), f.db.Connect(), f.db.Connect()};
  for (int i = 0; i < 3; ++i) f.Add(s[0], i + 1, 1, 5);
  for (int i = 0; i < 3; ++i) {
    REQUIRE(f.db.Begin(s[i]).ok());
    CHECK(Affected(f.Lock(s[i], kT0, i + 1, 1, 1)) == 1);
  }
  REQUIRE(f.Lock(s[0], kT0, 2, 1, 1).blocked());  // 0 waits for 1
  REQUIRE(f.Lock(s[1], kT0, 3, 1, 1).blocked());  // 1 waits for 2
  CHECK(Kind(f.Lock(s[2], kT0, 1, 1, 1)) == DbErrorKind::kDeadlock);  // 2 -> 0 closes it
  CHECK(f.db.TakeRunnable() == std::vector<SessionId>{s[1]});
  CHECK(Affected(f.Lock(s[1], kT0, 3, 1, 1)) == 1);
  REQUIRE(f.db.Commit(s[1]).ok());
  CHECK(f.db.TakeRunnable() == std::vector<SessionId>{s[0]});
  CHECK(Affected(f.Lock(s[0], kT0, 2, 1, 1)) == 1);
}

TEST_CASE("a crash keeps committed transactions and rolls back the ones in flight") {
  Fixture f;
  SessionId a = f.db.Connect();
  SessionId b = f.db.Connect();
  const int64_t id = f.Add(a, 1, 1, 5);
  REQUIRE(f.db.Begin(a).ok());
  CHECK(Affected(f.Lock(a, kT0, 1, 1, 2)) == 1);
  f.Add(a, 2, 2, 7);
  REQUIRE(f.Lock(b, kT0, 1, 1, 1).blocked());
  f.db.Crash();
  CHECK(f.db.CommittedRows(kSku).size() == 1);
  CHECK(f.Committed(id, "stock_locked") == 0);
  CHECK(f.db.TakeRunnable().empty());
  CHECK(ClassifyError(f.db.Commit(a).error()) == DbErrorKind::kNoSuchSession);
  SessionId c = f.db.Connect();
  CHECK(Affected(f.Lock(c, kT0, 1, 1, 1)) == 1);  // no lock survived the crash
  CHECK(f.Add(c, 3, 3, 0) == 3);                   // the counter did (MySQL 8)
}

TEST_CASE("a replica applying the commit log lags, then converges") {
  Fixture f;
  DbReplica replica;
  SessionId s = f.db.Connect();
  const int64_t id = f.Add(s, 1, 1, 5);
  REQUIRE(f.db.Begin(s).ok());
  CHECK(Affected(f.Lock(s, kT0, 1, 1, 2)) == 1);
  f.Add(s, 1, 2, 1);
  CHECK(f.db.LogEnd() == 2);  // CREATE TABLE, the first insert; the open txn is not logged
  REQUIRE(f.db.Commit(s).ok());
  CHECK(f.db.LogEnd() == 3);
  std::vector<LogEntry> entries = f.db.ReadLog(0, 2);
  REQUIRE(entries.size() == 2);
  for (const LogEntry& entry : entries) REQUIRE(replica.Apply(entry).ok());
  CHECK((*replica.Get(kSku, id))[4] == Value(0));  // stale: lock not shipped yet
  CHECK(replica.Rows(kSku).size() == 1);
  CHECK(!replica.Apply(f.db.ReadLog(0, 1)[0]).ok());  // out of order
  for (const LogEntry& entry : f.db.ReadLog(replica.applied(), 100)) {
    REQUIRE(replica.Apply(entry).ok());
  }
  CHECK(replica.applied() == f.db.LogEnd());
  CHECK(replica.Rows(kSku) == f.db.CommittedRows(kSku));
  sim::Result<std::vector<Row>> both = replica.Select({kSku, {{"sku_id", 1}}, Guard::True()});
  CHECK(both->size() == 2);
}

TEST_CASE("optimistic locking through a version guard") {
  Fixture f;
  SessionId s = f.db.Connect();
  const int64_t id = f.Add(s, 1, 1, 5);
  auto set_stock = [&](int stock, int version) {
    return f.db.Update(s, kT0, {kSku, {SetClause::Assign("stock", stock),
                                      SetClause::Add("version", 1)},
                                {{"id", id}}, Guard::Cmp("version", CmpOp::kEq, version)});
  };
  CHECK(Affected(set_stock(4, 0)) == 1);
  CHECK(Affected(set_stock(3, 0)) == 0);  // a retry with the stale version never applies
  CHECK(Affected(set_stock(3, 1)) == 1);
  CHECK(f.Committed(id, "version") == 2);
  CHECK(f.Committed(id, "stock") == 3);
}

TEST_CASE("the mall catalog is valid and loads") {
  DbModel db;
  for (const TableDef& def : MallTables()) REQUIRE(db.CreateTable(def).ok());
  CHECK(db.FindTableDef({"wms", "wms_ware_sku"}) != nullptr);
  CHECK(db.FindTableDef({"oms", "oms_order"})->unique_keys.size() == 1);
  CHECK(!db.CreateTable(MallTables()[0]).ok());
}

}  // namespace
}  // namespace models::db
