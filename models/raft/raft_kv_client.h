#pragma once
// The client of the replicated KV: finds the leader (following not-leader hints, rotating
// through the members otherwise) and retries a request under the same (client, seq) id until
// it gets an answer or its time is up, so the state machine's deduplication applies it at
// most once. Outcomes follow Jepsen: ok (an answer), fail (definitely not applied: every
// attempt was refused before reaching a log), info (some attempt may have been applied).
//
// The same API serves as a lock service (acquire with a lease returns a fencing token, the
// log index of the acquiring entry; release) and as a configuration/registry store (put/get).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/raft/raft_types.h"
#include "sim/env.h"

namespace models::raft {

enum class Outcome : uint8_t { kOk, kFail, kInfo };

struct KvResult {
  Outcome outcome = Outcome::kFail;
  KvReply reply;      // meaningful when kOk
  std::string error;  // why, when not kOk
};

class RaftKvClient {
 public:
  // `attempt_timeout` bounds one RPC; each operation's `timeout` bounds all its attempts.
  RaftKvClient(sim::Env env, std::vector<sim::NodeId> members, int64_t client_id,
               sim::Duration attempt_timeout);

  sim::Task<KvResult> Get(std::string key, sim::Duration timeout);
  sim::Task<KvResult> Put(std::string key, std::string value, sim::Duration timeout);
  sim::Task<KvResult> Cas(std::string key, std::optional<std::string> expected,
                          std::string value, sim::Duration timeout);
  // reply.ok: acquired, reply.token: the fencing token; otherwise reply.value: the holder.
  sim::Task<KvResult> Acquire(std::string lock, std::string owner, int64_t lease_ms,
                              sim::Duration timeout);
  sim::Task<KvResult> Release(std::string lock, std::string owner, int64_t token,
                              sim::Duration timeout);
  // reply.ok: the grant `token` of `owner` was still in force and now lasts `lease_ms` more.
  sim::Task<KvResult> Renew(std::string lock, std::string owner, int64_t token, int64_t lease_ms,
                            sim::Duration timeout);

  // Sends one request (a fresh seq is assigned) through the retry loop.
  sim::Task<KvResult> Execute(KvRequest request, sim::Duration timeout);

  sim::NodeId leader_guess() const { return members_[guess_]; }

 private:
  void Rotate() { guess_ = (guess_ + 1) % members_.size(); }
  void Point(sim::NodeId node);

  sim::Env env_;
  std::vector<sim::NodeId> members_;
  int64_t client_id_;
  sim::Duration attempt_timeout_;
  int64_t next_seq_ = 1;
  size_t guess_ = 0;
};

}  // namespace models::raft
