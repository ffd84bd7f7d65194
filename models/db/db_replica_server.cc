// DbReplicaServer: log pulling and read-only serving; see db_replica_server.h.

#include "models/db/db_replica_server.h"

#include <utility>
#include <vector>

#include "models/db/db_error.h"
#include "models/db/db_protocol.h"
#include "sim/assert.h"

namespace models::db {
namespace {

struct ReplicaState {
  ReplicaState(DbReplica* r, sim::Endpoint p, sim::Duration poll, DbReplicaOptions o)
      : replica(r), primary(p), poll_interval(poll), options(o) {}
  DbReplica* replica;
  sim::Endpoint primary;
  sim::Duration poll_interval;
  DbReplicaOptions options;
};

sim::Error ReadOnly() {
  return sim::MakeError(sim::Errc::kRejected,
                        "read-only replica (1290): the server is running with super_read_only");
}

sim::Result<DbReply> ReadGet(const DbReplica& replica, const GetOp& get) {
  if (get.for_update) return ReadOnly();
  const TableDef* def = replica.FindTableDef(get.table);
  if (def == nullptr) return NoSuchTableError(get.table.ToString());
  sim::Result<std::vector<Row>> rows =
      replica.Select(SelectStmt{get.table, {{def->primary_key, Value(get.pk)}}, Guard::True()});
  if (!rows.ok()) return rows.error();
  if (rows->empty()) return DbReply(std::optional<Row>());
  return DbReply(std::optional<Row>(rows->front()));
}

sim::Result<DbReply> Serve(const DbReplica& replica, const DbOp& op) {
  if (const auto* select = std::get_if<SelectStmt>(&op)) {
    if (select->for_update) return ReadOnly();
    sim::Result<std::vector<Row>> rows = replica.Select(*select);
    if (!rows.ok()) return rows.error();
    return DbReply(std::move(rows).value());
  }
  if (const auto* get = std::get_if<GetOp>(&op)) return ReadGet(replica, *get);
  if (std::holds_alternative<InsertStmt>(op) || std::holds_alternative<UpdateStmt>(op) ||
      std::holds_alternative<DeleteStmt>(op)) {
    return ReadOnly();
  }
  if (std::holds_alternative<PullLogOp>(op)) {
    return sim::MakeError(sim::Errc::kRejected, "a replica does not serve its log");
  }
  return DbReply(std::monostate{});  // BEGIN, COMMIT, ROLLBACK, CLOSE: a read-only transaction
}

sim::Task<sim::Result<DbReply>> HandleRead(ReplicaState* st, DbRequest req) {
  co_return Serve(*st->replica, req.op);
}

sim::Task<void> PullLoop(sim::Env env, ReplicaState* st) {
  // The replica's lifetime loop: pull, apply, then wait for the next poll unless the pull came
  // back full (more is waiting).
  while (true) {
    DbRequest pull{env.id(), env.node().incarnation(), 0, false,
                   PullLogOp{st->replica->applied()}};
    sim::Result<DbReply> reply =
        co_await env.Call<DbReply>(st->primary, std::move(pull), st->options.pull_timeout);
    bool more = false;
    if (reply.ok()) {
      const auto* entries = std::get_if<std::vector<LogEntry>>(&reply.value());
      SIM_ASSERT(entries != nullptr);
      for (const LogEntry& entry : *entries) {
        // The primary answers from position applied()+1 and nothing else applies meanwhile.
        const sim::Result<void> applied = st->replica->Apply(entry);
        SIM_ASSERT_MSG(applied.ok(), applied.error().ToString());
      }
      if (!entries->empty()) {
        env.Trace("db.replica_applied", {{"applied", st->replica->applied()},
                                         {"entries", static_cast<uint64_t>(entries->size())}});
      }
      more = !entries->empty();
    }
    if (!more) co_await env.Sleep(st->poll_interval);
  }
}

}  // namespace

void BootDbReplica(sim::Env env, DbReplica* replica, sim::Endpoint primary,
                   sim::Duration poll_interval, DbReplicaOptions options) {
  SIM_ASSERT(replica != nullptr);
  SIM_ASSERT_GT(poll_interval, sim::Duration::Zero());
  SIM_ASSERT_GT(options.pull_timeout, sim::Duration::Zero());
  ReplicaState* st = &env.Keep<ReplicaState>(replica, primary, poll_interval, options);
  const sim::Port port = options.port != 0 ? options.port : primary.port;
  env.Serve<DbRequest, DbReply>(port,
                                [st](DbRequest req) { return HandleRead(st, std::move(req)); });
  env.Spawn(PullLoop(env, st));
}

}  // namespace models::db
