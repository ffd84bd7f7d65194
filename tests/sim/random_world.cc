#include "tests/sim/random_world.h"

#include <string>

namespace simtest {

using namespace sim::literals;

namespace {

constexpr sim::Port kMsgPort = 5;
constexpr sim::Port kRpcPort = 7;

struct Ping {
  uint64_t seq;
};

sim::Task<sim::Result<uint64_t>> Echo(sim::Env env, uint64_t value) {
  co_await env.Sleep(env.rng().Uniform(0_ms, 3_ms));
  co_return value + 1;
}

sim::Task<void> NodeLoop(sim::Env env, std::vector<sim::NodeId> peers, RandomWorldStats* stats) {
  for (uint64_t seq = 0;; ++seq) {
    co_await env.Sleep(env.rng().Uniform(1_ms, 20_ms));
    ++stats->ticks;
    env.Trace("app.tick", {{"seq", seq}});
    const sim::NodeId peer = peers[env.rng().Index(peers.size())];
    if (env.rng().Chance(sim::Ratio{1, 2})) {
      env.Send(kMsgPort, sim::Endpoint{peer, kMsgPort}, Ping{seq});
    } else {
      auto r = co_await env.Call<uint64_t>(sim::Endpoint{peer, kRpcPort}, seq, 30_ms);
      if (r.ok()) {
        ++stats->rpc_ok;
        env.Trace("app.rpc_ok", {{"value", *r}});
      } else if (r.error().Indeterminate()) {
        ++stats->rpc_info;
        env.Trace("app.rpc_info");
      } else {
        ++stats->rpc_fail;
        env.Trace("app.rpc_fail", {{"error", r.error().ToString()}});
      }
    }
    env.disk().Write("last", std::to_string(seq));
    if (seq % 4 == 0) env.disk().Sync();
  }
}

sim::Task<void> Nemesis(sim::World* world, RandomWorldStats* stats) {
  sim::Rng rng = world->rng().Fork("nemesis");
  std::vector<sim::Node*> nodes = world->nodes();
  for (;;) {
    co_await sim::Sleep(rng.Uniform(20_ms, 120_ms));
    ++stats->faults;
    sim::Node* n = nodes[rng.Index(nodes.size())];
    switch (rng.Index(6)) {
      case 0: {
        std::vector<sim::NodeId> a, b;
        for (sim::Node* m : nodes) (rng.Chance(sim::Ratio{1, 2}) ? a : b).push_back(m->id());
        world->network().Partition(a, b);
        world->Emit(0, "nemesis.partition", {{"a", static_cast<int64_t>(a.size())}});
        break;
      }
      case 1:
        world->network().Heal();
        world->Emit(0, "nemesis.heal");
        break;
      case 2:
        if (n->Crash()) world->Emit(0, "nemesis.crash", {{"node", n->name()}});
        break;
      case 3:
        if (!n->up()) n->Start();
        break;
      case 4:
        if (n->paused()) {
          n->Resume();
        } else {
          n->Pause();
        }
        break;
      default: {
        sim::Node* m = nodes[rng.Index(nodes.size())];
        world->network().Clog(n->id(), m->id(), world->Now() + rng.Uniform(1_ms, 50_ms));
        break;
      }
    }
  }
}

}  // namespace

void BuildRandomWorld(sim::World& world, RandomWorldStats* stats) {
  sim::Rng shape = world.rng().Fork("shape");
  const int nodes = static_cast<int>(shape.Uniform(3, 6));
  std::vector<sim::NodeId> ids;
  for (int i = 0; i < nodes; ++i) ids.push_back(static_cast<sim::NodeId>(i + 1));
  sim::LinkConfig link;
  link.latency_min = shape.Uniform(100_us, 2_ms);
  link.latency_tail_mean = shape.Uniform(0_ms, 3_ms);
  link.loss = sim::Ratio{static_cast<uint64_t>(shape.Uniform(0, 10)), 100};
  link.duplicate = sim::Ratio{static_cast<uint64_t>(shape.Uniform(0, 10)), 100};
  link.reorder = sim::Ratio{static_cast<uint64_t>(shape.Uniform(0, 30)), 100};
  world.network().SetDefaultLink(link);
  for (int i = 0; i < nodes; ++i) {
    world.AddNode("n" + std::to_string(i + 1), [ids, stats](sim::Env env) {
      env.net().Bind(env.At(kMsgPort), [env, stats](sim::Envelope&& e) {
        ++stats->received;
        env.Trace("app.recv", {{"from", e.from.node}, {"seq", e.payload.Get<Ping>()->seq}});
      });
      env.Serve<uint64_t, uint64_t>(kRpcPort, [env](uint64_t v) { return Echo(env, v); });
      env.Spawn(NodeLoop(env, ids, stats));
    });
  }
  world.StartAll();
  world.Spawn(Nemesis(&world, stats));
}

void RunRandomWorld(sim::World& world, RandomWorldStats* stats, int64_t virtual_seconds) {
  BuildRandomWorld(world, stats);
  world.RunFor(sim::Duration::Seconds(virtual_seconds));
}

}  // namespace simtest
