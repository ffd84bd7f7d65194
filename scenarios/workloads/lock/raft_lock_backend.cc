// RaftLockBackend: see raft_lock_backend.h for the fidelity contract.
#include "scenarios/workloads/lock/raft_lock_backend.h"

#include <fmt/format.h>

#include "sim/assert.h"

namespace scenarios::lock {

namespace raft = models::raft;

namespace {

// The backend's error for a KV outcome that is not an answer.
sim::Error KvError(const raft::KvResult& r) {
  const sim::Errc code =
      r.outcome == raft::Outcome::kInfo ? sim::Errc::kTimeout : sim::Errc::kUnavailable;
  return sim::MakeError(code, "raft lock: " + r.error);
}

}  // namespace

RaftLockBackend::RaftLockBackend(sim::Env env, RaftLockConfig config)
    : env_(env), config_(std::move(config)),
      client_(env, config_.members, config_.session, config_.attempt_timeout),
      renewal_(env, config_.members, config_.session + 1, config_.attempt_timeout) {
  SIM_ASSERT(!config_.owner.empty());
  SIM_ASSERT(config_.owner.find('#') == std::string::npos);
}

int64_t RaftLockBackend::KvToken(const LockGrant& grant) {
  const size_t hash = grant.value.rfind('#');
  SIM_ASSERT_MSG(hash != std::string::npos, "not a raft lock grant: " << grant.value);
  return std::stoll(grant.value.substr(hash + 1));
}

sim::Task<sim::Result<std::optional<LockGrant>>> RaftLockBackend::Acquire(sim::Duration lease) {
  SIM_ASSERT(lease > sim::Duration::Zero());
  const raft::KvResult r =
      co_await client_.Acquire(config_.key, config_.owner, lease.millis(), config_.call_timeout);
  if (r.outcome != raft::Outcome::kOk) co_return KvError(r);
  if (!r.reply.ok) co_return std::optional<LockGrant>{};
  LockGrant grant;
  grant.value = fmt::format("{}#{}", config_.owner, r.reply.token);
  grant.token = config_.fencing ? r.reply.token : -1;
  co_return std::optional<LockGrant>(std::move(grant));
}

sim::Task<sim::Result<Released>> RaftLockBackend::Release(LockGrant grant) {
  Released out;
  // Every retry carries the same request id, so the deletion, if any, happened after this.
  out.delete_sent = env_.Now();
  const raft::KvResult r =
      co_await client_.Release(config_.key, config_.owner, KvToken(grant), config_.call_timeout);
  if (r.outcome != raft::Outcome::kOk) co_return KvError(r);
  out.deleted = r.reply.ok;
  co_return out;
}

sim::Task<sim::Result<bool>> RaftLockBackend::Renew(LockGrant grant, sim::Duration lease) {
  SIM_ASSERT(lease > sim::Duration::Zero());
  const raft::KvResult r = co_await renewal_.Renew(config_.key, config_.owner, KvToken(grant),
                                                   lease.millis(), config_.call_timeout);
  if (r.outcome != raft::Outcome::kOk) co_return KvError(r);
  co_return r.reply.ok;
}

}  // namespace scenarios::lock
