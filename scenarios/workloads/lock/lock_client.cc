// The lock client loop: see lock_client.h.
#include "scenarios/workloads/lock/lock_client.h"

#include <memory>

#include "scenarios/workloads/lock/resource.h"
#include "sim/assert.h"
#include "sim/history.h"

namespace scenarios::lock {

namespace {

// The watchdog: sleeps, renews, and re-arms only when the renewal succeeded; it stops when
// the section is over or when the lock is no longer the holder's; a renewal whose outcome
// is unknown or that could not run is retried at the next period.
sim::Task<void> Watchdog(sim::Env env, LockBackend* backend, LockGrant grant,
                         LockClientConfig config, std::shared_ptr<bool> section_over) {
  for (;;) {
    co_await env.Sleep(config.renew_every);
    if (*section_over) co_return;
    sim::Result<bool> renewed = co_await backend->Renew(grant, config.lease);
    if (*section_over) co_return;
    if (!renewed.ok()) {
      // A lost or late reply says nothing about ownership: try again at the next period
      // (the lease is three periods long) rather than let one dropped packet end renewal.
      env.Trace("lock.renew_failed", {{"client", config.client}, {"why", renewed.error().ToString()}});
      continue;
    }
    if (!*renewed) {
      env.Trace("lock.renew_failed", {{"client", config.client}, {"why", "not the holder"}});
      co_return;  // the lock is someone else's: the chain ends (F-51)
    }
    env.Trace("lock.renewed", {{"client", config.client}});
  }
}

struct SectionTally {
  int64_t accepted = 0;
  int64_t rejected = 0;
  int64_t unknown = 0;
};

sim::Task<SectionTally> RunSection(sim::Env env, LockClientConfig config, LockGrant grant,
                                   int64_t section) {
  SectionTally tally;
  const sim::Duration hold = env.rng().Uniform(config.hold / 2, config.hold * 3 / 2);
  const sim::Endpoint resource{config.resource, kResourcePort};
  for (int64_t seq = 0; seq < config.writes; ++seq) {
    ResourceWrite w;
    w.client = config.client;
    w.section = section;
    w.seq = seq;
    w.token = grant.token;
    w.holder = grant.value;
    sim::Result<bool> r = co_await env.Call<bool>(resource, w, config.call_timeout);
    if (r.ok()) {
      ++tally.accepted;
      env.Trace("lock.section_write", {{"client", config.client}, {"section", section},
                                       {"seq", seq}});
    } else if (r.error().Indeterminate()) {
      ++tally.unknown;
    } else {
      ++tally.rejected;
    }
    co_await env.Sleep(hold / config.writes);
  }
  co_return tally;
}

sim::Task<void> Release(sim::Env env, LockBackend* backend, LockClientConfig config,
                        LockGrant grant, int64_t section) {
  sim::History& h = env.history();
  const uint64_t op = h.Invoke(config.client, "release",
                               {{"section", section}, {"holder", grant.value}}, env.Now(), env.id());
  sim::Result<Released> released = co_await backend->Release(grant);
  if (released.ok()) {
    h.Complete(op, sim::OpType::kOk,
               {{"section", section}, {"deleted", released->deleted},
                {"delete_sent_ns", released->delete_sent.nanos()}},
               env.Now());
    env.Trace("lock.released", {{"client", config.client}, {"deleted", released->deleted ? 1 : 0}});
  } else {
    const sim::OpType type =
        released.error().Indeterminate() ? sim::OpType::kInfo : sim::OpType::kFail;
    h.Complete(op, type, {{"section", section}}, env.Now(), released.error().ToString());
  }
}

}  // namespace

sim::Task<void> LockClientLoop(sim::Env env, LockBackend* backend, LockClientConfig config,
                               ClientStatus* status, const bool* stop) {
  SIM_ASSERT(config.writes > 0);
  SIM_ASSERT(config.lease > sim::Duration::Zero());
  status->loop_incarnation = env.node().incarnation();
  status->running = true;
  while (!*stop) {
    sim::Result<std::optional<LockGrant>> got = co_await backend->Acquire(config.lease);
    if (!got.ok() || !got->has_value()) {
      co_await env.Sleep(config.retry);
      continue;
    }
    const LockGrant grant = **got;
    const int64_t section = SectionId(config.client, ++status->sections);
    status->holding = true;
    env.Trace("lock.acquired", {{"client", config.client}, {"section", section},
                                {"token", grant.token}});
    sim::History& h = env.history();
    const uint64_t op = h.Invoke(config.client, "cs",
                                 {{"node", env.name()}, {"section", section},
                                  {"holder", grant.value}, {"token", grant.token}},
                                 env.Now(), env.id());
    auto section_over = std::make_shared<bool>(false);
    if (config.renewal) env.Spawn(Watchdog(env, backend, grant, config, section_over));
    // Tasks are made first and awaited by name (STYLE.md §7: no temporaries with destructors
    // inside a co_await expression under GCC 12).
    sim::Task<SectionTally> run = RunSection(env, config, grant, section);
    const SectionTally tally = co_await std::move(run);
    h.Complete(op, sim::OpType::kOk,
               {{"section", section}, {"accepted", tally.accepted},
                {"rejected", tally.rejected}, {"unknown", tally.unknown}},
               env.Now());
    *section_over = true;
    sim::Task<void> release = Release(env, backend, config, grant, section);
    co_await std::move(release);
    status->holding = false;
    co_await env.Sleep(env.rng().Uniform(config.think / 2, config.think * 3 / 2));
  }
  status->running = false;
}

}  // namespace scenarios::lock
