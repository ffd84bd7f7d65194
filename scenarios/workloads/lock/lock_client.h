#pragma once
// The lock client: the business code of the course's lock examples (a scheduled job, a cache
// rebuild) reduced to its shape. Each client repeatedly acquires the lock (retrying every
// `retry`, 100 ms in the slides: 000:833-834), runs a critical section of `writes` writes to
// the protected resource spread over a hold time drawn in [hold/2, 3*hold/2], then releases.
// With renewal on, a watchdog renews the lease every `renew_every` while the section runs,
// as a chained one-shot timer that re-arms after each renewal that did not say "not the holder" (003:69-73, the
// fix for the runaway renewal F-51).
//
// What it records, for the checkers:
//   history  "cs"      invoke when the client starts believing it holds the lock, ok when it
//                      stops (before it releases); value: node, section, holder value, token.
//            "release" invoke / ok {deleted} / fail / info, per section.
//   trace    lock.acquired, lock.section_write (after each accepted write), lock.released,
//            lock.renewed, lock.renew_failed: points an event-triggered fault can land on.

#include <cstdint>

#include "scenarios/workloads/lock/lock_backend.h"
#include "sim/env.h"

namespace scenarios::lock {

struct LockClientConfig {
  int64_t client = 1;  // history process id
  sim::NodeId resource = 0;
  sim::Duration lease = sim::Duration::Seconds(10);  // the slides' 10 s TTL (000:933)
  sim::Duration hold = sim::Duration::Millis(300);
  int64_t writes = 3;
  sim::Duration retry = sim::Duration::Millis(100);
  sim::Duration think = sim::Duration::Millis(100);
  sim::Duration call_timeout = sim::Duration::Millis(500);
  bool renewal = false;
  sim::Duration renew_every = sim::Duration::Millis(3333);
};

// What the workload knows about a client, kept outside the node so it survives a crash.
struct ClientStatus {
  uint32_t loop_incarnation = 0;  // the node incarnation whose loop runs or ran
  bool running = false;           // that loop has not finished
  bool holding = false;           // it acquired and has not finished releasing
  int64_t sections = 0;
};

// REQUIRES: backend, status and stop outlive the loop (backend: within the node's incarnation).
sim::Task<void> LockClientLoop(sim::Env env, LockBackend* backend, LockClientConfig config,
                               ClientStatus* status, const bool* stop);

// The section id of a client's n-th section: unique in a run.
inline int64_t SectionId(int64_t client, int64_t n) { return client * 1'000'000 + n; }

}  // namespace scenarios::lock
