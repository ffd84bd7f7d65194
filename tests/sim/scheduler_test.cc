// Goal: the scheduler orders events by (time, sequence), runs equal-time events FIFO, never
// moves time backwards, stops cleanly at its time, event and predicate limits, and discards
// the events of a killed owner while parking those of a paused one.

#include <catch2/catch.hpp>
#include <rapidcheck/catch.h>

#include <vector>

#include "sim/scheduler.h"

using namespace sim::literals;

namespace {
struct Log {
  sim::Scheduler* s;
  std::vector<std::pair<int64_t, uint64_t>> seen;  // (time, tag)
};
void Record(void* ctx, uint64_t tag) {
  auto* log = static_cast<Log*>(ctx);
  log->seen.emplace_back(log->s->Now().nanos(), tag);
}
}  // namespace

TEST_CASE("time never goes backwards and equal-time events run in FIFO order") {
  rc::prop("random schedules", [](std::vector<std::pair<uint8_t, uint8_t>> plan) {
    sim::Scheduler s;
    Log log{&s, {}};
    uint64_t tag = 0;
    for (auto [t, _] : plan) {
      s.At(sim::Instant::FromNanos(t % 16), sim::Owner{}, sim::Action{&Record, &log, tag++});
    }
    s.RunUntilIdle();
    RC_ASSERT(log.seen.size() == plan.size());
    for (size_t i = 1; i < log.seen.size(); ++i) {
      RC_ASSERT(log.seen[i - 1].first <= log.seen[i].first);
      if (log.seen[i - 1].first == log.seen[i].first) {
        RC_ASSERT(log.seen[i - 1].second < log.seen[i].second);
      }
    }
  });
}

TEST_CASE("events scheduled during a run at the current time run after those already due") {
  sim::Scheduler s;
  Log log{&s, {}};
  struct Ctx {
    sim::Scheduler* s;
    Log* log;
  } ctx{&s, &log};
  auto spawner = [](void* c, uint64_t) {
    auto* x = static_cast<Ctx*>(c);
    Record(x->log, 100);
    x->s->Post(sim::Owner{}, sim::Action{&Record, x->log, 101});
  };
  s.At(sim::Instant::FromNanos(5), sim::Owner{}, sim::Action{spawner, &ctx, 0});
  s.At(sim::Instant::FromNanos(5), sim::Owner{}, sim::Action{&Record, &log, 1});
  s.RunUntilIdle();
  REQUIRE(log.seen.size() == 3);
  CHECK(log.seen[0].second == 100);
  CHECK(log.seen[1].second == 1);
  CHECK(log.seen[2].second == 101);
}

TEST_CASE("run limits stop cleanly") {
  sim::Scheduler s;
  Log log{&s, {}};
  for (int i = 1; i <= 10; ++i) {
    s.At(sim::Instant::Zero() + sim::Duration::Millis(i), sim::Owner{},
         sim::Action{&Record, &log, static_cast<uint64_t>(i)});
  }
  CHECK(s.Run(sim::RunLimits{sim::Instant::Zero() + 3_ms}) == sim::StopReason::kTimeLimit);
  CHECK(log.seen.size() == 3);
  CHECK(s.Now() == sim::Instant::Zero() + 3_ms);
  CHECK(s.Run(sim::RunLimits{sim::Instant::Max(), 2}) == sim::StopReason::kEventLimit);
  CHECK(log.seen.size() == 5);
  CHECK(s.Run(sim::RunLimits{}, [&] { return log.seen.size() == 7; }) ==
        sim::StopReason::kPredicate);
  CHECK(log.seen.size() == 7);
  CHECK(s.pending() == 3);
  CHECK(s.RunUntilIdle() == sim::StopReason::kIdle);
  CHECK(log.seen.size() == 10);
  // A time limit with nothing to do still advances the clock.
  CHECK(s.RunFor(1_s) == sim::StopReason::kIdle);
  CHECK(s.Now() == sim::Instant::Zero() + 10_ms + 1_s);
}

TEST_CASE("killed owners' events are discarded and paused owners' events are parked") {
  sim::Scheduler s;
  Log log{&s, {}};
  const sim::NodeId a = s.AddOwner();
  const sim::NodeId b = s.AddOwner();
  s.At(sim::Instant::Zero() + 1_ms, s.LiveOwner(a), sim::Action{&Record, &log, 1});
  s.At(sim::Instant::Zero() + 2_ms, s.LiveOwner(b), sim::Action{&Record, &log, 2});
  s.At(sim::Instant::Zero() + 3_ms, s.LiveOwner(b), sim::Action{&Record, &log, 3});
  s.Kill(a);
  s.Pause(b);
  s.RunFor(10_ms);
  CHECK(log.seen.empty());
  CHECK(s.events_discarded() == 1);
  s.Unpause(b);
  s.RunUntilIdle();
  REQUIRE(log.seen.size() == 2);
  CHECK(log.seen[0] == std::pair<int64_t, uint64_t>{10'000'000, 2});
  CHECK(log.seen[1] == std::pair<int64_t, uint64_t>{10'000'000, 3});
}
