#include "mini_schema.h"

#include <algorithm>

#include "scenarios/spec/format.h"

namespace scenarios::testing {

using nlohmann::json;

namespace {

bool Fail(std::string* why, const std::string& path, const std::string& what) {
  if (why != nullptr) *why = (path.empty() ? "/" : path) + ": " + what;
  return false;
}

bool HasType(const json& v, const std::string& type) {
  if (type == "integer") return v.is_number_integer();
  if (type == "number") return v.is_number();
  if (type == "string") return v.is_string();
  if (type == "object") return v.is_object();
  if (type == "array") return v.is_array();
  if (type == "boolean") return v.is_boolean();
  if (type == "null") return v.is_null();
  return false;
}

}  // namespace

const std::set<std::string>& MiniSchema::KnownKeywords() {
  static const std::set<std::string> kKnown = {"$schema",
                                               "$defs",
                                               "$ref",
                                               "title",
                                               "description",
                                               "default",
                                               "type",
                                               "enum",
                                               "const",
                                               "minimum",
                                               "maximum",
                                               "minLength",
                                               "pattern",
                                               "properties",
                                               "required",
                                               "additionalProperties",
                                               "unevaluatedProperties",
                                               "items",
                                               "prefixItems",
                                               "minItems",
                                               "uniqueItems",
                                               "allOf",
                                               "anyOf",
                                               "oneOf",
                                               "if",
                                               "then"};
  return kKnown;
}

bool MiniSchema::Valid(const json& instance, std::string* why) const {
  std::set<std::string> evaluated;
  return Check(root_, instance, "", &evaluated, why);
}

bool MiniSchema::Check(const json& schema, const json& v, const std::string& path,
                       std::set<std::string>* evaluated, std::string* why) const {
  if (schema.is_boolean()) return schema.get<bool>() || Fail(why, path, "false schema");
  std::set<std::string> local;  // annotations count only if this whole schema passes
  if (schema.contains("$ref")) {
    const std::string ref = schema["$ref"].get<std::string>();
    if (!Check(root_.at(json::json_pointer(ref.substr(1))), v, path, &local, why)) return false;
  }
  if (schema.contains("type") && !HasType(v, schema["type"].get<std::string>())) {
    return Fail(why, path, "not of type " + schema["type"].get<std::string>());
  }
  if (schema.contains("enum")) {
    const json& e = schema["enum"];
    if (std::find(e.begin(), e.end(), v) == e.end()) return Fail(why, path, "not in enum");
  }
  if (schema.contains("const") && v != schema["const"]) return Fail(why, path, "not the const");
  if (v.is_number() && schema.contains("minimum") && v < schema["minimum"]) {
    return Fail(why, path, "below minimum");
  }
  if (v.is_number() && schema.contains("maximum") && v > schema["maximum"]) {
    return Fail(why, path, "above maximum");
  }
  if (v.is_string() && schema.contains("minLength") &&
      v.get<std::string>().size() < schema["minLength"].get<size_t>()) {
    return Fail(why, path, "too short");
  }
  if (v.is_string() && schema.contains("pattern")) {
    // std::regex trips a GCC 12 false -Wmaybe-uninitialized in sanitizer builds, and the
    // schema has one pattern; any other fails loudly rather than passing unchecked.
    if (schema["pattern"] != scenarios::format::kNamePattern) {
      return Fail(why, path, "unsupported pattern " + schema["pattern"].dump());
    }
    if (!scenarios::format::IsName(v.get<std::string>())) {
      return Fail(why, path, "does not match the pattern");
    }
  }
  if (v.is_object() && !CheckObject(schema, v, path, &local, why)) return false;
  if (v.is_array() && !CheckArray(schema, v, path, why)) return false;
  if (!CheckApplicators(schema, v, path, &local, why)) return false;
  if (v.is_object() && schema.contains("unevaluatedProperties") &&
      schema["unevaluatedProperties"] == false) {
    for (const auto& [key, value] : v.items()) {
      if (!local.count(key)) return Fail(why, path + "/" + key, "unevaluated property");
    }
  }
  evaluated->insert(local.begin(), local.end());
  return true;
}

bool MiniSchema::CheckObject(const json& schema, const json& v, const std::string& path,
                             std::set<std::string>* evaluated, std::string* why) const {
  const json empty = json::object();
  const json& properties = schema.contains("properties") ? schema["properties"] : empty;
  for (const auto& [key, value] : v.items()) {
    if (properties.contains(key)) {
      std::set<std::string> child;
      if (!Check(properties[key], value, path + "/" + key, &child, why)) return false;
      evaluated->insert(key);
    } else if (schema.contains("additionalProperties") && schema["additionalProperties"] == false) {
      return Fail(why, path + "/" + key, "additional property");
    }
  }
  if (schema.contains("required")) {
    for (const json& r : schema["required"]) {
      if (!v.contains(r.get<std::string>())) {
        return Fail(why, path, "missing " + r.get<std::string>());
      }
    }
  }
  return true;
}

bool MiniSchema::CheckArray(const json& schema, const json& v, const std::string& path,
                            std::string* why) const {
  size_t prefix = 0;
  std::set<std::string> ignored;
  if (schema.contains("prefixItems")) {
    prefix = schema["prefixItems"].size();
    for (size_t i = 0; i < prefix && i < v.size(); ++i) {
      if (!Check(schema["prefixItems"][i], v[i], path + "/" + std::to_string(i), &ignored, why)) {
        return false;
      }
    }
  }
  if (schema.contains("items")) {
    for (size_t i = prefix; i < v.size(); ++i) {
      if (!Check(schema["items"], v[i], path + "/" + std::to_string(i), &ignored, why))
        return false;
    }
  }
  if (schema.contains("minItems") && v.size() < schema["minItems"].get<size_t>()) {
    return Fail(why, path, "too few items");
  }
  if (schema.contains("uniqueItems") && schema["uniqueItems"] == true) {
    for (size_t i = 0; i < v.size(); ++i) {
      for (size_t j = 0; j < i; ++j) {
        if (v[i] == v[j]) return Fail(why, path, "items not unique");
      }
    }
  }
  return true;
}

bool MiniSchema::CheckApplicators(const json& schema, const json& v, const std::string& path,
                                  std::set<std::string>* evaluated, std::string* why) const {
  if (schema.contains("allOf")) {
    for (const json& s : schema["allOf"]) {
      if (!Check(s, v, path, evaluated, why)) return false;
    }
  }
  if (schema.contains("anyOf")) {
    bool any = false;
    for (const json& s : schema["anyOf"]) any = Check(s, v, path, evaluated, nullptr) || any;
    if (!any) return Fail(why, path, "matches none of anyOf");
  }
  if (schema.contains("oneOf")) {
    int passing = 0;
    for (const json& s : schema["oneOf"]) passing += Check(s, v, path, evaluated, nullptr) ? 1 : 0;
    if (passing != 1) return Fail(why, path, "matches " + std::to_string(passing) + " of oneOf");
  }
  if (schema.contains("if")) {
    std::set<std::string> cond;
    if (Check(schema["if"], v, path, &cond, nullptr)) {
      evaluated->insert(cond.begin(), cond.end());
      if (schema.contains("then") && !Check(schema["then"], v, path, evaluated, why)) return false;
    }
  }
  return true;
}

std::set<std::string> UsedKeywords(const json& schema) {
  std::set<std::string> used;
  if (!schema.is_object()) return used;
  for (const auto& [key, value] : schema.items()) {
    used.insert(key);
    if (key == "properties" || key == "$defs") {
      for (const auto& [name, sub] : value.items()) {
        const auto inner = UsedKeywords(sub);
        used.insert(inner.begin(), inner.end());
      }
    } else if (key == "enum" || key == "const" || key == "default" || key == "required") {
      continue;  // values, not schemas
    } else if (value.is_array()) {
      for (const json& sub : value) {
        const auto inner = UsedKeywords(sub);
        used.insert(inner.begin(), inner.end());
      }
    } else if (value.is_object()) {
      const auto inner = UsedKeywords(value);
      used.insert(inner.begin(), inner.end());
    }
  }
  return used;
}

}  // namespace scenarios::testing
