#pragma once
// A World with one DbServer node serving a DbModel that holds the test sku table, plus helpers
// the simulated-server tests share: client nodes, statements on the sku table, and the textual
// form of results (testing::Show-like, without the PostgreSQL headers).

#include <string>
#include <vector>

#include "models/db/db_error.h"
#include "models/db/db_model.h"
#include "models/db/db_server.h"
#include "models/db/sim_sql_client.h"
#include "sim/world.h"
#include "tests/models/db/sku_table.h"

namespace models::db::testing {

inline const TableName kSimSku{"wms", "ware_sku"};
inline constexpr sim::Port kDbPort = 3306;

struct SimDb {
  explicit SimDb(uint64_t seed, DbOptions options = {}, DbServerConfig config = {},
                 sim::WorldOptions world_options = {})
      : world(seed, world_options), model(options) {
    const sim::Result<void> created = model.CreateTable(SkuTable());
    SIM_ASSERT(created.ok());
    config.port = kDbPort;
    DbModel* m = &model;
    server = &world.AddNode("db", [m, config](sim::Env env) { BootDbServer(env, m, config); });
    server->Start();
  }

  sim::Endpoint endpoint() const { return sim::Endpoint{server->id(), kDbPort}; }
  sim::Node& AddClient(const std::string& name) {
    sim::Node& n = world.AddNode(name);
    n.Start();
    return n;
  }
  // The committed row of the sku table with primary key `pk`, or an empty row.
  Row Committed(int64_t pk) const {
    for (const Row& row : model.CommittedRows(kSimSku)) {
      if (row[0] == Value(pk)) return row;
    }
    return {};
  }
  bool TraceHas(const std::string& name) {
    for (const sim::TraceEvent& e : world.trace().all()) {
      if (e.name == name) return true;
    }
    return false;
  }

  sim::World world;
  DbModel model;
  sim::Node* server = nullptr;
};

// Column positions in SkuTable.
inline constexpr size_t kStock = 3;
inline constexpr size_t kStockLocked = 4;

inline InsertStmt InsertSku(int64_t sku, int64_t ware, int64_t stock) {
  return InsertStmt{kSimSku, {{"sku_id", sku}, {"ware_id", ware}, {"stock", stock}}};
}
// The mall's guarded lock: stock_locked += n where the row still has n unlocked units.
inline UpdateStmt LockStock(int64_t pk, int64_t n) {
  return UpdateStmt{kSimSku, {SetClause::Add("stock_locked", n)}, {{"id", pk}},
                    Guard::Diff("stock", "stock_locked", CmpOp::kGe, Value(n))};
}
inline UpdateStmt AddStock(int64_t pk, int64_t n) {
  return UpdateStmt{kSimSku, {SetClause::Add("stock", n)}, {{"id", pk}}, Guard::True()};
}

inline std::string ShowError(const sim::Error& error) {
  return "err:" + std::string(sim::ErrcName(error.code)) + ":" +
         std::string(DbErrorKindName(ClassifyError(error)));
}
inline std::string ShowResult(const sim::Result<void>& r) {
  return r.ok() ? "ok" : ShowError(r.error());
}
inline std::string ShowResult(const sim::Result<int64_t>& r) {
  return r.ok() ? "ok:" + std::to_string(r.value()) : ShowError(r.error());
}
inline std::string ShowResult(const sim::Result<std::optional<Row>>& r) {
  if (!r.ok()) return ShowError(r.error());
  return r.value() ? "row:" + RowToString(*r.value()) : "none";
}
inline std::string ShowResult(const sim::Result<std::vector<Row>>& r) {
  if (!r.ok()) return ShowError(r.error());
  std::string out = "rows:";
  for (const Row& row : r.value()) out += RowToString(row);
  return out;
}

}  // namespace models::db::testing
