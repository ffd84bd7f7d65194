#pragma once
// The determinism check: build and run a world twice from one seed, recording every trace
// event, and compare. When the fingerprints differ, the report names the first trace event
// that differs, with both versions of it (or says that the traces agree and only the
// schedule diverged, i.e. nondeterminism that has not reached a traced event yet).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "sim/trace.h"
#include "sim/world.h"

namespace sim {

struct DeterminismReport {
  uint64_t seed = 0;
  bool deterministic = true;
  uint64_t fingerprint_a = 0;
  uint64_t fingerprint_b = 0;
  uint64_t events_a = 0;  // trace events recorded
  uint64_t events_b = 0;
  std::optional<uint64_t> first_difference;  // trace index
  std::string event_a;  // description of the first differing event in each run ("" = absent)
  std::string event_b;

  std::string ToString() const;
};

// `body` builds the world's nodes and runs it; it is called once per run on a fresh world.
DeterminismReport CheckDeterminism(uint64_t seed, const std::function<void(World&)>& body,
                                   WorldOptions options = {});

}  // namespace sim
