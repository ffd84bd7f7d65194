// The command table and the helpers every handler shares. Arity and write flags are copied
// from Redis 7.0's command table (src/commands.c), since arity errors and READONLY refusals
// must match the real server.
#include <array>
#include <cctype>
#include <cstdint>

#include "models/redis/commands.h"
#include "sim/assert.h"

namespace models::redis {
namespace {

constexpr CommandKind kData = CommandKind::kData;

// Sorted by name, so the commands sharing a first letter are contiguous (kBuckets).
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
static_assert(SortedByName(), "kCommands must stay sorted for kBuckets");

// The commands starting with each letter: [begin, end) in kCommands.
struct Bucket {
  uint8_t begin = 0;
  uint8_t end = 0;
};

constexpr std::array<Bucket, 26> MakeBuckets() {
  std::array<Bucket, 26> buckets{};
  for (size_t i = 0; i < kCommands.size(); ++i) {
    Bucket& b = buckets[static_cast<size_t>(kCommands[i].name[0] - 'a')];
    if (b.begin == b.end) b.begin = static_cast<uint8_t>(i);
    b.end = static_cast<uint8_t>(i + 1);
  }
  return buckets;
}
constexpr std::array<Bucket, 26> kBuckets = MakeBuckets();

constexpr bool AllLowerLetters() {
  for (const CommandSpec& spec : kCommands) {
    if (spec.name.empty()) return false;
    for (const char ch : spec.name) {
      if (ch < 'a' || ch > 'z') return false;
    }
  }
  return true;
}
static_assert(AllLowerLetters(), "FindCommand's case folding assumes lower-case letters");

}  // namespace

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

// On every command's path: no copy of the name. Every table name is lower-case ASCII letters
// only (AllLowerLetters), and for a lower-case letter l, (ch | 0x20) == l holds exactly when ch
// is l or its upper-case form, so this is Redis's ASCII case-insensitive comparison.
const CommandSpec* FindCommand(std::string_view name) {
  if (name.empty()) return nullptr;
  const auto first = static_cast<unsigned char>(name[0] | 0x20);
  if (first < 'a' || first > 'z') return nullptr;
  const Bucket bucket = kBuckets[first - 'a'];
  for (size_t i = bucket.begin; i < bucket.end; ++i) {
    const std::string_view candidate = kCommands[i].name;
    if (candidate.size() != name.size()) continue;
    size_t j = 1;
    while (j < name.size() && (name[j] | 0x20) == candidate[j]) ++j;
    if (j == name.size()) return &kCommands[i];
  }
  return nullptr;
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
    Propagate(ctx, {"DEL", key});
  }
  return nullptr;
}

void EffectLog::Add(std::initializer_list<std::string_view> words) {
  SIM_ASSERT_GT(words.size(), 0u);
  ++count_;
  if (keep_commands_) commands_.emplace_back(words.begin(), words.end());
}

void EffectLog::Add(const Argv& command) {
  SIM_ASSERT(!command.empty());
  ++count_;
  if (keep_commands_) commands_.push_back(command);
}

std::vector<Argv> EffectLog::TakeCommands() {
  SIM_ASSERT(keep_commands_);
  SIM_ASSERT_EQ(commands_.size(), count_);
  return std::move(commands_);
}

void Propagate(ExecContext& ctx, std::initializer_list<std::string_view> words) {
  if (ctx.effects != nullptr) ctx.effects->Add(words);
}

void Propagate(ExecContext& ctx, const Argv& command) {
  if (ctx.effects != nullptr) ctx.effects->Add(command);
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
