#pragma once
// SIM_BUGGIFY and SIM_COVER, after FoundationDB's BUGGIFY and CODE_PROBE.
//
// SIM_BUGGIFY is a fault point in model code: `if (SIM_BUGGIFY) delay = 5_s;`. Each site
// (keyed by file and line) is enabled or not once per run, decided by the seed alone
// (probability 1/4), so the decision does not depend on the order in which sites are first
// reached; an enabled site then fires on each evaluation with probability 1/4 from the
// run's buggify stream. Outside a simulation (real mode), and when the run disables
// buggification, it is always false.
//
// SIM_COVER("name") counts how often a rare path ran; a run reports its counters at the end,
// so a test suite can show that its scenarios reach the paths they claim to test.

#include <cstdint>
#include <map>
#include <string>

#include "sim/rng.h"

namespace sim {

struct BuggifySite {
  const char* file;
  int line;
  uint64_t key;
  BuggifySite(const char* f, int l) : file(f), line(l), key(Fnv1a64(f) ^ static_cast<uint64_t>(l)) {}
};

struct BuggifySiteStats {
  std::string where;  // "file:line"
  bool enabled = false;
  uint64_t evaluations = 0;
  uint64_t fired = 0;
};

class RunContext {
 public:
  RunContext(uint64_t seed, bool buggify_enabled);

  bool Buggify(const BuggifySite& site);
  void Cover(const char* name) { ++coverage_[name]; }

  bool buggify_enabled() const { return buggify_enabled_; }
  const std::map<uint64_t, BuggifySiteStats>& buggify_sites() const { return sites_; }
  const std::map<std::string, uint64_t>& coverage() const { return coverage_; }

  // The context of the simulation running on this thread (nullptr in real mode).
  static RunContext* Current();
  static RunContext* Exchange(RunContext* c);

 private:
  uint64_t seed_;
  bool buggify_enabled_;
  Rng fire_rng_;
  std::map<uint64_t, BuggifySiteStats> sites_;
  std::map<std::string, uint64_t> coverage_;
};

inline bool BuggifyCheck(const BuggifySite& site) {
  RunContext* c = RunContext::Current();
  return c != nullptr && c->Buggify(site);
}

inline void CoverHit(const char* name) {
  if (RunContext* c = RunContext::Current()) c->Cover(name);
}

}  // namespace sim

#define SIM_BUGGIFY                                               \
  ([]() -> bool {                                                 \
    static const ::sim::BuggifySite sim_site_{__FILE__, __LINE__}; \
    return ::sim::BuggifyCheck(sim_site_);                        \
  }())

#define SIM_COVER(name) ::sim::CoverHit(name)
