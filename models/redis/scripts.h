#pragma once
// Fidelity contract: the Lua scripts the mall sends to Redis, each written once as a named
// Script: lua_source is what real mode sends with EVAL; sim_impl is the same logic in C++,
// run by RedisModel atomically (nothing else executes while it runs, as in Redis). The
// conformance test runs both on generated inputs and requires the same replies and the same
// resulting keys.
//
// A sim_impl issues Redis commands with RedisModel::Call (the model's redis.call). When a call
// fails the sim_impl returns that error unchanged, as redis.call raises it; RedisModel then
// appends the context the real server adds (" script: <sha1>, on @user_script:1."), which is
// exact for one-line sources like the ones below.
// Not modelled: Lua itself. Inputs outside what a sim_impl documents (e.g. a semaphore counter
// that is not a canonical integer) are out of scope: the sim_impl answers with an error there.

#include <functional>
#include <string>
#include <vector>

#include "models/redis/reply.h"
#include "sim/time.h"

namespace models::redis {

class RedisModel;

struct Script {
  using Impl = std::function<Reply(RedisModel& model, const std::vector<std::string>& keys,
                                   const std::vector<std::string>& args, sim::Instant now)>;
  std::string name;
  std::string lua_source;
  Impl sim_impl;
};

// KEYS[1] = lock key, ARGV[1] = owner token. Deletes the key only when it still holds the
// caller's token; returns DEL's reply (1) or 0. The lock release of the course (stage 5).
const Script& CompareAndDeleteUnlockScript();

// KEYS[1] = order:token<memberId>, ARGV[1] = submitted token. The same compare-and-delete,
// in the exact text of Gulimall's OrderServiceImpl#submitOrder; 0 means "token invalid".
const Script& OrderTokenCheckAndDeleteScript();

// KEYS[1] = semaphore counter, ARGV[1] = permits. Redisson RSemaphore#tryAcquire(n): when the
// counter exists and is >= n, DECRBY n and return 1; otherwise 0 (a missing key is 0 permits).
const Script& SemaphoreTryAcquireScript();

// KEYS[1] = lock key, ARGV[1] = owner token, ARGV[2] = lease in ms. Compare-and-PEXPIRE: the
// owner extends its lease (the watchdog renewal); returns PEXPIRE's reply (1) or 0.
const Script& LockRenewScript();

// Every named script above, in a fixed order.
const std::vector<const Script*>& NamedScripts();

}  // namespace models::redis
