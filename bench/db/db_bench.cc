// DB benchmark: prints one figure per line as `metric value unit`.
//   db.transactions_per_s          64 clients on 8 nodes, each looping BEGIN; guarded stock lock
//                                  (UPDATE wms_ware_sku ... WHERE stock - stock_locked >= n) on one
//                                  of 16 hot rows; INSERT a task detail; COMMIT; through
//                                  SimSqlClient and a DbServer over the simulated network
//   db.virtual_transactions_per_s  the same run's commits per second of virtual time
//   db.lock_waits_per_s            lock waits in that run per second of virtual time
//   db.model_statements_per_s      the engine alone: the same four statements per transaction,
//                                  called synchronously on DbModel, 8 sessions round robin
// Wall-clock time is measured here, in the benchmark, never inside the simulation.

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "bench/host.h"
#include "cli/parse_args.h"
#include "models/db/db_server.h"
#include "models/db/mall_catalog.h"
#include "models/db/sim_sql_client.h"
#include "sim/world.h"

using namespace sim::literals;

namespace {

using models::db::DbModel;
using models::db::InsertStmt;
using models::db::SessionId;
using models::db::TableName;
using models::db::UpdateStmt;
using models::db::Value;

const TableName kSku{"wms", "wms_ware_sku"};
const TableName kDetail{"wms", "wms_ware_order_task_detail"};
constexpr int64_t kHotRows = 16;
constexpr sim::Port kPort = 3306;

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void Print(const char* metric, double value, const char* unit) {
  std::printf("%s %.0f %s\n", metric, value, unit);
}

UpdateStmt LockStock(int64_t pk, int64_t n) {
  using models::db::Guard;
  return UpdateStmt{kSku, {models::db::SetClause::Add("stock_locked", n)}, {{"id", pk}},
                    Guard::Diff("stock", "stock_locked", models::db::CmpOp::kGe, Value(n))};
}

InsertStmt Detail(int64_t sku, int64_t task) {
  return InsertStmt{kDetail, {{"sku_id", sku}, {"sku_num", 1}, {"task_id", task}, {"ware_id", 1}}};
}

void Setup(DbModel& model) {
  for (models::db::TableDef& def : models::db::MallTables()) {
    if (!model.CreateTable(std::move(def)).ok()) std::abort();
  }
  const SessionId s = model.Connect();
  for (int64_t sku = 1; sku <= kHotRows; ++sku) {
    const InsertStmt row{kSku, {{"sku_id", sku}, {"ware_id", 1}, {"stock", 1'000'000'000}}};
    if (!model.Insert(s, {}, row).result().ok()) std::abort();
  }
  model.Disconnect(s);
}

sim::Task<void> Client(sim::Env env, sim::Endpoint db, int64_t client, uint64_t* commits) {
  models::db::SimSqlClient sql(env, db, 10_s);
  for (int64_t task = client * 1'000'000;; ++task) {
    const int64_t sku = 1 + static_cast<int64_t>(env.rng().Below(kHotRows));
    if (!(co_await sql.Begin()).ok()) continue;
    const sim::Result<int64_t> locked = co_await sql.Update(LockStock(sku, 1));
    const sim::Result<int64_t> detail = co_await sql.Insert(Detail(sku, task));
    if (!locked.ok() || !detail.ok()) {
      (void)co_await sql.Rollback();
      continue;
    }
    if ((co_await sql.Commit()).ok()) ++*commits;
  }
}

void BenchTransactions() {
  constexpr int kNodes = 8;
  constexpr int kClientsPerNode = 8;
  constexpr sim::Duration kVirtual = 20_s;
  sim::World w(1);
  DbModel model;
  Setup(model);
  DbModel* m = &model;
  sim::Node& server = w.AddNode("db", [m](sim::Env env) {
    models::db::DbServerConfig config;
    config.port = kPort;
    models::db::BootDbServer(env, m, config);
  });
  server.Start();
  uint64_t commits = 0;
  uint64_t lock_waits = 0;
  w.trace().Subscribe([&lock_waits](const sim::TraceEvent& e) {
    if (e.name == "db.lock_wait") ++lock_waits;
  });
  for (int n = 0; n < kNodes; ++n) {
    sim::Node& node = w.AddNode("app" + std::to_string(n));
    node.Start();
    for (int c = 0; c < kClientsPerNode; ++c) {
      node.Spawn(Client(node.env(), sim::Endpoint{server.id(), kPort}, n * kClientsPerNode + c,
                        &commits));
    }
  }
  const auto start = std::chrono::steady_clock::now();
  w.RunFor(kVirtual);
  const double secs = Seconds(start);
  Print("db.transactions_per_s", static_cast<double>(commits) / secs, "txn/s");
  Print("db.virtual_transactions_per_s",
        static_cast<double>(commits) / static_cast<double>(kVirtual.seconds()), "txn/s");
  Print("db.lock_waits_per_s",
        static_cast<double>(lock_waits) / static_cast<double>(kVirtual.seconds()), "waits/s");
}

void BenchModel() {
  DbModel model;
  Setup(model);
  std::vector<SessionId> sessions;
  for (int i = 0; i < 8; ++i) sessions.push_back(model.Connect());
  constexpr int64_t kTxns = 200'000;
  uint64_t ok = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int64_t t = 0; t < kTxns; ++t) {
    const SessionId s = sessions[static_cast<size_t>(t) % sessions.size()];
    const int64_t sku = 1 + t % kHotRows;
    ok += model.Begin(s).ok();
    ok += model.Update(s, {}, LockStock(sku, 1)).result().ok();
    ok += model.Insert(s, {}, Detail(sku, t)).result().ok();
    ok += model.Commit(s).ok();
  }
  const double secs = Seconds(start);
  if (ok != 4 * static_cast<uint64_t>(kTxns)) std::abort();
  Print("db.model_statements_per_s", static_cast<double>(ok) / secs, "statements/s");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"db_bench: the DB model end to end (SimSqlClient -> simulated network -> DbServer) "
               "and alone; prints `metric value unit` lines"};
  if (std::optional<int> exit_code = cli::ParseArgs(app, argc, argv)) return *exit_code;
  bench::PrintHost();
  BenchModel();
  BenchTransactions();
  return 0;
}
