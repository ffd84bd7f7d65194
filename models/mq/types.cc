// Helpers for the shared MQ value types: reply-code errors and topic matching.
#include "models/mq/types.h"

#include <charconv>

#include "sim/assert.h"

namespace models::mq {

std::string_view ExchangeTypeName(ExchangeType type) {
  switch (type) {
    case ExchangeType::kDirect: return "direct";
    case ExchangeType::kFanout: return "fanout";
    case ExchangeType::kTopic: return "topic";
  }
  return "direct";
}

ChannelId EventChannel(const Event& event) {
  return std::visit([](const auto& e) { return e.channel; }, event);
}

std::string_view ReplyName(uint16_t reply_code) {
  switch (reply_code) {
    case kReplySuccess: return "REPLY_SUCCESS";
    case kNoRoute: return "NO_ROUTE";
    case kConnectionForced: return "CONNECTION_FORCED";
    case kAccessRefused: return "ACCESS_REFUSED";
    case kNotFound: return "NOT_FOUND";
    case kResourceLocked: return "RESOURCE_LOCKED";
    case kPreconditionFailed: return "PRECONDITION_FAILED";
    case kCommandInvalid: return "COMMAND_INVALID";
    case kChannelError: return "CHANNEL_ERROR";
    default: return "ERROR";
  }
}

sim::Error AmqpError(uint16_t reply_code, const std::string& text) {
  // The closed sim::Errc set is coarser than AMQP's codes; the exact code stays in detail.
  sim::Errc code = sim::Errc::kRejected;
  if (reply_code == kNotFound) code = sim::Errc::kNotFound;
  if (reply_code == kPreconditionFailed || reply_code == kResourceLocked) {
    code = sim::Errc::kConflict;
  }
  if (reply_code == kChannelError || reply_code == kCommandInvalid) code = sim::Errc::kInvalid;
  if (reply_code == kConnectionForced) code = sim::Errc::kUnavailable;
  std::string detail = std::to_string(reply_code) + " " + std::string(ReplyName(reply_code));
  if (!text.empty()) detail += " - " + text;
  return sim::MakeError(code, std::move(detail));
}

uint16_t ReplyCode(const sim::Error& error) {
  const std::string& d = error.detail;
  if (d.size() < 4 || d[3] != ' ') return 0;
  uint16_t code = 0;
  auto [ptr, ec] = std::from_chars(d.data(), d.data() + 3, code);
  if (ec != std::errc() || ptr != d.data() + 3) return 0;
  return code;
}

std::vector<std::string> SplitTopicWords(const std::string& key) {
  std::vector<std::string> words;
  if (key.empty()) return words;
  size_t start = 0;
  while (true) {
    size_t dot = key.find('.', start);
    if (dot == std::string::npos) {
      words.push_back(key.substr(start));
      return words;
    }
    words.push_back(key.substr(start, dot - start));
    start = dot + 1;
  }
}

bool TopicMatches(const std::string& pattern, const std::string& routing_key) {
  const std::vector<std::string> pat = SplitTopicWords(pattern);
  const std::vector<std::string> key = SplitTopicWords(routing_key);
  // match[j] == pattern prefix of length i matches key prefix of length j; rolled over i.
  std::vector<char> match(key.size() + 1, 0);
  match[0] = 1;
  for (const std::string& word : pat) {
    std::vector<char> next(key.size() + 1, 0);
    if (word == "#") {
      char any = 0;
      for (size_t j = 0; j <= key.size(); ++j) {
        any = static_cast<char>(any | match[j]);
        next[j] = any;  // '#' absorbs key words j' < j after any matching prefix
      }
    } else {
      for (size_t j = 1; j <= key.size(); ++j) {
        next[j] = static_cast<char>(match[j - 1] && (word == "*" || word == key[j - 1]));
      }
    }
    match.swap(next);
  }
  SIM_ASSERT_EQ(match.size(), key.size() + 1);
  return match[key.size()] != 0;
}

}  // namespace models::mq
