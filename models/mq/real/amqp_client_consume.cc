// AmqpClient: consumers, deliveries, get and the ack family. See amqp_client.h.
#include <chrono>

#include "models/mq/real/amqp_client.h"

namespace models::mq {

sim::Task<sim::Result<void>> AmqpClient::Qos(ChannelId ch, uint16_t prefetch_count) {
  auto u = Usable(ch);
  if (!u.ok()) co_return u.error();
  co_return Book(ch, u->first->Qos(u->second, prefetch_count));
}

sim::Task<sim::Result<std::string>> AmqpClient::Consume(ChannelId ch, std::string queue,
                                                        std::string consumer_tag, bool no_ack) {
  auto u = Usable(ch);
  if (!u.ok()) co_return u.error();
  co_return Book(ch, u->first->Consume(u->second, queue, consumer_tag, no_ack));
}

sim::Task<sim::Result<void>> AmqpClient::Cancel(ChannelId ch, std::string consumer_tag) {
  auto u = Usable(ch);
  if (!u.ok()) co_return u.error();
  co_return Book(ch, u->first->Cancel(u->second, consumer_tag));
}

sim::Task<sim::Result<GetResult>> AmqpClient::Get(ChannelId ch, std::string queue, bool no_ack) {
  auto u = Usable(ch);
  if (!u.ok()) co_return u.error();
  co_return Book(ch, u->first->Get(u->second, queue, no_ack));
}

sim::Task<sim::Result<void>> AmqpClient::Ack(ChannelId ch, uint64_t delivery_tag, bool multiple) {
  auto u = Usable(ch);
  if (!u.ok()) co_return u.error();
  co_return Book(ch, u->first->Ack(u->second, delivery_tag, multiple));
}

sim::Task<sim::Result<void>> AmqpClient::Nack(ChannelId ch, uint64_t delivery_tag, bool multiple,
                                              bool requeue) {
  auto u = Usable(ch);
  if (!u.ok()) co_return u.error();
  co_return Book(ch, u->first->Nack(u->second, delivery_tag, multiple, requeue));
}

sim::Task<sim::Result<void>> AmqpClient::Reject(ChannelId ch, uint64_t delivery_tag,
                                                bool requeue) {
  auto u = Usable(ch);
  if (!u.ok()) co_return u.error();
  co_return Book(ch, u->first->Reject(u->second, delivery_tag, requeue));
}

sim::Task<sim::Result<std::optional<Delivery>>> AmqpClient::NextDelivery(ChannelId ch,
                                                                         sim::Duration timeout) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::nanoseconds(timeout.nanos());
  // Each round reads frames until one event is buffered or the deadline passes.
  while (true) {
    auto it = channels_.find(ch.value);
    if (it == channels_.end()) co_return sim::MakeError(sim::Errc::kInvalid, "no such channel");
    Channel& c = it->second;
    if (c.closed) co_return c.close_error;
    if (!c.inbox.empty()) {
      auto front = std::move(c.inbox.front());
      c.inbox.pop_front();
      if (auto* x = std::get_if<ConsumerCancelled>(&front)) {
        co_return sim::MakeError(sim::Errc::kNotFound,
                                 "consumer " + x->consumer_tag + " cancelled by the broker");
      }
      co_return std::optional<Delivery>(std::move(std::get<Delivery>(front)));
    }
    auto u = Usable(ch);
    if (!u.ok()) co_return u.error();
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) co_return std::optional<Delivery>();
    Distribute(u->first->PollEvents(left, 1));
    if (conn_ != nullptr && !conn_->alive()) Lost("socket closed");
  }
}

}  // namespace models::mq
