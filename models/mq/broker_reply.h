#pragma once
// Unpacking the broker's wire replies into typed results, shared by the SimBrokerClient files.

#include <utility>
#include <variant>

#include "models/mq/broker_protocol.h"
#include "sim/assert.h"
#include "sim/result.h"

namespace models::mq {

template <class T>
sim::Result<T> Unpack(sim::Result<wire::Reply> reply) {
  if (!reply.ok()) return reply.error();
  T* value = std::get_if<T>(&reply.value());
  SIM_ASSERT_MSG(value != nullptr, "broker reply of an unexpected kind " << reply.value().index());
  return std::move(*value);
}

inline sim::Result<void> UnpackVoid(const sim::Result<wire::Reply>& reply) {
  if (!reply.ok()) return reply.error();
  SIM_ASSERT(std::holds_alternative<std::monostate>(reply.value()));
  return {};
}

}  // namespace models::mq
