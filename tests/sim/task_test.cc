// Goal: Task<T> is lazy and move-only, returns values and exceptions to its awaiter, runs a
// million sequential awaits in constant stack (in Debug and sanitizer builds too) whether the
// awaited tasks finish during their start (no event at all) or later inside events of their
// own, and a crash destroys a node's frames: destructors run and nothing of the node ever
// resumes again.

#include <catch2/catch.hpp>

#include <stdexcept>

#include "sim/world.h"

using namespace sim::literals;

namespace {

sim::Task<int> Leaf(int v) { co_return v + 1; }

sim::Task<void> Chain(int64_t n, int64_t* out) {
  int64_t sum = 0;
  for (int64_t i = 0; i < n; ++i) sum += co_await Leaf(0);
  *out = sum;
}

sim::Task<int> YieldingLeaf(int v) {
  co_await sim::Yield();
  co_return v + 1;
}

// Each awaited task finishes inside the event that resumes it and resumes this loop right
// there, which starts the next one: the stack must unwind at every Yield.
sim::Task<void> YieldingChain(int64_t n, int64_t* out) {
  int64_t sum = 0;
  for (int64_t i = 0; i < n; ++i) sum += co_await YieldingLeaf(0);
  *out = sum;
}

sim::Task<int> Thrower() {
  co_await sim::Yield();
  throw std::runtime_error("boom");
}

sim::Task<void> Catcher(std::string* out) {
  try {
    (void)co_await Thrower();
  } catch (const std::runtime_error& e) {
    *out = e.what();
  }
}

struct Guard {
  int* destroyed;
  explicit Guard(int* d) : destroyed(d) {}
  Guard(const Guard&) = delete;
  ~Guard() { ++*destroyed; }
};

sim::Task<void> SleepForever(int* destroyed, int* resumed) {
  Guard g(destroyed);
  for (;;) {
    co_await sim::Sleep(1_ms);
    ++*resumed;
  }
}

sim::Task<void> Outer(int* destroyed, int* resumed) {
  Guard g(destroyed);
  co_await SleepForever(destroyed, resumed);
}

}  // namespace

TEST_CASE("a task is lazy: nothing runs until it is awaited or spawned") {
  sim::World world(1);
  int64_t out = -1;
  {
    sim::Task<void> t = Chain(3, &out);
    world.RunUntilIdle();
    CHECK(out == -1);
  }
  world.Spawn(Chain(3, &out));
  world.RunUntilIdle();
  CHECK(out == 3);
}

// Runs a million-step chain to its end: the scheduler events it took.
uint64_t EventsOfMillionChain(sim::Task<void> (*chain)(int64_t, int64_t*)) {
  sim::World world(1);
  int64_t out = 0;
  world.Spawn(chain(1'000'000, &out));
  world.RunUntilIdle();
  CHECK(out == 1'000'000);
  return world.scheduler().events_run();
}

TEST_CASE("one million sequential awaits of tasks that finish at once cost no event") {
  CHECK(EventsOfMillionChain(&Chain) <= 2);  // the spawned root's start
}

TEST_CASE("one million sequential awaits of tasks that wait cost one event each") {
  // One Yield each; the finish resumes the loop inside that event, no event of its own.
  const uint64_t events = EventsOfMillionChain(&YieldingChain);
  CHECK(events >= 1'000'000);
  CHECK(events <= 1'000'002);
}

TEST_CASE("exceptions travel to the awaiter") {
  sim::World world(1);
  std::string what;
  world.Spawn(Catcher(&what));
  world.RunUntilIdle();
  CHECK(what == "boom");
}

TEST_CASE("crashing a node destroys its frames and nothing of it resumes") {
  sim::World world(1);
  int destroyed = 0;
  int resumed = 0;
  sim::Node& n = world.AddNode("n", [&](sim::Env env) { env.Spawn(Outer(&destroyed, &resumed)); });
  n.Start();
  world.RunFor(10_ms);
  CHECK(resumed >= 9);
  CHECK(destroyed == 0);
  CHECK(n.live_tasks() == 1);
  const int before = resumed;
  CHECK(n.Crash());
  CHECK(destroyed == 2);  // both frames' locals
  CHECK(n.live_tasks() == 0);
  world.RunFor(100_ms);
  CHECK(resumed == before);
  CHECK_FALSE(n.Crash());  // already down: not fired
  n.Start();
  world.RunFor(10_ms);
  CHECK(resumed > before);
}

namespace {
sim::Task<void> CrashSelf(sim::Node* self, int* after_crash_steps, int* destroyed) {
  Guard g(destroyed);
  co_await sim::Sleep(1_ms);
  self->Crash();
  ++*after_crash_steps;  // still on the stack of the current event
  co_await sim::Sleep(1_ms);
  ++*after_crash_steps;  // never reached
}
}  // namespace

TEST_CASE("a node crashing itself is buried right after the current event") {
  sim::World world(1);
  int steps = 0;
  int destroyed = 0;
  sim::Node& n = world.AddNode("n");
  n.Start();
  n.Spawn(CrashSelf(&n, &steps, &destroyed));
  world.RunFor(10_ms);
  CHECK(steps == 1);
  CHECK(destroyed == 1);
  CHECK_FALSE(n.up());
}
