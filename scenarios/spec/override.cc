#include "scenarios/spec/override.h"

#include <fmt/format.h>

#include "scenarios/spec/json_loc.h"

namespace scenarios {
namespace {

SpecError OverrideError(const std::string& argument, std::string pointer, std::string message) {
  return SpecError{
      OverrideDisplayName(argument), 0, 0, std::move(pointer), std::move(message), false};
}

std::vector<std::string> SplitDots(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {  // bounded: start advances past one '.' per iteration
    const size_t dot = s.find('.', start);
    out.push_back(s.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) return out;
    start = dot + 1;
  }
}

// The segments of a dotted key; see the header for the two names that contain dots.
std::vector<std::string> SplitKey(const std::string& key, const RegistryInfo& registry) {
  const std::string variants = "variants.";
  if (key.compare(0, variants.size(), variants) == 0) {
    return {"variants", key.substr(variants.size())};
  }
  const std::string swarm_params = "faults.swarm.params.";
  if (key.compare(0, swarm_params.size(), swarm_params) == 0) {
    const std::string rest = key.substr(swarm_params.size());
    std::string fault;
    for (const EntrySpec& f : registry.faults) {
      const bool whole = rest == f.name;
      const bool prefix = rest.size() > f.name.size() &&
                          rest.compare(0, f.name.size(), f.name) == 0 && rest[f.name.size()] == '.';
      if ((whole || prefix) && f.name.size() > fault.size()) fault = f.name;
    }
    if (!fault.empty()) {
      std::vector<std::string> out = {"faults", "swarm", "params", fault};
      if (rest.size() > fault.size()) {
        for (std::string& s : SplitDots(rest.substr(fault.size() + 1))) out.push_back(s);
      }
      return out;
    }
  }
  return SplitDots(key);
}

}  // namespace

std::string OverrideDisplayName(const std::string& argument) { return "--set " + argument; }

SpecResult<Override> ParseOverride(const std::string& argument, const RegistryInfo& registry) {
  const size_t eq = argument.find('=');
  if (eq == std::string::npos || eq == 0) {
    return std::vector<SpecError>{
        OverrideError(argument, "", "expected key=value, e.g. workload.params.clients=4")};
  }
  const std::string key = argument.substr(0, eq);
  const std::string text = argument.substr(eq + 1);
  Override o;
  o.argument = argument;
  for (const std::string& segment : SplitKey(key, registry)) {
    if (segment.empty()) {
      return std::vector<SpecError>{
          OverrideError(argument, "", fmt::format("empty segment in key '{}'", key))};
    }
    o.pointer = ChildPointer(o.pointer, segment);
  }
  // JSON when it is JSON (numbers, ranges, true), else the text itself as a string.
  auto parsed = ParseJsonWithLocations(text, OverrideDisplayName(argument));
  o.value = parsed.ok() ? std::move(parsed.value().value) : nlohmann::json(text);
  return o;
}

SpecResult<OverrideOrigin> ApplyOverride(const Override& o, nlohmann::json* document) {
  nlohmann::json* at = document;
  std::string walked;
  std::string blame;
  size_t start = 1;  // past the leading '/'
  while (true) {     // bounded: one pointer token per iteration
    const size_t slash = o.pointer.find('/', start);
    const std::string raw =
        o.pointer.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    const std::string token = nlohmann::json::json_pointer("/" + raw).back();
    const std::string here = walked;
    walked += "/" + raw;
    if (at->is_null()) *at = nlohmann::json::object();
    if (at->is_object()) {
      // Objects this override creates are its own: errors inside them name the argument.
      if (blame.empty() && !at->contains(token)) blame = walked;
      at = &(*at)[token];
    } else if (at->is_array()) {
      const bool digits =
          !token.empty() && token.find_first_not_of("0123456789") == std::string::npos;
      if (!digits || token.size() > 9 || std::stoul(token) >= at->size()) {
        return std::vector<SpecError>{
            OverrideError(o.argument, walked,
                          fmt::format("{}: no such element ({} has {} elements)", walked,
                                      ShowPointer(here), at->size()))};
      }
      at = &(*at)[std::stoul(token)];
    } else {
      return std::vector<SpecError>{
          OverrideError(o.argument, walked,
                        fmt::format("{}: cannot set a member of {}, which is {}", walked,
                                    ShowPointer(here), DescribeJson(*at)))};
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  *at = o.value;
  return OverrideOrigin{OverrideDisplayName(o.argument), blame.empty() ? o.pointer : blame};
}

}  // namespace scenarios
