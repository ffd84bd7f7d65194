#pragma once
// Worlds for the Redis port tests: a single server with one application node, or a primary and
// a replica under a RedisDirectory; and Await, which runs one client task to its end in
// virtual time.

#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "models/redis/redis_directory.h"
#include "models/redis/redis_model.h"
#include "models/redis/redis_server.h"
#include "sim/world.h"

namespace redis_sim {

template <class T>
sim::Task<void> Store(sim::Task<T> task, std::optional<T>* out) {
  out->emplace(co_await std::move(task));
}

template <class T>
sim::Task<void> Discard(sim::Task<T> task) {
  (void)co_await std::move(task);
}

// Runs `task` on `node` until it finishes (at most a minute of virtual time; the servers'
// timers keep the event queue busy forever, so the world never goes idle).
template <class T>
T Await(sim::World& w, sim::Node& node, sim::Task<T> task) {
  std::optional<T> out;
  node.Spawn(Store(std::move(task), &out));
  w.Run(sim::RunLimits{w.Now() + sim::Duration::Minutes(1)}, [&out] { return out.has_value(); });
  REQUIRE(out.has_value());
  return std::move(*out);
}

inline constexpr sim::Port kPort = 6379;

// One standalone server ("redis") and one application node ("app").
struct Single {
  explicit Single(uint64_t seed, models::redis::RedisConfig config = {})
      : w(seed), model(std::move(config)) {
    server = &w.AddNode("redis", [this](sim::Env env) {
      models::redis::BootRedisServer(env, &model, server_config);
    });
    app = &w.AddNode("app");
    w.StartAll();
  }
  Single(const Single&) = delete;
  Single& operator=(const Single&) = delete;

  sim::Endpoint endpoint() const { return sim::Endpoint{server->id(), kPort}; }
  void Partition() {
    w.network().Partition(std::vector<sim::NodeId>{app->id()},
                          std::vector<sim::NodeId>{server->id()});
  }

  sim::World w;
  models::redis::RedisModel model;
  models::redis::RedisServerConfig server_config;
  sim::Node* server = nullptr;
  sim::Node* app = nullptr;
};

// A primary ("redis-a") and a replica ("redis-b") under one directory, and an application node.
// Runs 100 ms so the replica's first full resync is done.
struct Group {
  explicit Group(uint64_t seed)
      : w(seed),
        primary_model(models::redis::RedisConfig{.node_name = "a"}),
        replica_model(models::redis::RedisConfig{.node_name = "b"}) {
    server_config.directory = &directory;
    primary = &w.AddNode("redis-a", [this](sim::Env env) {
      models::redis::BootRedisServer(env, &primary_model, server_config);
    });
    replica = &w.AddNode("redis-b", [this](sim::Env env) {
      models::redis::BootRedisReplica(env, &replica_model, primary_endpoint(), server_config);
    });
    app = &w.AddNode("app");
    directory.AddNode(primary_endpoint(), &primary_model);
    directory.AddNode(replica_endpoint(), &replica_model);
    w.StartAll();
    w.RunFor(sim::Duration::Millis(100));
  }
  Group(const Group&) = delete;
  Group& operator=(const Group&) = delete;

  sim::Endpoint primary_endpoint() const { return sim::Endpoint{primary->id(), kPort}; }
  sim::Endpoint replica_endpoint() const { return sim::Endpoint{replica->id(), kPort}; }

  sim::World w;
  models::redis::RedisModel primary_model;
  models::redis::RedisModel replica_model;
  models::redis::RedisDirectory directory;
  models::redis::RedisServerConfig server_config;
  sim::Node* primary = nullptr;
  sim::Node* replica = nullptr;
  sim::Node* app = nullptr;
};

}  // namespace redis_sim
