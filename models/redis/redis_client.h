#pragma once
// RedisClient: the port through which mall code talks to Redis (ARCHITECTURE.md §2). One object
// is one connection (MULTI state belongs to it). In simulation the implementation is
// SimRedisClient (an RPC per call to a RedisServer node); in real mode it is HiredisClient
// (hiredis to a real redis-server). Callers cannot tell them apart.
//
// Error rule, the same for every method: a Redis error reply (the whole reply is an error, as
// WRONGTYPE, READONLY, EXECABORT or an error raised by a script) ends as Errc::kRejected whose
// detail is the server's exact error text ("READONLY You can't write against a read only
// replica."); RejectedReply() turns it back into the Reply. kRejected is used for nothing else,
// so Command() loses no information. Errors nested in an EXEC array stay Reply values there.
// Transport outcomes: kTimeout (no answer in time: the command may or may not have run: Jepsen
// `info`), kUnavailable (refused, connection lost or broken: not run). A typed helper that
// gets a reply of a type its command never answers says kInvalid.
//
// Scripts: Eval sends `EVAL <lua_source> numkeys keys... args...` on both implementations; the
// simulated server's RedisModel recognises the registered source text and runs the script's
// sim_impl (scripts.h), the real server runs the Lua.
// REQUIRES: one call at a time per client, as on a real connection.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/redis/commands.h"
#include "models/redis/reply.h"
#include "models/redis/scripts.h"
#include "sim/result.h"
#include "sim/task.h"
#include "sim/time.h"

namespace models::redis {

// SET options the mall uses: NX (the lock acquire) or XX, and a relative TTL sent as PX.
struct SetOptions {
  bool nx = false;
  bool xx = false;
  std::optional<sim::Duration> ttl;  // whole milliseconds; REQUIRES: positive
};

// The Reply a kRejected result stands for; other errors have none (nullopt).
std::optional<Reply> RejectedReply(const sim::Error& error);
// Reply -> Result under the error rule above.
sim::Result<Reply> FromReply(Reply reply);
// The same rule in place, for a reply that arrived as an ok Result: an error reply becomes its
// kRejected error; any other reply, and a transport error, stay as they are (nothing moves).
void ApplyErrorRule(sim::Result<Reply>* result);
// Result -> Reply: the reply, or the error reply a kRejected stands for. REQUIRES: the result
// is ok or kRejected.
Reply ToReply(const sim::Result<Reply>& result);

// Turns a command's result into a typed helper's result (`command` names it in errors).
template <class T>
using ReplyConverter = sim::Result<T> (*)(const char* command, sim::Result<Reply>&& result);

class RedisClient {
 public:
  virtual ~RedisClient() = default;

  // One command as argv.
  virtual sim::Task<sim::Result<Reply>> Command(Argv argv) = 0;
  // MULTI, the commands, EXEC as one batch: the replies of the queued commands (an element may
  // be an error reply: Redis does not roll back). A refused command while queueing makes the
  // whole batch kRejected with EXECABORT's text.
  virtual sim::Task<sim::Result<std::vector<Reply>>> Exec(std::vector<Argv> commands) = 0;

  // Typed helpers over Command.
  sim::Task<sim::Result<std::optional<std::string>>> Get(std::string key);
  // true when the value was stored, false when NX / XX refused it (a nil reply).
  sim::Task<sim::Result<bool>> Set(std::string key, std::string value, SetOptions options = {});
  sim::Task<sim::Result<int64_t>> Del(std::string key);
  sim::Task<sim::Result<int64_t>> Incr(std::string key);
  sim::Task<sim::Result<int64_t>> IncrBy(std::string key, int64_t delta);
  sim::Task<sim::Result<int64_t>> DecrBy(std::string key, int64_t delta);
  // true when a deadline was set (the key exists).
  sim::Task<sim::Result<bool>> Expire(std::string key, int64_t seconds);
  sim::Task<sim::Result<bool>> PExpire(std::string key, sim::Duration ttl);
  // Fields added (0 when the field existed and was overwritten).
  sim::Task<sim::Result<int64_t>> HSet(std::string key, std::string field, std::string value);
  sim::Task<sim::Result<std::optional<std::string>>> HGet(std::string key, std::string field);
  sim::Task<sim::Result<int64_t>> HIncrBy(std::string key, std::string field, int64_t delta);
  // Members added (0 or 1).
  sim::Task<sim::Result<int64_t>> SAdd(std::string key, std::string member);
  sim::Task<sim::Result<bool>> SIsMember(std::string key, std::string member);
  // The list's length after the push.
  sim::Task<sim::Result<int64_t>> LPush(std::string key, std::string value);
  sim::Task<sim::Result<std::optional<std::string>>> RPop(std::string key);
  // The script's reply (an error it raises is kRejected, as every error reply). Not a
  // coroutine: it builds the EVAL argv at once, so `script` need not outlive the call.
  sim::Task<sim::Result<Reply>> Eval(const Script& script, const std::vector<std::string>& keys,
                                     const std::vector<std::string>& args);

 protected:
  // Command(argv), its result converted: what every typed helper is. By default a task that
  // awaits Command(); an implementation may run the command and the conversion in one task
  // (SimRedisClient does: one task and two scheduler events fewer per helper call).
  virtual sim::Task<sim::Result<int64_t>> CommandAs(Argv argv, const char* command,
                                                    ReplyConverter<int64_t> convert);
  virtual sim::Task<sim::Result<bool>> CommandAs(Argv argv, const char* command,
                                                 ReplyConverter<bool> convert);
  virtual sim::Task<sim::Result<std::optional<std::string>>> CommandAs(
      Argv argv, const char* command, ReplyConverter<std::optional<std::string>> convert);
};

}  // namespace models::redis
