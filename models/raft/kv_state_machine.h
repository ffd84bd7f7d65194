#pragma once
// The replicated KV state machine that committed Raft entries are applied to, in log order,
// on every replica: get/put/cas on string keys, a lock table whose fencing token is the log
// index of the acquiring entry (strictly increasing across holders), and per-client request
// deduplication (the client's latest request id and its result, as in the Raft thesis §6.3),
// so a retried request is applied at most once.
//
// Deterministic by construction: results depend only on the sequence of commands. Lease
// expiry uses the time the leader stamped on the command, never a replica's own clock.

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
  int64_t expires_ns = 0;
};

class KvStateMachine {
 public:
  // REQUIRES: index == last_applied() + 1.
  ApplyResult Apply(int64_t index, const Command& command);

  std::optional<std::string> Get(const std::string& key) const;
  // The result of the client's request `seq` if it is the latest one applied for the client.
  std::optional<ApplyResult> ResultOf(int64_t client, int64_t seq) const;

  int64_t last_applied() const { return last_applied_; }
  const std::map<std::string, std::string>& data() const { return data_; }
  const std::map<std::string, LockState>& locks() const { return locks_; }

 private:
  struct Session {
    int64_t seq = 0;
    ApplyResult result;
  };
  ApplyResult Execute(int64_t index, const Command& command);

  int64_t last_applied_ = 0;
  std::map<std::string, std::string> data_;
  std::map<std::string, LockState> locks_;
  std::map<int64_t, Session> sessions_;
};

}  // namespace models::raft
