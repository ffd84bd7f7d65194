#pragma once
// Conversions between the shared MQ value types and rabbitmq-c's field tables and basic
// properties. Decoding copies everything out of rabbitmq-c's pools, so the results stay
// valid after the connection releases its buffers.

#include <amqp.h>
#include <amqp_framing.h>

#include <deque>
#include <string>
#include <vector>

#include "models/mq/types.h"

namespace models::mq {

// Owns the memory behind an amqp_table_t (entries and strings) for the duration of a call.
class FieldTableBuilder {
 public:
  void AddString(const std::string& key, const std::string& value);
  void AddLong(const std::string& key, int64_t value);
  void AddBool(const std::string& key, bool value);
  amqp_table_t Table();
  // Copies text into storage owned by the builder and returns bytes pointing at it.
  amqp_bytes_t Keep(const std::string& text);

 private:
  std::deque<std::string> strings_;  // deque: growth never moves earlier strings
  std::vector<amqp_table_entry_t> entries_;
};

// Adds the x-* queue arguments that are set.
void AddQueueArgs(const QueueArgs& args, FieldTableBuilder& table);

// Fills rabbitmq-c basic properties from ours; `headers` must outlive the publish call.
amqp_basic_properties_t EncodeProperties(const Properties& props, FieldTableBuilder& headers);
Properties DecodeProperties(const amqp_basic_properties_t& props);

std::string ToString(amqp_bytes_t bytes);

}  // namespace models::mq
