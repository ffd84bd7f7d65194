#include "scenarios/spec/resolve.h"

#include <fmt/format.h>

#include <algorithm>

#include "scenarios/spec/override.h"
#include "sim/rng.h"

namespace scenarios {
namespace {

using nlohmann::json;

sim::Duration Ms(const json& v) { return sim::Duration::Millis(v.get<int64_t>()); }

std::optional<sim::Duration> OptionalMs(const json& obj, const char* key) {
  if (!obj.contains(key)) return std::nullopt;
  return Ms(obj.at(key));
}

FaultPlan ExtractFaults(const json& f) {
  FaultPlan plan;
  const std::string schedule = f.at("schedule").get<std::string>();
  if (schedule == "swarm") {
    plan.schedule = FaultSchedule::kSwarm;
    const json& s = f.at("swarm");
    plan.swarm.kinds = s.at("kinds").get<std::vector<std::string>>();
    plan.swarm.interval = Ms(s.at("interval_ms"));
    for (const auto& [kind, params] : s.at("params").items()) plan.swarm.params[kind] = params;
  } else if (schedule == "scripted") {
    plan.schedule = FaultSchedule::kScripted;
    for (const json& e : f.at("timeline")) {
      TimelineEntry entry;
      entry.at = OptionalMs(e, "at_ms");
      if (e.contains("on")) {
        const json& on = e.at("on");
        entry.on = Trigger{on.at("event").get<std::string>(), on.value("node", std::string()),
                           on.at("count").get<int64_t>()};
      }
      entry.fault = e.at("fault").get<std::string>();
      entry.params = e.at("params");
      entry.duration = OptionalMs(e, "duration_ms");
      plan.timeline.push_back(std::move(entry));
    }
  } else {
    SIM_ASSERT_EQ(schedule, std::string("none"));
  }
  return plan;
}

// Builds the typed view of a validated, fully resolved document.
void Extract(const json& d, ResolvedSpec* r) {
  r->name = d.at("name").get<std::string>();
  r->description = d.at("description").get<std::string>();
  for (const json& n : d.at("topology").at("nodes")) {
    r->nodes.push_back(NodeDecl{n.at("name").get<std::string>(), n.at("kind").get<std::string>()});
  }
  r->catalog = d.at("catalog");
  r->variants = d.at("variants").get<std::map<std::string, std::string>>();
  r->workload =
      Invocation{d.at("workload").at("name").get<std::string>(), d.at("workload").at("params")};
  r->faults = ExtractFaults(d.at("faults"));
  const json& p = d.at("phases");
  r->phases = Phases{Ms(p.at("chaos_ms")), Ms(p.at("heal_ms")), Ms(p.at("converge_ms_max"))};
  const json& l = d.at("limits");
  r->limits = Limits{l.at("events_max").get<int64_t>(), Ms(l.at("virtual_time_ms_max"))};
  for (const json& c : d.at("checkers")) {
    CheckerInvocation checker{c.at("name").get<std::string>(), Ms(c.at("budget_ms")), c};
    checker.params.erase("name");
    checker.params.erase("budget_ms");
    r->checkers.push_back(std::move(checker));
  }
  if (d.contains("expect")) {
    const json& e = d.at("expect");
    r->expect = Expect{e.at("verdict").get<std::string>(), e.value("checker", std::string()),
                       e.at("seeds_max").get<int64_t>()};
  }
}

// File errors by line, then override errors in the order of the arguments.
std::vector<SpecError> SortedByArgument(std::vector<SpecError> errors,
                                        const std::vector<std::string>& overrides) {
  auto rank = [&](const SpecError& e) {
    if (e.line > 0) return size_t{0};
    for (size_t i = 0; i < overrides.size(); ++i) {
      if (e.file == OverrideDisplayName(overrides[i])) return i + 1;
    }
    return overrides.size() + 1;
  };
  std::stable_sort(errors.begin(), errors.end(),
                   [&](const SpecError& a, const SpecError& b) { return rank(a) < rank(b); });
  return errors;
}

}  // namespace

std::vector<std::string> ResolvedSpec::ChoiceLines() const {
  std::vector<std::string> lines;
  for (const Choice& c : choices) {
    lines.push_back(fmt::format("{} = {}  ({})", c.pointer, c.value.dump(), c.source));
  }
  return lines;
}

SpecResult<ResolvedSpec> ResolveSpec(const Spec& spec, uint64_t seed,
                                     const std::vector<std::string>& overrides) {
  SIM_ASSERT(spec.registry != nullptr);
  json document = spec.document;
  std::vector<Override> applied;        // in argument order
  std::vector<OverrideOrigin> origins;  // parallel to `applied`
  std::vector<SpecError> errors;
  for (const std::string& argument : overrides) {
    auto parsed = ParseOverride(argument, *spec.registry);
    if (!parsed.ok()) {
      errors.insert(errors.end(), parsed.errors().begin(), parsed.errors().end());
      continue;
    }
    auto origin = ApplyOverride(parsed.value(), &document);
    if (!origin.ok()) {
      errors.insert(errors.end(), origin.errors().begin(), origin.errors().end());
      continue;
    }
    applied.push_back(std::move(parsed.value()));
    origins.push_back(origin.value());
  }
  if (!errors.empty()) return errors;

  Validated validated{spec.normalized, spec.ranges};
  if (!overrides.empty()) {
    const ErrorLocator locator(spec.file, &spec.locations, origins);
    auto checked = ValidateDocument(document, locator, *spec.registry);
    if (!checked.ok()) return SortedByArgument(checked.errors(), overrides);
    validated = std::move(checked.value());
  }

  ResolvedSpec r;
  r.seed = seed;
  r.file = spec.file;
  r.document = std::move(validated.normalized);
  for (const auto& [name, value] : r.document.at("variants").items()) {
    const std::string pointer = ChildPointer("/variants", name);
    std::string source = "default";
    if (spec.document.contains("variants") && spec.document["variants"].contains(name)) {
      source = "spec";
    }
    for (const Override& o : applied) {
      if (o.pointer == pointer) source = OverrideDisplayName(o.argument);
    }
    r.choices.push_back(Choice{pointer, value, source});
  }
  const sim::Rng root(seed);
  for (const RangeSlot& slot : validated.ranges) {
    const int64_t v = root.Fork("spec" + slot.pointer).Uniform(slot.min, slot.max);
    r.document[json::json_pointer(slot.pointer)] = v;
    r.choices.push_back(Choice{slot.pointer, v, fmt::format("range [{}, {}]", slot.min, slot.max)});
  }
  for (const Override& o : applied) {
    const bool listed = std::any_of(r.choices.begin(), r.choices.end(),
                                    [&](const Choice& c) { return c.pointer == o.pointer; });
    const json::json_pointer at(o.pointer);
    // A later override may have replaced this one's parent; then it set nothing.
    if (!listed && document.contains(at)) {
      r.choices.push_back(Choice{o.pointer, document.at(at), OverrideDisplayName(o.argument)});
    }
  }
  Extract(r.document, &r);
  return r;
}

}  // namespace scenarios
