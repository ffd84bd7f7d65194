#pragma once
// Checks a parsed spec document against the format (scenarios/spec/format.h) and the
// registry, collecting every error rather than stopping at the first, and produces the
// normalized document: every default filled in, ranges still [min, max], plus the list of
// ranges the seed will resolve. Spec loading and override resolution both come through here,
// so a value from `--set` is checked exactly like one from the file.

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "scenarios/spec/json_loc.h"
#include "scenarios/spec/registry_info.h"
#include "scenarios/spec/spec_error.h"

namespace scenarios {

// A value the seed picks from [min, max] (inclusive); `pointer` names it in the document and
// keys its random stream.
struct RangeSlot {
  std::string pointer;
  int64_t min = 0;
  int64_t max = 0;
};

// A value set on the command line: errors at or below `pointer` name `argument`.
struct OverrideOrigin {
  std::string argument;  // "--set workload.params.clients=4"
  std::string pointer;   // "/workload/params/clients"
};

// Turns a JSON pointer into an error location: the file line of the value (or of its key, or
// of its nearest ancestor that has one), or the `--set` argument that wrote it.
class ErrorLocator {
 public:
  ErrorLocator(std::string file, const JsonLocations* locations,
               std::vector<OverrideOrigin> overrides = {});

  // message is the full text after the location.
  SpecError Make(const std::string& pointer, bool at_key, std::string message) const;

 private:
  std::string file_;
  const JsonLocations* locations_;  // not owned; may be null
  std::vector<OverrideOrigin> overrides_;
};

struct Validated {
  nlohmann::json normalized;
  std::vector<RangeSlot> ranges;  // in a fixed order (the validator's walk), unique pointers
};

SpecResult<Validated> ValidateDocument(const nlohmann::json& document, const ErrorLocator& locator,
                                       const RegistryInfo& registry);

// "/" for the document itself, else the pointer.
std::string ShowPointer(const std::string& pointer);

// Describes a JSON value for "got ..." in messages: string "four", number 2.5, true, null,
// array [1,"x"], an object.
std::string DescribeJson(const nlohmann::json& value);

}  // namespace scenarios
