#include "sim/determinism.h"

#include <memory>

namespace sim {

std::string DeterminismReport::ToString() const {
  std::string out = "seed " + std::to_string(seed) + ": ";
  if (deterministic) {
    return out + "deterministic (fingerprint " + std::to_string(fingerprint_a) + ", " +
           std::to_string(events_a) + " trace events)";
  }
  out += "NONDETERMINISTIC: fingerprints " + std::to_string(fingerprint_a) + " vs " +
         std::to_string(fingerprint_b) + "\n";
  if (first_difference) {
    out += "  first differing trace event #" + std::to_string(*first_difference) + ":\n";
    out += "    run 1: " + (event_a.empty() ? std::string("(no event)") : event_a) + "\n";
    out += "    run 2: " + (event_b.empty() ? std::string("(no event)") : event_b) + "\n";
  } else {
    out += "  the traces agree (" + std::to_string(events_a) +
           " events); only the event schedule differs\n";
  }
  return out;
}

DeterminismReport CheckDeterminism(uint64_t seed, const std::function<void(World&)>& body,
                                   WorldOptions options) {
  options.record_trace = true;
  auto a = std::make_unique<World>(seed, options);
  body(*a);
  auto b = std::make_unique<World>(seed, options);
  body(*b);

  DeterminismReport r;
  r.seed = seed;
  r.fingerprint_a = a->Fingerprint();
  r.fingerprint_b = b->Fingerprint();
  r.deterministic = r.fingerprint_a == r.fingerprint_b;
  const auto& ea = a->trace().all();
  const auto& eb = b->trace().all();
  r.events_a = ea.size();
  r.events_b = eb.size();
  const size_t n = std::max(ea.size(), eb.size());
  for (size_t i = 0; i < n; ++i) {
    const bool have_a = i < ea.size();
    const bool have_b = i < eb.size();
    if (have_a && have_b && ea[i] == eb[i]) continue;
    r.deterministic = false;
    r.first_difference = i;
    if (have_a) r.event_a = a->trace().Describe(ea[i]);
    if (have_b) r.event_b = b->trace().Describe(eb[i]);
    break;
  }
  return r;
}

}  // namespace sim
