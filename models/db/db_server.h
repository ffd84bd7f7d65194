#pragma once
// DbServer: the program of a simulated MySQL server node, serving a DbModel over the network.
//
// Fidelity contract.
// Models: one session per client connection, created by the connection's first request and
// keyed by (client node, its incarnation, connection id); statements of one connection run one
// at a time in arrival order (MySQL reads the next command only after answering the last);
// statements that must wait for a row lock wait inside the server (the reply comes when the
// lock is granted, the wait times out after innodb_lock_wait_timeout, or a deadlock is found)
// while other sessions go on; a replica's pull of the commit log.
// Guarantees: a waiting statement is retried exactly when DbModel::TakeRunnable names its session
// (checked after every statement, commit, rollback and disconnect) or at its lock-wait deadline,
// so lock waits resolve in virtual time; what the model guarantees (db_model.h) holds for every
// interleaving of clients.
// Faults: a server crash loses every session, waiting statement and uncommitted change; at the
// next boot the model's Crash() rolls back what was in flight and keeps what was committed
// (innodb_flush_log_at_trx_commit=1); a request on a connection the server does not know (lost
// in a restart) fails with kUnavailable "connection lost", as a MySQL client sees a dropped
// connection. A client process that dies has its connections reset by its kernel: the server
// learns it within reset_check_interval once the path from the client is not partitioned (it
// reads the client node's liveness from the World: the simulated network carries no resets), and
// then rolls its session back and releases its locks; a statement of that session still waiting
// for a lock is abandoned at once (MySQL would notice the dead connection only when it next
// writes to it). A client that stops talking without dying
// (a partition, a client-side timeout whose COM_QUIT was lost) keeps its session and its locks
// until idle_timeout (MySQL's wait_timeout, 8 hours by default).
// While any session is open the server polls every reset_check_interval, so a world with open
// sessions is never idle (World::RunUntilIdle would not return; run for a duration instead).
// Not modelled: statement CPU time, connection limits (max_connections), authentication,
// KILL QUERY, TCP keepalive, half-open connections of a client process that vanished without its
// kernel sending a reset (a whole machine lost while partitioned is seen once the path heals).
// Trace events: db.recovered, db.session_opened, db.session_closed, db.commit, db.rollback,
// db.lock_wait, db.lock_wait_timeout, db.deadlock.

#include <cstddef>

#include "models/db/db_model.h"
#include "sim/env.h"
#include "sim/time.h"

namespace models::db {

struct DbServerConfig {
  sim::Port port = 3306;
  // How often the server looks for connections reset by their client's crash.
  sim::Duration reset_check_interval = sim::Duration::Millis(5);
  // MySQL's wait_timeout: an idle session is closed (and its transaction rolled back).
  sim::Duration idle_timeout = sim::Duration::Hours(8);
  // Most commit log entries one replica pull receives.
  size_t log_batch_max = 256;
};

// Boots the server on the node of `env`. `model` is the durable database, owned outside the node
// and REQUIRES: it outlives the world's run; only this node touches it.
void BootDbServer(sim::Env env, DbModel* model, DbServerConfig config);

}  // namespace models::db
