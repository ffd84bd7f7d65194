// The typed helpers of RedisClient and the error rule of redis_client.h. A helper is not a
// coroutine: it builds the argv and hands it to CommandAs with the reply's conversion.
#include "models/redis/redis_client.h"

#include <utility>

#include "models/redis/int_text.h"
#include "sim/assert.h"

namespace models::redis {
namespace {

sim::Error Unexpected(const char* command, const Reply& reply) {
  return sim::MakeError(sim::Errc::kInvalid, std::string(command) +
                                                 " answered an unexpected reply: " +
                                                 reply.ToString());
}

sim::Result<int64_t> AsInteger(const char* command, sim::Result<Reply>&& result) {
  if (!result.ok()) return result.error();
  if (result->type() != Reply::Type::kInteger) return Unexpected(command, *result);
  return result->integer();
}

sim::Result<bool> AsFlag(const char* command, sim::Result<Reply>&& result) {
  sim::Result<int64_t> n = AsInteger(command, std::move(result));
  if (!n.ok()) return n.error();
  return *n != 0;
}

sim::Result<std::optional<std::string>> AsOptionalBulk(const char* command,
                                                       sim::Result<Reply>&& result) {
  if (!result.ok()) return result.error();
  if (result->IsNil()) return std::optional<std::string>();
  if (result->type() != Reply::Type::kBulk) return Unexpected(command, *result);
  return std::optional<std::string>(std::move(result).value().str());
}

// SET answers OK, or nil when NX / XX refused it.
sim::Result<bool> AsStored(const char* command, sim::Result<Reply>&& result) {
  if (!result.ok()) return result.error();
  if (result->IsNil()) return false;
  // Compared field by field: Reply::Ok() would build a reply per call.
  if (result->type() != Reply::Type::kStatus || result->str() != "OK") {
    return Unexpected(command, *result);
  }
  return true;
}

// An argv built in place: a braced list would copy every word out of its initializer_list.
template <class... Words>
Argv MakeArgv(Words&&... words) {
  Argv argv;
  argv.reserve(sizeof...(words));
  (argv.emplace_back(std::forward<Words>(words)), ...);
  return argv;
}

template <class T>
sim::Task<sim::Result<T>> AwaitAndConvert(sim::Task<sim::Result<Reply>> call, const char* command,
                                          ReplyConverter<T> convert) {
  co_return convert(command, co_await std::move(call));
}

}  // namespace

sim::Task<sim::Result<int64_t>> RedisClient::CommandAs(Argv argv, const char* command,
                                                       ReplyConverter<int64_t> convert) {
  return AwaitAndConvert<int64_t>(Command(std::move(argv)), command, convert);
}

sim::Task<sim::Result<bool>> RedisClient::CommandAs(Argv argv, const char* command,
                                                    ReplyConverter<bool> convert) {
  return AwaitAndConvert<bool>(Command(std::move(argv)), command, convert);
}

sim::Task<sim::Result<std::optional<std::string>>> RedisClient::CommandAs(
    Argv argv, const char* command, ReplyConverter<std::optional<std::string>> convert) {
  return AwaitAndConvert<std::optional<std::string>>(Command(std::move(argv)), command, convert);
}

std::optional<Reply> RejectedReply(const sim::Error& error) {
  if (error.code != sim::Errc::kRejected) return std::nullopt;
  return Reply::Error(error.detail);
}

sim::Result<Reply> FromReply(Reply reply) {
  if (reply.IsError()) return sim::MakeError(sim::Errc::kRejected, reply.str());
  return reply;
}

void ApplyErrorRule(sim::Result<Reply>* result) {
  if (result->ok() && (*result)->IsError()) *result = FromReply(std::move(*result).value());
}

Reply ToReply(const sim::Result<Reply>& result) {
  if (result.ok()) return result.value();
  std::optional<Reply> reply = RejectedReply(result.error());
  SIM_ASSERT_MSG(reply.has_value(), "not a Redis reply: " << result.error().ToString());
  return *reply;
}

sim::Task<sim::Result<std::optional<std::string>>> RedisClient::Get(std::string key) {
  Argv argv = MakeArgv("GET", std::move(key));
  return CommandAs(std::move(argv), "GET", &AsOptionalBulk);
}

sim::Task<sim::Result<bool>> RedisClient::Set(std::string key, std::string value,
                                              SetOptions options) {
  SIM_ASSERT(!(options.nx && options.xx));
  Argv argv;
  argv.reserve(6);  // SET key value [NX|XX] [PX ms]
  argv.emplace_back("SET");
  argv.push_back(std::move(key));
  argv.push_back(std::move(value));
  if (options.nx) argv.emplace_back("NX");
  if (options.xx) argv.emplace_back("XX");
  if (options.ttl) {
    SIM_ASSERT_GT(options.ttl->millis(), 0);
    argv.emplace_back("PX");
    argv.push_back(FormatRedisInt(options.ttl->millis()));
  }
  return CommandAs(std::move(argv), "SET", &AsStored);
}

sim::Task<sim::Result<int64_t>> RedisClient::Del(std::string key) {
  Argv argv = MakeArgv("DEL", std::move(key));
  return CommandAs(std::move(argv), "DEL", &AsInteger);
}

sim::Task<sim::Result<int64_t>> RedisClient::Incr(std::string key) {
  Argv argv = MakeArgv("INCR", std::move(key));
  return CommandAs(std::move(argv), "INCR", &AsInteger);
}

sim::Task<sim::Result<int64_t>> RedisClient::IncrBy(std::string key, int64_t delta) {
  Argv argv = MakeArgv("INCRBY", std::move(key), FormatRedisInt(delta));
  return CommandAs(std::move(argv), "INCRBY", &AsInteger);
}

sim::Task<sim::Result<int64_t>> RedisClient::DecrBy(std::string key, int64_t delta) {
  Argv argv = MakeArgv("DECRBY", std::move(key), FormatRedisInt(delta));
  return CommandAs(std::move(argv), "DECRBY", &AsInteger);
}

sim::Task<sim::Result<bool>> RedisClient::Expire(std::string key, int64_t seconds) {
  Argv argv = MakeArgv("EXPIRE", std::move(key), FormatRedisInt(seconds));
  return CommandAs(std::move(argv), "EXPIRE", &AsFlag);
}

sim::Task<sim::Result<bool>> RedisClient::PExpire(std::string key, sim::Duration ttl) {
  Argv argv = MakeArgv("PEXPIRE", std::move(key), FormatRedisInt(ttl.millis()));
  return CommandAs(std::move(argv), "PEXPIRE", &AsFlag);
}

sim::Task<sim::Result<int64_t>> RedisClient::HSet(std::string key, std::string field,
                                                  std::string value) {
  Argv argv = MakeArgv("HSET", std::move(key), std::move(field), std::move(value));
  return CommandAs(std::move(argv), "HSET", &AsInteger);
}

sim::Task<sim::Result<std::optional<std::string>>> RedisClient::HGet(std::string key,
                                                                     std::string field) {
  Argv argv = MakeArgv("HGET", std::move(key), std::move(field));
  return CommandAs(std::move(argv), "HGET", &AsOptionalBulk);
}

sim::Task<sim::Result<int64_t>> RedisClient::HIncrBy(std::string key, std::string field,
                                                     int64_t delta) {
  Argv argv = MakeArgv("HINCRBY", std::move(key), std::move(field), FormatRedisInt(delta));
  return CommandAs(std::move(argv), "HINCRBY", &AsInteger);
}

sim::Task<sim::Result<int64_t>> RedisClient::SAdd(std::string key, std::string member) {
  Argv argv = MakeArgv("SADD", std::move(key), std::move(member));
  return CommandAs(std::move(argv), "SADD", &AsInteger);
}

sim::Task<sim::Result<bool>> RedisClient::SIsMember(std::string key, std::string member) {
  Argv argv = MakeArgv("SISMEMBER", std::move(key), std::move(member));
  return CommandAs(std::move(argv), "SISMEMBER", &AsFlag);
}

sim::Task<sim::Result<int64_t>> RedisClient::LPush(std::string key, std::string value) {
  Argv argv = MakeArgv("LPUSH", std::move(key), std::move(value));
  return CommandAs(std::move(argv), "LPUSH", &AsInteger);
}

sim::Task<sim::Result<std::optional<std::string>>> RedisClient::RPop(std::string key) {
  Argv argv = MakeArgv("RPOP", std::move(key));
  return CommandAs(std::move(argv), "RPOP", &AsOptionalBulk);
}

sim::Task<sim::Result<Reply>> RedisClient::Eval(const Script& script,
                                                const std::vector<std::string>& keys,
                                                const std::vector<std::string>& args) {
  Argv argv{"EVAL", script.lua_source, FormatRedisInt(static_cast<int64_t>(keys.size()))};
  argv.insert(argv.end(), keys.begin(), keys.end());
  argv.insert(argv.end(), args.begin(), args.end());
  return Command(std::move(argv));
}

}  // namespace models::redis
