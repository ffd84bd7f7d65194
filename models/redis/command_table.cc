// The command table and the helpers every handler shares. Arity and write flags are copied
// from Redis 7.0's command table (src/commands.c), since arity errors and READONLY refusals
// must match the real server.
#include <algorithm>
#include <array>
#include <cctype>

#include "models/redis/commands.h"

namespace models::redis {
namespace {

constexpr CommandKind kData = CommandKind::kData;

// Sorted by name so lookup is a binary search.
constexpr std::array kCommands = {
    CommandSpec{"dbsize", 1, false, kData, &CmdDbsize},
    CommandSpec{"decr", 2, true, kData, &CmdDecr},
    CommandSpec{"decrby", 3, true, kData, &CmdDecrby},
    CommandSpec{"del", -2, true, kData, &CmdDel},
    CommandSpec{"discard", 1, false, CommandKind::kDiscard, nullptr},
    CommandSpec{"eval", -3, false, CommandKind::kEval, nullptr},
    CommandSpec{"exec", 1, false, CommandKind::kExec, nullptr},
    CommandSpec{"exists", -2, false, kData, &CmdExists},
    CommandSpec{"expire", -3, true, kData, &CmdExpire},
    CommandSpec{"expireat", -3, true, kData, &CmdExpireat},
    CommandSpec{"flushall", -1, true, kData, &CmdFlushall},
    CommandSpec{"flushdb", -1, true, kData, &CmdFlushdb},
    CommandSpec{"get", 2, false, kData, &CmdGet},
    CommandSpec{"hdel", -3, true, kData, &CmdHdel},
    CommandSpec{"hexists", 3, false, kData, &CmdHexists},
    CommandSpec{"hget", 3, false, kData, &CmdHget},
    CommandSpec{"hgetall", 2, false, kData, &CmdHgetall},
    CommandSpec{"hincrby", 4, true, kData, &CmdHincrby},
    CommandSpec{"hlen", 2, false, kData, &CmdHlen},
    CommandSpec{"hset", -4, true, kData, &CmdHset},
    CommandSpec{"incr", 2, true, kData, &CmdIncr},
    CommandSpec{"incrby", 3, true, kData, &CmdIncrby},
    CommandSpec{"llen", 2, false, kData, &CmdLlen},
    CommandSpec{"lpop", -2, true, kData, &CmdLpop},
    CommandSpec{"lpush", -3, true, kData, &CmdLpush},
    CommandSpec{"lrange", 4, false, kData, &CmdLrange},
    CommandSpec{"multi", 1, false, CommandKind::kMulti, nullptr},
    CommandSpec{"persist", 2, true, kData, &CmdPersist},
    CommandSpec{"pexpire", -3, true, kData, &CmdPexpire},
    CommandSpec{"pexpireat", -3, true, kData, &CmdPexpireat},
    CommandSpec{"ping", -1, false, kData, &CmdPing},
    CommandSpec{"pttl", 2, false, kData, &CmdPttl},
    CommandSpec{"rpop", -2, true, kData, &CmdRpop},
    CommandSpec{"rpush", -3, true, kData, &CmdRpush},
    CommandSpec{"sadd", -3, true, kData, &CmdSadd},
    CommandSpec{"scard", 2, false, kData, &CmdScard},
    CommandSpec{"set", -3, true, kData, &CmdSet},
    CommandSpec{"sismember", 3, false, kData, &CmdSismember},
    CommandSpec{"smembers", 2, false, kData, &CmdSmembers},
    CommandSpec{"srem", -3, true, kData, &CmdSrem},
    CommandSpec{"ttl", 2, false, kData, &CmdTtl},
    CommandSpec{"type", 2, false, kData, &CmdType},
};

constexpr bool SortedByName() {
  for (size_t i = 1; i < kCommands.size(); ++i) {
    if (!(kCommands[i - 1].name < kCommands[i].name)) return false;
  }
  return true;
}
static_assert(SortedByName(), "kCommands must stay sorted for binary search");

}  // namespace

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

const CommandSpec* FindCommand(std::string_view name) {
  const std::string lower = Lower(name);
  auto it = std::lower_bound(kCommands.begin(), kCommands.end(), lower,
                             [](const CommandSpec& spec, const std::string& n) {
                               return spec.name < n;
                             });
  if (it == kCommands.end() || it->name != lower) return nullptr;
  return &*it;
}

bool ArityOk(const CommandSpec& spec, size_t argc) {
  const auto n = static_cast<int64_t>(argc);
  return spec.arity >= 0 ? n == spec.arity : n >= -spec.arity;
}

bool IsExpired(const Entry& entry, int64_t now_ms) {
  return entry.expire_at_ms != kNoExpiry && now_ms > entry.expire_at_ms;
}

Entry* LookupKey(ExecContext& ctx, std::string_view key) {
  Entry* entry = ctx.keyspace->Find(key);
  if (entry == nullptr || ctx.expiry == ExpiryMode::kIgnore) return entry;
  if (!IsExpired(*entry, ctx.now_ms)) return entry;
  if (ctx.expiry == ExpiryMode::kDelete) {
    ctx.keyspace->Erase(key);
    Propagate(ctx, {"DEL", std::string(key)});
  }
  return nullptr;
}

void Propagate(ExecContext& ctx, Argv command) {
  if (ctx.effects != nullptr) ctx.effects->push_back(std::move(command));
}

Reply ErrWrongType() {
  return Reply::Error("WRONGTYPE Operation against a key holding the wrong kind of value");
}
Reply ErrSyntax() { return Reply::Error("ERR syntax error"); }
Reply ErrNotInteger() { return Reply::Error("ERR value is not an integer or out of range"); }
Reply ErrOverflow() { return Reply::Error("ERR increment or decrement would overflow"); }

Reply ErrArity(std::string_view command) {
  return Reply::Error("ERR wrong number of arguments for '" + std::string(command) +
                      "' command");
}

Reply ErrInvalidExpire(std::string_view command) {
  return Reply::Error("ERR invalid expire time in '" + std::string(command) + "' command");
}

}  // namespace models::redis
