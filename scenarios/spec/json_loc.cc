#include "scenarios/spec/json_loc.h"

#include <fmt/format.h>

#include <charconv>
#include <cstdint>

namespace scenarios {
namespace {

class Parser {
 public:
  Parser(std::string_view text, std::string_view file) : text_(text), file_(file) {}

  SpecResult<LocatedJson> Run() {
    LocatedJson out;
    // RFC 8259 §8.1 lets parsers ignore a byte order mark; editors on some systems add one.
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
    if (ParseValue("", 0, &out.value)) {
      SkipWhitespace();
      if (!AtEnd()) Fail(Here(), "unexpected content after the JSON value");
    }
    if (failed_) return std::vector<SpecError>{error_};
    out.locations = std::move(locations_);
    return out;
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  int Peek() const { return AtEnd() ? -1 : static_cast<unsigned char>(text_[pos_]); }
  SourcePos Here() const { return {line_, column_}; }

  // Every byte is consumed here, so line and column stay exact.
  void Bump() {
    const auto c = static_cast<unsigned char>(text_[pos_++]);
    if (c == '\n') {
      ++line_;
      column_ = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++column_;  // continuation bytes do not start a new code point
    }
  }

  bool Fail(SourcePos at, std::string message) {
    // The two mistakes people make most when writing JSON by hand get their own message,
    // wherever the parser meets them.
    if (pos_ < text_.size() && at.line == line_ && at.column == column_) {
      if (Peek() == '/') message = "comments are not allowed in JSON";
      if (Peek() == '\'') message = "strings are written in double quotes in JSON";
    }
    if (!failed_) {
      failed_ = true;
      error_ = SpecError{std::string(file_), at.line, at.column, "", std::move(message), true};
    }
    return false;
  }

  void SkipWhitespace() {
    while (!AtEnd()) {
      const int c = Peek();
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
      Bump();
    }
  }

  static std::string Describe(int c) {
    if (c < 0) return "end of input";
    if (c >= 0x21 && c < 0x7F) return fmt::format("'{}'", static_cast<char>(c));
    return fmt::format("byte 0x{:02X}", c);
  }

  bool ParseValue(const std::string& pointer, int depth, nlohmann::json* out) {
    SkipWhitespace();
    const SourcePos at = Here();
    const int c = Peek();
    if ((c == '{' || c == '[') && depth >= kMaxJsonDepth) {
      return Fail(at, fmt::format("nesting deeper than {} levels", kMaxJsonDepth));
    }
    locations_[pointer].value = at;
    switch (c) {
      case '{': return ParseObject(pointer, depth, out);
      case '[': return ParseArray(pointer, depth, out);
      case '"': {
        std::string s;
        if (!ParseString(&s)) return false;
        *out = std::move(s);
        return true;
      }
      case 't': return ParseLiteral("true", true, out);
      case 'f': return ParseLiteral("false", false, out);
      case 'n': return ParseLiteral("null", nullptr, out);
      case -1: return Fail(at, "unexpected end of input, expected a value");
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return ParseNumber(out);
        return Fail(at, "expected a value, got " + Describe(c));
    }
  }

  bool ParseObject(const std::string& pointer, int depth, nlohmann::json* out) {
    Bump();  // '{'
    *out = nlohmann::json::object();
    std::map<std::string, int> first_line;  // key -> line of its first definition
    SkipWhitespace();
    if (Peek() == '}') {
      Bump();
      return true;
    }
    while (true) {  // bounded: every iteration consumes at least one member
      SkipWhitespace();
      const SourcePos key_at = Here();
      if (Peek() != '"') {
        if (Peek() == '}') return Fail(key_at, "trailing comma before '}' is not allowed in JSON");
        return Fail(key_at, "expected '\"' to start an object key, got " + Describe(Peek()));
      }
      std::string key;
      if (!ParseString(&key)) return false;
      const auto [it, inserted] = first_line.emplace(key, key_at.line);
      if (!inserted) {
        return Fail(key_at,
                    fmt::format("duplicate key '{}' (first defined at line {})", key, it->second));
      }
      SkipWhitespace();
      if (Peek() != ':') return Fail(Here(), "expected ':' after object key");
      Bump();
      const std::string child = ChildPointer(pointer, key);
      locations_[child].key = key_at;
      nlohmann::json value;
      if (!ParseValue(child, depth + 1, &value)) return false;
      (*out)[key] = std::move(value);
      SkipWhitespace();
      if (Peek() == ',') {
        Bump();
        continue;
      }
      if (Peek() == '}') {
        Bump();
        return true;
      }
      return Fail(Here(), "expected ',' or '}' after object member");
    }
  }

  bool ParseArray(const std::string& pointer, int depth, nlohmann::json* out) {
    Bump();  // '['
    *out = nlohmann::json::array();
    SkipWhitespace();
    if (Peek() == ']') {
      Bump();
      return true;
    }
    while (true) {  // bounded: every iteration consumes at least one element
      SkipWhitespace();
      if (Peek() == ']') return Fail(Here(), "trailing comma before ']' is not allowed in JSON");
      nlohmann::json value;
      if (!ParseValue(ChildPointer(pointer, out->size()), depth + 1, &value)) return false;
      out->push_back(std::move(value));
      SkipWhitespace();
      if (Peek() == ',') {
        Bump();
        continue;
      }
      if (Peek() == ']') {
        Bump();
        return true;
      }
      return Fail(Here(), "expected ',' or ']' after array element");
    }
  }

  bool ParseLiteral(std::string_view word, nlohmann::json value, nlohmann::json* out) {
    const SourcePos at = Here();
    if (text_.substr(pos_, word.size()) != word) {
      return Fail(at, "invalid literal, expected true, false or null");
    }
    for (size_t i = 0; i < word.size(); ++i) Bump();
    *out = std::move(value);
    return true;
  }

  bool ParseNumber(nlohmann::json* out);
  bool ParseString(std::string* out);
  bool ParseEscape(std::string* out);
  bool ParseHex4(uint32_t* code);
  bool CopyUtf8(std::string* out);

  std::string_view text_;
  std::string_view file_;
  size_t pos_ = 0;
  int line_ = 1;
  int column_ = 1;
  JsonLocations locations_;
  bool failed_ = false;
  SpecError error_;
};

bool Parser::ParseNumber(nlohmann::json* out) {
  const SourcePos at = Here();
  const size_t start = pos_;
  auto digit = [&] { return Peek() >= '0' && Peek() <= '9'; };
  if (Peek() == '-') Bump();
  if (!digit()) return Fail(Here(), "invalid number: expected a digit");
  if (Peek() == '0') {
    Bump();
    if (digit()) return Fail(at, "invalid number: leading zeros are not allowed");
  } else {
    while (digit()) Bump();
  }
  bool integral = true;
  if (Peek() == '.') {
    integral = false;
    Bump();
    if (!digit()) return Fail(Here(), "invalid number: expected a digit after '.'");
    while (digit()) Bump();
  }
  if (Peek() == 'e' || Peek() == 'E') {
    integral = false;
    Bump();
    if (Peek() == '+' || Peek() == '-') Bump();
    if (!digit()) return Fail(Here(), "invalid number: expected a digit in the exponent");
    while (digit()) Bump();
  }
  const char* first = text_.data() + start;
  const char* last = text_.data() + pos_;
  if (integral) {
    int64_t i = 0;
    if (std::from_chars(first, last, i).ec == std::errc()) {
      *out = i;
      return true;
    }
    uint64_t u = 0;
    if (*first != '-' && std::from_chars(first, last, u).ec == std::errc()) {
      *out = u;
      return true;
    }
  }
  double d = 0;
  if (std::from_chars(first, last, d).ec != std::errc()) {
    return Fail(at, "number out of range");
  }
  *out = d;
  return true;
}

bool Parser::ParseString(std::string* out) {
  const SourcePos at = Here();
  Bump();         // '"'
  while (true) {  // bounded: every iteration consumes input
    const int c = Peek();
    // A raw line break almost always means a missing closing quote.
    if (c < 0 || c == '\n') return Fail(at, "unterminated string");
    if (c == '"') {
      Bump();
      return true;
    }
    if (c == '\\') {
      if (!ParseEscape(out)) return false;
    } else if (c < 0x20) {
      return Fail(Here(), fmt::format("unescaped control character U+{:04X} in string", c));
    } else if (c < 0x80) {
      out->push_back(static_cast<char>(c));
      Bump();
    } else if (!CopyUtf8(out)) {
      return false;
    }
  }
}

bool Parser::ParseEscape(std::string* out) {
  const SourcePos at = Here();
  Bump();  // '\'
  const int c = Peek();
  const char* simple = nullptr;
  switch (c) {
    case '"': simple = "\""; break;
    case '\\': simple = "\\"; break;
    case '/': simple = "/"; break;
    case 'b': simple = "\b"; break;
    case 'f': simple = "\f"; break;
    case 'n': simple = "\n"; break;
    case 'r': simple = "\r"; break;
    case 't': simple = "\t"; break;
    case 'u': break;
    default:
      if (c < 0) return Fail(at, "unterminated string");
      return Fail(at, "invalid escape '\\" +
                          (c < 0x80 ? std::string(1, static_cast<char>(c)) : std::string("?")) +
                          "' in string");
  }
  Bump();
  if (simple != nullptr) {
    out->append(simple);
    return true;
  }
  uint32_t code = 0;
  if (!ParseHex4(&code)) return false;
  if (code >= 0xDC00 && code <= 0xDFFF) return Fail(at, "invalid \\u escape: unpaired surrogate");
  if (code >= 0xD800 && code <= 0xDBFF) {
    uint32_t low = 0;
    if (text_.substr(pos_, 2) != "\\u") return Fail(at, "invalid \\u escape: unpaired surrogate");
    Bump();
    Bump();
    if (!ParseHex4(&low)) return false;
    if (low < 0xDC00 || low > 0xDFFF) return Fail(at, "invalid \\u escape: unpaired surrogate");
    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
  }
  auto put = [&](uint32_t byte) { out->push_back(static_cast<char>(byte)); };
  if (code < 0x80) {
    put(code);
  } else if (code < 0x800) {
    put(0xC0 | (code >> 6));
    put(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    put(0xE0 | (code >> 12));
    put(0x80 | ((code >> 6) & 0x3F));
    put(0x80 | (code & 0x3F));
  } else {
    put(0xF0 | (code >> 18));
    put(0x80 | ((code >> 12) & 0x3F));
    put(0x80 | ((code >> 6) & 0x3F));
    put(0x80 | (code & 0x3F));
  }
  return true;
}

bool Parser::ParseHex4(uint32_t* code) {
  for (int i = 0; i < 4; ++i) {
    const int c = Peek();
    uint32_t v = 0;
    if (c >= '0' && c <= '9') {
      v = static_cast<uint32_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      v = static_cast<uint32_t>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      v = static_cast<uint32_t>(c - 'A' + 10);
    } else {
      return Fail(Here(), "invalid \\u escape: expected 4 hex digits");
    }
    *code = *code * 16 + v;
    Bump();
  }
  return true;
}

// Copies one multi-byte UTF-8 sequence, rejecting overlong forms, surrogates and values past
// U+10FFFF (RFC 3629), so every string nlohmann::json later dumps is valid.
bool Parser::CopyUtf8(std::string* out) {
  const SourcePos at = Here();
  const auto lead = static_cast<unsigned char>(Peek());
  size_t length = 0;
  uint32_t code = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    code = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    code = lead & 0x0F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    code = lead & 0x07;
  } else {
    return Fail(at, "invalid UTF-8 in string");
  }
  if (pos_ + length > text_.size()) return Fail(at, "invalid UTF-8 in string");
  for (size_t i = 1; i < length; ++i) {
    const auto c = static_cast<unsigned char>(text_[pos_ + i]);
    if ((c & 0xC0) != 0x80) return Fail(at, "invalid UTF-8 in string");
    code = (code << 6) | (c & 0x3F);
  }
  const bool overlong = (length == 3 && code < 0x800) || (length == 4 && code < 0x10000);
  if (overlong || (code >= 0xD800 && code <= 0xDFFF) || code > 0x10FFFF) {
    return Fail(at, "invalid UTF-8 in string");
  }
  out->append(text_.substr(pos_, length));
  for (size_t i = 0; i < length; ++i) Bump();
  return true;
}

}  // namespace

SpecResult<LocatedJson> ParseJsonWithLocations(std::string_view text,
                                               std::string_view display_name) {
  return Parser(text, display_name).Run();
}

std::string EscapePointerToken(std::string_view token) {
  std::string out;
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string ChildPointer(std::string_view pointer, std::string_view token) {
  return std::string(pointer) + "/" + EscapePointerToken(token);
}

std::string ChildPointer(std::string_view pointer, size_t index) {
  return std::string(pointer) + "/" + std::to_string(index);
}

std::string ParentPointer(std::string_view pointer) {
  const size_t slash = pointer.rfind('/');
  if (slash == std::string_view::npos) return "";
  return std::string(pointer.substr(0, slash));
}

}  // namespace scenarios
