#pragma once
// A JSON Schema (draft 2020-12) checker for the keywords GenerateSchema uses, so tests can
// check specs against the generated schema without a schema library (Debian has none for
// C++). KnownKeywords lists what it understands; a test asserts the generated schema uses
// nothing else, so a new keyword cannot be silently ignored.

#include <nlohmann/json.hpp>
#include <set>
#include <string>

namespace scenarios::testing {

class MiniSchema {
 public:
  explicit MiniSchema(nlohmann::json root) : root_(std::move(root)) {}

  // True if `instance` is valid; otherwise *why names the first failing place.
  bool Valid(const nlohmann::json& instance, std::string* why = nullptr) const;

  static const std::set<std::string>& KnownKeywords();

 private:
  bool Check(const nlohmann::json& schema, const nlohmann::json& v, const std::string& path,
             std::set<std::string>* evaluated, std::string* why) const;
  bool CheckObject(const nlohmann::json& schema, const nlohmann::json& v, const std::string& path,
                   std::set<std::string>* evaluated, std::string* why) const;
  bool CheckArray(const nlohmann::json& schema, const nlohmann::json& v, const std::string& path,
                  std::string* why) const;
  bool CheckApplicators(const nlohmann::json& schema, const nlohmann::json& v,
                        const std::string& path, std::set<std::string>* evaluated,
                        std::string* why) const;

  nlohmann::json root_;
};

// Every keyword used anywhere in `schema` (names under properties and $defs excluded).
std::set<std::string> UsedKeywords(const nlohmann::json& schema);

}  // namespace scenarios::testing
