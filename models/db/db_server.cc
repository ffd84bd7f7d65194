// DbServer: sessions, per-connection ordering, lock waits and connection resets over a DbModel.
// See db_server.h for the fidelity contract.

#include "models/db/db_server.h"

#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "models/db/db_error.h"
#include "models/db/db_protocol.h"
#include "sim/assert.h"
#include "sim/signal.h"
#include "sim/world.h"

namespace models::db {
namespace {

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};

// (client node, client incarnation, connection id)
using ConnKey = std::tuple<sim::NodeId, uint32_t, uint64_t>;

struct ServerSession {
  ServerSession(ConnKey k, SessionId id, sim::Instant now)
      : key(k), db_session(id), last_used(now) {}

  ConnKey key;
  SessionId db_session;
  sim::Instant last_used;
  // Statements of a connection run one at a time in arrival order: each request takes a ticket
  // and runs when `serving` reaches it.
  uint64_t next_ticket = 0;
  uint64_t serving = 0;
  bool closed = false;
  bool woken = false;  // TakeRunnable named the session since its statement last ran
  sim::Signal turn;    // `serving` moved on, or the session closed
  sim::Signal wake;    // the lock the waiting statement needs was released
};
using SessionPtr = std::shared_ptr<ServerSession>;

struct ServerState {
  ServerState(sim::Env e, DbModel* m, DbServerConfig c) : env(e), model(m), config(c) {}

  sim::Env env;
  DbModel* model;
  DbServerConfig config;
  std::map<ConnKey, SessionPtr> sessions;
  std::map<SessionId, SessionPtr> by_db_session;
  sim::Signal has_sessions;
};

std::vector<sim::TraceField> Fields(const ServerSession& s) {
  // Emplaced with room for the fields callers add: an initializer list would copy every field
  // and the first added field would reallocate.
  std::vector<sim::TraceField> fields;
  fields.reserve(5);
  fields.emplace_back("client", std::get<0>(s.key));
  fields.emplace_back("conn", std::get<2>(s.key));
  fields.emplace_back("session", s.db_session);
  return fields;
}

sim::Error ConnectionLost(uint64_t connection) {
  return sim::MakeError(sim::Errc::kUnavailable,
                        "connection lost: the server does not know connection " +
                            std::to_string(connection) + " (closed, reset or lost in a restart)");
}

// Wakes the handlers of sessions whose lock was released.
void WakeRunnable(ServerState* st) {
  for (SessionId id : st->model->TakeRunnable()) {
    auto it = st->by_db_session.find(id);
    if (it == st->by_db_session.end()) continue;
    it->second->woken = true;
    it->second->wake.NotifyAll();
  }
}

void CloseSession(ServerState* st, const ConnKey& key, const char* reason) {
  auto it = st->sessions.find(key);
  if (it == st->sessions.end()) return;
  SessionPtr s = it->second;
  st->sessions.erase(it);
  st->by_db_session.erase(s->db_session);
  const bool in_txn = st->model->InTransaction(s->db_session);
  st->model->Disconnect(s->db_session);
  s->closed = true;
  s->wake.NotifyAll();
  s->turn.NotifyAll();
  std::vector<sim::TraceField> fields = Fields(*s);
  fields.emplace_back("reason", reason);
  if (in_txn) st->env.Trace("db.rollback", fields);
  st->env.Trace("db.session_closed", std::move(fields));
  WakeRunnable(st);
}

SessionPtr FindOrOpen(ServerState* st, const DbRequest& req) {
  // A request of a process that has since died travelled on a connection its kernel reset.
  const sim::Node& client = st->env.world().node(req.client_node);
  if (!client.up() || client.incarnation() != req.client_incarnation) return nullptr;
  const ConnKey key{req.client_node, req.client_incarnation, req.connection};
  auto it = st->sessions.find(key);
  if (it != st->sessions.end()) return it->second;
  if (!req.connect) return nullptr;
  auto s = std::make_shared<ServerSession>(key, st->model->Connect(), st->env.Now());
  st->sessions.emplace(key, s);
  st->by_db_session.emplace(s->db_session, s);
  st->has_sessions.NotifyAll();
  st->env.Trace("db.session_opened", Fields(*s));
  return s;
}

template <class T>
Outcome<DbReply> Wrap(Outcome<T> outcome) {
  if (outcome.blocked()) return outcome.blocked_on();
  sim::Result<T> result = std::move(outcome).result();
  if (!result.ok()) return result.error();
  return DbReply(std::move(result).value());
}

Outcome<DbReply> WrapVoid(sim::Result<void> result) {
  if (!result.ok()) return result.error();
  return DbReply(std::monostate{});
}

Outcome<DbReply> Execute(ServerState* st, const ServerSession& s, const DbOp& op) {
  DbModel& m = *st->model;
  const SessionId id = s.db_session;
  const sim::Instant now = st->env.Now();
  return std::visit(
      Overloaded{
          [&](const BeginOp&) { return WrapVoid(m.Begin(id)); },
          [&](const CommitOp&) { return WrapVoid(m.Commit(id)); },
          [&](const RollbackOp&) { return WrapVoid(m.Rollback(id)); },
          [&](const InsertStmt& x) { return Wrap(m.Insert(id, now, x)); },
          [&](const SelectStmt& x) { return Wrap(m.Select(id, now, x)); },
          [&](const GetOp& x) { return Wrap(m.Get(id, now, x.table, x.pk, x.for_update)); },
          [&](const UpdateStmt& x) { return Wrap(m.Update(id, now, x)); },
          [&](const DeleteStmt& x) { return Wrap(m.Delete(id, now, x)); },
          [&](const CloseOp&) -> Outcome<DbReply> { SIM_UNREACHABLE("CLOSE is not a statement"); },
          [&](const PullLogOp&) -> Outcome<DbReply> { SIM_UNREACHABLE("PULL is not a statement"); },
      },
      op);
}

// Trace events for a statement that finished. `in_txn` and `log_before` are taken before it ran.
void TraceFinished(ServerState* st, const ServerSession& s, const DbOp& op, bool in_txn,
                   uint64_t log_before, const sim::Result<DbReply>& result) {
  // The fields are built only for an event that is emitted: most statements emit none, and
  // building them for every statement was a visible share of a busy day.
  if (!result.ok()) {
    const DbErrorKind kind = ClassifyError(result.error());
    if (kind == DbErrorKind::kDeadlock) {
      std::vector<sim::TraceField> fields = Fields(s);
      st->env.Trace("db.deadlock", fields);
      fields.emplace_back("reason", "deadlock");
      st->env.Trace("db.rollback", std::move(fields));
    } else if (kind == DbErrorKind::kLockWaitTimeout) {
      st->env.Trace("db.lock_wait_timeout", Fields(s));
    }
    return;
  }
  const uint64_t log_end = st->model->LogEnd();
  const bool commit = std::holds_alternative<CommitOp>(op) && in_txn;
  const bool autocommit = !commit && !(std::holds_alternative<RollbackOp>(op) && in_txn) &&
                          log_end > log_before;  // an autocommit statement that wrote
  if (commit || autocommit) {
    std::vector<sim::TraceField> fields = Fields(s);
    fields.emplace_back("autocommit", autocommit ? 1 : 0);
    fields.emplace_back("log_end", log_end);
    st->env.Trace("db.commit", std::move(fields));
  } else if (std::holds_alternative<RollbackOp>(op) && in_txn) {
    std::vector<sim::TraceField> fields = Fields(s);
    fields.emplace_back("reason", "client");
    st->env.Trace("db.rollback", std::move(fields));
  }
}

// Runs one statement to its end, waiting inside the server whenever it is blocked on a lock.
// `op` lives in the awaiting HandleRequest's frame: a by-value DbOp cost two more moves of the
// whole statement per request.
sim::Task<sim::Result<DbReply>> RunStatement(sim::Env env, ServerState* st, SessionPtr s,
                                             const DbOp* op_ptr) {
  SIM_ASSERT(op_ptr != nullptr);
  const DbOp& op = *op_ptr;
  bool waited = false;
  // Each round either finishes or waits for a release of the lock it needs or for its deadline,
  // so the number of rounds is bounded by the releases that happen while it waits.
  while (true) {
    const bool in_txn = st->model->InTransaction(s->db_session);
    const uint64_t log_before = st->model->LogEnd();
    s->woken = false;
    Outcome<DbReply> outcome = Execute(st, *s, op);
    WakeRunnable(st);
    if (!outcome.blocked()) {
      sim::Result<DbReply> result = std::move(outcome).result();
      TraceFinished(st, *s, op, in_txn, log_before, result);
      co_return result;
    }
    const Blocked blocked = outcome.blocked_on();
    if (!waited) {
      std::vector<sim::TraceField> fields = Fields(*s);
      fields.emplace_back("holder", blocked.holder);
      env.Trace("db.lock_wait", std::move(fields));
      waited = true;
    }
    if (!s->woken) {
      const sim::Instant now = env.Now();
      const sim::Duration left =
          blocked.deadline > now ? blocked.deadline - now : sim::Duration::Zero();
      (void)co_await s->wake.Wait(left);
    }
    if (s->closed) co_return ConnectionLost(std::get<2>(s->key));
  }
}

sim::Task<sim::Result<DbReply>> HandleRequest(sim::Env env, ServerState* st, DbRequest req) {
  if (const auto* pull = std::get_if<PullLogOp>(&req.op)) {
    co_return DbReply(st->model->ReadLog(pull->after, st->config.log_batch_max));
  }
  if (std::holds_alternative<CloseOp>(req.op)) {
    CloseSession(st, ConnKey{req.client_node, req.client_incarnation, req.connection},
                 "client_quit");
    co_return DbReply(std::monostate{});
  }
  SessionPtr s = FindOrOpen(st, req);
  if (s == nullptr) co_return ConnectionLost(req.connection);
  const uint64_t ticket = s->next_ticket++;
  while (s->serving != ticket && !s->closed) (void)co_await s->turn.Wait();
  if (s->closed) co_return ConnectionLost(req.connection);
  sim::Result<DbReply> reply = co_await RunStatement(env, st, s, &req.op);
  ++s->serving;
  s->last_used = env.Now();
  s->turn.NotifyAll();
  co_return reply;
}

// Closes sessions whose client process died (its kernel reset the connection, which reaches us
// once the path is not partitioned) and sessions idle past wait_timeout.
void ReapSessions(ServerState* st) {
  sim::World& world = st->env.world();
  const sim::Instant now = st->env.Now();
  std::vector<std::pair<ConnKey, const char*>> doomed;
  for (const auto& [key, s] : st->sessions) {
    const sim::NodeId node = std::get<0>(key);
    const sim::Node& client = world.node(node);
    const bool died = !client.up() || client.incarnation() != std::get<1>(key);
    if (died && !world.network().Blocked(node, st->env.id())) {
      doomed.emplace_back(key, "client_reset");
    } else if (s->serving == s->next_ticket && now - s->last_used >= st->config.idle_timeout) {
      doomed.emplace_back(key, "wait_timeout");
    }
  }
  for (const auto& [key, reason] : doomed) CloseSession(st, key, reason);
}

sim::Task<void> ReapLoop(sim::Env env, ServerState* st) {
  // The server's lifetime loop; it sleeps on a signal while there is no session to watch.
  while (true) {
    if (st->sessions.empty()) {
      (void)co_await st->has_sessions.Wait();
      continue;
    }
    co_await env.Sleep(st->config.reset_check_interval);
    ReapSessions(st);
  }
}

}  // namespace

void BootDbServer(sim::Env env, DbModel* model, DbServerConfig config) {
  SIM_ASSERT(model != nullptr);
  SIM_ASSERT_GT(config.reset_check_interval, sim::Duration::Zero());
  SIM_ASSERT_GT(config.log_batch_max, size_t{0});
  if (env.node().incarnation() > 1) {
    // What the crash lost: every open transaction; what it kept: everything committed.
    model->Crash();
    env.Trace("db.recovered", {{"log_end", model->LogEnd()}});
  }
  ServerState* st = &env.Keep<ServerState>(env, model, config);
  env.Serve<DbRequest, DbReply>(
      config.port, [env, st](DbRequest req) { return HandleRequest(env, st, std::move(req)); });
  env.Spawn(ReapLoop(env, st));
}

}  // namespace models::db
