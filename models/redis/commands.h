#pragma once
// Fidelity contract: the data commands of Redis 7.0 (strings, keys and expiry, hashes, sets,
// lists, flush, ping, dbsize) executed against one Keyspace, with the real server's argument
// parsing order and exact error strings (checked against redis-server 7.0.15 by
// tests/models/redis/conformance_test.cc).
//
// Each handler also reports its effect as normalized, replayable commands (like Redis's own
// command propagation to the AOF and replicas): relative expiries become absolute PEXPIREAT /
// SET ... PXAT, INCR-style commands become SET ... KEEPTTL, and lazily expired keys become DEL.
// Replaying the effects in ExpiryMode::kIgnore on an equal keyspace yields an equal keyspace.
//
// Transactions, scripts, arity and unknown-command handling live in RedisModel, which owns
// the client state; this layer is pure: (keyspace, time, argv) -> (reply, keyspace', effects).
// Not modelled: commands outside the table (they are "unknown" to the model), multiple logical
// databases (SELECT), keyspace notifications, client-side caching invalidation.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "models/redis/keyspace.h"
#include "models/redis/reply.h"

namespace models::redis {

using Argv = std::vector<std::string>;

// How a command sees keys whose deadline has passed.
enum class ExpiryMode : uint8_t {
  kDelete,  // a primary: an expired key is deleted on access and a DEL is propagated
  kHide,    // a replica serving reads: expired keys look absent but stay until the primary's DEL
  kIgnore,  // replaying the AOF or the replication stream: deadlines are not checked at all
};

// The normalized writes of one atomic unit (a command, an EXEC, a script's run), in order.
// When nothing reads the write stream (no AOF or RDB, no backlog) only their number is kept:
// the stream offset still moves once per unit that wrote, and building the commands, on every
// write's path, would be wasted.
class EffectLog {
 public:
  explicit EffectLog(bool keep_commands) : keep_commands_(keep_commands) {}

  void Add(std::initializer_list<std::string_view> words);
  void Add(const Argv& command);

  size_t count() const { return count_; }
  bool keeps_commands() const { return keep_commands_; }
  // REQUIRES: keeps_commands().
  std::vector<Argv> TakeCommands();

 private:
  bool keep_commands_;
  size_t count_ = 0;
  std::vector<Argv> commands_;  // empty unless keep_commands_
};

struct ExecContext {
  Keyspace* keyspace = nullptr;
  int64_t now_ms = 0;  // absolute milliseconds, the same clock as Entry::expire_at_ms
  ExpiryMode expiry = ExpiryMode::kDelete;
  EffectLog* effects = nullptr;  // null when nothing is recorded (replay)
};

using CommandHandler = Reply (*)(ExecContext&, const Argv&);

// Commands RedisModel implements itself because they need client or script state.
enum class CommandKind : uint8_t { kData, kMulti, kExec, kDiscard, kEval };

struct CommandSpec {
  std::string_view name;  // lower case, as Redis prints it in arity errors
  int arity;              // Redis convention: n means exactly n, -n means at least n
  bool write;             // refused on a read-only replica
  CommandKind kind;
  CommandHandler handler;  // null unless kind == kData
};

// Case-insensitive lookup; null for commands the model does not know.
const CommandSpec* FindCommand(std::string_view name);
bool ArityOk(const CommandSpec& spec, size_t argc);

// Shared helpers for the handlers.
bool IsExpired(const Entry& entry, int64_t now_ms);
// The key's entry as the command should see it, applying ctx.expiry.
Entry* LookupKey(ExecContext& ctx, std::string_view key);
// Records a normalized write. The words may point into temporaries: they are copied, and only
// when the log keeps commands.
void Propagate(ExecContext& ctx, std::initializer_list<std::string_view> words);
void Propagate(ExecContext& ctx, const Argv& command);
std::string Lower(std::string_view text);

// The value of type T stored under key (null when absent), or null with *wrong_type set when
// the key holds another type.
template <class T>
T* LookupOrNull(ExecContext& ctx, const std::string& key, bool* wrong_type) {
  Entry* entry = LookupKey(ctx, key);
  *wrong_type = false;
  if (entry == nullptr) return nullptr;
  T* value = std::get_if<T>(&entry->value);
  *wrong_type = value == nullptr;
  return value;
}

// As LookupOrNull, but an absent key is created holding an empty T. REQUIRES: the caller
// stores at least one element before returning, since empty aggregates must not exist.
template <class T>
T* LookupOrCreate(ExecContext& ctx, const std::string& key, bool* wrong_type) {
  T* value = LookupOrNull<T>(ctx, key, wrong_type);
  if (value != nullptr || *wrong_type) return value;
  ctx.keyspace->Put(key, T{}, false);
  return std::get_if<T>(&ctx.keyspace->Find(key)->value);
}

Reply ErrWrongType();
Reply ErrSyntax();
Reply ErrNotInteger();
Reply ErrArity(std::string_view command);
Reply ErrInvalidExpire(std::string_view command);
Reply ErrOverflow();

// Handlers, grouped by file: commands_keys.cc, commands_strings.cc, commands_hash_set.cc,
// commands_list.cc.
Reply CmdDel(ExecContext& ctx, const Argv& argv);
Reply CmdExists(ExecContext& ctx, const Argv& argv);
Reply CmdExpire(ExecContext& ctx, const Argv& argv);
Reply CmdPexpire(ExecContext& ctx, const Argv& argv);
Reply CmdExpireat(ExecContext& ctx, const Argv& argv);
Reply CmdPexpireat(ExecContext& ctx, const Argv& argv);
Reply CmdTtl(ExecContext& ctx, const Argv& argv);
Reply CmdPttl(ExecContext& ctx, const Argv& argv);
Reply CmdPersist(ExecContext& ctx, const Argv& argv);
Reply CmdType(ExecContext& ctx, const Argv& argv);
Reply CmdFlushall(ExecContext& ctx, const Argv& argv);
Reply CmdFlushdb(ExecContext& ctx, const Argv& argv);
Reply CmdPing(ExecContext& ctx, const Argv& argv);
Reply CmdDbsize(ExecContext& ctx, const Argv& argv);

Reply CmdGet(ExecContext& ctx, const Argv& argv);
Reply CmdSet(ExecContext& ctx, const Argv& argv);
Reply CmdIncr(ExecContext& ctx, const Argv& argv);
Reply CmdDecr(ExecContext& ctx, const Argv& argv);
Reply CmdIncrby(ExecContext& ctx, const Argv& argv);
Reply CmdDecrby(ExecContext& ctx, const Argv& argv);

Reply CmdHset(ExecContext& ctx, const Argv& argv);
Reply CmdHget(ExecContext& ctx, const Argv& argv);
Reply CmdHdel(ExecContext& ctx, const Argv& argv);
Reply CmdHgetall(ExecContext& ctx, const Argv& argv);
Reply CmdHincrby(ExecContext& ctx, const Argv& argv);
Reply CmdHexists(ExecContext& ctx, const Argv& argv);
Reply CmdHlen(ExecContext& ctx, const Argv& argv);
Reply CmdSadd(ExecContext& ctx, const Argv& argv);
Reply CmdSrem(ExecContext& ctx, const Argv& argv);
Reply CmdSismember(ExecContext& ctx, const Argv& argv);
Reply CmdSmembers(ExecContext& ctx, const Argv& argv);
Reply CmdScard(ExecContext& ctx, const Argv& argv);

Reply CmdLpush(ExecContext& ctx, const Argv& argv);
Reply CmdRpush(ExecContext& ctx, const Argv& argv);
Reply CmdLpop(ExecContext& ctx, const Argv& argv);
Reply CmdRpop(ExecContext& ctx, const Argv& argv);
Reply CmdLrange(ExecContext& ctx, const Argv& argv);
Reply CmdLlen(ExecContext& ctx, const Argv& argv);

}  // namespace models::redis
