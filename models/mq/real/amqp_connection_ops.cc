// The AMQP operations of AmqpConnection (topology, publish, consume, get, acks). Kept apart
// from the frame pump in amqp_connection.cc so each file stays readable.
#include "models/mq/real/amqp_connection.h"

#include <amqp_framing.h>

#include "models/mq/real/amqp_fields.h"

namespace models::mq {
namespace {

amqp_bytes_t Bytes(const std::string& s) {
  amqp_bytes_t b;
  b.len = s.size();
  b.bytes = s.empty() ? nullptr : const_cast<char*>(s.data());
  return b;
}

amqp_channel_t Num(ChannelId ch) { return static_cast<amqp_channel_t>(ch.value); }

}  // namespace

sim::Result<void> AmqpConnection::DeclareExchange(ChannelId ch, const std::string& name,
                                                  const ExchangeOptions& options) {
  if (auto s = Usable(ch); !s) return s.error();
  const std::string type(ExchangeTypeName(options.type));
  amqp_exchange_declare(conn_, Num(ch), Bytes(name), Bytes(type), options.passive,
                        options.durable, options.auto_delete, 0, amqp_empty_table);
  return CheckRpc(ch, "exchange.declare");
}

sim::Result<void> AmqpConnection::DeleteExchange(ChannelId ch, const std::string& name) {
  if (auto s = Usable(ch); !s) return s.error();
  amqp_exchange_delete(conn_, Num(ch), Bytes(name), 0);
  return CheckRpc(ch, "exchange.delete");
}

sim::Result<QueueDeclareOk> AmqpConnection::DeclareQueue(ChannelId ch, const std::string& name,
                                                         const QueueOptions& options) {
  if (auto s = Usable(ch); !s) return s.error();
  FieldTableBuilder args;
  AddQueueArgs(options.args, args);
  amqp_queue_declare_ok_t* ok =
      amqp_queue_declare(conn_, Num(ch), Bytes(name), options.passive, options.durable,
                         options.exclusive, options.auto_delete, args.Table());
  if (auto r = CheckRpc(ch, "queue.declare"); !r) return r.error();
  QueueDeclareOk out{ToString(ok->queue), ok->message_count, ok->consumer_count};
  amqp_maybe_release_buffers(conn_);
  return out;
}

sim::Result<uint32_t> AmqpConnection::DeleteQueue(ChannelId ch, const std::string& name) {
  if (auto s = Usable(ch); !s) return s.error();
  amqp_queue_delete_ok_t* ok = amqp_queue_delete(conn_, Num(ch), Bytes(name), 0, 0);
  if (auto r = CheckRpc(ch, "queue.delete"); !r) return r.error();
  return ok->message_count;
}

sim::Result<uint32_t> AmqpConnection::PurgeQueue(ChannelId ch, const std::string& name) {
  if (auto s = Usable(ch); !s) return s.error();
  amqp_queue_purge_ok_t* ok = amqp_queue_purge(conn_, Num(ch), Bytes(name));
  if (auto r = CheckRpc(ch, "queue.purge"); !r) return r.error();
  return ok->message_count;
}

sim::Result<void> AmqpConnection::BindQueue(ChannelId ch, const std::string& queue,
                                            const std::string& exchange,
                                            const std::string& routing_key) {
  if (auto s = Usable(ch); !s) return s.error();
  amqp_queue_bind(conn_, Num(ch), Bytes(queue), Bytes(exchange), Bytes(routing_key),
                  amqp_empty_table);
  return CheckRpc(ch, "queue.bind");
}

sim::Result<void> AmqpConnection::UnbindQueue(ChannelId ch, const std::string& queue,
                                              const std::string& exchange,
                                              const std::string& routing_key) {
  if (auto s = Usable(ch); !s) return s.error();
  amqp_queue_unbind(conn_, Num(ch), Bytes(queue), Bytes(exchange), Bytes(routing_key),
                    amqp_empty_table);
  return CheckRpc(ch, "queue.unbind");
}

sim::Result<void> AmqpConnection::ConfirmSelect(ChannelId ch) {
  auto s = Usable(ch);
  if (!s) return s.error();
  amqp_confirm_select(conn_, Num(ch));
  if (auto r = CheckRpc(ch, "confirm.select"); !r) return r.error();
  channels_[ch.value].confirm_mode = true;
  return {};
}

sim::Result<uint64_t> AmqpConnection::Publish(ChannelId ch, const std::string& exchange,
                                              const std::string& routing_key,
                                              const Message& message,
                                              const PublishOptions& options) {
  auto s = Usable(ch);
  if (!s) return s.error();
  FieldTableBuilder headers;
  amqp_basic_properties_t props = EncodeProperties(message.props, headers);
  int status = amqp_basic_publish(conn_, Num(ch), Bytes(exchange), Bytes(routing_key),
                                  options.mandatory, 0, &props, Bytes(message.body));
  uint64_t seq = 0;
  ChannelState& state = channels_[ch.value];
  if (state.confirm_mode) {
    seq = state.next_publish_seq++;
    state.unconfirmed.insert(seq);
  }
  if (auto r = AfterAsync(ch, status, "basic.publish"); !r) return r.error();
  return seq;
}

sim::Result<void> AmqpConnection::Qos(ChannelId ch, uint16_t prefetch_count) {
  if (auto s = Usable(ch); !s) return s.error();
  amqp_basic_qos(conn_, Num(ch), 0, prefetch_count, 0);
  return CheckRpc(ch, "basic.qos");
}

sim::Result<std::string> AmqpConnection::Consume(ChannelId ch, const std::string& queue,
                                                 const std::string& consumer_tag,
                                                 bool no_ack) {
  if (auto s = Usable(ch); !s) return s.error();
  amqp_basic_consume_ok_t* ok = amqp_basic_consume(conn_, Num(ch), Bytes(queue),
                                                   Bytes(consumer_tag), 0, no_ack, 0,
                                                   amqp_empty_table);
  if (auto r = CheckRpc(ch, "basic.consume"); !r) return r.error();
  return ToString(ok->consumer_tag);
}

sim::Result<void> AmqpConnection::Cancel(ChannelId ch, const std::string& consumer_tag) {
  if (auto s = Usable(ch); !s) return s.error();
  amqp_basic_cancel(conn_, Num(ch), Bytes(consumer_tag));
  return CheckRpc(ch, "basic.cancel");
}

sim::Result<GetResult> AmqpConnection::Get(ChannelId ch, const std::string& queue,
                                           bool no_ack) {
  if (auto s = Usable(ch); !s) return s.error();
  amqp_rpc_reply_t reply = amqp_basic_get(conn_, Num(ch), Bytes(queue), no_ack);
  if (auto r = CheckReply(reply, ch, "basic.get"); !r) return r.error();
  if (reply.reply.id == AMQP_BASIC_GET_EMPTY_METHOD) return GetResult{};
  auto* ok = static_cast<amqp_basic_get_ok_t*>(reply.reply.decoded);
  GetOk out{ok->delivery_tag, ok->redelivered != 0, ToString(ok->exchange),
            ToString(ok->routing_key), ok->message_count, {}};
  auto msg = ReadContent(Num(ch));
  if (!msg) return msg.error();
  out.message = std::move(*msg);
  amqp_maybe_release_buffers(conn_);
  return GetResult{std::move(out)};
}

sim::Result<void> AmqpConnection::Ack(ChannelId ch, uint64_t delivery_tag, bool multiple) {
  if (auto s = Usable(ch); !s) return s.error();
  return AfterAsync(ch, amqp_basic_ack(conn_, Num(ch), delivery_tag, multiple), "basic.ack");
}

sim::Result<void> AmqpConnection::Nack(ChannelId ch, uint64_t delivery_tag, bool multiple,
                                       bool requeue) {
  if (auto s = Usable(ch); !s) return s.error();
  return AfterAsync(ch, amqp_basic_nack(conn_, Num(ch), delivery_tag, multiple, requeue),
                    "basic.nack");
}

sim::Result<void> AmqpConnection::Reject(ChannelId ch, uint64_t delivery_tag, bool requeue) {
  if (auto s = Usable(ch); !s) return s.error();
  return AfterAsync(ch, amqp_basic_reject(conn_, Num(ch), delivery_tag, requeue),
                    "basic.reject");
}

}  // namespace models::mq
