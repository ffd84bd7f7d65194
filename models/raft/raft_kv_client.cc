#include "models/raft/raft_kv_client.h"

#include <algorithm>

#include "sim/assert.h"

namespace models::raft {

using namespace sim::literals;

RaftKvClient::RaftKvClient(sim::Env env, std::vector<sim::NodeId> members, int64_t client_id,
                           sim::Duration attempt_timeout)
    : env_(env), members_(std::move(members)), client_id_(client_id),
      attempt_timeout_(attempt_timeout) {
  SIM_ASSERT(!members_.empty());
  guess_ = env_.rng().Index(members_.size());
}

void RaftKvClient::Point(sim::NodeId node) {
  for (size_t i = 0; i < members_.size(); ++i) {
    if (members_[i] == node) guess_ = i;
  }
}

sim::Task<KvResult> RaftKvClient::Execute(KvRequest request, sim::Duration timeout) {
  request.client = client_id_;
  request.seq = next_seq_++;
  const sim::Instant deadline = env_.Now() + timeout;
  bool maybe_applied = false;
  std::string last_error = "no attempt";
  // Bounded: every attempt takes time (an RPC or a backoff sleep) and the deadline is fixed.
  while (env_.Now() < deadline) {
    const sim::Duration attempt = std::min(attempt_timeout_, deadline - env_.Now());
    const sim::NodeId target = leader_guess();
    auto r = co_await env_.Call<KvReply>(sim::Endpoint{target, kClientPort}, request, attempt);
    if (r.ok() && r->status == KvStatus::kOk) co_return KvResult{Outcome::kOk, *r, {}};
    if (r.ok() && r->status == KvStatus::kNotLeader) {
      last_error = "not leader";
      if (r->leader_hint != 0 && r->leader_hint != target) {
        Point(r->leader_hint);
        continue;
      }
      Rotate();
      co_await env_.Sleep(10_ms);  // nobody knows a leader yet: an election is under way
      continue;
    }
    if (r.ok()) {
      // kUnknown: proposed to a log, fate unknown.
      maybe_applied = true;
      last_error = "unknown: leadership lost or commit wait expired";
    } else {
      maybe_applied = maybe_applied || r.error().Indeterminate();
      last_error = r.error().ToString();
      if (!r.error().Indeterminate()) co_await env_.Sleep(10_ms);
    }
    Rotate();
  }
  const bool read = request.op == KvOp::kGet;
  const Outcome outcome = maybe_applied && !read ? Outcome::kInfo : Outcome::kFail;
  co_return KvResult{outcome, {}, last_error};
}

sim::Task<KvResult> RaftKvClient::Get(std::string key, sim::Duration timeout) {
  KvRequest r;
  r.op = KvOp::kGet;
  r.key = std::move(key);
  KvResult result = co_await Execute(std::move(r), timeout);
  co_return result;
}

sim::Task<KvResult> RaftKvClient::Put(std::string key, std::string value, sim::Duration timeout) {
  KvRequest r;
  r.op = KvOp::kPut;
  r.key = std::move(key);
  r.value = std::move(value);
  KvResult result = co_await Execute(std::move(r), timeout);
  co_return result;
}

sim::Task<KvResult> RaftKvClient::Cas(std::string key, std::optional<std::string> expected,
                                      std::string value, sim::Duration timeout) {
  KvRequest r;
  r.op = KvOp::kCas;
  r.key = std::move(key);
  r.expected = std::move(expected);
  r.value = std::move(value);
  KvResult result = co_await Execute(std::move(r), timeout);
  co_return result;
}

sim::Task<KvResult> RaftKvClient::Acquire(std::string lock, std::string owner, int64_t lease_ms,
                                          sim::Duration timeout) {
  KvRequest r;
  r.op = KvOp::kAcquire;
  r.key = std::move(lock);
  r.value = std::move(owner);
  r.lease_ms = lease_ms;
  KvResult result = co_await Execute(std::move(r), timeout);
  co_return result;
}

sim::Task<KvResult> RaftKvClient::Release(std::string lock, std::string owner, int64_t token,
                                          sim::Duration timeout) {
  KvRequest r;
  r.op = KvOp::kRelease;
  r.key = std::move(lock);
  r.value = std::move(owner);
  r.token = token;
  KvResult result = co_await Execute(std::move(r), timeout);
  co_return result;
}

sim::Task<KvResult> RaftKvClient::Renew(std::string lock, std::string owner, int64_t token,
                                        int64_t lease_ms, sim::Duration timeout) {
  KvRequest r;
  r.op = KvOp::kRenew;
  r.key = std::move(lock);
  r.value = std::move(owner);
  r.token = token;
  r.lease_ms = lease_ms;
  KvResult result = co_await Execute(std::move(r), timeout);
  co_return result;
}

}  // namespace models::raft
