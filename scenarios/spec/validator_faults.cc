// The fault, checker and expectation sections of the spec format.

#include <fmt/format.h>

#include <algorithm>

#include "scenarios/spec/format.h"
#include "scenarios/spec/names.h"
#include "scenarios/spec/validator_impl.h"

namespace scenarios::detail {

void Validator::CheckFaults(const json& v) {
  json out = json{{"schedule", "none"}};
  normalized["faults"] = out;
  if (v.is_null()) return;
  if (!CheckObject(v, "/faults", format::kFaultsKeys)) return;
  const json& schedule = Member(v, "schedule");
  std::string mode = "none";
  if (!schedule.is_null()) {
    mode = Registered(schedule, "/faults/schedule", "schedule", format::kSchedules);
    if (mode.empty()) return;  // an unknown schedule makes every later message a guess
  }
  out["schedule"] = mode;
  const json& swarm = Member(v, "swarm");
  const json& timeline = Member(v, "timeline");
  if (!swarm.is_null() && mode != "swarm") {
    Error("/faults/swarm",
          fmt::format("only used when /faults/schedule is 'swarm' (it is '{}')", mode));
  }
  if (!timeline.is_null() && mode != "scripted") {
    Error("/faults/timeline",
          fmt::format("only used when /faults/schedule is 'scripted' (it is '{}')", mode));
  }
  if (mode == "swarm") out["swarm"] = CheckSwarm(swarm, "/faults/swarm");
  if (mode == "scripted") {
    if (timeline.is_null() || (timeline.is_array() && timeline.empty())) {
      Error("/faults", "schedule 'scripted' needs a non-empty 'timeline'");
    } else if (CheckArray(timeline, "/faults/timeline")) {
      json entries = json::array();
      for (size_t i = 0; i < timeline.size(); ++i) {
        entries.push_back(CheckTimelineEntry(timeline[i], ChildPointer("/faults/timeline", i)));
      }
      out["timeline"] = entries;
    }
  }
  normalized["faults"] = out;
}

json Validator::CheckSwarm(const json& v, const std::string& ptr) {
  json out = json::object();
  if (!v.is_null() && !CheckObject(v, ptr, format::kSwarmKeys)) return out;
  // Without a list of kinds, the swarm draws from every registered fault.
  std::vector<std::string> kinds;
  const json& kinds_json = Member(v, "kinds");
  if (kinds_json.is_null()) {
    kinds = fault_names_;
  } else if (CheckArray(kinds_json, ptr + "/kinds")) {
    if (kinds_json.empty()) Error(ptr + "/kinds", "expected at least one fault kind");
    for (size_t i = 0; i < kinds_json.size(); ++i) {
      const std::string at = ChildPointer(ptr + "/kinds", i);
      const std::string kind = Registered(kinds_json[i], at, "fault", fault_names_);
      if (kind.empty()) continue;
      if (Contains(kinds, kind)) {
        Error(at, fmt::format("duplicate fault '{}'", kind));
        continue;
      }
      kinds.push_back(kind);
    }
  }
  out["kinds"] = kinds;
  const json& interval = Member(v, "interval_ms");
  const std::string interval_ptr = ptr + "/interval_ms";
  out["interval_ms"] = interval.is_null()
                           ? Default(interval_ptr, format::SwarmIntervalParam())
                           : Value(interval, interval_ptr, format::SwarmIntervalParam());
  const json& params = Member(v, "params");
  const std::string params_ptr = ptr + "/params";
  json params_out = json::object();
  if (ObjectOrAbsent(params, params_ptr) && params.is_object()) {
    for (const auto& [key, value] : params.items()) {
      const std::string at = ChildPointer(params_ptr, key);
      if (!Contains(fault_names_, key)) {
        KeyError(at, fmt::format("unknown fault '{}' at {} {}", key, at,
                                 AllowedSuffix(key, fault_names_)));
      } else if (!Contains(kinds, key)) {
        KeyError(at, fmt::format("parameters for fault '{}', which is not in {}/kinds (kinds: {})",
                                 key, ptr, JoinNames(kinds)));
      } else {
        ObjectOrAbsent(value, at);
      }
    }
  }
  // The swarm picks targets itself, so parameters without a default stay unset here.
  for (const std::string& kind : kinds) {
    const EntrySpec* entry = FindEntry(registry_.faults, kind);
    SIM_ASSERT(entry != nullptr);
    ParamOwner owner{"fault '" + kind + "'", false, {}};
    params_out[kind] =
        Params(Member(params, kind.c_str()), ChildPointer(params_ptr, kind), entry->params, owner);
  }
  out["params"] = params_out;
  return out;
}

json Validator::CheckTimelineEntry(const json& v, const std::string& ptr) {
  json out = json::object();
  if (!CheckObject(v, ptr, format::kTimelineKeys)) return out;
  const json& at = Member(v, "at_ms");
  const json& on = Member(v, "on");
  if (at.is_null() == on.is_null()) Error(ptr, "needs exactly one of 'at_ms' or 'on'");
  if (!at.is_null()) out["at_ms"] = Value(at, ptr + "/at_ms", format::TimelineAtParam());
  if (!on.is_null()) out["on"] = CheckTrigger(on, ptr + "/on");
  const json& duration = Member(v, "duration_ms");
  if (!duration.is_null()) {
    out["duration_ms"] = Value(duration, ptr + "/duration_ms", format::TimelineDurationParam());
  }
  const json& params = Member(v, "params");
  const bool params_ok = ObjectOrAbsent(params, ptr + "/params");
  const json& fault = Member(v, "fault");
  if (fault.is_null()) {
    Error(ptr, "missing required key 'fault'");
    return out;
  }
  const std::string name = Registered(fault, ptr + "/fault", "fault", fault_names_);
  const EntrySpec* entry = FindEntry(registry_.faults, name);
  if (entry == nullptr || !params_ok) return out;
  out["fault"] = name;
  ParamOwner owner{"fault '" + name + "'", true, {}};
  out["params"] = Params(params, ptr + "/params", entry->params, owner);
  return out;
}

json Validator::CheckTrigger(const json& v, const std::string& ptr) {
  json out = json::object();
  if (!CheckObject(v, ptr, format::kTriggerKeys)) return out;
  const json& event = Member(v, "event");
  if (event.is_null()) {
    Error(ptr, "missing required key 'event'");
  } else if (CheckString(event, ptr + "/event") && event.get<std::string>().empty()) {
    Error(ptr + "/event", "expected a trace event name such as 'ware.stock_locked', got \"\"");
  }
  out["event"] = event;
  const json& node = Member(v, "node");
  if (!node.is_null()) {
    CheckNodeName(node, ptr + "/node");
    out["node"] = node;
  }
  const json& count = Member(v, "count");
  const std::string count_ptr = ptr + "/count";
  out["count"] = count.is_null() ? Default(count_ptr, format::TriggerCountParam())
                                 : Value(count, count_ptr, format::TriggerCountParam());
  return out;
}

void Validator::CheckCheckers(const json& v) {
  json out = json::array();
  normalized["checkers"] = out;
  if (v.is_null() || !CheckArray(v, "/checkers")) return;
  std::vector<std::pair<std::string, std::string>> seen;  // name, pointer
  for (size_t i = 0; i < v.size(); ++i) {
    const std::string ptr = ChildPointer("/checkers", i);
    json entry = CheckCheckerEntry(v[i], ptr);
    if (!entry.contains("name")) continue;
    const std::string name = entry["name"].get<std::string>();
    const auto dup =
        std::find_if(seen.begin(), seen.end(), [&](const auto& s) { return s.first == name; });
    if (dup != seen.end()) {
      Error(ptr, fmt::format("duplicate checker '{}' (also at {})", name, dup->second));
      continue;
    }
    seen.emplace_back(name, ptr);
    out.push_back(std::move(entry));
  }
  normalized["checkers"] = out;
}

json Validator::CheckCheckerEntry(const json& v, const std::string& ptr) {
  // "name" or {"name": ..., "budget_ms": ..., <checker parameters>...}.
  const bool short_form = v.is_string();
  if (!short_form && !v.is_object()) {
    Error(ptr, "expected a checker name or an object with 'name', got " + DescribeJson(v));
    return json::object();
  }
  const json& name_json = short_form ? v : Member(v, "name");
  if (name_json.is_null()) {
    Error(ptr, "missing required key 'name'");
    return json::object();
  }
  const std::string name_ptr = short_form ? ptr : ptr + "/name";
  const std::string name = Registered(name_json, name_ptr, "checker", checker_names_);
  const EntrySpec* entry = FindEntry(registry_.checkers, name);
  if (entry == nullptr) return json::object();
  // Every checker takes budget_ms unless it declares its own.
  std::vector<ParamSpec> specs = entry->params;
  const bool own_budget = std::any_of(specs.begin(), specs.end(), [](const ParamSpec& p) {
    return p.name == format::CheckerBudgetParam().name;
  });
  if (!own_budget) specs.insert(specs.begin(), format::CheckerBudgetParam());
  ParamOwner owner{"checker '" + name + "'", true, {"name"}};
  json out = Params(short_form ? json() : v, ptr, specs, owner);
  out["name"] = name;
  return out;
}

void Validator::CheckExpect(const json& v) {
  if (v.is_null() || !CheckObject(v, "/expect", format::kExpectKeys)) return;
  json out = json::object();
  const json& verdict = Member(v, "verdict");
  if (verdict.is_null()) {
    Error("/expect", "missing required key 'verdict'");
  } else {
    out["verdict"] = Registered(verdict, "/expect/verdict", "verdict", format::kVerdicts);
  }
  const json& checker = Member(v, "checker");
  if (!checker.is_null()) {
    const std::string name = Registered(checker, "/expect/checker", "checker", checker_names_);
    std::vector<std::string> listed;
    for (const json& c : normalized["checkers"]) listed.push_back(c["name"].get<std::string>());
    if (!name.empty() && !Contains(listed, name)) {
      Error("/expect/checker", fmt::format("checker '{}' is not listed in /checkers (listed: {})",
                                           name, listed.empty() ? "none" : JoinNames(listed)));
    }
    out["checker"] = name;
  }
  const json& seeds = Member(v, "seeds_max");
  const ParamSpec& seeds_spec = format::SeedsMaxParam();
  out["seeds_max"] =
      seeds.is_null() ? seeds_spec.default_value : Value(seeds, "/expect/seeds_max", seeds_spec);
  normalized["expect"] = out;
}

}  // namespace scenarios::detail
