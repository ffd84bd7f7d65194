#pragma once
// What happened to a message inside the broker, one record per step: the ledger a checker
// such as mq.no_silent_loss reads (through the broker server's trace events) to account for
// every message that entered a queue. Part of BrokerModel; see broker_model.h.
//
// Per queue a message is enqueued, then either consumed (delivered with no-ack, or delivered
// and acked), rejected by a client (then requeued or dead-lettered/dropped), requeued (its
// channel or connection ended), expired (then dead-lettered or dropped), dead-lettered,
// dropped (purged, deleted, overflow, no dead-letter target) or lost in a broker crash.
// Messages are named by MessageKey: the message-id property, or the body when there is none.

#include <cstdint>
#include <string>
#include <string_view>

#include "models/mq/types.h"

namespace models::mq {

enum class FateKind : uint8_t {
  kEnqueued,      // detail: the exchange it came through
  kDelivered,     // to a consumer (detail: consumer tag) or by basic.get (detail: "get")
  kAcked,
  kRejected,      // basic.nack / basic.reject by a client; detail "requeue" or "drop"
  kRequeued,      // back to its queue (redelivered next time); detail: why
  kExpired,
  kDeadLettered,  // detail: the dead-letter exchange it was republished to
  kDropped,       // gone without a target; detail: why
  kLostInCrash,   // was in the queue (ready or unacked) and did not survive a broker crash
};
std::string_view FateKindName(FateKind kind);

struct MessageFate {
  FateKind kind = FateKind::kEnqueued;
  std::string queue;
  std::string message;  // MessageKey
  std::string detail;
  ChannelId channel;          // kDelivered, kAcked, kRejected
  uint64_t delivery_tag = 0;  // kDelivered, kAcked, kRejected
  bool redelivered = false;   // kDelivered
  bool no_ack = false;        // kDelivered: consumed at delivery, no ack will follow
};

// The message-id property, or the body when the message has none.
std::string MessageKey(const Message& message);

}  // namespace models::mq
