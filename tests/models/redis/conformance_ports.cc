// RealPort and SimPort of conformance_support.h.
#include <stdexcept>
#include <utility>

#include "conformance_support.h"
#include "models/redis/redis_server.h"

namespace redis_conformance {
namespace {

constexpr sim::Port kServerPort = 6379;

template <class T>
sim::Task<void> Store(sim::Task<T> task, std::optional<T>* out) {
  out->emplace(co_await std::move(task));
}

// A kRejected result is the error reply; any other error means the port itself failed.
Reply Unwrap(const char* side, const sim::Result<Reply>& result) {
  if (!result.ok() && result.code() != sim::Errc::kRejected) {
    throw std::runtime_error(std::string(side) + ": " + result.error().ToString());
  }
  return models::redis::ToReply(result);
}

sim::WorldOptions InstantLinks() {
  sim::WorldOptions options;
  options.buggify = false;
  options.default_link.latency_min = sim::Duration::Zero();
  options.default_link.latency_tail_mean = sim::Duration::Zero();
  return options;
}

}  // namespace

Reply RealPort::Run(sim::Task<sim::Result<Reply>> task) {
  std::optional<sim::Result<Reply>> out;
  executor_.Spawn(Store(std::move(task), &out));
  executor_.RunUntilIdle();  // HiredisClient blocks inside its task: one run completes it
  if (!out) throw std::logic_error("HiredisClient task did not complete");
  return Unwrap("real server through HiredisClient", *out);
}

Reply RealPort::Command(Argv argv) { return Run(client_.Command(std::move(argv))); }

Reply RealPort::Eval(const models::redis::Script& script, const std::vector<std::string>& keys,
                     const std::vector<std::string>& args) {
  return Run(client_.Eval(script, keys, args));
}

SimPort::SimPort() : world_(1, InstantLinks()) {
  server_ = &world_.AddNode("redis", [this](sim::Env env) {
    models::redis::BootRedisServer(env, &model_, models::redis::RedisServerConfig{});
  });
  world_.StartAll();
  client_.emplace(world_.env(), sim::Endpoint{server_->id(), kServerPort},
                  sim::Duration::Seconds(1));
}

Reply SimPort::Run(sim::Task<sim::Result<Reply>> task) {
  std::optional<sim::Result<Reply>> out;
  world_.Spawn(Store(std::move(task), &out));
  // The server's serverCron keeps the queue busy: stop as soon as the reply is in.
  world_.Run(sim::RunLimits{world_.Now() + sim::Duration::Seconds(1)},
             [&out] { return out.has_value(); });
  if (!out) throw std::logic_error("SimRedisClient call did not complete");
  return Unwrap("simulated server through SimRedisClient", *out);
}

Reply SimPort::Command(Argv argv) { return Run(client_->Command(std::move(argv))); }

Reply SimPort::Eval(const models::redis::Script& script, const std::vector<std::string>& keys,
                    const std::vector<std::string>& args) {
  return Run(client_->Eval(script, keys, args));
}

void SimPort::AdvanceTo(sim::Instant t) { world_.Run(sim::RunLimits{t}); }

}  // namespace redis_conformance
