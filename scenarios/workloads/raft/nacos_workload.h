#pragma once
// The raft_nacos workload: the Raft KV (models/raft) in the role Nacos plays in the mall, its
// configuration center and service registry, in CP mode (Nacos 1.x keeps persistent
// instances and config in its Raft group; 2.x in JRaft).
//
// Nodes: nacos1..nacosN (the replicas, and the only fault targets), `admin`, the service
// instances <service>-<k> (`services` of gulimall's order, ware, product, member, coupon, cart,
// seckill, search; `instances` of each).
// - Config center: admin publishes versions v1, v2, ... of one config, key
//   `config/gulimall.properties`, every publish_ms, as a compare-and-set on the value it read
//   (Nacos' publish with casMd5), so committed versions only grow even when a timed-out
//   publish lands late. Every instance polls the key every poll_ms (the client's long poll,
//   shortened) and replaces its local copy whenever the value read differs (the client's MD5
//   check), so a stale read rolls its config back.
// - Registry: each instance registers at start and, every restart_ms on average, does a
//   rolling restart (deregister, down for down_ms, register). A service's instance list is one
//   key, `naming/<service>` (sorted names, comma-separated), as Nacos 1.x keeps one datum per
//   service in Raft; a change is a read-modify-write that retries until a read shows it.
// Every KV operation is in the history for kv.linearizable; register/deregister are ops of
// their own.
// Variants: registry.update = cas | put (put: the naive read-modify-write writes the list it
// computed, so two instances changing one service together lose one change:
// registry.membership); raft.stale_reads = on lets a deposed leader answer polls
// (config.monotonic_reads); the other raft.* variants change the replicas.
// Snapshot: the replicas and the leader's data (RaftCluster::Snapshot), election_ms_max, and
// each instance {name, service, registered (its belief), config (applied)}.
// Converged: no publish and no registry change in flight, and every instance has applied a
// config read it started after the converge phase began.

#include <memory>

#include "scenarios/workload.h"

namespace scenarios::raft {

std::unique_ptr<Workload> MakeNacosWorkload();

}  // namespace scenarios::raft
