// Goal: pin down how the replicated lock table decides lease expiry from leader stamps alone
// (kv_state_machine.h): a lease lasts its full length on one leader's clock, a new term's
// no-op restarts every live lease on the new leader's clock (so a skew between leaders never
// ends one early), a leader's clock stepping back never shortens one, renew keeps the token
// and fails once the grant is gone, and, the documented limit, a leader's clock stepping
// forward inside a term does end a lease early.
#include <catch2/catch.hpp>

#include "models/raft/kv_state_machine.h"

namespace {

using models::raft::Command;
using models::raft::CommandKind;
using models::raft::KvStateMachine;

constexpr int64_t kMs = 1'000'000;

struct Log {
  KvStateMachine sm;
  int64_t index = 0;
  int64_t seq = 0;

  models::raft::ApplyResult Do(CommandKind kind, const std::string& owner, int64_t time_ms,
                               int64_t lease_ms = 0, int64_t token = 0) {
    Command c;
    c.kind = kind;
    c.client = 1;
    c.seq = ++seq;
    c.key = "lock";
    c.value = owner;
    c.lease_ns = lease_ms * kMs;
    c.token = token;
    c.time_ns = time_ms * kMs;
    return sm.Apply(++index, c);
  }
  void NewTerm(int64_t term, int64_t time_ms) {
    Command noop;
    noop.seq = term;
    noop.time_ns = time_ms * kMs;
    sm.Apply(++index, noop);
  }
};

TEST_CASE("a lease lasts its length on the leader's clock, tokens are log indexes",
          "[raft][lease]") {
  Log log;
  log.NewTerm(1, 0);
  const auto a = log.Do(CommandKind::kAcquire, "A", 100, 1000);
  REQUIRE(a.ok);
  CHECK(a.token == 2);
  CHECK_FALSE(log.Do(CommandKind::kAcquire, "B", 1099, 1000).ok);
  const auto b = log.Do(CommandKind::kAcquire, "B", 1100, 1000);
  REQUIRE(b.ok);
  CHECK(b.token > a.token);
  // The old holder can neither renew nor release the new grant.
  CHECK_FALSE(log.Do(CommandKind::kRenew, "A", 1200, 1000, a.token).ok);
  CHECK_FALSE(log.Do(CommandKind::kRelease, "A", 1200, 0, a.token).ok);
}

TEST_CASE("renew extends the grant in force and keeps its token", "[raft][lease]") {
  Log log;
  log.NewTerm(1, 0);
  const auto a = log.Do(CommandKind::kAcquire, "A", 0, 1000);
  CHECK(log.Do(CommandKind::kRenew, "A", 900, 1000, a.token).ok);
  CHECK_FALSE(log.Do(CommandKind::kAcquire, "B", 1500, 1000).ok);
  CHECK(log.sm.locks().at("lock").token == a.token);
  CHECK_FALSE(log.Do(CommandKind::kRenew, "A", 1900, 1000, a.token + 1).ok);  // wrong token
  CHECK_FALSE(log.Do(CommandKind::kRenew, "A", 2000, 1000, a.token).ok);      // expired
  CHECK(log.Do(CommandKind::kRelease, "A", 2000, 0, a.token).ok);  // still its (expired) entry
}

TEST_CASE("a new term restarts leases on the new leader's clock", "[raft][lease]") {
  Log log;
  log.NewTerm(1, 50'000);
  const auto a = log.Do(CommandKind::kAcquire, "A", 50'000, 1000);
  REQUIRE(a.ok);
  // The next leader's clock is 10 s ahead: without the restart A's lease would be over.
  log.NewTerm(2, 60'000);
  CHECK_FALSE(log.Do(CommandKind::kAcquire, "B", 60'500, 1000).ok);
  CHECK(log.Do(CommandKind::kAcquire, "B", 61'000, 1000).ok);
  // A leader whose clock is 40 s behind: leases restart from its own reading.
  const auto b = log.sm.locks().at("lock");
  log.NewTerm(3, 21'000);
  CHECK_FALSE(log.Do(CommandKind::kAcquire, "C", 21'999, 1000).ok);
  CHECK(log.sm.locks().at("lock").token == b.token);
  CHECK(log.Do(CommandKind::kAcquire, "C", 22'000, 1000).ok);
  // A lease already over when the term ends is not revived by the next term's restart.
  log.Do(CommandKind::kPut, "-", 23'500);  // the old term's clock passes C's expiry
  log.NewTerm(4, 90'000);
  CHECK(log.sm.locks().count("lock") == 0);
  CHECK(log.Do(CommandKind::kAcquire, "D", 90'000, 1000).ok);
}

TEST_CASE("a clock stepping back never shortens a lease, stepping forward does (the limit)",
          "[raft][lease]") {
  Log log;
  log.NewTerm(1, 10'000);
  REQUIRE(log.Do(CommandKind::kAcquire, "A", 10'000, 1000).ok);
  CHECK_FALSE(log.Do(CommandKind::kAcquire, "B", 5'000, 1000).ok);  // stamp went back 5 s
  CHECK(log.sm.clock_ns() == 10'000 * kMs);                          // the clock did not
  CHECK_FALSE(log.Do(CommandKind::kAcquire, "B", 10'999, 1000).ok);
  Log jumped;
  jumped.NewTerm(1, 10'000);
  REQUIRE(jumped.Do(CommandKind::kAcquire, "A", 10'000, 1000).ok);
  // The leader's wall clock steps 60 s forward 10 ms later: A's lease is over at once.
  CHECK(jumped.Do(CommandKind::kAcquire, "B", 70'010, 1000).ok);
}

}  // namespace
