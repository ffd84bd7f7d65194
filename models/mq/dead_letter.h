#pragma once
// The message rewrite RabbitMQ 3.10 applies when a queue dead-letters a message
// (rabbit_dead_letter): the x-death bookkeeping, the x-first-death-* headers, the removal of
// the expiration property, the dead-letter routing key, and cycle detection. Part of
// BrokerModel; see broker_model.h for the fidelity contract.

#include <string>
#include <vector>

#include "models/mq/classic_queue.h"
#include "models/mq/types.h"

namespace models::mq {

enum class DeathReason { kExpired, kRejected, kMaxLen };
std::string_view DeathReasonName(DeathReason reason);

struct DeadLettered {
  Message message;          // rewritten headers and properties
  std::string exchange;     // the queue's x-dead-letter-exchange
  std::string routing_key;  // x-dead-letter-routing-key if set, else the original key
};

// REQUIRES: queue_args.dead_letter_exchange is set.
// The x-death entry for (queue, reason) is created with count 1 or has its count bumped;
// either way it moves to the front. An existing entry keeps its other fields (exchange,
// routing-keys, original-expiration) from the first time, as RabbitMQ does.
DeadLettered MakeDeadLetter(const QueueMessage& msg, const std::string& queue_name,
                            const QueueArgs& queue_args, DeathReason reason);

// True when routing the dead-lettered message to `target` would close a cycle made only of
// automatic deaths (expired, maxlen); RabbitMQ drops the message for such a target. Deaths
// by rejection never count as cycles because a client decided them.
bool IsDeadLetterCycle(const std::string& target, const std::vector<XDeath>& deaths,
                       DeathReason reason);

}  // namespace models::mq
