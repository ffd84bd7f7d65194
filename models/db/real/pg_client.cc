// PgClient: see pg_client.h.

#include "models/db/real/pg_client.h"

#include <utility>

#include "sim/assert.h"

namespace models::db::real {
namespace {

// How long one poll may block the thread waiting for PostgreSQL's answer.
constexpr sim::Duration kPollWaitMax = sim::Duration::Millis(1);

}  // namespace

PgClient::PgClient(std::unique_ptr<PgConnection> connection, sim::Duration poll_interval)
    : connection_(std::move(connection)), poll_interval_(poll_interval) {
  SIM_ASSERT(connection_ != nullptr);
  SIM_ASSERT_GT(poll_interval_, sim::Duration::Zero());
}

sim::Task<sim::Result<void>> PgClient::AwaitAnswer() {
  // Bounded by PostgreSQL: every statement ends, at the latest at its lock_timeout.
  while (true) {
    sim::Result<bool> ready = connection_->ResultReady(kPollWaitMax);
    if (!ready.ok()) co_return ready.error();
    if (ready.value()) co_return sim::Result<void>();
    co_await sim::Sleep(poll_interval_);
  }
}

sim::Task<sim::Result<void>> PgClient::Begin() { co_return connection_->Begin(); }

sim::Task<sim::Result<void>> PgClient::Commit() { co_return connection_->Commit(); }

sim::Task<sim::Result<void>> PgClient::Rollback() { co_return connection_->Rollback(); }

sim::Task<sim::Result<void>> PgClient::Close() { co_return connection_->Rollback(); }

sim::Task<sim::Result<int64_t>> PgClient::Insert(InsertStmt stmt) {
  sim::Result<void> sent = connection_->SendInsert(stmt);
  if (!sent.ok()) co_return sent.error();
  sim::Result<void> answered = co_await AwaitAnswer();
  if (!answered.ok()) co_return answered.error();
  co_return connection_->FinishInsert();
}

sim::Task<sim::Result<std::vector<Row>>> PgClient::Select(SelectStmt stmt) {
  sim::Result<void> sent = connection_->SendSelect(stmt);
  if (!sent.ok()) co_return sent.error();
  sim::Result<void> answered = co_await AwaitAnswer();
  if (!answered.ok()) co_return answered.error();
  co_return connection_->FinishSelect();
}

sim::Task<sim::Result<std::optional<Row>>> PgClient::Get(TableName table, int64_t pk,
                                                         bool for_update) {
  // The statement PgConnection::Get runs, sent without blocking.
  sim::Result<const TableDef*> def = connection_->Lookup(table);
  if (!def.ok()) co_return def.error();
  SelectStmt stmt{table, {{(*def)->primary_key, Value(pk)}}, Guard::True(), for_update};
  sim::Result<std::vector<Row>> rows = co_await Select(std::move(stmt));
  if (!rows.ok()) co_return rows.error();
  if (rows->empty()) co_return std::optional<Row>();
  co_return std::optional<Row>(rows->front());
}

sim::Task<sim::Result<int64_t>> PgClient::Update(UpdateStmt stmt) {
  sim::Result<void> sent = connection_->SendUpdate(stmt);
  if (!sent.ok()) co_return sent.error();
  sim::Result<void> answered = co_await AwaitAnswer();
  if (!answered.ok()) co_return answered.error();
  co_return connection_->FinishUpdate();
}

sim::Task<sim::Result<int64_t>> PgClient::Delete(DeleteStmt stmt) {
  sim::Result<void> sent = connection_->SendDelete(stmt);
  if (!sent.ok()) co_return sent.error();
  sim::Result<void> answered = co_await AwaitAnswer();
  if (!answered.ok()) co_return answered.error();
  co_return connection_->FinishDelete();
}

}  // namespace models::db::real
