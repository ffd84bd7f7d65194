#pragma once
// Value types shared by the RabbitMQ model (BrokerModel) and the real rabbitmq-c client
// (AmqpConnection), so one scripted sequence of operations can run through both and the
// answers can be compared field by field.
//
// Fidelity contract: these types carry what a Gulimall-style client observes through AMQP
// 0-9-1 on RabbitMQ 3.10: the basic properties the mall uses (delivery mode, expiration,
// message id, content type, user headers), the dead-letter headers (x-death and
// x-first-death-*), deliveries, get-ok/get-empty, basic.return and publisher confirms.
// Errors are sim::Error values whose detail starts with the AMQP reply code and name
// ("406 PRECONDITION_FAILED - ..."), so ReplyCode() recovers the code on both sides.
// Not carried: priority, correlation id, reply-to, timestamp, user/app id, the x-death
// "time" field (wall-clock seconds, not comparable), CC/BCC headers.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "sim/result.h"

namespace models::mq {

// A channel is named by an opaque id that is unique for the broker's lifetime (model) or
// equal to the AMQP channel number on one connection (real client).
struct ChannelId {
  uint64_t value = 0;
  auto operator<=>(const ChannelId&) const = default;
};
struct ConnectionId {
  uint64_t value = 0;
  auto operator<=>(const ConnectionId&) const = default;
};

enum class ExchangeType : uint8_t { kDirect, kFanout, kTopic };
std::string_view ExchangeTypeName(ExchangeType type);

enum class Overflow : uint8_t { kDropHead, kRejectPublish };

// The queue arguments the model understands. Unset means "argument absent", which is not
// the same as any value for the redeclaration equivalence check.
struct QueueArgs {
  std::optional<int64_t> message_ttl_ms;              // x-message-ttl
  std::optional<std::string> dead_letter_exchange;     // x-dead-letter-exchange
  std::optional<std::string> dead_letter_routing_key;  // x-dead-letter-routing-key
  std::optional<int64_t> max_length;                   // x-max-length
  std::optional<Overflow> overflow;                    // x-overflow (default drop-head)
  bool operator==(const QueueArgs&) const = default;
};

struct QueueOptions {
  bool passive = false;
  bool durable = false;
  bool exclusive = false;
  bool auto_delete = false;
  QueueArgs args;
};

struct ExchangeOptions {
  ExchangeType type = ExchangeType::kDirect;
  bool passive = false;
  bool durable = false;
  bool auto_delete = false;
};

using HeaderValue = std::variant<int64_t, std::string, bool>;

// One entry of the x-death header: one per (queue, reason) pair, most recent first.
struct XDeath {
  std::string queue;
  std::string reason;  // "expired", "rejected", "maxlen"
  std::string exchange;
  std::vector<std::string> routing_keys;
  int64_t count = 0;
  std::optional<std::string> original_expiration;
  bool operator==(const XDeath&) const = default;
};

struct Properties {
  uint8_t delivery_mode = 0;  // 0 = absent, 1 = transient, 2 = persistent
  std::optional<std::string> expiration;  // per-message TTL in milliseconds, as text
  std::optional<std::string> message_id;
  std::optional<std::string> content_type;
  std::map<std::string, HeaderValue> headers;  // user headers (not the x-death family)
  std::vector<XDeath> x_death;
  std::optional<std::string> first_death_reason;
  std::optional<std::string> first_death_queue;
  std::optional<std::string> first_death_exchange;
  bool operator==(const Properties&) const = default;
  bool Persistent() const { return delivery_mode == 2; }
};

struct Message {
  std::string body;
  Properties props;
  bool operator==(const Message&) const = default;
};

struct PublishOptions {
  bool mandatory = false;
};

struct QueueDeclareOk {
  std::string queue;
  uint32_t message_count = 0;
  uint32_t consumer_count = 0;
};

// basic.deliver to a consumer.
struct Delivery {
  ChannelId channel;
  std::string consumer_tag;
  uint64_t delivery_tag = 0;
  bool redelivered = false;
  std::string exchange;
  std::string routing_key;
  Message message;
};

// basic.get-ok; get-empty is an empty optional.
struct GetOk {
  uint64_t delivery_tag = 0;
  bool redelivered = false;
  std::string exchange;
  std::string routing_key;
  uint32_t message_count = 0;  // ready messages left in the queue after this one
  Message message;
};
using GetResult = std::optional<GetOk>;

// basic.return of an unroutable mandatory message (312 NO_ROUTE).
struct Returned {
  ChannelId channel;
  uint16_t reply_code = 0;
  std::string reply_text;
  std::string exchange;
  std::string routing_key;
  Message message;
};

// A publisher confirm for one publish sequence number. Multiple-acks from the wire are
// expanded into one Confirm per tag, so both sides compare tag by tag.
struct Confirm {
  ChannelId channel;
  uint64_t delivery_tag = 0;
  bool ack = true;  // false: basic.nack (e.g. x-overflow reject-publish)
};

// basic.cancel sent by the broker (the queue was deleted under the consumer).
struct ConsumerCancelled {
  ChannelId channel;
  std::string consumer_tag;
};

using Event = std::variant<Delivery, Returned, Confirm, ConsumerCancelled>;
ChannelId EventChannel(const Event& event);

// AMQP reply codes used by the model.
inline constexpr uint16_t kReplySuccess = 200;
inline constexpr uint16_t kNoRoute = 312;
inline constexpr uint16_t kConnectionForced = 320;
inline constexpr uint16_t kAccessRefused = 403;
inline constexpr uint16_t kNotFound = 404;
inline constexpr uint16_t kResourceLocked = 405;
inline constexpr uint16_t kPreconditionFailed = 406;
inline constexpr uint16_t kChannelError = 504;
inline constexpr uint16_t kCommandInvalid = 503;

std::string_view ReplyName(uint16_t reply_code);
// An error carrying an AMQP reply code: detail = "<code> <NAME> - <text>".
sim::Error AmqpError(uint16_t reply_code, const std::string& text);
// The AMQP reply code in an error made by AmqpError, or 0 for other errors
// (channel already closed, connection lost, timeout).
uint16_t ReplyCode(const sim::Error& error);

// Splits a topic routing or binding key into words the way RabbitMQ does: "" has no
// words, "a..b" has three ("a", "", "b").
std::vector<std::string> SplitTopicWords(const std::string& key);
// True when the topic binding pattern matches the routing key: '*' is exactly one word,
// '#' is zero or more words.
bool TopicMatches(const std::string& pattern, const std::string& routing_key);

}  // namespace models::mq
