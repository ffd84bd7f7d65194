#pragma once
// BrokerClient: the RabbitMQ port (AMQP 0-9-1 subset) that mall services, workloads and
// tests are written against. One object is one AMQP connection; channels are handles
// (ChannelId) that the object hands out and that stay valid for its lifetime (a handle of a
// connection that died keeps failing, it is never reused).
//
// Implementations: SimBrokerClient (RPCs over the simulated network to a broker node,
// sim_broker_client.h) and AmqpClient (a real rabbitmq-server through rabbitmq-c,
// real/amqp_client.h). Both give the results of BrokerModel / AmqpConnection (types.h):
// AMQP errors carry their reply code (ReplyCode(error)); a call on a channel the broker
// closed, or on a connection that is gone, fails with kUnavailable; a call that got no answer
// in time is kTimeout (it may have taken effect: Jepsen's `info`).
//
// Connection life: the first OpenChannel opens the connection. When the connection is lost
// (the broker restarted or closed it, heartbeats failed) every call on its channels fails with
// kUnavailable and the next OpenChannel opens a new connection, as Spring AMQP's
// CachingConnectionFactory reconnects.
//
// Receiving deliveries: pull, one consumer loop per channel, as Spring AMQP's
// SimpleMessageListenerContainer does with BlockingQueueConsumer.nextMessage(timeout). A
// Gulimall @RabbitListener becomes
//
//   auto ch = co_await mq.OpenChannel();               // once per listener (re)start
//   co_await mq.Qos(*ch, 1);
//   co_await mq.Consume(*ch, "order.release.order.queue", "", /*no_ack=*/false);
//   while (true) {
//     auto d = co_await mq.NextDelivery(*ch, 1_s);
//     if (!d.ok()) break;                  // channel/connection lost: restart the listener
//     if (!d->has_value()) continue;       // nothing within the timeout
//     bool done = co_await Handle((*d)->message);
//     if (done) co_await mq.Ack(*ch, (*d)->delivery_tag, false);
//     else co_await mq.Reject(*ch, (*d)->delivery_tag, /*requeue=*/true);
//   }
//
// which keeps the handler's ack decision in plain sequential code, keeps concurrency explicit
// (one loop = one consumer; prefetch bounds what waits in the local buffer) and runs
// unchanged against the real broker. NextDelivery returns deliveries of every consumer on the
// channel in arrival order.
//
// GCC 12 note: do not build a braced temporary of a type with a destructor (QueueOptions{},
// Message{...}) inside a co_await expression; GCC 12 destroys it twice. Name it first.
//
// REQUIRES: calls on one channel are made one at a time (different channels may be used by
// different tasks at once); the object lives within one incarnation of its node.

#include <cstdint>
#include <optional>
#include <string>

#include "models/mq/types.h"
#include "sim/result.h"
#include "sim/task.h"
#include "sim/time.h"

namespace models::mq {

enum class ConfirmState : uint8_t {
  kNone,  // the channel is not in confirm mode: nothing to wait for
  kAck,   // the broker took responsibility for the message
  kNack,  // the broker refused it (e.g. x-overflow reject-publish)
};

// What a publish learnt before it returned. In confirm mode Publish returns once the confirm
// arrived; a basic.return of a mandatory unroutable message arrives before its confirm and is
// reported here too (outside confirm mode as well).
struct PublishOutcome {
  uint64_t seq = 0;  // publish sequence number in confirm mode, else 0
  ConfirmState confirm = ConfirmState::kNone;
  std::optional<Returned> returned;
};

class BrokerClient {
 public:
  virtual ~BrokerClient() = default;

  virtual sim::Task<sim::Result<ChannelId>> OpenChannel() = 0;
  // Closing a closed channel is not an error. Unacked deliveries of the channel are requeued.
  virtual sim::Task<sim::Result<void>> CloseChannel(ChannelId ch) = 0;
  // Orderly connection.close: every channel ends and unacked deliveries are requeued.
  virtual sim::Task<sim::Result<void>> Close() = 0;

  virtual sim::Task<sim::Result<void>> DeclareExchange(ChannelId ch, std::string name,
                                                       ExchangeOptions options) = 0;
  virtual sim::Task<sim::Result<void>> DeleteExchange(ChannelId ch, std::string name) = 0;
  virtual sim::Task<sim::Result<QueueDeclareOk>> DeclareQueue(ChannelId ch, std::string name,
                                                              QueueOptions options) = 0;
  virtual sim::Task<sim::Result<uint32_t>> DeleteQueue(ChannelId ch, std::string name) = 0;
  virtual sim::Task<sim::Result<uint32_t>> PurgeQueue(ChannelId ch, std::string name) = 0;
  virtual sim::Task<sim::Result<void>> Bind(ChannelId ch, std::string queue, std::string exchange,
                                            std::string routing_key) = 0;
  virtual sim::Task<sim::Result<void>> Unbind(ChannelId ch, std::string queue,
                                              std::string exchange,
                                              std::string routing_key) = 0;

  virtual sim::Task<sim::Result<void>> ConfirmSelect(ChannelId ch) = 0;
  // In confirm mode: returns once the confirm arrived. A channel or connection that died
  // before it answers kTimeout (the message may or may not have been taken).
  virtual sim::Task<sim::Result<PublishOutcome>> Publish(ChannelId ch, std::string exchange,
                                                         std::string routing_key, Message message,
                                                         PublishOptions options) = 0;

  virtual sim::Task<sim::Result<void>> Qos(ChannelId ch, uint16_t prefetch_count) = 0;
  // An empty tag asks the broker for one. Returns the tag.
  virtual sim::Task<sim::Result<std::string>> Consume(ChannelId ch, std::string queue,
                                                      std::string consumer_tag, bool no_ack) = 0;
  // The next delivery to a consumer of `ch`, waiting up to `timeout`; an empty optional when
  // nothing came in time. Fails with kUnavailable at once when the channel or connection is
  // gone (buffered deliveries can no longer be acked; the broker requeues them), and with
  // kNotFound when the broker cancelled a consumer of the channel (its queue was deleted),
  // after the deliveries that arrived before the cancel.
  virtual sim::Task<sim::Result<std::optional<Delivery>>> NextDelivery(ChannelId ch,
                                                                       sim::Duration timeout) = 0;
  virtual sim::Task<sim::Result<void>> Cancel(ChannelId ch, std::string consumer_tag) = 0;
  virtual sim::Task<sim::Result<GetResult>> Get(ChannelId ch, std::string queue, bool no_ack) = 0;
  virtual sim::Task<sim::Result<void>> Ack(ChannelId ch, uint64_t delivery_tag,
                                           bool multiple) = 0;
  virtual sim::Task<sim::Result<void>> Nack(ChannelId ch, uint64_t delivery_tag, bool multiple,
                                            bool requeue) = 0;
  virtual sim::Task<sim::Result<void>> Reject(ChannelId ch, uint64_t delivery_tag,
                                              bool requeue) = 0;
};

}  // namespace models::mq
