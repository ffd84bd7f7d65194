// Names for the message lifecycle records of BrokerModel.
#include "models/mq/message_fate.h"

namespace models::mq {

std::string_view FateKindName(FateKind kind) {
  switch (kind) {
    case FateKind::kEnqueued: return "enqueued";
    case FateKind::kDelivered: return "delivered";
    case FateKind::kAcked: return "acked";
    case FateKind::kRejected: return "rejected";
    case FateKind::kRequeued: return "requeued";
    case FateKind::kExpired: return "expired";
    case FateKind::kDeadLettered: return "dead_lettered";
    case FateKind::kDropped: return "dropped";
    case FateKind::kLostInCrash: return "lost_in_crash";
  }
  return "unknown";
}

std::string MessageKey(const Message& message) {
  return message.props.message_id.value_or(message.body);
}

}  // namespace models::mq
