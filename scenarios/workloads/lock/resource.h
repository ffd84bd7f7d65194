#pragma once
// The protected resource: the storage a lock holder writes into while it believes it holds
// the lock (the DB row, the file, the scheduled job's output). It is what the lock exists
// for, and what the lock.resource_safe checker judges.
//
// Fidelity contract.
// Models a single-node store that appends each accepted write to a log, one write at a time
// after a short service time. With fencing on it is Kleppmann's fencing storage (anchors
// §2.20): it remembers the highest token (and the holder value that came with it) and
// rejects a write whose token is lower, or equal but from another holder (two grants that
// carry one token, as after a failover that lost the fence counter's last INCR). With fencing
// off it accepts everything.
// Guarantees: the log is in acceptance order; the check and the append are one step.
// Faults: none of its own (it is not a fault target: it stands for the system the lock
// protects, whose own failures are another scenario).
// Not modelled: persistence, replication or reads of the store.

#include <cstdint>
#include <string>
#include <vector>

#include "sim/env.h"

namespace scenarios::lock {

inline constexpr sim::Port kResourcePort = 80;

struct ResourceWrite {
  int64_t client = 0;
  int64_t section = 0;  // unique per critical section of the run
  int64_t seq = 0;      // position of the write inside its section
  int64_t token = -1;   // fencing token; -1: none
  std::string holder;   // the lock value the writer holds
};

struct ResourceEntry {
  ResourceWrite write;
  sim::Instant at;
};

// The store's state, owned outside the node (the workload keeps it for the snapshot).
struct ResourceState {
  bool fencing = false;
  int64_t max_token = -1;
  std::string max_holder;
  std::vector<ResourceEntry> log;  // accepted writes, in acceptance order
  int64_t rejected = 0;
};

// Boot closure body for the resource node. REQUIRES: state outlives the run.
void BootResource(sim::Env env, ResourceState* state);

// The resource's decision for one write, applied to state (true: accepted and appended).
bool ApplyResourceWrite(ResourceState* state, const ResourceWrite& write, sim::Instant now);

}  // namespace scenarios::lock
