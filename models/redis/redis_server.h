#pragma once
// RedisServer: the program of a simulated redis-server node, serving a RedisModel over the
// network, optionally as a replica that follows another node.
//
// Fidelity contract.
// Models: one RedisModel per node, commands executed one at a time in arrival order, each
// atomically (a request's commands, an EXEC batch or a script, run with nothing in between, as
// Redis's single thread does); MULTI state per client connection, a connection being (client
// node, its incarnation, connection id); serverCron at `tick_interval` (Redis's hz 10): active
// expiry, the fsync / snapshot schedule of the persistence mode, and closing connections whose
// client process died (its kernel reset them; the server learns it once the path from the client
// is not partitioned). The model's clock is the node's local wall clock (LocalNow), as Redis
// uses mstime() for expiry, so clock faults move deadlines.
// Replication: a replica pulls the write stream from the node it follows with PSYNC over the
// network (a long poll: the primary answers as soon as it has records, or after
// repl_long_poll with none), so the lag is one network round trip under normal conditions and
// grows with latency, clogs, partitions and crashes. A node that cannot continue the history
// (new replica, restarted replica, demoted primary, backlog overrun) gets a full resync image.
// Replicas refuse writes with Redis's READONLY error (the model does). Who to follow is fixed
// (BootRedisReplica) or, with config.directory, whoever the directory names primary: a node the
// directory names is a primary (promoted if needed), every other node follows it.
// Faults: a crash loses every connection, MULTI state and in-flight request; at the next boot
// the model's Crash() keeps what the persistence mode made durable before the crash (AOF
// always: every acknowledged write; everysec: up to the last whole second; RDB: the last
// snapshot; none: nothing); a restarted replica fully resynchronises. A request on a connection
// the server does not know (lost in a restart) is answered kUnavailable "connection lost".
// Not modelled: command execution time, max clients, client output buffers, the idle `timeout`
// (0 by default: connections live until closed), AUTH, CLIENT KILL, replica timeouts on the
// primary side, diskless vs disk-based sync costs, WAIT.
// Trace events: redis.recovered, redis.full_sync, redis.client_reset.

#include <cstddef>

#include "models/redis/redis_directory.h"
#include "models/redis/redis_model.h"
#include "sim/env.h"
#include "sim/network.h"
#include "sim/time.h"

namespace models::redis {

struct RedisServerConfig {
  sim::Port port = 6379;
  sim::Port replication_port = 16379;  // PSYNC; the same on every node of a group
  // serverCron. REQUIRES: divides one second, so every fsync instant is visited.
  sim::Duration tick_interval = sim::Duration::Millis(100);
  // When set, the node follows the directory's primary unless it is that primary.
  const RedisDirectory* directory = nullptr;
  sim::Duration repl_timeout = sim::Duration::Seconds(1);
  sim::Duration repl_retry_interval = sim::Duration::Millis(100);
  // REQUIRES: positive and below repl_timeout.
  sim::Duration repl_long_poll = sim::Duration::Millis(100);
  size_t repl_batch_records_max = 1000;
};

// Boots a server on the node of `env`: a standalone primary, or with config.directory a member
// of a replication group. `model` is the node's durable data, owned outside the node.
// REQUIRES: model outlives the world's run and only this node serves it.
void BootRedisServer(sim::Env env, RedisModel* model, RedisServerConfig config);

// Boots a replica that follows `primary` (a node's client port; PSYNC goes to its
// config.replication_port). Without a directory the replica always follows `primary`: a
// failover needs a RedisDirectory (config.directory, which then takes precedence).
void BootRedisReplica(sim::Env env, RedisModel* model, sim::Endpoint primary,
                      RedisServerConfig config);

}  // namespace models::redis
