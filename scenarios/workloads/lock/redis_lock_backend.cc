// RedisLockBackend: see redis_lock_backend.h for the fidelity contract.
#include "scenarios/workloads/lock/redis_lock_backend.h"

#include <fmt/format.h>

#include "models/redis/scripts.h"
#include "sim/assert.h"

namespace scenarios::lock {

namespace redis = models::redis;

RedisLockBackend::RedisLockBackend(sim::Env env, RedisLockConfig config,
                                   redis::RedisClient* client, redis::RedisClient* renewal)
    : env_(env), config_(std::move(config)), client_(client), renewal_(renewal) {
  SIM_ASSERT(config_.stage >= 1);
  SIM_ASSERT(config_.stage <= 5);
  SIM_ASSERT(client_ != nullptr);
  SIM_ASSERT(renewal_ != nullptr);
  SIM_ASSERT(client_ != renewal_);
}

std::string RedisLockBackend::NextValue(int64_t token) {
  ++acquisitions_;
  // Stages 1-3 write the slides' constant; 4 and 5 a value no other acquisition uses (the
  // UUID of 000:933).
  std::string base = config_.stage <= 3
                         ? std::string(kConstantLockValue)
                         : fmt::format("{}#{}", config_.owner, acquisitions_);
  if (token < 0) return base;
  return fmt::format("{}:{}", token, base);
}

sim::Task<sim::Result<std::optional<LockGrant>>> RedisLockBackend::Acquire(sim::Duration lease) {
  SIM_ASSERT(lease > sim::Duration::Zero());
  int64_t token = -1;
  if (config_.fencing) {
    sim::Result<int64_t> fence = co_await client_->Incr(config_.fence_key);
    if (!fence.ok()) co_return fence.error();
    token = *fence;
  }
  const std::string value = NextValue(token);
  redis::SetOptions options;
  options.nx = true;
  // Stages 1 and 2 set no expiry with the value (SETNX); 3-5 set it atomically (SET NX PX).
  if (config_.stage >= 3) options.ttl = lease;
  sim::Result<bool> set = co_await client_->Set(config_.key, value, options);
  if (!set.ok()) co_return set.error();
  if (!*set) co_return std::optional<LockGrant>{};
  if (config_.stage == 2) {
    // F-2: the expiry is a second command; a crash in this gap leaves the key forever.
    env_.Trace("lock.setnx_ok", {{"value", value}});
    sim::Result<bool> expire = co_await client_->PExpire(config_.key, lease);
    // As the slides' code, the holder goes on whatever EXPIRE answered.
    if (!expire.ok()) env_.Trace("lock.expire_failed", {{"error", expire.error().ToString()}});
  }
  LockGrant grant;
  grant.value = value;
  grant.token = token;
  co_return std::optional<LockGrant>(std::move(grant));
}

sim::Task<sim::Result<Released>> RedisLockBackend::Release(LockGrant grant) {
  Released out;
  if (config_.stage <= 3) {
    out.delete_sent = env_.Now();
    // F-3: an unconditional DEL removes whatever lock is there, the next holder's included.
    sim::Result<int64_t> deleted = co_await client_->Del(config_.key);
    if (!deleted.ok()) co_return deleted.error();
    out.deleted = *deleted == 1;
    co_return out;
  }
  if (config_.stage == 4) {
    sim::Result<std::optional<std::string>> current = co_await client_->Get(config_.key);
    if (!current.ok()) co_return current.error();
    if (!current->has_value() || **current != grant.value) co_return out;
    // F-4: the lease may end right here; the DEL below then removes the next holder's lock.
    env_.Trace("lock.unlock_checked", {{"value", grant.value}});
    // A fault triggered by that event (a pause) acts before the DEL is sent: yield through
    // the scheduler, which parks a paused node's work.
    co_await env_.Sleep(sim::Duration::Zero());
    out.delete_sent = env_.Now();
    sim::Result<int64_t> deleted = co_await client_->Del(config_.key);
    if (!deleted.ok()) co_return deleted.error();
    out.deleted = *deleted == 1;
    co_return out;
  }
  out.delete_sent = env_.Now();
  const std::vector<std::string> keys{config_.key};
  const std::vector<std::string> args{grant.value};
  sim::Result<redis::Reply> reply =
      co_await client_->Eval(redis::CompareAndDeleteUnlockScript(), keys, args);
  if (!reply.ok()) co_return reply.error();
  if (reply->type() != redis::Reply::Type::kInteger) {
    co_return sim::MakeError(sim::Errc::kInvalid, "unlock script answered " + reply->ToString());
  }
  out.deleted = reply->integer() == 1;
  co_return out;
}

sim::Task<sim::Result<bool>> RedisLockBackend::Renew(LockGrant grant, sim::Duration lease) {
  SIM_ASSERT(lease > sim::Duration::Zero());
  const std::vector<std::string> keys{config_.key};
  const std::vector<std::string> args{grant.value, std::to_string(lease.millis())};
  sim::Result<redis::Reply> reply =
      co_await renewal_->Eval(redis::LockRenewScript(), keys, args);
  if (!reply.ok()) co_return reply.error();
  if (reply->type() != redis::Reply::Type::kInteger) {
    co_return sim::MakeError(sim::Errc::kInvalid, "renew script answered " + reply->ToString());
  }
  co_return reply->integer() == 1;
}

}  // namespace scenarios::lock
