#include "scenarios/load.h"

namespace scenarios {

const RegistryInfo& DefaultRegistryInfo() {
  static const RegistryInfo info = DefaultRegistry().Describe();
  return info;
}

std::variant<Spec, std::vector<SpecError>> LoadSpecFile(const std::string& path) {
  SpecResult<Spec> r = LoadSpec(path, DefaultRegistryInfo());
  if (!r.ok()) return r.errors();
  return std::move(r.value());
}

RunConfig ToRunConfig(const ResolvedSpec& r, const std::vector<std::string>& overrides) {
  RunConfig c;
  c.scenario = r.name;
  c.spec_path = r.file;
  c.overrides = overrides;
  c.seed = r.seed;
  c.workload = r.workload.name;
  c.workload_params = r.workload.params;
  c.catalog = r.catalog;
  c.variants = r.variants;
  c.chaos = r.phases.chaos;
  c.heal = r.phases.heal;
  c.converge_max = r.phases.converge_max;
  c.events_max = static_cast<uint64_t>(r.limits.events_max);
  c.virtual_time_max = r.limits.virtual_time_max;
  for (const CheckerInvocation& ci : r.checkers) c.checkers.push_back(CheckerConfig{ci.name, ci.budget});
  switch (r.faults.schedule) {
    case FaultSchedule::kNone:
      c.faults.schedule = "none";
      break;
    case FaultSchedule::kSwarm: {
      c.faults.schedule = "swarm";
      c.faults.swarm.kinds = r.faults.swarm.kinds;
      // Injections jitter around the resolved mean interval.
      c.faults.swarm.interval_min = r.faults.swarm.interval / 2;
      c.faults.swarm.interval_max = r.faults.swarm.interval * 3 / 2;
      for (const auto& [kind, params] : r.faults.swarm.params) c.faults.swarm.params[kind] = params;
      break;
    }
    case FaultSchedule::kScripted:
      c.faults.schedule = "scripted";
      for (const TimelineEntry& e : r.faults.timeline) {
        faults::TimelineEntry t;
        t.at = e.at;
        if (e.on) t.on = faults::Trigger{e.on->event, e.on->node, e.on->count};
        t.fault = e.fault;
        t.params = e.params.is_null() ? nlohmann::json::object() : e.params;
        t.duration = e.duration;
        c.faults.timeline.push_back(std::move(t));
      }
      break;
  }
  c.resolved = r.ChoiceLines();
  return c;
}

LoadResult ResolveRunConfig(const Spec& spec, uint64_t seed,
                            const std::vector<std::string>& overrides) {
  SpecResult<ResolvedSpec> r = ResolveSpec(spec, seed, overrides);
  if (!r.ok()) return r.errors();
  return ToRunConfig(r.value(), overrides);
}

}  // namespace scenarios
