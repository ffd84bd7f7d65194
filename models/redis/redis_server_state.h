#pragma once
// The volatile state of one incarnation of a RedisServer node, shared by the command side
// (redis_server.cc) and the replication side (redis_replica_link.cc). Private to those files.

#include <cstdint>
#include <map>
#include <optional>
#include <tuple>

#include "models/redis/key_table.h"
#include "models/redis/redis_model.h"
#include "models/redis/redis_protocol.h"
#include "models/redis/redis_server.h"
#include "sim/env.h"
#include "sim/signal.h"

namespace models::redis::server_detail {

// (client node, client incarnation, connection id)
using ConnKey = std::tuple<sim::NodeId, uint32_t, uint64_t>;

struct ConnKeyHash {
  size_t operator()(const ConnKey& k) const {
    // The connection id is drawn from the client's random stream: it spreads well on its own.
    const auto [node, incarnation, connection] = k;
    return static_cast<size_t>(connection ^ (uint64_t{node} << 32) ^ incarnation);
  }
};

struct ServerState {
  ServerState(sim::Env e, RedisModel* m, RedisServerConfig c, std::optional<sim::Endpoint> f)
      : env(e), model(m), config(c), fixed_primary(f) {}

  sim::Env env;
  RedisModel* model;
  RedisServerConfig config;
  std::optional<sim::Endpoint> fixed_primary;
  // Ordered: connections are reaped in key order. Changed only by redis_server.cc
  // (FindOrOpen, CloseConnection, ReapConnections), which keeps connection_index equal to it.
  std::map<ConnKey, RedisModel::ClientId> connections;
  // Every request looks its connection up: a hashed copy of `connections`, never iterated.
  KeyTable<ConnKey, RedisModel::ClientId, ConnKeyHash> connection_index;
  RedisModel::ClientId next_client = 1;  // 0 is the model's default client
  // Notified whenever the model's stream offset moves, so PSYNC long polls answer at once.
  sim::Signal new_records;
  // The last records received did not fit this node's stream: ask for a full resync.
  bool force_full_sync = false;
};

// Notifies PSYNC waiters when the stream moved past `offset_before`.
inline void NotifyIfWritten(ServerState* st, int64_t offset_before) {
  if (st->model->ReplicationOffset() != offset_before) st->new_records.NotifyAll();
}

// The node this one should follow now, or nullopt when it is (or should become) a primary.
std::optional<sim::Endpoint> FollowTarget(const ServerState* st);

// Replication: the PSYNC handler (any node can be followed) and the follower loop.
sim::Task<sim::Result<PsyncReply>> HandlePsync(ServerState* st, PsyncRequest request);
sim::Task<void> FollowLoop(ServerState* st);

}  // namespace models::redis::server_detail
