#pragma once
// A deterministic generator of register/KV histories that are linearizable by construction,
// for benchmarks, the `lin_gen` tool and tests.
//
// Each client runs ops back to back (a think time, then an op whose latency is drawn from a
// range); every op takes effect at a point drawn inside its interval, and outputs are computed
// by applying the ops in the order of those points. Written values are unique ("v<n>"), so the
// histories qualify for the polynomial algorithm unless cas ops are asked for. Unknown writes
// (output.unknown) take effect or not with equal odds. The same options (seed included) always
// give the same history; the generator uses its own SplitMix64 stream, not sim::Rng, so it can
// run outside a simulation.

#include <cstdint>
#include <optional>

#include "checkers/lin/history.h"

namespace checkers::lin {

struct GenOptions {
  uint64_t seed = 1;
  ModelKind model = ModelKind::kRegister;
  size_t clients_count = 10;
  size_t ops_count = 10'000;
  size_t keys_count = 1;          // kv only: keys "k0".."k<n-1>"
  uint32_t read_percent = 50;     // of all ops
  uint32_t cas_percent = 0;       // of all ops; cas values are unique too
  uint32_t unknown_percent = 0;   // of writes and cas: outcome indeterminate
  int64_t latency_ns_min = 1'000;
  int64_t latency_ns_max = 100'000;
  int64_t think_ns_max = 10'000;
};

History GenerateHistory(const GenOptions& options);

// Makes one read return a stale value: the value of a write that was followed, before the
// read's call, by another completed write on the same key. That is illegal whatever the
// interleaving. Picks the first suitable read at or after the middle of the history (by call
// time). Returns its index, or nullopt if the history has no suitable read.
std::optional<size_t> CorruptOneRead(History* history);

}  // namespace checkers::lin
