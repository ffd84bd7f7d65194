#pragma once
// Fidelity contract: a RESP2 reply value, as a client library sees it. It models the six
// kinds hiredis 0.14 reports (status, error, integer, bulk string, nil, array). RESP2 has two
// nils (the nil bulk "$-1" and the nil array "*-1"); hiredis maps both to one NIL type, so this
// type has one kNil too, which keeps model replies and real replies comparable with ==.
// Not modelled: RESP3 types (maps, sets, doubles, push messages, verbatim strings).

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace models::redis {

class Reply {
 public:
  enum class Type : uint8_t { kStatus, kError, kInteger, kBulk, kNil, kArray };

  Reply() = default;  // nil
  Reply(const Reply& other);
  Reply& operator=(const Reply& other);
  Reply(Reply&&) noexcept = default;
  Reply& operator=(Reply&&) noexcept = default;
  ~Reply() = default;
  static Reply Status(std::string text);
  static Reply Error(std::string text);  // full text, code included: "ERR syntax error"
  static Reply Integer(int64_t value);
  static Reply Bulk(std::string bytes);
  // A bulk reply copied straight from `bytes` (GET's stored value): one copy, where Bulk's
  // by-value parameter takes a copy and then moves it in.
  static Reply BulkCopy(std::string_view bytes) { return Reply(Type::kBulk, bytes); }
  static Reply Nil();
  static Reply Array(std::vector<Reply> elements);
  static Reply Ok() { return Reply(Type::kStatus, "OK"); }  // built in place: every SET

  Type type() const { return type_; }
  bool IsError() const { return type_ == Type::kError; }
  bool IsNil() const { return type_ == Type::kNil; }
  // REQUIRES: type() is kStatus, kError or kBulk.
  const std::string& str() const;
  // REQUIRES: type() == kInteger.
  int64_t integer() const;
  // REQUIRES: type() == kArray.
  const std::vector<Reply>& elements() const;
  std::vector<Reply>& mutable_elements();

  // The first word of an error ("ERR", "WRONGTYPE", "EXECABORT"); empty for non-errors.
  std::string ErrorCode() const;

  bool operator==(const Reply& other) const;

  // redis-cli style, on one line: OK, (error) ERR x, (integer) 3, "bulk", (nil), [a, b].
  std::string ToString() const;

 private:
  Reply(Type type, std::string_view text) : type_(type), str_(text) {}

  Type type_ = Type::kNil;
  int64_t integer_ = 0;
  std::string str_;
  // Arrays only (null otherwise, which reads as empty). Boxed: a reply is built, moved and
  // destroyed several times on every command, and a vector member made each of those pay for
  // three pointers and for vector<Reply>'s destructor, which is out of line (recursive).
  std::unique_ptr<std::vector<Reply>> elements_;
};

// For test frameworks (Catch2 expansions, RapidCheck counterexamples).
std::ostream& operator<<(std::ostream& os, const Reply& reply);

}  // namespace models::redis
