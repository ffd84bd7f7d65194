#include <fmt/format.h>

#include <algorithm>

#include "scenarios/spec/names.h"
#include "scenarios/spec/validator_impl.h"

namespace scenarios {

std::string ShowPointer(const std::string& pointer) { return pointer.empty() ? "/" : pointer; }

std::string DescribeJson(const nlohmann::json& value) {
  constexpr size_t kShownMax = 40;
  auto shorten = [&](std::string s) {
    if (s.size() > kShownMax) s = s.substr(0, kShownMax - 3) + "...";
    return s;
  };
  switch (value.type()) {
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::boolean: return value.get<bool>() ? "true" : "false";
    case nlohmann::json::value_t::string: return "string " + shorten(value.dump());
    case nlohmann::json::value_t::object: return "an object";
    case nlohmann::json::value_t::array: {
      const std::string text = value.dump();
      if (text.size() <= kShownMax) return "array " + text;
      return fmt::format("an array of {} elements", value.size());
    }
    default: return "number " + value.dump();
  }
}

namespace detail {

const EntrySpec* FindEntry(const std::vector<EntrySpec>& entries, const std::string& name) {
  for (const EntrySpec& e : entries) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

const json& Member(const json& obj, const char* key) {
  static const json kAbsent;
  if (!obj.is_object()) return kAbsent;
  const auto it = obj.find(key);
  return it == obj.end() ? kAbsent : *it;
}

bool Contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

void Validator::Error(const std::string& ptr, const std::string& message) {
  errors.push_back(locator_.Make(ptr, false, ShowPointer(ptr) + ": " + message));
}

void Validator::KeyError(const std::string& ptr, const std::string& message) {
  errors.push_back(locator_.Make(ptr, true, message));
}

bool Validator::CheckObject(const json& v, const std::string& ptr,
                            const std::vector<std::string>& allowed) {
  if (!v.is_object()) {
    Error(ptr, "expected an object, got " + DescribeJson(v));
    return false;
  }
  for (const auto& [key, value] : v.items()) {
    const std::string child = ChildPointer(ptr, key);
    if (!Contains(allowed, key)) {
      KeyError(child,
               fmt::format("unknown key '{}' at {} {}", key, child, AllowedSuffix(key, allowed)));
    } else if (value.is_null()) {
      // The walk treats null as absent; saying so keeps `"faults": null` from passing silently.
      Error(child, "expected a value, got null (leave the key out instead)");
    }
  }
  return true;
}

bool Validator::ObjectOrAbsent(const json& v, const std::string& ptr) {
  if (v.is_null() || v.is_object()) return true;
  Error(ptr, "expected an object, got " + DescribeJson(v));
  return false;
}

bool Validator::CheckArray(const json& v, const std::string& ptr) {
  if (v.is_array()) return true;
  Error(ptr, "expected an array, got " + DescribeJson(v));
  return false;
}

bool Validator::CheckString(const json& v, const std::string& ptr) {
  if (v.is_string()) return true;
  Error(ptr, "expected a string, got " + DescribeJson(v));
  return false;
}

std::string Validator::Registered(const json& v, const std::string& ptr, const std::string& noun,
                                  const std::vector<std::string>& names) {
  if (!v.is_string()) {
    Error(ptr, fmt::format("expected a {} name, got {}", noun, DescribeJson(v)));
    return "";
  }
  const std::string name = v.get<std::string>();
  if (Contains(names, name)) return name;
  Error(ptr, fmt::format("unknown {} '{}' {}", noun, name, AllowedSuffix(name, names)));
  return "";
}

void Validator::CheckNodeName(const json& v, const std::string& ptr) {
  if (!v.is_string()) {
    Error(ptr, "expected a node name, got " + DescribeJson(v));
    return;
  }
  const std::string name = v.get<std::string>();
  if (Contains(node_names_, name)) return;
  Error(ptr, fmt::format("unknown node '{}' {}", name, AllowedSuffix(name, node_names_)));
}

json Validator::Number(const json& v, const std::string& ptr, const ParamSpec& spec) {
  const std::string bound = fmt::format("[{}, {}]", spec.min, spec.max);
  // Checks one integer against the bounds; reports at `at` (the value or a range element).
  auto in_bounds = [&](const json& n, const std::string& at) {
    const bool too_big = n.is_number_unsigned() && n.get<uint64_t>() > uint64_t{INT64_MAX};
    if (too_big || n.get<int64_t>() < spec.min || n.get<int64_t>() > spec.max) {
      Error(at, fmt::format("{} is out of range {}", n.dump(), bound));
      return false;
    }
    return true;
  };
  if (v.is_number_integer()) {
    in_bounds(v, ptr);
    return v;
  }
  const bool pair =
      v.is_array() && v.size() == 2 && v[0].is_number_integer() && v[1].is_number_integer();
  if (spec.rangeable && pair) {
    const bool lo_ok = in_bounds(v[0], ChildPointer(ptr, size_t{0}));
    const bool hi_ok = in_bounds(v[1], ChildPointer(ptr, size_t{1}));
    if (lo_ok && hi_ok) {
      const int64_t lo = v[0].get<int64_t>();
      const int64_t hi = v[1].get<int64_t>();
      if (lo > hi) {
        Error(ptr, fmt::format("range [{}, {}] has min > max", lo, hi));
      } else {
        ranges.push_back(RangeSlot{ptr, lo, hi});
      }
    }
    return v;
  }
  std::string hint;
  if (spec.type == ParamType::kPerMille && v.is_number_float()) {
    hint = " (a probability in per-mille: 1000 = always, 5 = 0.5 %)";
  }
  Error(ptr, fmt::format("expected an integer{}, got {}{}",
                         spec.rangeable ? " or [min, max] range" : "", DescribeJson(v), hint));
  return v;
}

json Validator::NodeList(const json& v, const std::string& ptr) {
  if (!v.is_array()) {
    Error(ptr, "expected an array of node names, got " + DescribeJson(v));
    return v;
  }
  for (size_t i = 0; i < v.size(); ++i) {
    const std::string at = ChildPointer(ptr, i);
    CheckNodeName(v[i], at);
    for (size_t j = 0; j < i; ++j) {
      if (v[j] == v[i]) Error(at, fmt::format("duplicate node {}", v[i].dump()));
    }
  }
  return v;
}

json Validator::Value(const json& v, const std::string& ptr, const ParamSpec& spec) {
  switch (spec.type) {
    case ParamType::kInt:
    case ParamType::kDurationMs:
    case ParamType::kPerMille: return Number(v, ptr, spec);
    case ParamType::kBool:
      if (!v.is_boolean()) Error(ptr, "expected true or false, got " + DescribeJson(v));
      return v;
    case ParamType::kString: CheckString(v, ptr); return v;
    case ParamType::kEnum: {
      std::vector<std::string> allowed = spec.allowed;
      std::sort(allowed.begin(), allowed.end());
      if (!v.is_string()) {
        Error(ptr, fmt::format("expected a string (allowed: {}), got {}", JoinNames(allowed),
                               DescribeJson(v)));
      } else if (!Contains(allowed, v.get<std::string>())) {
        const std::string s = v.get<std::string>();
        Error(ptr, fmt::format("unknown value '{}' {}", s, AllowedSuffix(s, allowed)));
      }
      return v;
    }
    case ParamType::kNodeList: return NodeList(v, ptr);
  }
  SIM_UNREACHABLE("unknown ParamType");
}

json Validator::Default(const std::string& ptr, const ParamSpec& spec) {
  const json& d = spec.default_value;
  SIM_ASSERT(!d.is_null());
  if (d.is_array() && spec.type != ParamType::kNodeList) {
    // A default range: the registry promises a valid [min, max] pair.
    SIM_ASSERT_EQ(d.size(), size_t{2});
    SIM_ASSERT_LE(d[0].get<int64_t>(), d[1].get<int64_t>());
    ranges.push_back(RangeSlot{ptr, d[0].get<int64_t>(), d[1].get<int64_t>()});
  }
  return d;
}

json Validator::Params(const json& obj, const std::string& ptr, const std::vector<ParamSpec>& specs,
                       const ParamOwner& owner) {
  std::vector<std::string> allowed = owner.reserved;
  for (const ParamSpec& p : specs) allowed.push_back(p.name);
  json out = json::object();
  if (obj.is_object()) {
    for (const auto& [key, value] : obj.items()) {
      if (Contains(allowed, key)) continue;
      const std::string child = ChildPointer(ptr, key);
      if (owner.what.empty()) {
        KeyError(child,
                 fmt::format("unknown key '{}' at {} {}", key, child, AllowedSuffix(key, allowed)));
      } else if (allowed.empty()) {
        KeyError(child, fmt::format("unknown parameter '{}' at {} ({} takes no parameters)", key,
                                    child, owner.what));
      } else {
        KeyError(child, fmt::format("unknown parameter '{}' of {} at {} {}", key, owner.what, child,
                                    AllowedSuffix(key, allowed)));
      }
    }
  }
  for (const ParamSpec& p : specs) {
    const std::string child = ChildPointer(ptr, p.name);
    if (obj.is_object() && obj.contains(p.name)) {
      out[p.name] = Value(obj[p.name], child, p);
    } else if (!p.default_value.is_null()) {
      out[p.name] = Default(child, p);
    } else if (owner.require && owner.what.empty()) {
      Error(ptr, fmt::format("missing required key '{}'", p.name));
    } else if (owner.require) {
      Error(child, "required parameter missing");
    }
  }
  return out;
}

}  // namespace detail
}  // namespace scenarios
