// Goal: the strict JSON parser accepts exactly RFC 8259 JSON, gives the same value as
// nlohmann::json::parse, points every value and key at its real line and column, and reports
// syntax errors as file:line:col values (never exceptions) with a precise message.

#include "scenarios/spec/json_loc.h"

#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using nlohmann::json;
using scenarios::ParseJsonWithLocations;

namespace {

std::string ErrorOf(const std::string& text) {
  auto r = ParseJsonWithLocations(text, "x.json");
  if (r.ok()) return "<ok>";
  REQUIRE(r.errors().size() == 1);
  return r.errors()[0].ToString();
}

// Byte offset of a 1-based line and code-point column.
size_t OffsetOf(const std::string& text, scenarios::SourcePos pos) {
  size_t i = 0;
  for (int line = 1; line < pos.line; ++i) {
    if (text.at(i) == '\n') ++line;
  }
  for (int col = 1; col < pos.column; ++i) {
    if ((static_cast<unsigned char>(text.at(i + 1)) & 0xC0) != 0x80) ++col;
  }
  return i;
}

std::string Utf8(uint32_t cp) {
  std::string out;
  auto put = [&](uint32_t b) { out.push_back(static_cast<char>(b)); };
  if (cp < 0x80) {
    put(cp);
  } else if (cp < 0x800) {
    put(0xC0 | (cp >> 6));
    put(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    put(0xE0 | (cp >> 12));
    put(0x80 | ((cp >> 6) & 0x3F));
    put(0x80 | (cp & 0x3F));
  } else {
    put(0xF0 | (cp >> 18));
    put(0x80 | ((cp >> 12) & 0x3F));
    put(0x80 | ((cp >> 6) & 0x3F));
    put(0x80 | (cp & 0x3F));
  }
  return out;
}

std::string RandomString() {
  const auto points = *rc::gen::container<std::vector<uint32_t>>(
      rc::gen::oneOf(rc::gen::inRange<uint32_t>(0, 0x80), rc::gen::inRange<uint32_t>(0x80, 0xD800),
                     rc::gen::inRange<uint32_t>(0xE000, 0x110000)));
  std::string s;
  for (uint32_t p : points) s += Utf8(p);
  return s;
}

json RandomJson(int depth) {
  const int kind = *rc::gen::inRange(0, depth > 0 ? 8 : 6);
  switch (kind) {
    case 0: return nullptr;
    case 1: return *rc::gen::arbitrary<bool>();
    case 2: return *rc::gen::arbitrary<int64_t>();
    case 3: return *rc::gen::arbitrary<uint64_t>();
    case 4: {
      const double d = *rc::gen::suchThat(rc::gen::arbitrary<double>(),
                                          [](double x) { return std::isfinite(x); });
      return d;
    }
    case 5: return RandomString();
    case 6: {
      json a = json::array();
      const int n = *rc::gen::inRange(0, 4);
      for (int i = 0; i < n; ++i) a.push_back(RandomJson(depth - 1));
      return a;
    }
    default: {
      json o = json::object();
      const int n = *rc::gen::inRange(0, 4);
      for (int i = 0; i < n; ++i) o[RandomString()] = RandomJson(depth - 1);
      return o;
    }
  }
}

}  // namespace

TEST_CASE("syntax errors give file:line:col and a precise message") {
  struct Row {
    std::string text;
    std::string error;
  };
  const std::vector<Row> rows = {
      {R"({"a": 1 "b": 2})", "x.json:1:9: expected ',' or '}' after object member"},
      {"{\"a\": \"abc", "x.json:1:7: unterminated string"},
      {"{\"a\": \"abc\n}", "x.json:1:7: unterminated string"},
      {"{\n  \"a\": 1,\n  \"a\": 2\n}", "x.json:3:3: duplicate key 'a' (first defined at line 2)"},
      {"[1, 2,]", "x.json:1:7: trailing comma before ']' is not allowed in JSON"},
      {"{\"a\": 1,\n}", "x.json:2:1: trailing comma before '}' is not allowed in JSON"},
      {"[1 2]", "x.json:1:4: expected ',' or ']' after array element"},
      {"{\n  // note\n  \"a\": 1}", "x.json:2:3: comments are not allowed in JSON"},
      {"{'a': 1}", "x.json:1:2: strings are written in double quotes in JSON"},
      {"[1, // two\n 2]", "x.json:1:5: comments are not allowed in JSON"},
      {"[1 /* x */]", "x.json:1:4: comments are not allowed in JSON"},
      {"['a']", "x.json:1:2: strings are written in double quotes in JSON"},
      {"[01]", "x.json:1:2: invalid number: leading zeros are not allowed"},
      {"[1.]", "x.json:1:4: invalid number: expected a digit after '.'"},
      {"[1e+]", "x.json:1:5: invalid number: expected a digit in the exponent"},
      {"[-]", "x.json:1:3: invalid number: expected a digit"},
      {"[tru]", "x.json:1:2: invalid literal, expected true, false or null"},
      {"[True]", "x.json:1:2: expected a value, got 'T'"},
      {"{\"a\" 1}", "x.json:1:6: expected ':' after object key"},
      {"[\"a\tb\"]", "x.json:1:4: unescaped control character U+0009 in string"},
      {R"(["a\xb"])", "x.json:1:4: invalid escape '\\x' in string"},
      {R"(["\ud800"])", "x.json:1:3: invalid \\u escape: unpaired surrogate"},
      {R"(["\udc00\u0041"])", "x.json:1:3: invalid \\u escape: unpaired surrogate"},
      {R"(["\u12G4"])", "x.json:1:7: invalid \\u escape: expected 4 hex digits"},
      {"[\"\xC3\x28\"]", "x.json:1:3: invalid UTF-8 in string"},
      {"[\"\xE0\x80\xAF\"]", "x.json:1:3: invalid UTF-8 in string"},
      {"[\"\xED\xA0\x80\"]", "x.json:1:3: invalid UTF-8 in string"},
      {"{} x", "x.json:1:4: unexpected content after the JSON value"},
      {"", "x.json:1:1: unexpected end of input, expected a value"},
      {"  \n ", "x.json:2:2: unexpected end of input, expected a value"},
      {"[1,", "x.json:1:4: unexpected end of input, expected a value"},
      {"{\"\xC3\xA4\": x}", "x.json:1:7: expected a value, got 'x'"},
      {"[1e999]", "x.json:1:2: number out of range"},
      {std::string(129, '[') + std::string(129, ']'),
       "x.json:1:129: nesting deeper than 128 levels"},
  };
  for (const Row& row : rows) {
    INFO(row.text);
    CHECK(ErrorOf(row.text) == row.error);
  }
}

TEST_CASE("nesting up to the limit is accepted") {
  const std::string text = std::string(128, '[') + std::string(128, ']');
  CHECK(ParseJsonWithLocations(text, "x.json").ok());
}

TEST_CASE("values and keys point at their line and column") {
  const std::string text =
      "{\n"
      "  \"name\": \"x\",\n"
      "  \"faults\": {\"timeline\": [\n"
      "    {\"at_ms\": 1000},\n"
      "    {\"at_ms\":   [1, 2]}\n"
      "  ]},\n"
      "  \"a/b~c\": true\n"
      "}\n";
  auto r = ParseJsonWithLocations(text, "x.json");
  REQUIRE(r.ok());
  const auto& loc = r->locations;
  CHECK(loc.at("").value.line == 1);
  CHECK(loc.at("/name").key.line == 2);
  CHECK(loc.at("/name").key.column == 3);
  CHECK(loc.at("/name").value.column == 11);
  CHECK(loc.at("/faults/timeline/0/at_ms").value.line == 4);
  CHECK(loc.at("/faults/timeline/0/at_ms").value.column == 15);
  CHECK(loc.at("/faults/timeline/1/at_ms").value.column == 17);
  CHECK(loc.at("/faults/timeline/1/at_ms/1").value.column == 21);
  CHECK(loc.at("/faults/timeline/1").value.line == 5);
  CHECK(loc.at("/faults/timeline/1").key.line == 0);  // array elements have no key
  CHECK(loc.at("/a~1b~0c").key.line == 7);
  CHECK(r->value == json::parse(text));
}

TEST_CASE("a byte order mark is skipped and integers keep their type") {
  auto r = ParseJsonWithLocations(
      "\xEF\xBB\xBF[1, -0, 18446744073709551615, 1.5, -9223372036854775808]", "x.json");
  REQUIRE(r.ok());
  CHECK(r->value[0].is_number_integer());
  CHECK(r->value[2].is_number_unsigned());
  CHECK(r->value[2].get<uint64_t>() == UINT64_MAX);
  CHECK(r->value[3].is_number_float());
  CHECK(r->value[4].get<int64_t>() == INT64_MIN);
  CHECK(r->locations.at("/0").value.column == 2);
}

TEST_CASE("escapes decode like nlohmann::json") {
  const std::string text = R"(["\"\\\/\b\f\n\r\t", "\u00e4\u20AC\ud83d\ude00", "\u0000"])";
  auto r = ParseJsonWithLocations(text, "x.json");
  REQUIRE(r.ok());
  CHECK(r->value == json::parse(text));
}

TEST_CASE("any dumped document parses back equal, with a location for every value") {
  rc::prop("parse(dump(v)) == v and positions start their values", [] {
    const json v = RandomJson(3);
    const int indent = *rc::gen::element(-1, 0, 2);
    const std::string text = v.dump(indent);
    auto r = ParseJsonWithLocations(text, "x.json");
    RC_ASSERT(r.ok());
    RC_ASSERT(r->value == v);
    size_t values = 0;
    for (const auto& [pointer, loc] : r->locations) {
      ++values;
      const json& at = v.at(json::json_pointer(pointer));
      const char c = text.at(OffsetOf(text, loc.value));
      if (at.is_object()) RC_ASSERT(c == '{');
      if (at.is_array()) RC_ASSERT(c == '[');
      if (at.is_string()) RC_ASSERT(c == '"');
      if (at.is_number()) RC_ASSERT((c == '-' || (c >= '0' && c <= '9')));
      if (loc.key.line > 0) RC_ASSERT(text.at(OffsetOf(text, loc.key)) == '"');
    }
    // One location per value: count the values of v.
    size_t expected = 0;
    std::vector<const json*> stack = {&v};
    while (!stack.empty()) {
      const json* j = stack.back();
      stack.pop_back();
      ++expected;
      if (j->is_structured()) {
        for (const json& child : *j) stack.push_back(&child);
      }
    }
    RC_ASSERT(values == expected);
  });
}

TEST_CASE("pointer helpers escape per RFC 6901") {
  CHECK(scenarios::ChildPointer("/a", "b/c~d") == "/a/b~1c~0d");
  CHECK(scenarios::ChildPointer("", size_t{3}) == "/3");
  CHECK(scenarios::ParentPointer("/a/b") == "/a");
  CHECK(scenarios::ParentPointer("/a") == "");
  CHECK(scenarios::ParentPointer("") == "");
}

TEST_CASE("the parser agrees with nlohmann::json on mutated documents") {
  const std::string base =
      R"({"a": [1, -2.5e3, true, null, "x\u00e4\n"], "b": {"c": {}, "d": []}, "e": 0})";
  rc::prop("accepts exactly what nlohmann accepts, except duplicate keys", [&] {
    std::string text = base;
    const int edits = *rc::gen::inRange(1, 4);
    for (int i = 0; i < edits; ++i) {
      const size_t at = *rc::gen::inRange<size_t>(0, text.size());
      const char c = *rc::gen::element('{', '}', '[', ']', ',', ':', '"', '\\', ' ', '0', '1', '-',
                                       '.', 'e', 'a', 'u', '/', '\n');
      switch (*rc::gen::inRange(0, 3)) {
        case 0: text.erase(at, 1); break;
        case 1: text.insert(at, 1, c); break;
        default: text[at] = c; break;
      }
    }
    auto mine = ParseJsonWithLocations(text, "x.json");
    json theirs;
    bool theirs_ok = true;
    try {
      theirs = json::parse(text);
    } catch (const json::parse_error&) {
      theirs_ok = false;
    }
    if (mine.ok()) {
      RC_ASSERT(theirs_ok);
      RC_ASSERT(mine->value == theirs);
    } else {
      RC_ASSERT(mine.errors()[0].line >= 1);
      RC_ASSERT(mine.errors()[0].column >= 1);
      const bool duplicate = mine.errors()[0].message.rfind("duplicate key", 0) == 0;
      RC_ASSERT(!theirs_ok || duplicate);
    }
  });
}
