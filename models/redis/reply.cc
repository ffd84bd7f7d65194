#include "models/redis/reply.h"

#include <utility>

#include <fmt/format.h>

#include "sim/assert.h"

namespace models::redis {

Reply::Reply(const Reply& other)
    : type_(other.type_),
      integer_(other.integer_),
      str_(other.str_),
      elements_(other.elements_ != nullptr ? std::make_unique<std::vector<Reply>>(*other.elements_)
                                           : nullptr) {}

Reply& Reply::operator=(const Reply& other) {
  if (this != &other) *this = Reply(other);
  return *this;
}

bool Reply::operator==(const Reply& other) const {
  if (type_ != other.type_ || integer_ != other.integer_ || str_ != other.str_) return false;
  const size_t n = elements_ != nullptr ? elements_->size() : 0;
  const size_t other_n = other.elements_ != nullptr ? other.elements_->size() : 0;
  return n == other_n && (n == 0 || *elements_ == *other.elements_);
}

Reply Reply::Status(std::string text) {
  Reply r;
  r.type_ = Type::kStatus;
  r.str_ = std::move(text);
  return r;
}

Reply Reply::Error(std::string text) {
  Reply r;
  r.type_ = Type::kError;
  r.str_ = std::move(text);
  return r;
}

Reply Reply::Integer(int64_t value) {
  Reply r;
  r.type_ = Type::kInteger;
  r.integer_ = value;
  return r;
}

Reply Reply::Bulk(std::string bytes) {
  Reply r;
  r.type_ = Type::kBulk;
  r.str_ = std::move(bytes);
  return r;
}

Reply Reply::Nil() { return Reply(); }

Reply Reply::Array(std::vector<Reply> elements) {
  Reply r;
  r.type_ = Type::kArray;
  r.elements_ = std::make_unique<std::vector<Reply>>(std::move(elements));
  return r;
}

const std::string& Reply::str() const {
  SIM_ASSERT_MSG(type_ == Type::kStatus || type_ == Type::kError || type_ == Type::kBulk,
                 "str() of a reply that is not a string: " << ToString());
  return str_;
}

int64_t Reply::integer() const {
  SIM_ASSERT(type_ == Type::kInteger);
  return integer_;
}

const std::vector<Reply>& Reply::elements() const {
  SIM_ASSERT(type_ == Type::kArray);
  static const std::vector<Reply> kNone;
  return elements_ != nullptr ? *elements_ : kNone;
}

std::vector<Reply>& Reply::mutable_elements() {
  SIM_ASSERT(type_ == Type::kArray);
  if (elements_ == nullptr) elements_ = std::make_unique<std::vector<Reply>>();
  return *elements_;
}

std::string Reply::ErrorCode() const {
  if (type_ != Type::kError) return {};
  return str_.substr(0, str_.find(' '));
}

namespace {

// Bytes outside printable ASCII are shown as \xNN so a reply always prints on one line.
std::string Quote(const std::string& bytes) {
  std::string out = "\"";
  for (unsigned char ch : bytes) {
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += static_cast<char>(ch);
    } else if (ch < 0x20 || ch >= 0x7f) {
      out += fmt::format("\\x{:02x}", ch);
    } else {
      out += static_cast<char>(ch);
    }
  }
  return out + "\"";
}

}  // namespace

std::string Reply::ToString() const {
  switch (type_) {
    case Type::kStatus: return str_;
    case Type::kError: return "(error) " + str_;
    case Type::kInteger: return fmt::format("(integer) {}", integer_);
    case Type::kBulk: return Quote(str_);
    case Type::kNil: return "(nil)";
    case Type::kArray: {
      std::string out = "[";
      const std::vector<Reply>& items = elements();
      for (size_t i = 0; i < items.size(); ++i) {
        if (i != 0) out += ", ";
        out += items[i].ToString();
      }
      return out + "]";
    }
  }
  return "(invalid)";
}

std::ostream& operator<<(std::ostream& os, const Reply& reply) { return os << reply.ToString(); }

}  // namespace models::redis
