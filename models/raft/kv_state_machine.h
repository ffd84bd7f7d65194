#pragma once
// The replicated KV state machine that committed Raft entries are applied to, in log order,
// on every replica: get/put/cas on string keys, a lock table whose fencing token is the log
// index of the acquiring entry (strictly increasing across holders), and per-client request
// deduplication (the client's latest request id and its result, as in the Raft thesis §6.3),
// so a retried request is applied at most once.
//
// Deterministic by construction: results depend only on the sequence of commands. Lease
// expiry uses the times leaders stamped on the commands, never a replica's own clock.
//
// Lease time (the choice and why it is safe). Each entry carries its proposing leader's wall
// clock (LocalNow). The machine's clock is the largest stamp seen since the current term's
// no-op, so a leader's clock stepping back never moves it back (a lease only lasts longer).
// Every new term's no-op drops the leases already over on the previous term's clock and
// restarts every live lease for its full length from that no-op's stamp
// (as etcd refreshes leases on a leader change): lease ends and the stamps they are compared
// with then always come from one leader's clock, so a skew between replicas, or a new leader
// whose clock is ahead, never ends a lease early. A lease granted at stamp t therefore lasts at
// least `lease` of one leader's clock time after t, which is at least lease*(1-drift) of real
// time, and the holder received its grant after t. What it cannot survive: a leader's wall
// clock jumping forward (or running much faster) inside a term ends leases early; and a holder
// paused past its lease still believes it holds the lock. Only fencing tokens (the entry's log
// index, strictly increasing across grants) protect a resource in those cases.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "models/raft/raft_types.h"

namespace models::raft {

struct ApplyResult {
  bool ok = true;                    // cas: swapped; acquire: acquired; release: released
  std::optional<std::string> value;  // acquire failure: the holder
  int64_t token = 0;                 // acquire: the fencing token
  int64_t index = 0;                 // the log index that produced this result
};

struct LockState {
  std::string owner;
  int64_t token = 0;
  int64_t expires_ns = 0;  // on the replicated clock (clock_ns)
  int64_t lease_ns = 0;    // the lease the holder asked for, restarted at each new term
};

class KvStateMachine {
 public:
  // REQUIRES: index == last_applied() + 1.
  ApplyResult Apply(int64_t index, const Command& command);

  std::optional<std::string> Get(const std::string& key) const;
  // The result of the client's request `seq` if it is the latest one applied for the client.
  std::optional<ApplyResult> ResultOf(int64_t client, int64_t seq) const;

  int64_t last_applied() const { return last_applied_; }
  // The replicated clock: the largest leader stamp applied in the current term.
  int64_t clock_ns() const { return clock_ns_; }
  const std::map<std::string, std::string>& data() const { return data_; }
  const std::map<std::string, LockState>& locks() const { return locks_; }

 private:
  struct Session {
    int64_t seq = 0;
    ApplyResult result;
  };
  ApplyResult Execute(int64_t index, const Command& command);

  int64_t last_applied_ = 0;
  int64_t clock_ns_ = 0;
  std::map<std::string, std::string> data_;
  std::map<std::string, LockState> locks_;
  std::map<int64_t, Session> sessions_;
};

}  // namespace models::raft
