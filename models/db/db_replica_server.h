#pragma once
// DbReplicaServer: the program of a simulated asynchronous read replica node.
//
// Fidelity contract.
// Models: MySQL asynchronous replication seen from the replica: the replica pulls the primary's
// commit log (binlog dump) over the simulated network every poll_interval (at once again after
// a pull that brought entries) and applies it in order, so network latency, loss, partitions and a
// down primary all show up as replication lag; reads are served from the applied prefix. It
// answers the same requests as a DbServer (SimSqlClient works against it unchanged): plain
// SELECT and Get read the replica; INSERT, UPDATE, DELETE and FOR UPDATE fail with kRejected
// "read-only replica" (MySQL's super_read_only error 1290); BEGIN, COMMIT, ROLLBACK and closing
// succeed and do nothing (a read-only transaction), so a replica keeps no sessions and never
// answers "connection lost".
// Guarantees: the replica's state is always a prefix of the primary's commit history; reads never
// see anything uncommitted; after the network heals the replica catches up within a few polls.
// Faults: a crash of the replica node stops pulling and serving; the applied state (owned outside
// the node, like the primary's) survives, as a crash-safe MySQL replica's relay position does.
// Not modelled: semi-synchronous replication, replica lag from apply cost, failover or promotion,
// chained replicas (a replica does not serve the log), reads of tables not yet replicated (they
// fail with no_such_table, as on a replica that has not caught up with the CREATE TABLE).
// Trace events: db.replica_applied.

#include "models/db/replica.h"
#include "sim/env.h"
#include "sim/time.h"

namespace models::db {

struct DbReplicaOptions {
  sim::Port port = 0;  // 0: the primary's port number
  sim::Duration pull_timeout = sim::Duration::Seconds(1);
};

// REQUIRES: `replica` outlives the run and only this node touches it.
void BootDbReplica(sim::Env env, DbReplica* replica, sim::Endpoint primary,
                   sim::Duration poll_interval, DbReplicaOptions options = {});

}  // namespace models::db
