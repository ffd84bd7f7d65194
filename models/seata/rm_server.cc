// The RM's phase-two endpoint of Seata AT; see at_connection.h and undo_log.h.

#include <fmt/format.h>

#include <memory>

#include "models/db/sim_sql_client.h"
#include "models/seata/at_connection.h"
#include "sim/client_pool.h"

namespace models::seata {

namespace {

struct RmState {
  RmState(sim::Env e, RmConfig c) : env(e), config(c) {}
  sim::Env env;
  RmConfig config;
  sim::ClientPool<db::SimSqlClient> pool;
};

db::Assignments Pk(const db::TableDef& def, int64_t pk) { return {{def.primary_key, pk}}; }

bool SameOn(const db::TableDef& def, const db::Row& row, const std::vector<std::string>& columns,
            const std::vector<db::Value>& image) {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (row[def.Col(columns[i])] != image[i]) return false;
  }
  return true;
}

// Undoes one image inside the open transaction. kConflict: dirty data (Seata's "Has dirty
// records when undo"), which no retry will fix by itself.
sim::Task<sim::Result<void>> UndoOne(RmState* st, db::SqlClient* sql, UndoItem u) {
  const db::TableDef* def = FindTable(*st->config.catalog, u.table);
  if (def == nullptr) co_return sim::MakeError(sim::Errc::kInvalid, "no meta for " + u.table.ToString());
  sim::Result<std::optional<db::Row>> cur = co_await sql->Get(u.table, u.pk, true);
  if (!cur.ok()) co_return cur.error();
  const bool exists = cur->has_value();
  const bool is_after = u.kind == UndoItem::Kind::kDelete
                            ? !exists
                            : exists && SameOn(*def, **cur, u.columns, u.after);
  const bool is_before = u.kind == UndoItem::Kind::kInsert
                             ? !exists
                             : exists && SameOn(*def, **cur, u.columns, u.before);
  if (is_before && !is_after) co_return sim::Result<void>();  // already undone
  if (!is_after) {
    st->env.Trace("seata.dirty_undo", {{"table", u.table.ToString()}, {"pk", u.pk}});
    co_return sim::MakeError(sim::Errc::kConflict,
                             fmt::format("has dirty records when undo: {}:{}", u.table.ToString(), u.pk));
  }
  sim::Result<int64_t> n = sim::MakeError(sim::Errc::kInvalid, "unknown undo kind");
  if (u.kind == UndoItem::Kind::kInsert) {
    db::DeleteStmt del{u.table, Pk(*def, u.pk), db::Guard::True()};
    n = co_await sql->Delete(std::move(del));
  } else if (u.kind == UndoItem::Kind::kUpdate) {
    std::vector<db::SetClause> set;
    for (size_t i = 0; i < u.columns.size(); ++i) set.push_back(db::SetClause::Assign(u.columns[i], u.before[i]));
    db::UpdateStmt restore{u.table, std::move(set), Pk(*def, u.pk), db::Guard::True()};
    n = co_await sql->Update(std::move(restore));
  } else {
    db::Assignments values;
    for (size_t i = 0; i < u.columns.size(); ++i) values.emplace_back(u.columns[i], u.before[i]);
    db::InsertStmt back{u.table, std::move(values)};
    n = co_await sql->Insert(std::move(back));
  }
  if (!n.ok()) co_return n.error();
  co_return sim::Result<void>();
}

// Rollback of one branch in one local transaction: the undo_log row (locked), its images
// newest first, then the row's removal. No row: phase one has not committed (or never will);
// a GlobalFinished row takes its place so that a late phase one fails on the unique key.
sim::Task<sim::Result<void>> RollbackBranch(RmState* st, db::SqlClient* sql, BranchEndRequest r,
                                            db::TableName log) {
  db::SelectStmt s{log, {{"xid", r.xid}, {"branch_id", r.branch_id}}, db::Guard::True(), true};
  sim::Result<std::vector<db::Row>> rows = co_await sql->Select(std::move(s));
  if (!rows.ok()) co_return rows.error();
  const db::TableDef* def = FindTable(*st->config.catalog, log);
  if (rows->empty()) {
    db::InsertStmt guard{log, {{"branch_id", r.branch_id}, {"xid", r.xid}, {"rollback_info", ""},
                               {"log_status", kUndoGlobalFinished},
                               {"log_created", st->env.Now().nanos() / 1'000'000}}};
    sim::Result<int64_t> g = co_await sql->Insert(std::move(guard));
    if (!g.ok()) co_return g.error();
    co_return sim::Result<void>();
  }
  const db::Row& row = rows->front();
  if (row[def->Col("log_status")].AsInt() == kUndoGlobalFinished) co_return sim::Result<void>();
  sim::Result<std::vector<UndoItem>> items = DecodeUndo(row[def->Col("rollback_info")].AsString());
  if (!items.ok()) co_return items.error();
  for (size_t i = items->size(); i-- > 0;) {
    sim::Result<void> one = co_await UndoOne(st, sql, (*items)[i]);
    if (!one.ok()) co_return one.error();
  }
  db::DeleteStmt del{log, {{"id", row[def->PkIndex()]}}, db::Guard::True()};
  sim::Result<int64_t> n = co_await sql->Delete(std::move(del));
  if (!n.ok()) co_return n.error();
  co_return sim::Result<void>();
}

sim::Task<sim::Result<bool>> HandleBranchEnd(RmState* st, BranchEndRequest r) {
  db::SimSqlClient* sql = st->pool.Take(st->env, st->config.db, st->config.db_timeout);
  const db::TableName log = UndoLogTable(r.resource);
  sim::Result<void> out;
  if (r.commit) {
    db::DeleteStmt del{log, {{"xid", r.xid}, {"branch_id", r.branch_id}}, db::Guard::True()};
    sim::Result<int64_t> n = co_await sql->Delete(std::move(del));
    if (!n.ok()) out = n.error();
  } else {
    out = co_await sql->Begin();
    if (out.ok()) out = co_await RollbackBranch(st, sql, r, log);
    sim::Result<void> end;
    if (out.ok()) {
      end = co_await sql->Commit();
    } else {
      end = co_await sql->Rollback();
    }
    if (out.ok() && !end.ok()) out = end.error();
  }
  st->pool.Give(sql);
  st->env.Trace("seata.branch_end", {{"xid", r.xid}, {"branch", r.branch_id},
                                     {"commit", r.commit ? 1 : 0}, {"ok", out.ok() ? 1 : 0}});
  if (!out.ok()) co_return out.error();
  co_return true;
}

}  // namespace

void ServeAtResource(sim::Env env, RmConfig config) {
  RmState* st = &env.Keep<RmState>(env, config);
  env.Serve<BranchEndRequest, bool>(kRmPort, [st](BranchEndRequest r) { return HandleBranchEnd(st, r); });
}

}  // namespace models::seata
