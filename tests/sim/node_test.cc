// Goal: a crash cancels a node's tasks and drops its volatile state while synced disk data
// survives (and unsynced data survives only as the seed decides); a paused node runs nothing
// until resumed and its incoming messages wait; the node clock applies offset, drift and jumps.

#include <catch2/catch.hpp>
#include <rapidcheck/catch.h>

#include <map>
#include <string>

#include "sim/world.h"

using namespace sim::literals;

namespace {

struct Volatile {
  int* alive;
  explicit Volatile(int* a) : alive(a) { ++*alive; }
  ~Volatile() { --*alive; }
};

sim::Task<void> Writer(sim::Env env, std::vector<std::pair<int, bool>> plan) {
  for (size_t i = 0; i < plan.size(); ++i) {
    env.disk().Write("k" + std::to_string(plan[i].first % 8), std::to_string(i));
    if (plan[i].second) env.disk().Sync();
    co_await env.Sleep(1_ms);
  }
}

}  // namespace

TEST_CASE("synced writes survive a crash, unsynced ones only as the seed decides") {
  rc::prop("random write/sync plans", [](uint64_t seed, std::vector<std::pair<int, bool>> plan) {
    sim::World w(seed);
    int alive = 0;
    sim::Node& n = w.AddNode("db", [&](sim::Env env) {
      env.Keep<Volatile>(&alive);
      env.Spawn(Writer(env, plan));
    });
    n.Start();
    w.RunFor(sim::Duration::Millis(static_cast<int64_t>(plan.size()) + 1));
    RC_ASSERT(alive == 1);
    // What a crash that loses nothing would keep, and what was synced.
    std::map<std::string, std::string> visible, synced;
    for (size_t i = 0; i < plan.size(); ++i) {
      visible["k" + std::to_string(plan[i].first % 8)] = std::to_string(i);
      if (plan[i].second) synced = visible;
    }
    n.Crash();
    RC_ASSERT(alive == 0);
    RC_ASSERT(n.live_tasks() == 0u);
    for (const auto& [k, v] : synced) {
      auto got = n.disk().Read(k);
      RC_ASSERT(got.has_value());
      // A later unsynced write to the same key may or may not have survived.
      RC_ASSERT(std::stoul(*got) >= std::stoul(v));
    }
    RC_ASSERT(n.disk().unsynced_writes() == 0u);
  });
}

TEST_CASE("a crash without disk loss keeps every write") {
  sim::World w(1);
  sim::Node& n = w.AddNode("db");
  n.Start();
  n.disk().Write("a", "1");
  n.disk().Sync();
  n.disk().Write("b", "2");
  n.Crash(sim::DiskLoss::kNone);
  CHECK(n.disk().Read("a") == "1");
  CHECK(n.disk().Read("b") == "2");
}

namespace {
sim::Task<void> Ticker(sim::Env env, std::vector<int64_t>* ticks) {
  for (;;) {
    co_await env.Sleep(10_ms);
    ticks->push_back(env.Now().nanos() / 1'000'000);
  }
}
}  // namespace

TEST_CASE("a paused node runs nothing until resumed, and its messages wait") {
  sim::World w(1);
  std::vector<int64_t> ticks;
  std::vector<int64_t> received_ms;
  sim::Node& n = w.AddNode("gc", [&](sim::Env env) {
    env.Spawn(Ticker(env, &ticks));
    env.net().Bind(env.At(3), [&, env](sim::Envelope&&) {
      received_ms.push_back(env.Now().nanos() / 1'000'000);
    });
  });
  sim::Node& other = w.AddNode("other");
  w.StartAll();
  w.RunFor(35_ms);
  CHECK(ticks == std::vector<int64_t>{10, 20, 30});
  CHECK(n.Pause());
  w.network().Send(other.env().At(3), n.env().At(3), 0);
  w.RunFor(500_ms);
  CHECK(ticks.size() == 3);
  CHECK(received_ms.empty());
  CHECK(n.Resume());
  w.RunFor(1_ms);
  // The overdue tick and the message run at the resume instant; the pause delayed the
  // node's work by its length.
  CHECK(ticks == std::vector<int64_t>{10, 20, 30, 535});
  CHECK(received_ms == std::vector<int64_t>{535});
  w.RunFor(10_ms);
  CHECK(ticks.back() == 545);
}

TEST_CASE("the node clock applies offset, drift and jumps, sleeps follow the drift") {
  sim::NodeClock c;
  const sim::Instant t0 = sim::Instant::Zero() + 10_s;
  CHECK(c.Local(t0) == t0);
  c.SetOffset(-2_s);
  CHECK(c.Local(t0) == t0 - 2_s);
  c.SetDrift(1000, t0);  // +0.1 %
  CHECK(c.Local(t0 + 10_s) == t0 + 10_s - 2_s + 10_ms);
  c.Jump(1_h);
  CHECK(c.Local(t0 + 10_s) == t0 + 10_s - 2_s + 10_ms + 1_h);
  CHECK(c.GlobalSpan(1001_ms) == 1000_ms);
  c.SetDrift(0, t0 + 10_s);
  CHECK(c.Local(t0 + 20_s) == t0 + 20_s - 2_s + 10_ms + 1_h);
}
