// SimSqlClient: see sim_sql_client.h for the fidelity contract.

#include "models/db/sim_sql_client.h"

#include <utility>

#include "models/db/db_error.h"
#include "sim/assert.h"

namespace models::db {
namespace {

template <class T>
sim::Result<T> Unpack(sim::Result<DbReply> reply) {
  if (!reply.ok()) return reply.error();
  T* value = std::get_if<T>(&reply.value());
  SIM_ASSERT_MSG(value != nullptr, "db reply of an unexpected kind " << reply.value().index());
  return std::move(*value);
}

sim::Result<void> UnpackVoid(sim::Result<DbReply> reply) {
  if (!reply.ok()) return reply.error();
  SIM_ASSERT(std::holds_alternative<std::monostate>(reply.value()));
  return {};
}

// COM_QUIT of a broken connection, best effort: if it reaches the server, the session's
// transaction is rolled back and its locks released.
sim::Task<void> SendQuit(sim::Env env, sim::Endpoint server, DbRequest quit,
                         sim::Duration timeout) {
  (void)co_await env.Call<DbReply>(server, std::move(quit), timeout);
}

}  // namespace

SimSqlClient::SimSqlClient(sim::Env env, sim::Endpoint server, sim::Duration timeout)
    : env_(env), server_(server), timeout_(timeout) {
  SIM_ASSERT_GT(timeout_, sim::Duration::Zero());
  NewConnection();
}

void SimSqlClient::NewConnection() {
  connection_ = env_.rng().Next();
  ++connections_opened_;
  connected_ = false;
  broken_ = false;
  in_txn_ = false;
}

sim::Task<sim::Result<DbReply>> SimSqlClient::Call(DbOp* op) {
  SIM_ASSERT_MSG(!busy_, "a SqlClient serves one call at a time");
  SIM_ASSERT(op != nullptr);
  const bool begin = std::holds_alternative<BeginOp>(*op);
  const bool commit = std::holds_alternative<CommitOp>(*op);
  const bool rollback = std::holds_alternative<RollbackOp>(*op);
  const bool close = std::holds_alternative<CloseOp>(*op);
  if (broken_) {
    if (in_txn_ && !begin && !rollback && !close) {
      co_return sim::MakeError(sim::Errc::kUnavailable,
                               "connection lost: the open transaction was rolled back");
    }
    NewConnection();
    if (rollback || close) co_return DbReply(std::monostate{});  // nothing open on a new one
  }
  if (close && !connected_) {
    NewConnection();
    co_return DbReply(std::monostate{});
  }
  const DbRequest header{env_.id(), env_.node().incarnation(), connection_, !connected_, {}};
  DbRequest request = header;
  request.op = std::move(*op);
  busy_ = true;
  sim::Result<DbReply> reply = co_await env_.Call<DbReply>(server_, std::move(request), timeout_);
  busy_ = false;
  if (!reply.ok() &&
      (reply.code() == sim::Errc::kTimeout || reply.code() == sim::Errc::kUnavailable)) {
    broken_ = true;
    if (reply.code() == sim::Errc::kTimeout) {
      DbRequest quit = header;
      quit.connect = false;
      quit.op = CloseOp{};
      env_.Spawn(SendQuit(env_, server_, std::move(quit), timeout_));
    }
    co_return reply;
  }
  connected_ = true;
  if (reply.ok()) {
    if (begin) in_txn_ = true;
    if (commit || rollback) in_txn_ = false;
    if (close) NewConnection();
  } else if (ClassifyError(reply.error()) == DbErrorKind::kDeadlock) {
    in_txn_ = false;  // the server rolled the whole transaction back
  }
  co_return reply;
}

// Every wrapper names its DbOp before the co_await: GCC 12 destroys a braced temporary that is
// built inside a co_await expression twice.
sim::Task<sim::Result<void>> SimSqlClient::Begin() {
  DbOp op = BeginOp{};
  co_return UnpackVoid(co_await Call(&op));
}

sim::Task<sim::Result<void>> SimSqlClient::Commit() {
  DbOp op = CommitOp{};
  co_return UnpackVoid(co_await Call(&op));
}

sim::Task<sim::Result<void>> SimSqlClient::Rollback() {
  DbOp op = RollbackOp{};
  co_return UnpackVoid(co_await Call(&op));
}

sim::Task<sim::Result<void>> SimSqlClient::Close() {
  DbOp op = CloseOp{};
  co_return UnpackVoid(co_await Call(&op));
}

sim::Task<sim::Result<int64_t>> SimSqlClient::Insert(InsertStmt stmt) {
  DbOp op = std::move(stmt);
  co_return Unpack<int64_t>(co_await Call(&op));
}

sim::Task<sim::Result<std::vector<Row>>> SimSqlClient::Select(SelectStmt stmt) {
  DbOp op = std::move(stmt);
  co_return Unpack<std::vector<Row>>(co_await Call(&op));
}

sim::Task<sim::Result<std::optional<Row>>> SimSqlClient::Get(TableName table, int64_t pk,
                                                             bool for_update) {
  DbOp op = GetOp{std::move(table), pk, for_update};
  co_return Unpack<std::optional<Row>>(co_await Call(&op));
}

sim::Task<sim::Result<int64_t>> SimSqlClient::Update(UpdateStmt stmt) {
  DbOp op = std::move(stmt);
  co_return Unpack<int64_t>(co_await Call(&op));
}

sim::Task<sim::Result<int64_t>> SimSqlClient::Delete(DeleteStmt stmt) {
  DbOp op = std::move(stmt);
  co_return Unpack<int64_t>(co_await Call(&op));
}

}  // namespace models::db
