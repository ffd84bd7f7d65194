// The redis_lock workload: see redis_lock_workload.h.
#include "scenarios/workloads/lock/redis_lock_workload.h"

#include <fmt/format.h>

#include <deque>
#include <string>
#include <vector>

#include "faults/fault.h"
#include "models/redis/redis_directory.h"
#include "models/redis/redis_model.h"
#include "models/redis/redis_server.h"
#include "models/redis/sim_redis_client.h"
#include "scenarios/workloads/lock/lock_client.h"
#include "scenarios/workloads/lock/lock_snapshot.h"
#include "scenarios/workloads/lock/redis_lock_backend.h"
#include "scenarios/workloads/lock/resource.h"
#include "sim/assert.h"

namespace scenarios::lock {

namespace {

namespace redis = models::redis;
using Json = nlohmann::json;

constexpr sim::Port kRedisPort = 6379;

class RedisLockWorkload final : public Workload {
 public:
  std::vector<std::string> Setup(RunEnv& env) override {
    stage_ = std::stoi(env.Variant("lock.stage"));
    resource_.fencing = env.Variant("lock.fencing") == "on";
    const int64_t replicas = env.Int("replicas");
    server_config_.directory = &directory_;
    std::vector<std::string> targets;
    for (int64_t i = 0; i <= replicas; ++i) {
      const std::string name = fmt::format("redis_{}", static_cast<char>('a' + i));
      redis::RedisModel* model = &models_.emplace_back(redis::RedisConfig{.node_name = name});
      sim::Node* node = nullptr;
      if (i == 0) {
        node = &env.world->AddNode(name, [this, model](sim::Env e) {
          redis::BootRedisServer(e, model, server_config_);
        });
      } else {
        const sim::Endpoint primary{redis_nodes_.front()->id(), kRedisPort};
        node = &env.world->AddNode(name, [this, model, primary](sim::Env e) {
          redis::BootRedisReplica(e, model, primary, server_config_);
        });
      }
      directory_.AddNode(sim::Endpoint{node->id(), kRedisPort}, model);
      redis_nodes_.push_back(node);
      targets.push_back(name);
    }
    ResourceState* state = &resource_;
    resource_node_ = &env.world->AddNode("resource", [state](sim::Env e) { BootResource(e, state); });
    const int64_t clients = env.Int("clients");
    statuses_.resize(static_cast<size_t>(clients));
    for (int64_t i = 1; i <= clients; ++i) {
      client_nodes_.push_back(&env.world->AddNode(fmt::format("client{}", i)));
      targets.push_back(client_nodes_.back()->name());
    }
    env.world->StartAll();
    return targets;
  }

  void AddFaultTargets(RunEnv& env, faults::FaultTargets& targets) override {
    if (redis_nodes_.size() < 2) return;  // no replica to promote
    sim::World* world = env.world;
    redis::RedisDirectory* directory = &directory_;
    targets.redis_failover = [world, directory]() {
      const sim::Result<sim::Endpoint> promoted = redis::Failover(*world, directory);
      if (!promoted.ok()) {
        return faults::FaultOutcome{false, {{"reason", promoted.error().ToString()}}};
      }
      return faults::FaultOutcome{
          true, {{"new_primary", world->node(promoted->node).name()},
                 {"epoch", directory->epoch()}}};
    };
  }

  void StartClients(RunEnv& env) override {
    const LockClientConfig base = ClientConfigFrom(env, resource_node_->id());
    for (size_t i = 0; i < client_nodes_.size(); ++i) {
      LockClientConfig config = base;
      config.client = static_cast<int64_t>(i) + 1;
      StartClient(client_nodes_[i], config, &statuses_[i]);
    }
  }

  void StopClients(RunEnv&) override { stop_ = true; }

  // Every client loop that can still run has finished (crashed loops never will).
  bool Converged(RunEnv&) override {
    for (size_t i = 0; i < client_nodes_.size(); ++i) {
      if (LoopAlive(i) && statuses_[i].running) return false;
    }
    return true;
  }

  Json Snapshot(RunEnv& env) override;

 private:
  void StartClient(sim::Node* node, LockClientConfig config, ClientStatus* status) {
    sim::Env e = node->env();
    const sim::Duration timeout = config.call_timeout;
    auto& main = e.Keep<redis::SimRedisClient>(e, &directory_, timeout);
    auto& watchdog = e.Keep<redis::SimRedisClient>(e, &directory_, timeout);
    RedisLockConfig lock_config;
    lock_config.stage = stage_;
    lock_config.fencing = resource_.fencing;
    lock_config.owner = fmt::format("{}.{}", node->name(), node->incarnation());
    auto& backend = e.Keep<RedisLockBackend>(e, lock_config, &main, &watchdog);
    node->Spawn(LockClientLoop(e, &backend, config, status, &stop_));
  }

  bool LoopAlive(size_t i) const { return lock::LoopAlive(*client_nodes_[i], statuses_[i]); }

  Json LockKeySnapshot(sim::World& world) const;

  int stage_ = 5;
  std::deque<redis::RedisModel> models_;  // stable addresses: the nodes point into it
  redis::RedisDirectory directory_;
  redis::RedisServerConfig server_config_;
  std::vector<sim::Node*> redis_nodes_;
  sim::Node* resource_node_ = nullptr;
  ResourceState resource_;
  std::vector<sim::Node*> client_nodes_;
  std::vector<ClientStatus> statuses_;
  bool stop_ = false;
};

Json RedisLockWorkload::LockKeySnapshot(sim::World& world) const {
  const sim::Endpoint primary = directory_.primary();
  const redis::RedisModel* model = nullptr;
  for (const redis::RedisNodeRef& ref : directory_.nodes()) {
    if (ref.endpoint == primary) model = ref.model;
  }
  SIM_ASSERT(model != nullptr);
  sim::Node& node = world.node(primary.node);
  const int64_t now_ms = model->NowMs(node.clock().Local(world.Now()));
  Json lock{{"key", "lock"}, {"primary", node.name()}, {"exists", false}};
  const redis::Entry* entry = model->keyspace().Find("lock");
  // An entry past its deadline is gone for every client (lazy expiry), so it is absent here.
  const bool expired = entry != nullptr && entry->expire_at_ms != redis::kNoExpiry &&
                       now_ms > entry->expire_at_ms;
  if (entry == nullptr || expired) return lock;
  lock["exists"] = true;
  if (const auto* s = std::get_if<std::string>(&entry->value)) lock["value"] = *s;
  lock["ttl_ms"] = entry->expire_at_ms == redis::kNoExpiry ? int64_t{-1}
                                                           : entry->expire_at_ms - now_ms;
  return lock;
}

Json RedisLockWorkload::Snapshot(RunEnv& env) {
  return {{"stage", stage_},
          {"lock", LockKeySnapshot(*env.world)},
          {"clients", ClientsSnapshot(client_nodes_, statuses_)},
          {"resource", ResourceSnapshot(resource_)}};
}

}  // namespace

std::unique_ptr<Workload> MakeRedisLockWorkload() { return std::make_unique<RedisLockWorkload>(); }

}  // namespace scenarios::lock
