// Helpers for the shared MQ value types: reply-code errors and topic matching.
#include "models/mq/types.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <string_view>
#include <vector>

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

namespace {

// Routing keys and binding patterns rarely have more words than this; longer ones take the
// heap. Routing runs on every publish and dead-lettering, so the common case allocates nothing.
constexpr size_t kTopicWordsInline = 16;

// The words of `key` (views into it), as SplitTopicWords splits them.
void SplitViews(std::string_view key, std::vector<std::string_view>* words) {
  if (key.empty()) return;
  size_t start = 0;
  while (true) {
    const size_t dot = key.find('.', start);
    if (dot == std::string_view::npos) {
      words->push_back(key.substr(start));
      return;
    }
    words->push_back(key.substr(start, dot - start));
    start = dot + 1;
  }
}

// Like SplitViews into a fixed array; false when there are more than kTopicWordsInline words.
bool SplitViewsInline(std::string_view key,
                      std::array<std::string_view, kTopicWordsInline>* words, size_t* count) {
  *count = 0;
  if (key.empty()) return true;
  size_t start = 0;
  while (true) {
    if (*count == kTopicWordsInline) return false;
    const size_t dot = key.find('.', start);
    if (dot == std::string_view::npos) {
      (*words)[(*count)++] = key.substr(start);
      return true;
    }
    (*words)[(*count)++] = key.substr(start, dot - start);
    start = dot + 1;
  }
}

// match[j] == pattern prefix of length i matches key prefix of length j; rolled over i.
// REQUIRES: `match` and `next` hold key_count + 1 entries.
bool MatchWords(const std::string_view* pat, size_t pat_count, const std::string_view* key,
                size_t key_count, char* match, char* next) {
  std::fill(match, match + key_count + 1, 0);
  match[0] = 1;
  for (size_t i = 0; i < pat_count; ++i) {
    const std::string_view word = pat[i];
    std::fill(next, next + key_count + 1, 0);
    if (word == "#") {
      char any = 0;
      for (size_t j = 0; j <= key_count; ++j) {
        any = static_cast<char>(any | match[j]);
        next[j] = any;  // '#' absorbs key words j' < j after any matching prefix
      }
    } else {
      for (size_t j = 1; j <= key_count; ++j) {
        next[j] = static_cast<char>(match[j - 1] && (word == "*" || word == key[j - 1]));
      }
    }
    std::swap(match, next);
  }
  return match[key_count] != 0;
}

}  // namespace

bool TopicMatches(const std::string& pattern, const std::string& routing_key) {
  std::array<std::string_view, kTopicWordsInline> pat;
  std::array<std::string_view, kTopicWordsInline> key;
  size_t pat_count = 0;
  size_t key_count = 0;
  if (SplitViewsInline(pattern, &pat, &pat_count) &&
      SplitViewsInline(routing_key, &key, &key_count)) {
    std::array<char, kTopicWordsInline + 1> match;
    std::array<char, kTopicWordsInline + 1> next;
    return MatchWords(pat.data(), pat_count, key.data(), key_count, match.data(), next.data());
  }
  std::vector<std::string_view> pat_words;
  std::vector<std::string_view> key_words;
  SplitViews(pattern, &pat_words);
  SplitViews(routing_key, &key_words);
  std::vector<char> match(key_words.size() + 1);
  std::vector<char> next(key_words.size() + 1);
  return MatchWords(pat_words.data(), pat_words.size(), key_words.data(), key_words.size(),
                    match.data(), next.data());
}

}  // namespace models::mq
