#pragma once
// Raft's vocabulary: configuration (with the course notes' buggy variants), log entries, the
// replicated KV commands and the messages between replicas and clients.
//
// Fidelity contract (whole models/raft folder): a Raft replica group after Ongaro & Ousterhout
// ("In Search of an Understandable Consensus Algorithm", 2014) and the course notes 003:575-605:
// randomized election timeouts (150-300 ms), heartbeats much shorter, votes once per term with
// the log-up-to-date check, AppendEntries with the consistency check and conflict truncation,
// commit by a majority of the fixed membership counting only entries of the leader's current
// term directly, step-down on any higher term, term/vote/log fsynced before answering, and
// linearizable reads through read-index (a heartbeat round confirms leadership). Faults
// supported: every kernel fault (crash with unsynced-disk loss, restart, pause, partitions,
// loss, duplication, reordering, clock skew and jumps; the protocol only uses the monotonic
// timer, while lock leases are judged on the leaders' wall-clock stamps: kv_state_machine.h).
// Not modelled: membership changes, log compaction and snapshots, pre-vote, leader transfer,
// batching limits beyond append_batch_max, message sizes.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/network.h"
#include "sim/time.h"

namespace models::raft {

inline constexpr sim::Port kVotePort = 7100;
inline constexpr sim::Port kAppendPort = 7101;
inline constexpr sim::Port kClientPort = 7102;

// How a leader or candidate counts a majority.
enum class MajorityRule : uint8_t {
  kFixed,      // a majority of the membership fixed at start (correct, 003:601)
  kShrinking,  // B-5 (003:595): "the cluster size becomes 3" after a partition: a majority of
               // the nodes heard from recently, so a minority side elects and commits
};

struct RaftConfig {
  std::vector<sim::NodeId> members;  // the fixed membership, this node included
  sim::Duration election_min = sim::Duration::Millis(150);
  sim::Duration election_max = sim::Duration::Millis(300);
  sim::Duration heartbeat = sim::Duration::Millis(50);
  sim::Duration rpc_timeout = sim::Duration::Millis(60);
  // How long a client request waits for its entry to commit before answering kUnknown.
  sim::Duration client_wait_max = sim::Duration::Millis(1000);
  size_t append_batch_max = 64;
  // Variant raft.stale_reads: a leader serves reads from local state without confirming it is
  // still leader (INV-R4 broken by a deposed leader).
  bool stale_reads = false;
  // Variant raft.majority.
  MajorityRule majority = MajorityRule::kFixed;
  // Under kShrinking: a peer silent for longer than this drops out of the "cluster size".
  sim::Duration reachable_window = sim::Duration::Millis(300);
  // Variant raft.vote_fsync: off writes term and vote without fsync, so a crash that loses
  // unsynced writes forgets the vote and the node may vote twice in one term (INV-R1).
  bool vote_fsync = true;
  // Test-only variant (the Raft paper's Figure 8): the leader commits any entry it knows is
  // stored on a majority, entries of earlier terms included. Such an entry can still be
  // overwritten by a leader elected without it, so a "committed" entry is lost; the correct
  // rule (false) counts replicas only for entries of the leader's own term (§5.4.2).
  bool commit_older_terms_by_count = false;
};

enum class CommandKind : uint8_t { kNoop, kPut, kCas, kAcquire, kRelease, kRenew };

// A state-machine command. Requests are identified by (client, seq) for deduplication; a
// no-op (appended by every new leader) carries its term in seq so no-ops stay distinct.
struct Command {
  CommandKind kind = CommandKind::kNoop;
  int64_t client = 0;
  int64_t seq = 0;
  std::string key;
  std::string value;                    // put/cas: the new value; acquire/release: the owner
  std::optional<std::string> expected;  // cas: nullopt means "absent"
  int64_t lease_ns = 0;                 // acquire/renew: how long the lock is held
  int64_t token = 0;                    // release/renew: the holder's fencing token
  // The proposing leader's wall clock (LocalNow) when it appended the entry, no-ops included:
  // the only clock lease expiry is judged by (kv_state_machine.h explains why it is safe).
  int64_t time_ns = 0;

  // "put/c3/s17", "noop/t5": unique per client request; used by traces and checkers.
  std::string Id() const;
  std::string Serialize() const;
  static std::optional<Command> Parse(const std::string& text);
};

struct LogEntry {
  int64_t term = 0;
  Command command;
};

struct VoteRequest {
  int64_t term = 0;
  sim::NodeId candidate = 0;
  int64_t last_index = 0;
  int64_t last_term = 0;
};
struct VoteReply {
  int64_t term = 0;
  bool granted = false;
};

struct AppendRequest {
  int64_t term = 0;
  sim::NodeId leader = 0;
  int64_t prev_index = 0;
  int64_t prev_term = 0;
  std::vector<LogEntry> entries;
  int64_t leader_commit = 0;
};
struct AppendReply {
  int64_t term = 0;
  bool success = false;
  int64_t match_index = 0;     // on success: the last index known to match the leader
  int64_t conflict_index = 0;  // on failure: where the leader should retry from
};

enum class KvOp : uint8_t { kGet, kPut, kCas, kAcquire, kRelease, kRenew };

struct KvRequest {
  KvOp op = KvOp::kGet;
  int64_t client = 0;
  int64_t seq = 0;
  std::string key;
  std::string value;
  std::optional<std::string> expected;
  int64_t lease_ms = 0;
  int64_t token = 0;
};

enum class KvStatus : uint8_t {
  kOk,         // applied (or read); see the reply fields
  kNotLeader,  // definitely not applied here; leader_hint may name the leader
  kUnknown,    // proposed but not known to be committed (leadership lost, wait expired)
};

struct KvReply {
  KvStatus status = KvStatus::kOk;
  sim::NodeId leader_hint = 0;  // 0: unknown
  bool ok = true;  // cas: swapped; acquire: acquired; release: released; renew: extended
  std::optional<std::string> value;  // get: the value; acquire failure: the holder
  int64_t token = 0;                 // acquire: the fencing token (the entry's log index)
  int64_t index = 0;                 // the log index the result comes from
};

const char* CommandKindName(CommandKind kind);

}  // namespace models::raft
