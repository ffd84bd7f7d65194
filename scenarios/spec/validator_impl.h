#pragma once
// Internal to the validator: the walk over a spec document, split between validator.cc (the
// sections of the format) and validator_values.cc (single values, parameter objects, names).

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "scenarios/spec/registry_info.h"
#include "scenarios/spec/validator.h"

namespace scenarios::detail {

using nlohmann::json;

// Who owns a parameter object, for the wording of its messages.
struct ParamOwner {
  std::string what;                   // "workload 'demo.reserve'"; "" for the format's keys
  bool require = true;                // report absent parameters whose default is null
  std::vector<std::string> reserved;  // keys the caller checks itself (a checker's "name")
};

class Validator {
 public:
  Validator(const ErrorLocator& locator, const RegistryInfo& registry);

  void Run(const json& document);

  std::vector<SpecError> errors;
  json normalized = json::object();
  std::vector<RangeSlot> ranges;

 private:
  // Sections (validator.cc).
  void CheckTopology(const json& v);
  void CheckVariants(const json& v);
  void CheckWorkload(const json& v);
  void CheckFaults(const json& v);
  json CheckSwarm(const json& v, const std::string& ptr);
  json CheckTimelineEntry(const json& v, const std::string& ptr);
  json CheckTrigger(const json& v, const std::string& ptr);
  void CheckCheckers(const json& v);
  json CheckCheckerEntry(const json& v, const std::string& ptr);
  void CheckExpect(const json& v);

  // Values (validator_values.cc).
  void Error(const std::string& ptr, const std::string& message);
  void KeyError(const std::string& ptr, const std::string& message);
  // False (and an error) unless v is an object; reports every key not in `allowed`.
  bool CheckObject(const json& v, const std::string& ptr, const std::vector<std::string>& allowed);
  // True if v is an object or absent (null); else an error.
  bool ObjectOrAbsent(const json& v, const std::string& ptr);
  bool CheckArray(const json& v, const std::string& ptr);
  bool CheckString(const json& v, const std::string& ptr);
  // The normalized value of one parameter; records a RangeSlot for a [min, max] range.
  json Value(const json& v, const std::string& ptr, const ParamSpec& spec);
  json Number(const json& v, const std::string& ptr, const ParamSpec& spec);
  json NodeList(const json& v, const std::string& ptr);
  json Default(const std::string& ptr, const ParamSpec& spec);
  // Checks the members of `obj` (an object, or null for absent) against `specs`, fills
  // defaults and reports missing required ones.
  json Params(const json& obj, const std::string& ptr, const std::vector<ParamSpec>& specs,
              const ParamOwner& owner);
  // The name if v is a string among `names`, else "" and an error naming the allowed values.
  std::string Registered(const json& v, const std::string& ptr, const std::string& noun,
                         const std::vector<std::string>& names);
  void CheckNodeName(const json& v, const std::string& ptr);

  const ErrorLocator& locator_;
  const RegistryInfo& registry_;
  std::vector<std::string> workload_names_;  // sorted, as every list in a message
  std::vector<std::string> fault_names_;
  std::vector<std::string> checker_names_;
  std::vector<std::string> variant_names_;
  std::vector<std::string> node_kinds_;
  std::vector<std::string> node_names_;  // from the topology, sorted
};

// obj[key], or null when obj is not an object or lacks the key.
const json& Member(const json& obj, const char* key);
const EntrySpec* FindEntry(const std::vector<EntrySpec>& entries, const std::string& name);
bool Contains(const std::vector<std::string>& names, const std::string& name);

}  // namespace scenarios::detail
