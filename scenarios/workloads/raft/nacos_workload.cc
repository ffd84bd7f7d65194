#include "scenarios/workloads/raft/nacos_workload.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <memory>
#include <string>
#include <vector>

#include "models/raft/raft_kv_client.h"
#include "scenarios/workloads/raft/kv_ops.h"
#include "scenarios/workloads/raft/nacos_checkers.h"
#include "scenarios/workloads/raft/raft_cluster.h"

namespace scenarios::raft {

using models::raft::KvResult;
using models::raft::Outcome;
using models::raft::RaftKvClient;

namespace {

constexpr std::array<const char*, 8> kServices = {"order",  "ware", "product", "member",
                                                  "coupon", "cart", "seckill", "search"};
constexpr int64_t kAdminProcess = 1;

struct Instance {
  std::string name;
  std::string service;
  int64_t index = 0;         // 1-based; gives its history processes and KV client ids
  bool registered = false;   // its belief: the last change it finished
  bool changing = false;     // a register/deregister in flight
  std::string config;        // the applied config ("" before the first read of a value)
  int64_t converge_reads = 0;  // applied reads started in the converge phase
};

// History processes (and KV client ids, which must differ per client for deduplication).
int64_t LifecycleProcess(const Instance& i) { return 100 + i.index * 3; }
int64_t RegistryProcess(const Instance& i) { return 100 + i.index * 3 + 1; }
int64_t PollerProcess(const Instance& i) { return 100 + i.index * 3 + 2; }

struct Params {
  std::vector<sim::NodeId> members;
  sim::Duration poll, publish, restart, down, retry, timeout, attempt;
  bool cas = true;
};

struct Shared {
  bool stop = false;        // the chaos phase is over: no new publishes or restarts
  bool converging = false;  // the converge phase has begun
  bool publishing = false;
};

// Adds (join) or removes the instance in its service's list; returns once a read shows the
// change (cas), or once the naive write is acknowledged (put).
sim::Task<void> ChangeList(sim::Env env, RaftKvClient* kv, const Params* p, Instance* inst,
                           bool join) {
  const std::string key = kNacosNamingPrefix + inst->service;
  const int64_t process = RegistryProcess(*inst);
  for (;;) {
    const KvResult read = co_await RecordedGet(env, kv, process, key, p->timeout);
    if (read.outcome == Outcome::kOk) {
      std::vector<std::string> names = SplitInstanceList(read.reply.value);
      const auto at = std::find(names.begin(), names.end(), inst->name);
      if ((at != names.end()) == join) co_return;
      if (join) {
        names.push_back(inst->name);
        std::sort(names.begin(), names.end());
      } else {
        names.erase(at);
      }
      const std::string value = JoinInstanceList(names);
      if (p->cas) {
        const KvResult w = co_await RecordedCas(env, kv, process, key, read.reply.value, value,
                                                p->timeout);
        if (w.outcome == Outcome::kOk && w.reply.ok) co_return;
      } else {
        const KvResult w = co_await RecordedPut(env, kv, process, key, value, p->timeout);
        if (w.outcome == Outcome::kOk) co_return;
      }
    }
    co_await env.Sleep(env.rng().Uniform(p->retry / 2, p->retry * 3 / 2));
  }
}

sim::Task<void> Change(sim::Env env, RaftKvClient* kv, const Params* p, Instance* inst,
                       bool join) {
  inst->changing = true;
  sim::History& h = env.history();
  const uint64_t op = h.Invoke(LifecycleProcess(*inst), join ? "register" : "deregister",
                               {{"instance", inst->name}, {"service", inst->service}}, env.Now(),
                               env.id());
  co_await ChangeList(env, kv, p, inst, join);
  inst->registered = join;
  inst->changing = false;
  h.Complete(op, sim::OpType::kOk, nlohmann::json::object(), env.Now());
}

// Registers, then does rolling restarts until the chaos phase ends; always ends registered.
sim::Task<void> Lifecycle(sim::Env env, Params p, Instance* inst, const Shared* shared) {
  RaftKvClient kv(env, p.members, RegistryProcess(*inst), p.attempt);
  co_await env.Sleep(env.rng().Uniform(sim::Duration::Millis(0), p.poll));
  co_await Change(env, &kv, &p, inst, true);
  while (!shared->stop && p.restart > sim::Duration::Millis(0)) {
    co_await env.Sleep(env.rng().Uniform(p.restart / 2, p.restart * 3 / 2));
    if (shared->stop) break;
    co_await Change(env, &kv, &p, inst, false);
    co_await env.Sleep(p.down);
    co_await Change(env, &kv, &p, inst, true);
  }
}

// The config listener: polls for as long as the world runs.
sim::Task<void> Poller(sim::Env env, Params p, Instance* inst, const Shared* shared) {
  RaftKvClient kv(env, p.members, PollerProcess(*inst), p.attempt);
  for (;;) {
    co_await env.Sleep(env.rng().Uniform(p.poll / 2, p.poll * 3 / 2));
    const bool converging = shared->converging;
    const KvResult r = co_await RecordedGet(env, &kv, PollerProcess(*inst), kNacosConfigKey,
                                            p.timeout);
    if (r.outcome != Outcome::kOk) continue;
    inst->config = r.reply.value.value_or("");
    if (converging) ++inst->converge_reads;
  }
}

// Publishes v1, v2, ...: each a cas on the value read, with a version above every one tried.
sim::Task<void> Publisher(sim::Env env, Params p, Shared* shared) {
  RaftKvClient kv(env, p.members, kAdminProcess, p.attempt);
  int64_t tried = 0;
  while (!shared->stop) {
    co_await env.Sleep(env.rng().Uniform(p.publish / 2, p.publish * 3 / 2));
    if (shared->stop) break;
    shared->publishing = true;
    const KvResult read = co_await RecordedGet(env, &kv, kAdminProcess, kNacosConfigKey,
                                               p.timeout);
    if (read.outcome == Outcome::kOk) {
      tried = std::max(tried, ConfigVersion(read.reply.value)) + 1;
      co_await RecordedCas(env, &kv, kAdminProcess, kNacosConfigKey, read.reply.value,
                           fmt::format("v{}", tried), p.timeout);
    }
    shared->publishing = false;
  }
}

class NacosWorkload final : public Workload {
 public:
  std::vector<std::string> Setup(RunEnv& env) override {
    std::vector<std::string> names = cluster_.AddReplicas(env, "nacos");
    admin_ = &env.world->AddNode("admin");
    const int64_t per_service = env.Int("instances");
    instances_.reserve(static_cast<size_t>(env.Int("services") * per_service));
    for (int64_t s = 0; s < env.Int("services"); ++s) {
      for (int64_t k = 1; k <= per_service; ++k) {
        Instance inst;
        inst.service = kServices[static_cast<size_t>(s)];
        inst.name = fmt::format("{}-{}", inst.service, k);
        inst.index = static_cast<int64_t>(instances_.size()) + 1;
        instances_.push_back(inst);
        nodes_.push_back(&env.world->AddNode(inst.name));
      }
    }
    env.world->StartAll();
    return names;
  }

  void StartClients(RunEnv& env) override {
    Params p;
    p.members = cluster_.members();
    p.poll = sim::Duration::Millis(env.Int("poll_ms"));
    p.publish = sim::Duration::Millis(env.Int("publish_ms"));
    p.restart = sim::Duration::Millis(env.Int("restart_ms"));
    p.down = sim::Duration::Millis(env.Int("down_ms"));
    p.retry = sim::Duration::Millis(env.Int("retry_ms"));
    p.timeout = sim::Duration::Millis(env.Int("timeout_ms"));
    p.attempt = std::min(p.timeout, sim::Duration::Millis(100));
    p.cas = env.Variant("registry.update") == "cas";
    admin_->Spawn(Publisher(admin_->env(), p, &shared_));
    for (size_t i = 0; i < instances_.size(); ++i) {
      nodes_[i]->Spawn(Lifecycle(nodes_[i]->env(), p, &instances_[i], &shared_));
      nodes_[i]->Spawn(Poller(nodes_[i]->env(), p, &instances_[i], &shared_));
    }
  }

  void StopClients(RunEnv&) override { shared_.stop = true; }

  bool Converged(RunEnv&) override {
    shared_.converging = true;
    if (shared_.publishing) return false;
    return std::all_of(instances_.begin(), instances_.end(), [](const Instance& i) {
      return !i.changing && i.converge_reads > 0;
    });
  }

  nlohmann::json Snapshot(RunEnv&) override {
    nlohmann::json snapshot = cluster_.Snapshot();
    snapshot["election_ms_max"] = cluster_.election_max_ms();
    nlohmann::json instances = nlohmann::json::array();
    for (const Instance& i : instances_) {
      instances.push_back({{"name", i.name},
                           {"service", i.service},
                           {"registered", i.registered},
                           {"changing", i.changing},
                           {"config", i.config}});
    }
    snapshot["instances"] = std::move(instances);
    return snapshot;
  }

 private:
  RaftCluster cluster_;
  sim::Node* admin_ = nullptr;
  std::vector<Instance> instances_;  // reserved in Setup: tasks hold pointers into it
  std::vector<sim::Node*> nodes_;    // instances_[i] runs on nodes_[i]
  Shared shared_;
};

}  // namespace

std::unique_ptr<Workload> MakeNacosWorkload() { return std::make_unique<NacosWorkload>(); }

}  // namespace scenarios::raft
