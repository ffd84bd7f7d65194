// SimBrokerClient: the channel methods and the delivery buffer. See sim_broker_client.h.
#include <utility>

#include "models/mq/sim_broker_client.h"
#include "models/mq/broker_reply.h"
#include "sim/assert.h"

namespace models::mq {
namespace {


}  // namespace

// Every method names its wire::Op before the co_await: GCC 12 destroys a braced temporary
// that is built inside a co_await expression twice.

sim::Task<sim::Result<void>> SimBrokerClient::DeclareExchange(ChannelId ch, std::string name,
                                                              ExchangeOptions options) {
  wire::Op op = wire::DeclareExchange{ch, std::move(name), options};
  co_return UnpackVoid(co_await OnChannel(ch, std::move(op)));
}

sim::Task<sim::Result<void>> SimBrokerClient::DeleteExchange(ChannelId ch, std::string name) {
  wire::Op op = wire::DeleteExchange{ch, std::move(name)};
  co_return UnpackVoid(co_await OnChannel(ch, std::move(op)));
}

sim::Task<sim::Result<QueueDeclareOk>> SimBrokerClient::DeclareQueue(ChannelId ch,
                                                                     std::string name,
                                                                     QueueOptions options) {
  wire::Op op = wire::DeclareQueue{ch, std::move(name), std::move(options)};
  co_return Unpack<QueueDeclareOk>(co_await OnChannel(ch, std::move(op)));
}

sim::Task<sim::Result<uint32_t>> SimBrokerClient::DeleteQueue(ChannelId ch, std::string name) {
  wire::Op op = wire::DeleteQueue{ch, std::move(name)};
  co_return Unpack<uint32_t>(co_await OnChannel(ch, std::move(op)));
}

sim::Task<sim::Result<uint32_t>> SimBrokerClient::PurgeQueue(ChannelId ch, std::string name) {
  wire::Op op = wire::PurgeQueue{ch, std::move(name)};
  co_return Unpack<uint32_t>(co_await OnChannel(ch, std::move(op)));
}

sim::Task<sim::Result<void>> SimBrokerClient::Bind(ChannelId ch, std::string queue,
                                                   std::string exchange,
                                                   std::string routing_key) {
  wire::Op op = wire::Bind{ch, std::move(queue), std::move(exchange), std::move(routing_key)};
  co_return UnpackVoid(co_await OnChannel(ch, std::move(op)));
}

sim::Task<sim::Result<void>> SimBrokerClient::Unbind(ChannelId ch, std::string queue,
                                                     std::string exchange,
                                                     std::string routing_key) {
  wire::Op op = wire::Unbind{ch, std::move(queue), std::move(exchange), std::move(routing_key)};
  co_return UnpackVoid(co_await OnChannel(ch, std::move(op)));
}

sim::Task<sim::Result<void>> SimBrokerClient::ConfirmSelect(ChannelId ch) {
  wire::Op op = wire::ConfirmSelect{ch};
  co_return UnpackVoid(co_await OnChannel(ch, std::move(op)));
}

sim::Task<sim::Result<PublishOutcome>> SimBrokerClient::Publish(ChannelId ch,
                                                                std::string exchange,
                                                                std::string routing_key,
                                                                Message message,
                                                                PublishOptions options) {
  wire::Op op =
      wire::Publish{ch, std::move(exchange), std::move(routing_key), std::move(message), options};
  sim::Result<PublishOutcome> out = Unpack<PublishOutcome>(co_await OnChannel(ch, std::move(op)));
  if (out.ok() && out->returned) out->returned->channel = ch;
  co_return out;
}

sim::Task<sim::Result<void>> SimBrokerClient::Qos(ChannelId ch, uint16_t prefetch_count) {
  wire::Op op = wire::Qos{ch, prefetch_count};
  co_return UnpackVoid(co_await OnChannel(ch, std::move(op)));
}

sim::Task<sim::Result<std::string>> SimBrokerClient::Consume(ChannelId ch, std::string queue,
                                                             std::string consumer_tag,
                                                             bool no_ack) {
  wire::Op op = wire::Consume{ch, std::move(queue), std::move(consumer_tag), no_ack};
  co_return Unpack<std::string>(co_await OnChannel(ch, std::move(op)));
}

sim::Task<sim::Result<void>> SimBrokerClient::Cancel(ChannelId ch, std::string consumer_tag) {
  wire::Op op = wire::Cancel{ch, std::move(consumer_tag)};
  co_return UnpackVoid(co_await OnChannel(ch, std::move(op)));
}

sim::Task<sim::Result<GetResult>> SimBrokerClient::Get(ChannelId ch, std::string queue,
                                                       bool no_ack) {
  wire::Op op = wire::Get{ch, std::move(queue), no_ack};
  co_return Unpack<GetResult>(co_await OnChannel(ch, std::move(op)));
}

sim::Task<sim::Result<void>> SimBrokerClient::Ack(ChannelId ch, uint64_t delivery_tag,
                                                  bool multiple) {
  wire::Op op = wire::Ack{ch, delivery_tag, multiple};
  co_return UnpackVoid(co_await OnChannel(ch, std::move(op)));
}

sim::Task<sim::Result<void>> SimBrokerClient::Nack(ChannelId ch, uint64_t delivery_tag,
                                                   bool multiple, bool requeue) {
  wire::Op op = wire::Nack{ch, delivery_tag, multiple, requeue};
  co_return UnpackVoid(co_await OnChannel(ch, std::move(op)));
}

sim::Task<sim::Result<void>> SimBrokerClient::Reject(ChannelId ch, uint64_t delivery_tag,
                                                     bool requeue) {
  wire::Op op = wire::Reject{ch, delivery_tag, requeue};
  co_return UnpackVoid(co_await OnChannel(ch, std::move(op)));
}

sim::Task<sim::Result<std::optional<Delivery>>> SimBrokerClient::NextDelivery(
    ChannelId ch, sim::Duration timeout) {
  Shared* s = shared_.get();
  const sim::Instant deadline = s->env.Now() + timeout;
  // Each round ends with something arriving or the deadline passing.
  while (true) {
    sim::Result<Channel*> c = Usable(ch);
    if (!c.ok()) co_return c.error();
    auto& inbox = (*c)->inbox;
    if (!inbox.empty()) {
      auto front = std::move(inbox.front());
      inbox.pop_front();
      if (auto* cancelled = std::get_if<ConsumerCancelled>(&front)) {
        co_return sim::MakeError(sim::Errc::kNotFound, "consumer " + cancelled->consumer_tag +
                                                           " cancelled by the broker");
      }
      co_return std::optional<Delivery>(std::move(std::get<Delivery>(front)));
    }
    const sim::Instant now = s->env.Now();
    if (now >= deadline) co_return std::optional<Delivery>();
    (void)co_await s->changed.Wait(deadline - now);
  }
}

}  // namespace models::mq
