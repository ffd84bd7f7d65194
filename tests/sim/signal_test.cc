// Goal: Signal wakes waiters in FIFO order, times them out by virtual time, and never
// resumes the frame of a crashed node.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "sim/signal.h"
#include "sim/world.h"

using namespace sim::literals;

namespace {
sim::Task<void> Waiter(sim::Signal* s, sim::Duration timeout, std::string name,
                       std::vector<std::string>* log, sim::World* w) {
  const auto r = co_await s->Wait(timeout);
  log->push_back(name + (r == sim::Signal::WaitResult::kNotified ? " notified at " : " timed out at ") +
                 sim::FormatInstant(w->Now()));
}

sim::Task<void> NotifyAt(sim::Signal* s, sim::Duration at, bool all) {
  co_await sim::Sleep(at);
  if (all) {
    s->NotifyAll();
  } else {
    s->NotifyOne();
  }
}
}  // namespace

TEST_CASE("signals wake in FIFO order or time out") {
  sim::World w(1);
  sim::Signal s;
  std::vector<std::string> log;
  w.Spawn(Waiter(&s, sim::Duration::Max(), "a", &log, &w));
  w.Spawn(Waiter(&s, 50_ms, "b", &log, &w));
  w.Spawn(Waiter(&s, sim::Duration::Max(), "c", &log, &w));
  w.Spawn(NotifyAt(&s, 10_ms, false));
  w.Spawn(NotifyAt(&s, 100_ms, true));
  w.RunFor(1_s);
  CHECK(log == std::vector<std::string>{"a notified at 0.010", "b timed out at 0.050",
                                        "c notified at 0.100"});
  CHECK(s.waiters() == 0);
}

TEST_CASE("a crashed waiter is never resumed") {
  sim::World w(1);
  sim::Signal s;
  std::vector<std::string> log;
  sim::Node& n = w.AddNode("n");
  n.Start();
  n.Spawn(Waiter(&s, 50_ms, "x", &log, &w));
  n.Spawn(Waiter(&s, sim::Duration::Max(), "y", &log, &w));
  w.RunFor(1_ms);
  CHECK(s.waiters() == 2);
  n.Crash();
  CHECK(s.waiters() == 0);
  CHECK_FALSE(s.NotifyOne());
  w.RunFor(1_s);
  CHECK(log.empty());
}
