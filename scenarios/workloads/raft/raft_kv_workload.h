#pragma once
// The raft_kv workload: a Raft-replicated KV (models/raft) on `nodes` replicas named
// raft1..raftN, and `clients` client nodes doing get / put / cas on `keys` keys through
// RaftKvClient, each operation recorded in the history (f = read / write / cas) for
// kv.linearizable. Written values are unique ("c<client>-<n>"), so the lin checker can use
// its polynomial algorithm on keys without cas.
//   variant raft.stale_reads = off | on             (on: deposed leaders serve stale reads)
//   variant raft.majority    = fixed | shrinking    (shrinking: catalog B-5)
//   variant raft.vote_fsync  = on | off             (off: a crash forgets the vote)
// Snapshot: each replica's role, term, commit and applied index, the leader's data, and
// election_ms_max (raft.leader_after_heal's bound).
// Converged: after heal, a probe client's linearizable read succeeds (a leader exists and a
// majority confirms it).

#include <memory>

#include "scenarios/workload.h"

namespace scenarios::raft {

std::unique_ptr<Workload> MakeRaftKvWorkload();

}  // namespace scenarios::raft
