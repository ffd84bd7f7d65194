#pragma once
// A strict JSON parser (RFC 8259: no comments, no trailing commas, no duplicate keys, UTF-8
// only) that remembers where every value starts, so a spec validator can point at the line of
// the offending key. nlohmann::json's own parser loses positions, hence this one.
//
// Guarantees: the result equals what nlohmann::json::parse gives for the same valid text
// (integers stay integers: int64, else uint64, else double); nesting is bounded (kMaxDepth);
// the first syntax error is returned as a value with file:line:column, never thrown.

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "scenarios/spec/spec_error.h"

namespace scenarios {

struct SourcePos {
  int line = 0;    // 1-based; 0 = unknown
  int column = 0;  // 1-based, counted in Unicode code points; 0 = unknown
};

struct JsonLocation {
  SourcePos value;  // where the value starts
  SourcePos key;    // where the member's key starts (object members only)
};

// JSON pointer ("" is the document, "/a/0/b" a member of an element) -> where it starts.
using JsonLocations = std::map<std::string, JsonLocation>;

struct LocatedJson {
  nlohmann::json value;
  JsonLocations locations;
};

inline constexpr int kMaxJsonDepth = 128;

// Parses `text`; `display_name` is the file name used in error messages.
SpecResult<LocatedJson> ParseJsonWithLocations(std::string_view text,
                                               std::string_view display_name);

// RFC 6901 escaping of one reference token ("~" -> "~0", "/" -> "~1").
std::string EscapePointerToken(std::string_view token);
// pointer + "/" + escaped token.
std::string ChildPointer(std::string_view pointer, std::string_view token);
std::string ChildPointer(std::string_view pointer, size_t index);
// The pointer with its last token removed ("" stays ""). REQUIRES: a valid pointer.
std::string ParentPointer(std::string_view pointer);

}  // namespace scenarios
