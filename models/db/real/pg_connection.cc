// PgConnection over libpq; see pg_connection.h.

#include "models/db/real/pg_connection.h"

#include <poll.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include <fmt/format.h>

#include "models/db/db_error.h"
#include "models/db/guard.h"

namespace models::db::real {
namespace {

constexpr const char* kSavepoint = "mallsim_stmt";

void IgnoreNotice(void* /*arg*/, const char* /*message*/) {}

std::string Trimmed(const char* text) {
  std::string out = text == nullptr ? "" : text;
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

sim::Result<void> CheckWhere(const Assignments& eq, const Guard& guard, const TableDef& def) {
  sim::Result<void> ok = CheckEqualities(eq, def);
  if (!ok) return ok;
  return CheckGuard(guard, def);
}

sim::Result<int64_t> AffectedRows(const PGresult* result) {
  const char* text = PQcmdTuples(const_cast<PGresult*>(result));
  int64_t count = 0;
  auto [end, ec] = std::from_chars(text, text + std::strlen(text), count);
  if (ec != std::errc() || *end != '\0') {
    return sim::MakeError(sim::Errc::kRejected, std::string("no row count: ") + text);
  }
  return count;
}

}  // namespace

sim::Result<std::unique_ptr<PgConnection>> PgConnection::Connect(const std::string& conninfo,
                                                                 std::string prefix) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    std::string message = conn == nullptr ? "out of memory" : Trimmed(PQerrorMessage(conn));
    PQfinish(conn);
    return sim::MakeError(sim::Errc::kUnavailable, "cannot connect to PostgreSQL (" + conninfo +
                                                       "): " + message);
  }
  PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
  std::unique_ptr<PgConnection> out(new PgConnection(conn, std::move(prefix)));
  for (const char* setup : {"SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL "
                            "READ COMMITTED",
                            "SET lock_timeout = '50s'", "SET client_min_messages = warning"}) {
    sim::Result<void> ok = out->Exec(setup);
    if (!ok) return ok.error();
  }
  return out;
}

PgConnection::PgConnection(PGconn* conn, std::string prefix)
    : conn_(conn), prefix_(std::move(prefix)) {}

PgConnection::~PgConnection() { PQfinish(conn_); }

int PgConnection::BackendPid() const { return PQbackendPID(conn_); }

sim::Error PgConnection::ConnectionError(const std::string& what) const {
  return sim::MakeError(sim::Errc::kUnavailable, what + ": " + Trimmed(PQerrorMessage(conn_)));
}

sim::Error PgConnection::ErrorOf(const PGresult* result) const {
  if (result == nullptr || PQstatus(conn_) != CONNECTION_OK) {
    return ConnectionError("connection lost");
  }
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const std::string code = state == nullptr ? "" : state;
  const std::string message = Trimmed(PQresultErrorMessage(result));
  const char* column = PQresultErrorField(result, PG_DIAG_COLUMN_NAME);
  if (code == "23505") return DuplicateKeyError(message);
  if (code == "55P03") return LockWaitTimeoutError(message);
  if (code == "40P01") return DeadlockError(message);
  if (code == "23502") return NotNullError(column == nullptr ? message : column);
  if (code == "22003") return OutOfRangeError(column == nullptr ? message : column);
  if (code == "42P01") return NoSuchTableError(message);
  if (code.rfind("08", 0) == 0) return sim::MakeError(sim::Errc::kUnavailable, message);
  return sim::MakeError(sim::Errc::kRejected, code + " " + message);
}

sim::Result<void> PgConnection::Exec(const std::string& sql) {
  PgResult result(PQexec(conn_, sql.c_str()));
  const ExecStatusType status = PQresultStatus(result.get());
  if (result != nullptr && (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)) return {};
  return ErrorOf(result.get());
}

sim::Result<const TableDef*> PgConnection::Lookup(const TableName& table) const {
  auto it = tables_.find(table);
  if (it == tables_.end()) return NoSuchTableError(table.ToString());
  return &it->second;
}

void PgConnection::RegisterTable(const TableDef& def) {
  tables_[def.name] = def;
  schemas_.insert(PgSchemaName(prefix_, def.name.schema));
}

sim::Result<void> PgConnection::CreateTable(const TableDef& def) {
  sim::Result<void> valid = ValidateTableDef(def);
  if (!valid) return valid;
  schemas_.insert(PgSchemaName(prefix_, def.name.schema));
  for (const std::string& sql : CreateTableSql(prefix_, def)) {
    sim::Result<void> ok = Exec(sql);
    if (!ok) return ok;
  }
  RegisterTable(def);
  return {};
}

sim::Result<void> PgConnection::DropTable(const TableName& table) {
  tables_.erase(table);
  return Exec("DROP TABLE IF EXISTS " + PgTableName(prefix_, table));
}

sim::Result<void> PgConnection::DropSchemas() {
  if (in_txn_) (void)Rollback();
  for (const std::string& schema : schemas_) {
    sim::Result<void> ok = Exec("DROP SCHEMA IF EXISTS " + QuoteIdent(schema) + " CASCADE");
    if (!ok) return ok;
  }
  schemas_.clear();
  tables_.clear();
  return {};
}

sim::Result<void> PgConnection::SetLockWaitTimeout(sim::Duration timeout) {
  return Exec(fmt::format("SET lock_timeout = '{}ms'", timeout.millis()));
}

sim::Result<void> PgConnection::SetDeadlockTimeout(sim::Duration timeout) {
  return Exec(fmt::format("SET deadlock_timeout = '{}ms'", timeout.millis()));
}

sim::Result<void> PgConnection::Begin() {
  if (in_txn_) return sim::MakeError(sim::Errc::kInvalid, "BEGIN inside a transaction");
  sim::Result<void> ok = Exec("BEGIN");
  if (ok) in_txn_ = true;
  return ok;
}

sim::Result<void> PgConnection::Commit() {
  if (!in_txn_) return {};
  in_txn_ = false;
  return Exec("COMMIT");
}

sim::Result<void> PgConnection::Rollback() {
  if (!in_txn_) return {};
  in_txn_ = false;
  return Exec("ROLLBACK");
}

sim::Result<void> PgConnection::Send(const SqlText& text) {
  if (in_flight_) return sim::MakeError(sim::Errc::kInvalid, "a statement is in flight");
  if (in_txn_) {
    sim::Result<void> ok = Exec(std::string("SAVEPOINT ") + kSavepoint);
    if (!ok) return ok;
  }
  std::vector<const char*> values;
  for (const std::optional<std::string>& param : text.params) {
    values.push_back(param ? param->c_str() : nullptr);
  }
  if (PQsendQueryParams(conn_, text.sql.c_str(), static_cast<int>(values.size()), nullptr,
                        values.data(), nullptr, nullptr, 0) == 0) {
    return ConnectionError("cannot send");
  }
  in_flight_ = true;
  return {};
}

sim::Result<PgConnection::PgResult> PgConnection::Collect() {
  if (!in_flight_) return sim::MakeError(sim::Errc::kInvalid, "no statement in flight");
  in_flight_ = false;
  PgResult first;
  while (PGresult* next = PQgetResult(conn_)) {
    if (first == nullptr) {
      first.reset(next);
    } else {
      PQclear(next);
    }
  }
  const ExecStatusType status = PQresultStatus(first.get());
  if (first != nullptr && (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)) {
    if (in_txn_) {
      sim::Result<void> ok = Exec(std::string("RELEASE SAVEPOINT ") + kSavepoint);
      if (!ok) return ok.error();
    }
    return first;
  }
  sim::Error error = ErrorOf(first.get());
  if (in_txn_) {
    if (ClassifyError(error) == DbErrorKind::kDeadlock || PQstatus(conn_) != CONNECTION_OK) {
      in_txn_ = false;  // MySQL rolls the victim's whole transaction back
      (void)Exec("ROLLBACK");
    } else {  // MySQL rolls back only the failed statement
      (void)Exec(std::string("ROLLBACK TO SAVEPOINT ") + kSavepoint);
      (void)Exec(std::string("RELEASE SAVEPOINT ") + kSavepoint);
    }
  }
  return error;
}

sim::Result<PgConnection::PgResult> PgConnection::Run(const SqlText& text) {
  sim::Result<void> sent = Send(text);
  if (!sent) return sent.error();
  return Collect();
}

sim::Result<std::vector<Row>> PgConnection::DecodeRows(const TableDef& def,
                                                       const PGresult* result) const {
  std::vector<Row> rows;
  const int count = PQntuples(result);
  if (PQnfields(result) != static_cast<int>(def.columns.size())) {
    return sim::MakeError(sim::Errc::kRejected, "unexpected column count");
  }
  for (int r = 0; r < count; ++r) {
    Row row;
    for (int c = 0; c < static_cast<int>(def.columns.size()); ++c) {
      sim::Result<Value> value = DecodeValue(def.columns[static_cast<size_t>(c)],
                                             PQgetvalue(result, r, c),
                                             PQgetisnull(result, r, c) != 0);
      if (!value) return value.error();
      row.push_back(std::move(*value));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

sim::Result<void> PgConnection::SendInsert(const InsertStmt& stmt) {
  sim::Result<const TableDef*> def = Lookup(stmt.table);
  if (!def) return def.error();
  sim::Result<void> ok = CheckInsertValues(stmt.values, **def);
  if (!ok) return ok;
  return Send(InsertSql(prefix_, **def, stmt));
}

sim::Result<int64_t> PgConnection::FinishInsert() {
  sim::Result<PgResult> result = Collect();
  if (!result) return result.error();
  if (PQntuples(result->get()) != 1) return sim::MakeError(sim::Errc::kRejected, "no id");
  return ParseDecimal(PQgetvalue(result->get(), 0, 0), 0);
}

sim::Result<int64_t> PgConnection::Insert(const InsertStmt& stmt) {
  sim::Result<void> sent = SendInsert(stmt);
  if (!sent) return sent.error();
  return FinishInsert();
}

sim::Result<void> PgConnection::SendSelect(const SelectStmt& stmt) {
  sim::Result<const TableDef*> def = Lookup(stmt.table);
  if (!def) return def.error();
  sim::Result<void> ok = CheckWhere(stmt.where_eq, stmt.guard, **def);
  if (!ok) return ok;
  ok = Send(SelectSql(prefix_, **def, stmt));
  if (ok) in_flight_table_ = stmt.table;
  return ok;
}

sim::Result<std::vector<Row>> PgConnection::FinishSelect() {
  sim::Result<const TableDef*> def = Lookup(in_flight_table_);
  if (!def) return def.error();
  sim::Result<PgResult> result = Collect();
  if (!result) return result.error();
  return DecodeRows(**def, result->get());
}

sim::Result<std::vector<Row>> PgConnection::Select(const SelectStmt& stmt) {
  sim::Result<void> sent = SendSelect(stmt);
  if (!sent) return sent.error();
  return FinishSelect();
}

sim::Result<std::optional<Row>> PgConnection::Get(const TableName& table, int64_t pk,
                                                  bool for_update) {
  sim::Result<const TableDef*> def = Lookup(table);
  if (!def) return def.error();
  sim::Result<std::vector<Row>> rows =
      Select({table, {{(*def)->primary_key, Value(pk)}}, Guard::True(), for_update});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<Row>();
  return std::optional<Row>(rows->front());
}

sim::Result<void> PgConnection::SendUpdate(const UpdateStmt& stmt) {
  sim::Result<const TableDef*> def = Lookup(stmt.table);
  if (!def) return def.error();
  sim::Result<void> ok = CheckWhere(stmt.where_eq, stmt.guard, **def);
  if (ok) ok = CheckSet(stmt.set, **def);
  if (!ok) return ok;
  return Send(UpdateSql(prefix_, **def, stmt));
}

sim::Result<int64_t> PgConnection::FinishUpdate() {
  sim::Result<PgResult> result = Collect();
  if (!result) return result.error();
  return AffectedRows(result->get());
}

sim::Result<int64_t> PgConnection::Update(const UpdateStmt& stmt) {
  sim::Result<void> sent = SendUpdate(stmt);
  if (!sent) return sent.error();
  return FinishUpdate();
}

sim::Result<void> PgConnection::SendDelete(const DeleteStmt& stmt) {
  sim::Result<const TableDef*> def = Lookup(stmt.table);
  if (!def) return def.error();
  sim::Result<void> ok = CheckWhere(stmt.where_eq, stmt.guard, **def);
  if (!ok) return ok;
  return Send(DeleteSql(prefix_, **def, stmt));
}

sim::Result<int64_t> PgConnection::FinishDelete() {
  sim::Result<PgResult> result = Collect();
  if (!result) return result.error();
  return AffectedRows(result->get());
}

sim::Result<int64_t> PgConnection::Delete(const DeleteStmt& stmt) {
  sim::Result<void> sent = SendDelete(stmt);
  if (!sent) return sent.error();
  return FinishDelete();
}

sim::Result<bool> PgConnection::ResultReady(sim::Duration wait_max) {
  if (!in_flight_) return sim::MakeError(sim::Errc::kInvalid, "no statement in flight");
  if (PQconsumeInput(conn_) == 0) return ConnectionError("connection lost");
  if (PQisBusy(conn_) == 0) return true;
  pollfd fd{PQsocket(conn_), POLLIN, 0};
  const int wait_ms = static_cast<int>(wait_max.millis());
  if (poll(&fd, 1, wait_ms) < 0 && errno != EINTR) return ConnectionError("poll failed");
  if (PQconsumeInput(conn_) == 0) return ConnectionError("connection lost");
  return PQisBusy(conn_) == 0;
}

sim::Result<bool> PgConnection::IsWaitingForLock(int pid) {
  const std::string pid_text = std::to_string(pid);
  const char* values[] = {pid_text.c_str()};
  PgResult result(PQexecParams(conn_, "SELECT cardinality(pg_blocking_pids($1::int)) > 0", 1,
                               nullptr, values, nullptr, nullptr, 0));
  if (result == nullptr || PQresultStatus(result.get()) != PGRES_TUPLES_OK) {
    return ErrorOf(result.get());
  }
  return std::strcmp(PQgetvalue(result.get(), 0, 0), "t") == 0;
}

}  // namespace models::db::real
