// Goal: with two sessions interleaved at random, the model and PostgreSQL agree on every
// answer AND on when a statement blocks: whenever the model says Blocked, PostgreSQL must show
// the session waiting for a lock; whenever the model wakes a session (TakeRunnable) and its
// retry completes, PostgreSQL's blocked statement must complete with the same answer; deadlock
// victims must match. Ops are kept to the shapes where PostgreSQL's statement snapshot and the
// model's restart-on-retry cannot differ (no deletes, FOR UPDATE only by primary key).

#include <catch2/catch.hpp>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <array>
#include <chrono>
#include <future>
#include <map>
#include <ostream>
#include <sstream>
#include <thread>

#include "models/db/db_model.h"
#include "models/db/real/pg_connection.h"
#include "tests/models/db/pg_test_util.h"
#include "tests/models/db/sku_table.h"

namespace models::db {
namespace {

using real::PgConnection;
using testing::Show;
const TableName kSku{"conf", "ware_sku"};
const sim::Instant kT0 = sim::Instant::Zero();
// PostgreSQL runs its deadlock check once per wait, deadlock_timeout after the wait begins. After
// a session is seen waiting we let that check pass (kSettle >> kDeadlockTimeout) so the victim is
// always the session that closes the cycle, as in the model.
constexpr auto kDeadlockTimeout = std::chrono::milliseconds(10);
constexpr auto kSettle = std::chrono::milliseconds(150);

struct Op {
  int session = 0;
  int kind = 0;
  int a = 0;
  int b = 0;
  int c = 0;
};
std::ostream& operator<<(std::ostream& os, const Op& op) {
  return os << "{s" << op.session << " k" << op.kind << " " << op.a << "," << op.b << ","
            << op.c << "}";
}

// Runs `op` against a model session or a PostgreSQL connection; answers as text.
struct ModelTarget {
  DbModel& db;
  SessionId id;
  std::string Begin() { return Show(db.Begin(id)); }
  std::string Commit() { return Show(db.Commit(id)); }
  std::string Rollback() { return Show(db.Rollback(id)); }
  std::string Insert(const InsertStmt& s) { return Show(db.Insert(id, kT0, s)); }
  std::string Update(const UpdateStmt& s) { return Show(db.Update(id, kT0, s)); }
  std::string Select(const SelectStmt& s) { return Show(db.Select(id, kT0, s)); }
  std::string Get(int64_t pk, bool lock) { return Show(db.Get(id, kT0, kSku, pk, lock)); }
};
struct PgTarget {
  PgConnection& pg;
  std::string Begin() { return Show(pg.Begin()); }
  std::string Commit() { return Show(pg.Commit()); }
  std::string Rollback() { return Show(pg.Rollback()); }
  std::string Insert(const InsertStmt& s) { return Show(pg.Insert(s)); }
  std::string Update(const UpdateStmt& s) { return Show(pg.Update(s)); }
  std::string Select(const SelectStmt& s) { return Show(pg.Select(s)); }
  std::string Get(int64_t pk, bool lock) { return Show(pg.Get(kSku, pk, lock)); }
};

template <class Target>
std::string Apply(Target& t, const Op& op) {
  // Few rows, so the sessions meet: the seeded rows are ids 1 and 2, (sku 1|2, ware 1).
  const int sku = op.a % 2 + 1;
  const int ware = op.b % 4 == 3 ? 2 : 1;
  const int n = op.c % 3 + 1;
  const int64_t id = op.a % 3 + 1;
  const Assignments at = {{"sku_id", sku}, {"ware_id", ware}};
  switch (op.kind) {
    case 0: return t.Begin();
    case 1: return t.Commit();
    case 2: return t.Rollback();
    case 3: return t.Update({kSku, {SetClause::Add("stock_locked", n)}, at,
                             Guard::Diff("stock", "stock_locked", CmpOp::kGe, n)});
    case 4: return t.Update({kSku, {SetClause::Add("stock_locked", -n)}, at, Guard::True()});
    case 5: return t.Update({kSku, {SetClause::Assign("stock", op.c % 6),
                                    SetClause::Add("version", 1)},
                             {{"id", id}}, Guard::Cmp("version", CmpOp::kEq, op.b % 2)});
    case 6: return t.Get(id, op.b % 2 == 1);
    case 7: return t.Select({kSku, {{"sku_id", sku}}, Guard::True()});
    case 8: return t.Insert({kSku, {{"sku_id", sku}, {"ware_id", ware}, {"stock", op.c}}});
    default: return t.Update({kSku, {SetClause::Assign("sku_name", "s" + std::to_string(op.c))},
                              {{"id", id}}, Guard::True()});
  }
}

class Harness {
 public:
  Harness(const std::string& prefix, PgConnection& watcher) : watcher_(watcher) {
    for (int s = 0; s < 2; ++s) {
      sim::Result<std::unique_ptr<PgConnection>> conn =
          PgConnection::Connect(testing::ConnInfo(), prefix);
      RC_ASSERT(conn.ok());
      pg_[s] = std::move(conn.value());
      pg_[s]->RegisterTable(testing::SkuTable("conf"));
      RC_ASSERT(pg_[s]->SetDeadlockTimeout(sim::Duration::Millis(kDeadlockTimeout.count())).ok());
      // A safety net: a statement PostgreSQL blocks but the model does not fails after 5 s.
      RC_ASSERT(pg_[s]->SetLockWaitTimeout(sim::Duration::Seconds(5)).ok());
      session_[s] = model_.Connect();
    }
    RC_ASSERT(model_.CreateTable(testing::SkuTable("conf")).ok());
  }
  ~Harness() {
    for (auto& pending : pending_) {
      if (pending.valid()) pending.wait();  // never leave a thread on a connection
    }
  }
  DbModel& model() { return model_; }

  // Returns false (and says why in `trace`) at the first disagreement.
  bool Step(const Op& op, std::string& trace) {
    const int s = op.session;
    if (pending_[s].valid()) return true;  // a blocked session cannot issue anything
    ModelTarget model{model_, session_[s]};
    const std::string m = Apply(model, op);
    PgConnection* conn = pg_[s].get();
    pending_[s] = std::async(std::launch::async, [conn, op] {
      PgTarget target{*conn};
      return Apply(target, op);
    });
    ops_[s] = op;
    trace += fmt_op(op) + " model=" + m;
    if (m == "BLOCKED") {
      if (!AwaitBlocked(s, trace)) return false;
      trace += "\n";
      return true;
    }
    if (!Collect(s, m, trace)) return false;
    return Wake(trace);
  }

 private:
  static std::string fmt_op(const Op& op) {
    std::ostringstream os;
    os << op;
    return os.str();
  }
  bool Collect(int s, const std::string& model_answer, std::string& trace) {
    const std::string p = pending_[s].get();
    trace += " pg=" + p + "\n";
    return p == model_answer;
  }
  // PostgreSQL must show session s waiting (and must not have answered).
  bool AwaitBlocked(int s, std::string& trace) {
    for (int i = 0; i < 500; ++i) {
      if (pending_[s].wait_for(std::chrono::milliseconds(0)) == std::future_status::ready) {
        trace += " pg=" + pending_[s].get() + " (did not block)\n";
        return false;
      }
      sim::Result<bool> waiting = watcher_.IsWaitingForLock(pg_[s]->BackendPid());
      if (waiting.ok() && *waiting) {
        std::this_thread::sleep_for(kSettle);
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    trace += " pg never blocked\n";
    return false;
  }
  // Retries the statements the model woke; PostgreSQL's must finish or still wait likewise.
  bool Wake(std::string& trace) {
    for (int round = 0; round < 4; ++round) {
      const std::vector<SessionId> woken = model_.TakeRunnable();
      if (woken.empty()) return true;
      for (SessionId id : woken) {
        const int s = id == session_[0] ? 0 : 1;
        ModelTarget model{model_, id};
        const std::string m = Apply(model, ops_[s]);
        trace += "  retry " + fmt_op(ops_[s]) + " model=" + m;
        if (m == "BLOCKED") {
          if (!AwaitBlocked(s, trace)) return false;
          trace += "\n";
        } else if (!Collect(s, m, trace)) {
          return false;
        }
      }
    }
    return true;
  }

  PgConnection& watcher_;
  DbModel model_;
  std::array<std::unique_ptr<PgConnection>, 2> pg_;
  std::array<SessionId, 2> session_{};
  std::array<std::future<std::string>, 2> pending_;
  std::array<Op, 2> ops_;
};

TEST_CASE("conformance: two interleaved sessions block, wake and deadlock alike",
          "[integration]") {
  const std::string prefix = testing::NewPrefix();
  std::unique_ptr<PgConnection> admin = testing::MustConnect(prefix);
  testing::SchemaCleanup cleanup{*admin};
  REQUIRE(admin->Exec("CREATE SCHEMA " + real::PgSchemaName(prefix, "conf")).ok());
  admin->RegisterTable(testing::SkuTable("conf"));
  int cases = 0;
  // Coverage: blocking, wake-ups and duplicate keys must happen in every run. Deadlocks happen
  // in most runs but not all; the dedicated deadlock test covers them for certain.
  std::map<std::string, int> seen;
  rc::prop("same answers, same blocking", [&] {
    const int length = *rc::gen::inRange(1, 30);
    const auto ops = *rc::gen::container<std::vector<Op>>(
        static_cast<size_t>(length),
        rc::gen::construct<Op>(rc::gen::inRange(0, 2),
                               rc::gen::weightedElement<int>({{3, 0}, {1, 1}, {1, 2}, {4, 3},
                                                              {2, 4}, {2, 5}, {3, 6}, {1, 7},
                                                              {1, 8}, {2, 9}}),
                               rc::gen::inRange(0, 6), rc::gen::inRange(0, 6),
                               rc::gen::inRange(0, 6)));
    RC_ASSERT(admin->DropTable(kSku).ok());
    RC_ASSERT(admin->CreateTable(testing::SkuTable("conf")).ok());
    std::string trace;
    {
      Harness h(prefix, *admin);
      for (int sku = 1; sku <= 2; ++sku) {
        const InsertStmt row{kSku, {{"sku_id", sku}, {"ware_id", 1}, {"stock", 5}}};
        const SessionId setup = h.model().Connect();
        RC_ASSERT(Show(admin->Insert(row)) == Show(h.model().Insert(setup, kT0, row)));
      }
      for (const Op& op : ops) {
        if (!h.Step(op, trace)) RC_FAIL("divergence:\n" + trace);
      }
      // Ending both transactions releases everything; leftover answers must still agree.
      for (int s = 0; s < 2; ++s) {
        if (!h.Step(Op{s, 2, 0, 0, 0}, trace)) RC_FAIL("divergence at the end:\n" + trace);
      }
      for (int s = 0; s < 2; ++s) {
        if (!h.Step(Op{s, 2, 0, 0, 0}, trace)) RC_FAIL("divergence at the end:\n" + trace);
      }
      const SelectStmt all{kSku, {}, Guard::True()};
      RC_ASSERT(Show(admin->Select(all)) == Show(h.model().Select(1, kT0, all)));
    }
    for (const char* event : {"model=BLOCKED", "retry", "deadlock", "duplicate_key"}) {
      if (trace.find(event) != std::string::npos) ++seen[event];
    }
    ++cases;
  });
  CHECK(cases > 0);
  for (const char* event : {"model=BLOCKED", "retry", "duplicate_key"}) {
    INFO(event);
    CHECK(seen[event] > 0);
  }
}

}  // namespace
}  // namespace models::db
