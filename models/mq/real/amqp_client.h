#pragma once
// AmqpClient: the BrokerClient port over a real RabbitMQ server (AmqpConnection, rabbitmq-c).
//
// Each call runs the blocking rabbitmq-c operation and co_returns its answer, so a task using
// it blocks its executor (real mode runs one connection per task thread, tests drive it from a
// World that is only the executor). Semantics follow AmqpConnection (with verify_async on, a
// channel error of publish/ack/nack/reject is returned by the call that caused it). Publish in
// confirm mode waits (wall time, up to rpc_timeout) for its confirm; NextDelivery waits wall
// time. Connection life as in broker_client.h: the first OpenChannel connects, a lost
// connection fails the calls of its channels with kUnavailable and the next OpenChannel
// reconnects.
// Differences from SimBrokerClient: no heartbeats (rabbitmq-c 0.11 has no background thread;
// a dead broker shows as a socket error or an RPC timeout on the next call).

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <utility>
#include <variant>
#include <vector>

#include "models/mq/broker_client.h"
#include "models/mq/real/amqp_connection.h"

namespace models::mq {

class AmqpClient final : public BrokerClient {
 public:
  explicit AmqpClient(AmqpEndpoint endpoint);
  ~AmqpClient() override;
  AmqpClient(const AmqpClient&) = delete;
  AmqpClient& operator=(const AmqpClient&) = delete;

  sim::Task<sim::Result<ChannelId>> OpenChannel() override;
  sim::Task<sim::Result<void>> CloseChannel(ChannelId ch) override;
  sim::Task<sim::Result<void>> Close() override;
  sim::Task<sim::Result<void>> DeclareExchange(ChannelId ch, std::string name,
                                               ExchangeOptions options) override;
  sim::Task<sim::Result<void>> DeleteExchange(ChannelId ch, std::string name) override;
  sim::Task<sim::Result<QueueDeclareOk>> DeclareQueue(ChannelId ch, std::string name,
                                                      QueueOptions options) override;
  sim::Task<sim::Result<uint32_t>> DeleteQueue(ChannelId ch, std::string name) override;
  sim::Task<sim::Result<uint32_t>> PurgeQueue(ChannelId ch, std::string name) override;
  sim::Task<sim::Result<void>> Bind(ChannelId ch, std::string queue, std::string exchange,
                                    std::string routing_key) override;
  sim::Task<sim::Result<void>> Unbind(ChannelId ch, std::string queue, std::string exchange,
                                      std::string routing_key) override;
  sim::Task<sim::Result<void>> ConfirmSelect(ChannelId ch) override;
  sim::Task<sim::Result<PublishOutcome>> Publish(ChannelId ch, std::string exchange,
                                                 std::string routing_key, Message message,
                                                 PublishOptions options) override;
  sim::Task<sim::Result<void>> Qos(ChannelId ch, uint16_t prefetch_count) override;
  sim::Task<sim::Result<std::string>> Consume(ChannelId ch, std::string queue,
                                              std::string consumer_tag, bool no_ack) override;
  sim::Task<sim::Result<std::optional<Delivery>>> NextDelivery(ChannelId ch,
                                                               sim::Duration timeout) override;
  sim::Task<sim::Result<void>> Cancel(ChannelId ch, std::string consumer_tag) override;
  sim::Task<sim::Result<GetResult>> Get(ChannelId ch, std::string queue, bool no_ack) override;
  sim::Task<sim::Result<void>> Ack(ChannelId ch, uint64_t delivery_tag, bool multiple) override;
  sim::Task<sim::Result<void>> Nack(ChannelId ch, uint64_t delivery_tag, bool multiple,
                                    bool requeue) override;
  sim::Task<sim::Result<void>> Reject(ChannelId ch, uint64_t delivery_tag, bool requeue) override;

 private:
  struct Channel {
    uint64_t generation = 0;
    ChannelId number;  // the AMQP channel number on its connection
    bool closed = false;
    sim::Error close_error;
    std::deque<std::variant<Delivery, ConsumerCancelled>> inbox;
  };
  // The connection and channel number behind a handle, or why it cannot be used.
  sim::Result<std::pair<AmqpConnection*, ChannelId>> Usable(ChannelId handle);
  // Books a call's outcome: marks the channel closed on a channel error and the connection
  // lost when it broke. Returns `r` unchanged.
  template <class T>
  sim::Result<T> Book(ChannelId handle, sim::Result<T> r);
  void MarkClosed(ChannelId handle, const sim::Error& why);
  void Lost(const std::string& why);
  // Moves events read from the connection into channel inboxes, confirms and returns.
  void Distribute(std::vector<Event> events);

  AmqpEndpoint endpoint_;
  std::unique_ptr<AmqpConnection> conn_;
  uint64_t generation_ = 0;
  uint64_t next_handle_ = 1;
  std::map<uint64_t, Channel> channels_;
  std::map<uint64_t, uint64_t> by_number_;  // channel number -> handle (current connection)
  std::map<std::pair<uint64_t, uint64_t>, bool> confirms_;  // (number, seq) -> ack
  std::map<uint64_t, Returned> returns_;                    // by channel number
};

}  // namespace models::mq
