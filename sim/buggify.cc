#include "sim/buggify.h"

namespace sim {

namespace {
thread_local RunContext* g_run_context = nullptr;
}  // namespace

RunContext::RunContext(uint64_t seed, bool buggify_enabled)
    : seed_(seed), buggify_enabled_(buggify_enabled), fire_rng_(Rng(seed).Fork("buggify.fire")) {}

RunContext* RunContext::Current() { return g_run_context; }

RunContext* RunContext::Exchange(RunContext* c) {
  RunContext* previous = g_run_context;
  g_run_context = c;
  return previous;
}

bool RunContext::Buggify(const BuggifySite& site) {
  if (!buggify_enabled_) return false;
  auto [it, inserted] = sites_.try_emplace(site.key);
  BuggifySiteStats& s = it->second;
  if (inserted) {
    s.where = std::string(site.file) + ":" + std::to_string(site.line);
    uint64_t mix = seed_ ^ site.key ^ 0xb0661f1eULL;
    s.enabled = SplitMix64(&mix) % 4 == 0;
  }
  ++s.evaluations;
  if (!s.enabled) return false;
  const bool fire = fire_rng_.Chance(Ratio{1, 4});
  if (fire) ++s.fired;
  return fire;
}

}  // namespace sim
