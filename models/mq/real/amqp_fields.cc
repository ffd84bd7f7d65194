// Field-table and property conversions for the rabbitmq-c client.
#include "models/mq/real/amqp_fields.h"
#include "sim/assert.h"


namespace models::mq {

std::string ToString(amqp_bytes_t bytes) {
  if (bytes.len == 0) return {};
  return std::string(static_cast<const char*>(bytes.bytes), bytes.len);
}

amqp_bytes_t FieldTableBuilder::Keep(const std::string& text) {
  strings_.push_back(text);
  amqp_bytes_t out;
  out.len = strings_.back().size();
  out.bytes = strings_.back().empty() ? nullptr : strings_.back().data();
  return out;
}

void FieldTableBuilder::AddString(const std::string& key, const std::string& value) {
  amqp_table_entry_t e;
  e.key = Keep(key);
  e.value.kind = AMQP_FIELD_KIND_UTF8;
  e.value.value.bytes = Keep(value);
  entries_.push_back(e);
}

void FieldTableBuilder::AddLong(const std::string& key, int64_t value) {
  amqp_table_entry_t e;
  e.key = Keep(key);
  e.value.kind = AMQP_FIELD_KIND_I64;
  e.value.value.i64 = value;
  entries_.push_back(e);
}

void FieldTableBuilder::AddBool(const std::string& key, bool value) {
  amqp_table_entry_t e;
  e.key = Keep(key);
  e.value.kind = AMQP_FIELD_KIND_BOOLEAN;
  e.value.value.boolean = value ? 1 : 0;
  entries_.push_back(e);
}

amqp_table_t FieldTableBuilder::Table() {
  amqp_table_t t;
  t.num_entries = static_cast<int>(entries_.size());
  t.entries = entries_.empty() ? nullptr : entries_.data();
  return t;
}

void AddQueueArgs(const QueueArgs& args, FieldTableBuilder& table) {
  if (args.message_ttl_ms) table.AddLong("x-message-ttl", *args.message_ttl_ms);
  if (args.dead_letter_exchange) {
    table.AddString("x-dead-letter-exchange", *args.dead_letter_exchange);
  }
  if (args.dead_letter_routing_key) {
    table.AddString("x-dead-letter-routing-key", *args.dead_letter_routing_key);
  }
  if (args.max_length) table.AddLong("x-max-length", *args.max_length);
  if (args.overflow) {
    table.AddString("x-overflow",
                    *args.overflow == Overflow::kDropHead ? "drop-head" : "reject-publish");
  }
}

amqp_basic_properties_t EncodeProperties(const Properties& props, FieldTableBuilder& headers) {
  amqp_basic_properties_t p{};
  p._flags = 0;
  if (props.delivery_mode != 0) {
    p._flags |= AMQP_BASIC_DELIVERY_MODE_FLAG;
    p.delivery_mode = props.delivery_mode;
  }
  if (props.expiration) {
    p._flags |= AMQP_BASIC_EXPIRATION_FLAG;
    p.expiration = headers.Keep(*props.expiration);
  }
  if (props.message_id) {
    p._flags |= AMQP_BASIC_MESSAGE_ID_FLAG;
    p.message_id = headers.Keep(*props.message_id);
  }
  if (props.content_type) {
    p._flags |= AMQP_BASIC_CONTENT_TYPE_FLAG;
    p.content_type = headers.Keep(*props.content_type);
  }
  for (const auto& [key, value] : props.headers) {
    if (const auto* i = std::get_if<int64_t>(&value)) headers.AddLong(key, *i);
    if (const auto* s = std::get_if<std::string>(&value)) headers.AddString(key, *s);
    if (const auto* b = std::get_if<bool>(&value)) headers.AddBool(key, *b);
  }
  if (!props.headers.empty()) {
    p._flags |= AMQP_BASIC_HEADERS_FLAG;
    p.headers = headers.Table();
  }
  return p;
}

namespace {

std::optional<int64_t> AsInteger(const amqp_field_value_t& v) {
  switch (v.kind) {
    case AMQP_FIELD_KIND_I8: return v.value.i8;
    case AMQP_FIELD_KIND_U8: return v.value.u8;
    case AMQP_FIELD_KIND_I16: return v.value.i16;
    case AMQP_FIELD_KIND_U16: return v.value.u16;
    case AMQP_FIELD_KIND_I32: return v.value.i32;
    case AMQP_FIELD_KIND_U32: return v.value.u32;
    case AMQP_FIELD_KIND_I64: return v.value.i64;
    case AMQP_FIELD_KIND_U64: return static_cast<int64_t>(v.value.u64);
    default: return std::nullopt;
  }
}

bool IsString(const amqp_field_value_t& v) {
  return v.kind == AMQP_FIELD_KIND_UTF8 || v.kind == AMQP_FIELD_KIND_BYTES;
}

XDeath DecodeXDeath(const amqp_table_t& table) {
  XDeath death;
  for (int i = 0; i < table.num_entries; ++i) {
    const amqp_table_entry_t& e = table.entries[i];
    const std::string key = ToString(e.key);
    if (key == "count") death.count = AsInteger(e.value).value_or(0);
    if (!IsString(e.value) && key != "routing-keys") continue;
    if (key == "queue") death.queue = ToString(e.value.value.bytes);
    if (key == "reason") death.reason = ToString(e.value.value.bytes);
    if (key == "exchange") death.exchange = ToString(e.value.value.bytes);
    if (key == "original-expiration") death.original_expiration = ToString(e.value.value.bytes);
    if (key == "routing-keys" && e.value.kind == AMQP_FIELD_KIND_ARRAY) {
      const amqp_array_t& keys = e.value.value.array;
      for (int k = 0; k < keys.num_entries; ++k) {
        if (IsString(keys.entries[k])) {
          death.routing_keys.push_back(ToString(keys.entries[k].value.bytes));
        }
      }
    }
  }
  return death;
}

void DecodeHeader(const amqp_table_entry_t& e, Properties& out) {
  const std::string key = ToString(e.key);
  if (key == "x-death" && e.value.kind == AMQP_FIELD_KIND_ARRAY) {
    const amqp_array_t& deaths = e.value.value.array;
    for (int k = 0; k < deaths.num_entries; ++k) {
      if (deaths.entries[k].kind == AMQP_FIELD_KIND_TABLE) {
        out.x_death.push_back(DecodeXDeath(deaths.entries[k].value.table));
      }
    }
    return;
  }
  if (IsString(e.value)) {
    std::string text = ToString(e.value.value.bytes);
    if (key == "x-first-death-reason") out.first_death_reason = text;
    else if (key == "x-first-death-queue") out.first_death_queue = text;
    else if (key == "x-first-death-exchange") out.first_death_exchange = text;
    else out.headers[key] = text;
    return;
  }
  if (e.value.kind == AMQP_FIELD_KIND_BOOLEAN) {
    out.headers[key] = e.value.value.boolean != 0;
    return;
  }
  if (auto i = AsInteger(e.value)) out.headers[key] = *i;
}

}  // namespace

Properties DecodeProperties(const amqp_basic_properties_t& p) {
  Properties out;
  if (p._flags & AMQP_BASIC_DELIVERY_MODE_FLAG) out.delivery_mode = p.delivery_mode;
  if (p._flags & AMQP_BASIC_EXPIRATION_FLAG) out.expiration = ToString(p.expiration);
  if (p._flags & AMQP_BASIC_MESSAGE_ID_FLAG) out.message_id = ToString(p.message_id);
  if (p._flags & AMQP_BASIC_CONTENT_TYPE_FLAG) out.content_type = ToString(p.content_type);
  if (p._flags & AMQP_BASIC_HEADERS_FLAG) {
    for (int i = 0; i < p.headers.num_entries; ++i) DecodeHeader(p.headers.entries[i], out);
  }
  SIM_ASSERT_LE(out.delivery_mode, 2);
  return out;
}

}  // namespace models::mq
