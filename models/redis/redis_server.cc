// RedisServer: connections, command execution, serverCron and boot. See redis_server.h for the
// fidelity contract; replication is in redis_replica_link.cc.
#include "models/redis/redis_server.h"

#include <string>
#include <utility>
#include <vector>

#include "models/redis/redis_server_state.h"
#include "sim/assert.h"
#include "sim/world.h"

namespace models::redis {
namespace server_detail {
namespace {

sim::Error ConnectionLost(uint64_t connection) {
  return sim::MakeError(sim::Errc::kUnavailable,
                        "connection lost: the server does not know connection " +
                            std::to_string(connection) + " (closed, reset or lost in a restart)");
}

// The model client of the request's connection, opening it on a connect request. nullopt when
// the connection is unknown or its client process has died since sending (its kernel reset it).
std::optional<RedisModel::ClientId> FindOrOpen(ServerState* st, const RedisRequest& req) {
  const sim::Node& client = st->env.world().node(req.client_node);
  if (!client.up() || client.incarnation() != req.client_incarnation) return std::nullopt;
  const ConnKey key{req.client_node, req.client_incarnation, req.connection};
  if (const RedisModel::ClientId* id = st->connection_index.Find(key)) return *id;
  if (!req.connect) return std::nullopt;
  const RedisModel::ClientId id = st->next_client++;
  st->connections.emplace(key, id);
  *st->connection_index.FindOrInsert(key).first = id;
  return id;
}

void CloseConnection(ServerState* st, const ConnKey& key) {
  auto it = st->connections.find(key);
  if (it == st->connections.end()) return;
  st->model->DisconnectClient(it->second);
  st->connections.erase(it);
  st->connection_index.Erase(key);
}

// One command of an open connection. The result is the function's only return value, so it is
// built in the caller's slot (named return value): a reply moves once less on every command.
sim::Result<Reply> ExecuteCommand(ServerState* st, RedisModel::ClientId client,
                                  const Argv& argv) {
  RedisModel& model = *st->model;
  const int64_t offset_before = model.ReplicationOffset();
  sim::Result<Reply> reply = model.Execute(client, argv, st->env.LocalNow());
  NotifyIfWritten(st, offset_before);
  return reply;
}

// Runs the request's commands with nothing else in between: Redis executes one command (or one
// EXEC) at a time, and a pipelined MULTI ... EXEC batch is atomic.
sim::Result<Reply> Execute(ServerState* st, const RedisRequest& req) {
  if (req.kind == RedisRequestKind::kQuit) {
    CloseConnection(st, ConnKey{req.client_node, req.client_incarnation, req.connection});
    return Reply::Ok();
  }
  const std::optional<RedisModel::ClientId> client = FindOrOpen(st, req);
  if (!client) return ConnectionLost(req.connection);
  if (req.kind == RedisRequestKind::kCommand) return ExecuteCommand(st, *client, req.argv);
  SIM_ASSERT(req.kind == RedisRequestKind::kExec);
  RedisModel& model = *st->model;
  const sim::Instant now = st->env.LocalNow();
  const int64_t offset_before = model.ReplicationOffset();
  static const Argv kMulti{"MULTI"};
  static const Argv kExec{"EXEC"};
  (void)model.Execute(*client, kMulti, now);  // a nested MULTI's error changes nothing
  for (const Argv& argv : req.batch) (void)model.Execute(*client, argv, now);
  Reply reply = model.Execute(*client, kExec, now);
  NotifyIfWritten(st, offset_before);
  return reply;
}

// clientsCron's part that matters here: connections whose client process died are reset by the
// client's kernel; the reset reaches the server unless the path is cut.
void ReapConnections(ServerState* st) {
  sim::World& world = st->env.world();
  for (auto it = st->connections.begin(); it != st->connections.end();) {
    const auto [node_id, incarnation, connection] = it->first;
    const sim::Node& client = world.node(node_id);
    const bool died = !client.up() || client.incarnation() != incarnation;
    if (!died || world.network().Blocked(node_id, st->env.id())) {
      ++it;
      continue;
    }
    st->model->DisconnectClient(it->second);
    st->env.Trace("redis.client_reset", {{"client", node_id}, {"conn", connection}});
    st->connection_index.Erase(it->first);
    it = st->connections.erase(it);
  }
}

// serverCron. Wakes at whole multiples of tick_interval on the node's clock (just after them),
// so every fsync / snapshot instant of the persistence schedule is visited while the node is
// up and a crash cannot hide one.
sim::Task<void> TickLoop(ServerState* st) {
  sim::Env env = st->env;
  const int64_t tick_ns = st->config.tick_interval.nanos();
  for (;;) {
    const int64_t local_ns = env.LocalNow().nanos();
    int64_t next_ns = (local_ns / tick_ns + 1) * tick_ns;
    if (next_ns <= local_ns) next_ns += tick_ns;  // negative local clocks round the other way
    co_await env.Sleep(sim::Duration::Nanos(next_ns - local_ns) + sim::Duration::Micros(1));
    const int64_t offset_before = st->model->ReplicationOffset();
    st->model->Tick(env.LocalNow());
    NotifyIfWritten(st, offset_before);
    ReapConnections(st);
  }
}

void Boot(sim::Env env, RedisModel* model, RedisServerConfig config,
          std::optional<sim::Endpoint> fixed_primary) {
  SIM_ASSERT(model != nullptr);
  SIM_ASSERT_GT(config.tick_interval, sim::Duration::Zero());
  SIM_ASSERT_EQ(sim::Duration::Seconds(1) % config.tick_interval, sim::Duration::Zero());
  SIM_ASSERT_GT(config.repl_long_poll, sim::Duration::Zero());
  SIM_ASSERT_LT(config.repl_long_poll, config.repl_timeout);
  SIM_ASSERT_NE(config.port, config.replication_port);
  if (env.node().incarnation() > 1) {
    // The crash happened after the last instant the model saw and before any later sync.
    model->Crash(model->LastSeen());
    env.Trace("redis.recovered", {{"offset", model->ReplicationOffset()},
                                  {"keys", static_cast<uint64_t>(model->keyspace().size())}});
  }
  ServerState* st = &env.Keep<ServerState>(env, model, config, fixed_primary);
  // A request runs to completion in its delivery, as Redis's single thread executes it.
  env.ServeNow<RedisRequest, Reply>(config.port,
                                    [st](RedisRequest&& r) { return Execute(st, r); });
  env.Serve<PsyncRequest, PsyncReply>(
      config.replication_port, [st](PsyncRequest r) { return HandlePsync(st, std::move(r)); });
  env.Spawn(TickLoop(st));
  if (config.directory != nullptr || fixed_primary.has_value()) env.Spawn(FollowLoop(st));
}

}  // namespace
}  // namespace server_detail

void BootRedisServer(sim::Env env, RedisModel* model, RedisServerConfig config) {
  server_detail::Boot(env, model, config, std::nullopt);
}

void BootRedisReplica(sim::Env env, RedisModel* model, sim::Endpoint primary,
                      RedisServerConfig config) {
  server_detail::Boot(env, model, config, primary);
}

}  // namespace models::redis
