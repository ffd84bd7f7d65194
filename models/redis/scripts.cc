// The named scripts. Each sim_impl follows its Lua source statement by statement, including
// how Lua treats a nil (a missing KEYS/ARGV entry, or GET of a missing key, which Lua sees
// as false): comparisons with it are false, and passing it to redis.call raises an error.
#include "models/redis/scripts.h"

#include <charconv>
#include <optional>
#include <string_view>

#include "models/redis/redis_model.h"

namespace models::redis {
namespace {

using Args = std::vector<std::string>;

Reply ErrNilArgument() {
  return Reply::Error("ERR Lua redis lib command arguments must be strings or integers");
}

// Lua 5.1 tonumber on a string: decimal (with fraction/exponent) or 0x hex, surrounding
// whitespace allowed; nullopt stands for nil.
std::optional<double> LuaToNumber(std::string_view text) {
  constexpr std::string_view kSpace = " \t\n\v\f\r";
  const size_t first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return std::nullopt;
  text = text.substr(first, text.find_last_not_of(kSpace) - first + 1);
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    uint64_t hex = 0;
    auto [end, ec] = std::from_chars(text.data() + 2, text.data() + text.size(), hex, 16);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return static_cast<double>(hex);
  }
  double value = 0;
  const char* begin = text.data();
  if (!text.empty() && text[0] == '+') ++begin;  // strtod accepts a sign; from_chars only '-'
  auto [end, ec] = std::from_chars(begin, text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// `redis.call('get',KEYS[1]) == ARGV[1]`: GET's nil (Lua false) and a nil ARGV[1] never match.
bool TokenMatches(const Reply& value, const Args& args) {
  return value.type() == Reply::Type::kBulk && !args.empty() && value.str() == args[0];
}

// if redis.call('get',KEYS[1]) == ARGV[1] then return redis.call('del',KEYS[1]) else return 0
Reply CompareAndDelete(RedisModel& model, const Args& keys, const Args& args, sim::Instant) {
  if (keys.empty()) return ErrNilArgument();
  const Reply value = model.Call({"GET", keys[0]});
  if (value.IsError()) return value;
  if (!TokenMatches(value, args)) return Reply::Integer(0);
  return model.Call({"DEL", keys[0]});
}

// if redis.call('get',KEYS[1]) == ARGV[1] then return redis.call('pexpire',KEYS[1],ARGV[2])
// else return 0
Reply Renew(RedisModel& model, const Args& keys, const Args& args, sim::Instant) {
  if (keys.empty()) return ErrNilArgument();
  const Reply value = model.Call({"GET", keys[0]});
  if (value.IsError()) return value;
  if (!TokenMatches(value, args)) return Reply::Integer(0);
  if (args.size() < 2) return ErrNilArgument();
  return model.Call({"PEXPIRE", keys[0], args[1]});
}

// `tonumber(value) >= tonumber(ARGV[1])`: Lua evaluates it as ARGV <= value and names the
// operand types in that order when one of them is nil.
Reply TryAcquire(RedisModel& model, const Args& keys, const Args& args, sim::Instant) {
  if (keys.empty()) return ErrNilArgument();
  const Reply value = model.Call({"GET", keys[0]});
  if (value.IsError()) return value;
  if (value.type() != Reply::Type::kBulk) return Reply::Integer(0);
  const std::optional<double> have = LuaToNumber(value.str());
  const std::optional<double> want = args.empty() ? std::nullopt : LuaToNumber(args[0]);
  if (!have || !want) {
    const char* message = !have && !want ? "ERR user_script:1: attempt to compare two nil values"
                          : !want       ? "ERR user_script:1: attempt to compare nil with number"
                                        : "ERR user_script:1: attempt to compare number with nil";
    return Reply::Error(message);
  }
  if (!(*have >= *want)) return Reply::Integer(0);
  const Reply decremented = model.Call({"DECRBY", keys[0], args[0]});
  if (decremented.IsError()) return decremented;
  return Reply::Integer(1);
}

}  // namespace

const Script& CompareAndDeleteUnlockScript() {
  static const Script kScript{
      "lock.compare_and_delete",
      "if redis.call('get',KEYS[1]) == ARGV[1] then return redis.call('del',KEYS[1]) else "
      "return 0 end",
      &CompareAndDelete};
  return kScript;
}

const Script& OrderTokenCheckAndDeleteScript() {
  static const Script kScript{
      "order.token_check_and_delete",
      "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else "
      "return 0 end",
      &CompareAndDelete};
  return kScript;
}

const Script& SemaphoreTryAcquireScript() {
  static const Script kScript{
      "semaphore.try_acquire",
      "local value = redis.call('get', KEYS[1]); if (value ~= false and tonumber(value) >= "
      "tonumber(ARGV[1])) then local val = redis.call('decrby', KEYS[1], ARGV[1]); return 1; "
      "end; return 0;",
      &TryAcquire};
  return kScript;
}

const Script& LockRenewScript() {
  static const Script kScript{
      "lock.renew",
      "if redis.call('get',KEYS[1]) == ARGV[1] then return "
      "redis.call('pexpire',KEYS[1],ARGV[2]) else return 0 end",
      &Renew};
  return kScript;
}

const std::vector<const Script*>& NamedScripts() {
  static const std::vector<const Script*> kAll = {
      &CompareAndDeleteUnlockScript(), &OrderTokenCheckAndDeleteScript(),
      &SemaphoreTryAcquireScript(), &LockRenewScript()};
  return kAll;
}

}  // namespace models::redis
