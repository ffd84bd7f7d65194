// Dead-letter message rewriting and cycle detection (rabbit_dead_letter, 3.10).
#include "models/mq/dead_letter.h"

#include <algorithm>

#include "sim/assert.h"

namespace models::mq {

std::string_view DeathReasonName(DeathReason reason) {
  switch (reason) {
    case DeathReason::kExpired: return "expired";
    case DeathReason::kRejected: return "rejected";
    case DeathReason::kMaxLen: return "maxlen";
  }
  return "expired";
}

DeadLettered MakeDeadLetter(const QueueMessage& msg, const std::string& queue_name,
                            const QueueArgs& queue_args, DeathReason reason) {
  SIM_ASSERT(queue_args.dead_letter_exchange.has_value());
  const std::string reason_name(DeathReasonName(reason));
  Properties props = msg.message.props;
  auto same = [&](const XDeath& d) { return d.queue == queue_name && d.reason == reason_name; };
  auto found = std::find_if(props.x_death.begin(), props.x_death.end(), same);
  XDeath entry;
  if (found != props.x_death.end()) {
    entry = *found;
    entry.count += 1;
    props.x_death.erase(found);
  } else {
    entry = XDeath{queue_name, reason_name, msg.exchange, {msg.routing_key}, 1,
                   props.expiration};
  }
  props.x_death.insert(props.x_death.begin(), std::move(entry));
  if (!props.first_death_reason) {
    props.first_death_reason = reason_name;
    props.first_death_queue = queue_name;
    props.first_death_exchange = msg.exchange;
  }
  props.expiration.reset();  // so it does not expire again wherever it lands
  DeadLettered out;
  out.message = Message{msg.message.body, std::move(props)};
  out.exchange = *queue_args.dead_letter_exchange;
  out.routing_key = queue_args.dead_letter_routing_key.value_or(msg.routing_key);
  return out;
}

bool IsDeadLetterCycle(const std::string& target, const std::vector<XDeath>& deaths,
                       DeathReason reason) {
  if (reason == DeathReason::kRejected) return false;
  // deaths is most recent first; the cycle is every death up to and including the last
  // time the message left `target`.
  auto hit = std::find_if(deaths.begin(), deaths.end(),
                          [&](const XDeath& d) { return d.queue == target; });
  if (hit == deaths.end()) return false;
  return std::all_of(deaths.begin(), std::next(hit),
                     [](const XDeath& d) { return d.reason != "rejected"; });
}

}  // namespace models::mq
