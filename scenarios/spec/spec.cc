#include "scenarios/spec/spec.h"

#include <fstream>
#include <sstream>

namespace scenarios {

SpecResult<Spec> ParseSpec(std::string_view text, std::string_view display_name,
                           const RegistryInfo& registry) {
  auto parsed = ParseJsonWithLocations(text, display_name);
  if (!parsed.ok()) return parsed.errors();
  Spec spec;
  spec.file = std::string(display_name);
  spec.document = std::move(parsed.value().value);
  spec.locations = std::move(parsed.value().locations);
  const ErrorLocator locator(spec.file, &spec.locations);
  auto validated = ValidateDocument(spec.document, locator, registry);
  if (!validated.ok()) return validated.errors();
  spec.normalized = std::move(validated.value().normalized);
  spec.ranges = std::move(validated.value().ranges);
  spec.registry = std::make_shared<const RegistryInfo>(registry);

  const nlohmann::json& n = spec.normalized;
  spec.name = n.at("name").get<std::string>();
  spec.description = n.at("description").get<std::string>();
  spec.workload = n.at("workload").at("name").get<std::string>();
  for (const nlohmann::json& c : n.at("checkers")) {
    spec.checkers.push_back(c.at("name").get<std::string>());
  }
  if (n.contains("expect")) {
    const nlohmann::json& e = n.at("expect");
    spec.expect = Expect{e.at("verdict").get<std::string>(), e.value("checker", std::string()),
                         e.at("seeds_max").get<int64_t>()};
  }
  return spec;
}

SpecResult<Spec> LoadSpec(const std::string& path, const RegistryInfo& registry) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::vector<SpecError>{SpecError{path, 0, 0, "", "cannot open the spec file", false}};
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return std::vector<SpecError>{SpecError{path, 0, 0, "", "cannot read the spec file", false}};
  }
  return ParseSpec(text.str(), path, registry);
}

}  // namespace scenarios
