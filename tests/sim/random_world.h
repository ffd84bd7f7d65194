#pragma once
// A randomly generated world for property tests: a few nodes that tick on timers, send
// messages and RPCs to each other and write to disk, plus a nemesis that partitions, clogs,
// crashes, restarts, pauses and resumes them. Everything is drawn from the world's seed.

#include <cstdint>
#include <vector>

#include "sim/world.h"

namespace simtest {

struct RandomWorldStats {
  uint64_t ticks = 0;
  uint64_t received = 0;
  uint64_t rpc_ok = 0;
  uint64_t rpc_fail = 0;
  uint64_t rpc_info = 0;
  uint64_t faults = 0;
};

// Builds the nodes and the nemesis in `world` (stats must outlive the run).
void BuildRandomWorld(sim::World& world, RandomWorldStats* stats);
// Builds and runs for `virtual_seconds`.
void RunRandomWorld(sim::World& world, RandomWorldStats* stats, int64_t virtual_seconds = 2);

}  // namespace simtest
