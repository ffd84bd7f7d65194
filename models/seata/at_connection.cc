// Seata AT's ConnectionProxy and TM calls; see at_connection.h.

#include "models/seata/at_connection.h"

#include <fmt/format.h>

#include <set>

namespace models::seata {

namespace {

std::vector<db::Value> Pick(const db::TableDef& def, const db::Row& row,
                            const std::vector<std::string>& columns) {
  std::vector<db::Value> out;
  for (const std::string& c : columns) out.push_back(row[def.Col(c)]);
  return out;
}

std::vector<std::string> AllColumns(const db::TableDef& def) {
  std::vector<std::string> out;
  for (const db::ColumnDef& c : def.columns) out.push_back(c.name);
  return out;
}

sim::Error NoMeta(const db::TableName& t) {
  return sim::MakeError(sim::Errc::kInvalid, "seata: no table meta for " + t.ToString());
}

}  // namespace

sim::Task<sim::Result<void>> AtConnection::Begin() {
  sim::Result<void> r = co_await target_->Begin();
  if (r.ok()) {
    in_txn_ = true;
    undo_.clear();
  }
  co_return r;
}

std::vector<std::string> AtConnection::LockKeys() const {
  std::set<std::string> keys;
  for (const UndoItem& u : undo_) keys.insert(LockKey(u.table.ToString(), u.pk));
  return std::vector<std::string>(keys.begin(), keys.end());
}

sim::Task<sim::Result<void>> AtConnection::TakeGlobalLocks() {
  const std::vector<std::string> keys = LockKeys();
  for (int attempt = 0;; ++attempt) {
    sim::Error conflict = sim::MakeError(sim::Errc::kConflict, "");
    if (xid_.empty()) {
      GlobalLockQueryRequest q{keys};
      sim::Result<bool> locked = co_await ctx_.env.Call<bool>(
          sim::Endpoint{ctx_.tc, kTcLockQueryPort}, std::move(q), ctx_.rpc_timeout);
      if (!locked.ok()) co_return locked.error();
      if (!*locked) co_return sim::Result<void>();
      conflict = sim::MakeError(sim::Errc::kConflict, "@GlobalLock: rows held by a global transaction");
    } else {
      BranchRegisterRequest reg{xid_, ctx_.resource, ctx_.env.At(kRmPort), keys};
      sim::Result<int64_t> branch = co_await ctx_.env.Call<int64_t>(
          sim::Endpoint{ctx_.tc, kTcRegisterPort}, std::move(reg), ctx_.rpc_timeout);
      if (branch.ok()) {
        db::InsertStmt log{UndoLogTable(ctx_.resource),
                           {{"branch_id", *branch}, {"xid", xid_},
                            {"rollback_info", EncodeUndo(undo_)}, {"log_status", kUndoNormal},
                            {"log_created", ctx_.env.Now().nanos() / 1'000'000}}};
        sim::Result<int64_t> row = co_await target_->Insert(std::move(log));
        if (!row.ok()) co_return row.error();
        co_return sim::Result<void>();
      }
      if (branch.code() != sim::Errc::kConflict) co_return branch.error();
      conflict = branch.error();
    }
    if (attempt + 1 >= ctx_.lock_retry_times) co_return conflict;
    co_await ctx_.env.Sleep(ctx_.lock_retry_interval);
  }
}

sim::Task<sim::Result<void>> AtConnection::Commit() {
  in_txn_ = false;
  if (!undo_.empty()) {
    sim::Result<void> locks = co_await TakeGlobalLocks();
    undo_.clear();
    if (!locks.ok()) {
      sim::Result<void> rb = co_await target_->Rollback();
      (void)rb;
      co_return locks.error();
    }
  }
  sim::Result<void> r = co_await target_->Commit();
  co_return r;
}

sim::Task<sim::Result<void>> AtConnection::Rollback() {
  in_txn_ = false;
  undo_.clear();
  sim::Result<void> r = co_await target_->Rollback();
  co_return r;
}

sim::Task<sim::Result<std::vector<db::Row>>> AtConnection::Select(db::SelectStmt stmt) {
  sim::Result<std::vector<db::Row>> r = co_await target_->Select(std::move(stmt));
  co_return r;
}

sim::Task<sim::Result<std::optional<db::Row>>> AtConnection::Get(db::TableName table, int64_t pk,
                                                                 bool for_update) {
  sim::Result<std::optional<db::Row>> r = co_await target_->Get(std::move(table), pk, for_update);
  co_return r;
}

sim::Task<sim::Result<int64_t>> AtConnection::EndAuto(sim::Result<int64_t> r) {
  if (!r.ok()) {
    sim::Result<void> rb = co_await Rollback();
    (void)rb;
    co_return r;
  }
  sim::Result<void> c = co_await Commit();
  if (!c.ok()) co_return c.error();
  co_return r;
}

sim::Task<sim::Result<int64_t>> AtConnection::InsertInTxn(db::InsertStmt stmt) {
  const db::TableDef* def = FindTable(*ctx_.catalog, stmt.table);
  if (def == nullptr) co_return NoMeta(stmt.table);
  const db::TableName table = stmt.table;
  sim::Result<int64_t> id = co_await target_->Insert(std::move(stmt));
  if (!id.ok()) co_return id;
  sim::Result<std::optional<db::Row>> after = co_await target_->Get(table, *id, false);
  if (!after.ok()) co_return after.error();
  if (after->has_value()) {
    undo_.push_back(UndoItem{UndoItem::Kind::kInsert, table, *id, AllColumns(*def), {},
                             **after});
  }
  co_return id;
}

sim::Task<sim::Result<int64_t>> AtConnection::UpdateInTxn(db::UpdateStmt stmt) {
  const db::TableDef* def = FindTable(*ctx_.catalog, stmt.table);
  if (def == nullptr) co_return NoMeta(stmt.table);
  db::SelectStmt image{stmt.table, stmt.where_eq, stmt.guard, true};
  sim::Result<std::vector<db::Row>> before = co_await target_->Select(std::move(image));
  if (!before.ok()) co_return before.error();
  std::vector<std::string> columns;
  for (const db::SetClause& s : stmt.set) columns.push_back(s.column);
  const db::TableName table = stmt.table;
  sim::Result<int64_t> n = co_await target_->Update(std::move(stmt));
  if (!n.ok()) co_return n;
  for (const db::Row& row : *before) {
    const int64_t pk = row[def->PkIndex()].AsInt();
    sim::Result<std::optional<db::Row>> after = co_await target_->Get(table, pk, false);
    if (!after.ok()) co_return after.error();
    if (!after->has_value()) continue;
    undo_.push_back(UndoItem{UndoItem::Kind::kUpdate, table, pk, columns,
                             Pick(*def, row, columns), Pick(*def, **after, columns)});
  }
  co_return n;
}

sim::Task<sim::Result<int64_t>> AtConnection::DeleteInTxn(db::DeleteStmt stmt) {
  const db::TableDef* def = FindTable(*ctx_.catalog, stmt.table);
  if (def == nullptr) co_return NoMeta(stmt.table);
  db::SelectStmt image{stmt.table, stmt.where_eq, stmt.guard, true};
  sim::Result<std::vector<db::Row>> before = co_await target_->Select(std::move(image));
  if (!before.ok()) co_return before.error();
  const db::TableName table = stmt.table;
  sim::Result<int64_t> n = co_await target_->Delete(std::move(stmt));
  if (!n.ok()) co_return n;
  for (const db::Row& row : *before) {
    undo_.push_back(UndoItem{UndoItem::Kind::kDelete, table, row[def->PkIndex()].AsInt(),
                             AllColumns(*def), row, {}});
  }
  co_return n;
}

template <class Stmt>
sim::Task<sim::Result<int64_t>> AtConnection::Dml(
    Stmt stmt, sim::Task<sim::Result<int64_t>> (AtConnection::*in_txn)(Stmt)) {
  const bool autocommit = !in_txn_;
  if (autocommit) {
    sim::Result<void> b = co_await Begin();
    if (!b.ok()) co_return b.error();
  }
  sim::Result<int64_t> r = co_await (this->*in_txn)(std::move(stmt));
  if (autocommit) r = co_await EndAuto(std::move(r));
  co_return r;
}

sim::Task<sim::Result<int64_t>> AtConnection::Insert(db::InsertStmt stmt) {
  return Dml(std::move(stmt), &AtConnection::InsertInTxn);
}

sim::Task<sim::Result<int64_t>> AtConnection::Update(db::UpdateStmt stmt) {
  return Dml(std::move(stmt), &AtConnection::UpdateInTxn);
}

sim::Task<sim::Result<int64_t>> AtConnection::Delete(db::DeleteStmt stmt) {
  return Dml(std::move(stmt), &AtConnection::DeleteInTxn);
}

sim::Task<sim::Result<void>> AtConnection::Close() {
  in_txn_ = false;
  undo_.clear();
  sim::Result<void> r = co_await target_->Close();
  co_return r;
}

sim::Task<sim::Result<std::string>> GlobalBegin(sim::Env env, sim::NodeId tc, std::string name,
                                                sim::Duration timeout, sim::Duration rpc_timeout) {
  GlobalBeginRequest req{std::move(name), timeout};
  sim::Result<std::string> xid =
      co_await env.Call<std::string>(sim::Endpoint{tc, kTcBeginPort}, std::move(req), rpc_timeout);
  co_return xid;
}

sim::Task<sim::Result<GlobalStatus>> GlobalEnd(sim::Env env, sim::NodeId tc, std::string xid,
                                               bool commit, sim::Duration rpc_timeout) {
  sim::Result<GlobalStatus> s = sim::MakeError(sim::Errc::kUnavailable, "not sent");
  for (int attempt = 0; attempt < 5; ++attempt) {
    GlobalEndRequest req{xid, commit};
    s = co_await env.Call<GlobalStatus>(sim::Endpoint{tc, kTcEndPort}, std::move(req), rpc_timeout);
    if (s.ok() || !s.error().Indeterminate()) break;
  }
  co_return s;
}

}  // namespace models::seata
