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

namespace {
// Events that schedule further events at random distances (zero, nanoseconds, or hours away),
// so keys cross every digit of the radix heap; each records (time, seq) as it runs.
struct Chain {
  sim::Scheduler* s;
  std::vector<int64_t> deltas;  // drawn by the property
  size_t next_delta = 0;
  uint64_t next_seq = 0;        // mirrors the scheduler's sequence numbers
  size_t scheduled = 0;
  std::vector<std::pair<int64_t, uint64_t>> ran;

  void Schedule(int64_t delta) {
    ++scheduled;
    s->At(s->Now() + sim::Duration::Nanos(delta), sim::Owner{},
          sim::Action{&Chain::Fire, this, next_seq++});
  }
  static void Fire(void* ctx, uint64_t seq) {
    auto* c = static_cast<Chain*>(ctx);
    c->ran.emplace_back(c->s->Now().nanos(), seq);
    if (c->next_delta < c->deltas.size()) c->Schedule(c->deltas[c->next_delta++]);
    if (c->next_delta < c->deltas.size() && c->deltas[c->next_delta] % 3 == 0) {
      c->Schedule(c->deltas[c->next_delta++]);
    }
  }
};
}  // namespace

TEST_CASE("every event runs exactly in (time, seq) order across time-limit and event-limit stops") {
  rc::prop("chains with stops", [] {
    const auto shift = rc::gen::inRange(0, 44);
    const auto delta = rc::gen::map(rc::gen::pair(shift, rc::gen::inRange<int64_t>(0, 1 << 20)),
                                    [](std::pair<int, int64_t> p) {
                                      return p.second == 0 ? int64_t{0} : (p.second << p.first) >> 20;
                                    });
    sim::Scheduler s;
    Chain c{&s, *rc::gen::container<std::vector<int64_t>>(400, delta)};
    const auto starts = *rc::gen::inRange<size_t>(1, 20);
    for (size_t i = 0; i < starts && c.next_delta < c.deltas.size(); ++i) c.Schedule(c.deltas[c.next_delta++]);
    // Stops at times short of the next event (the radix heap has looked ahead and must take
    // earlier keys afterwards) and after a few events, with new work scheduled in between.
    const auto stops = *rc::gen::container<std::vector<std::pair<int, int64_t>>>(
        rc::gen::pair(rc::gen::inRange(0, 3), delta));
    for (const auto& [kind, d] : stops) {
      if (kind == 0) s.RunFor(sim::Duration::Nanos(d));
      if (kind == 1) s.Run(sim::RunLimits{sim::Instant::Max(), static_cast<uint64_t>(d % 7)});
      if (kind == 2 && c.next_delta < c.deltas.size()) c.Schedule(c.deltas[c.next_delta++] / 2);
    }
    s.RunUntilIdle();
    RC_ASSERT(c.ran.size() == c.scheduled);
    for (size_t i = 1; i < c.ran.size(); ++i) RC_ASSERT(c.ran[i - 1] < c.ran[i]);
    RC_ASSERT(s.pending() == 0u);
  });
}
