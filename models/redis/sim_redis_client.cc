// SimRedisClient: see sim_redis_client.h for the fidelity contract.
#include "models/redis/sim_redis_client.h"

#include <utility>

#include "sim/assert.h"
#include "sim/world.h"

namespace models::redis {
namespace {

// QUIT of a connection the client abandons, best effort: if it reaches the server, the
// connection's MULTI state is dropped at once rather than at the client's next crash.
sim::Task<void> SendQuit(sim::Env env, sim::Endpoint server, RedisRequest quit,
                         sim::Duration timeout) {
  (void)co_await env.Call<Reply>(server, std::move(quit), timeout);
}

sim::Result<Reply> AsIs(const char* /*command*/, sim::Result<Reply>&& result) {
  return std::move(result);
}

}  // namespace

SimRedisClient::SimRedisClient(sim::Env env, sim::Endpoint server, sim::Duration timeout)
    : env_(env), server_(server), timeout_(timeout) {
  SIM_ASSERT_GT(timeout_, sim::Duration::Zero());
}

SimRedisClient::SimRedisClient(sim::Env env, const RedisDirectory* directory,
                               sim::Duration timeout)
    : env_(env), directory_(directory), timeout_(timeout) {
  SIM_ASSERT(directory_ != nullptr);
  SIM_ASSERT_GT(timeout_, sim::Duration::Zero());
}

void SimRedisClient::NewConnection(sim::Endpoint target) {
  connection_ = env_.rng().Next();
  ++connections_opened_;
  connected_to_ = target;
  open_ = false;
  broken_ = false;
}

void SimRedisClient::CloseInBackground() {
  // Also when the server never answered: a first request that timed out may have opened it.
  RedisRequest quit{env_.id(), env_.node().incarnation(), connection_, false,
                    RedisRequestKind::kQuit, {}, {}};
  env_.Spawn(SendQuit(env_, connected_to_, std::move(quit), timeout_));
}

template <class T>
sim::Task<sim::Result<T>> SimRedisClient::Call(RedisRequestKind kind, Argv argv,
                                               std::vector<Argv> batch, const char* command,
                                               ReplyConverter<T> convert) {
  SIM_ASSERT_MSG(!busy_, "a RedisClient serves one call at a time");
  const sim::Endpoint target = directory_ != nullptr ? directory_->primary() : server_;
  if (!broken_ && !(target == connected_to_)) {
    CloseInBackground();  // the primary moved: leave the old node
    broken_ = true;
  }
  if (broken_) NewConnection(target);
  const sim::NodeId self = env_.id();
  if (!env_.world().node(target.node).up() && !env_.net().Blocked(self, target.node)) {
    // Nobody listens on the server's host: its kernel answers the SYN or the segment with a
    // reset after one round trip.
    busy_ = true;
    co_await env_.Sleep(env_.net().Link(self, target.node).latency_min +
                        env_.net().Link(target.node, self).latency_min);
    busy_ = false;
    broken_ = true;
    co_return convert(command, sim::MakeError(sim::Errc::kUnavailable,
                                              "connection refused: redis server is down"));
  }
  // Built in its message's box: the argv moves once, from the parameter.
  sim::Box request = sim::Box::Emplace([&] {
    return RedisRequest{self, env_.node().incarnation(), connection_, !open_, kind,
                        std::move(argv), std::move(batch)};
  });
  busy_ = true;
  sim::Result<Reply> reply = co_await env_.Call<Reply>(target, std::move(request), timeout_);
  busy_ = false;
  if (!reply.ok()) {
    if (reply.code() == sim::Errc::kTimeout) CloseInBackground();
    broken_ = true;
    co_return convert(command, reply.error());
  }
  open_ = true;
  ApplyErrorRule(&reply);
  co_return convert(command, std::move(reply));
}

sim::Task<sim::Result<Reply>> SimRedisClient::Command(Argv argv) {
  return Call<Reply>(RedisRequestKind::kCommand, std::move(argv), {}, "", &AsIs);
}

sim::Task<sim::Result<int64_t>> SimRedisClient::CommandAs(Argv argv, const char* command,
                                                          ReplyConverter<int64_t> convert) {
  return Call<int64_t>(RedisRequestKind::kCommand, std::move(argv), {}, command, convert);
}

sim::Task<sim::Result<bool>> SimRedisClient::CommandAs(Argv argv, const char* command,
                                                       ReplyConverter<bool> convert) {
  return Call<bool>(RedisRequestKind::kCommand, std::move(argv), {}, command, convert);
}

sim::Task<sim::Result<std::optional<std::string>>> SimRedisClient::CommandAs(
    Argv argv, const char* command, ReplyConverter<std::optional<std::string>> convert) {
  return Call<std::optional<std::string>>(RedisRequestKind::kCommand, std::move(argv), {},
                                          command, convert);
}

sim::Task<sim::Result<std::vector<Reply>>> SimRedisClient::Exec(std::vector<Argv> commands) {
  // Named, not braced inside the co_await: GCC 12 destroys such a temporary twice.
  Argv no_argv;
  sim::Result<Reply> reply = co_await Call<Reply>(RedisRequestKind::kExec, std::move(no_argv),
                                                  std::move(commands), "EXEC", &AsIs);
  if (!reply.ok()) co_return reply.error();
  if (reply->type() != Reply::Type::kArray) {
    co_return sim::MakeError(sim::Errc::kInvalid, "EXEC answered " + reply->ToString());
  }
  co_return std::move(reply->mutable_elements());
}

}  // namespace models::redis
