#pragma once
// A synchronous client for a real RabbitMQ server over rabbitmq-c 0.11, with the same
// operations and result types as BrokerModel so one scripted sequence can run through
// both and be compared.
//
// Contract: one AmqpConnection is one AMQP connection; ChannelId values are its channel
// numbers. Synchronous methods (declare, bind, get, consume, qos, ...) return the server's
// answer or its channel/connection error as AmqpError(code, text). Asynchronous methods
// (publish, ack, nack, reject) are followed by a cheap round trip when `verify_async` is on
// (the default), so a channel error they cause (404 on a missing exchange, 406 on an unknown
// delivery tag) is returned by the call that caused it, as BrokerModel does. Deliveries,
// returns, publisher confirms (expanded to one per tag) and broker-sent cancels are
// collected in order and handed out by TakeEvents/PollEvents.
// Errors without a reply code: "channel closed" for calls on a channel the server closed,
// kUnavailable for socket failures, kTimeout when the server does not answer in time.

#include <amqp.h>

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "models/mq/types.h"

namespace models::mq {

struct AmqpEndpoint {
  std::string host = "127.0.0.1";
  int port = 5679;
  std::string user = "guest";
  std::string password = "guest";
  std::string vhost = "/";
  bool verify_async = true;
  std::chrono::milliseconds rpc_timeout{5000};
};

class AmqpConnection {
 public:
  static sim::Result<std::unique_ptr<AmqpConnection>> Connect(const AmqpEndpoint& endpoint);
  ~AmqpConnection();
  AmqpConnection(const AmqpConnection&) = delete;
  AmqpConnection& operator=(const AmqpConnection&) = delete;

  sim::Result<ChannelId> OpenChannel();
  sim::Result<void> CloseChannel(ChannelId ch);
  // Orderly connection.close; the broker requeues this connection's unacked messages.
  sim::Result<void> Close();
  // Drops the TCP connection without a close handshake, as a crashed client node would.
  void Abort();

  sim::Result<void> DeclareExchange(ChannelId ch, const std::string& name,
                                    const ExchangeOptions& options);
  sim::Result<void> DeleteExchange(ChannelId ch, const std::string& name);
  sim::Result<QueueDeclareOk> DeclareQueue(ChannelId ch, const std::string& name,
                                           const QueueOptions& options);
  sim::Result<uint32_t> DeleteQueue(ChannelId ch, const std::string& name);
  sim::Result<uint32_t> PurgeQueue(ChannelId ch, const std::string& name);
  sim::Result<void> BindQueue(ChannelId ch, const std::string& queue,
                              const std::string& exchange, const std::string& routing_key);
  sim::Result<void> UnbindQueue(ChannelId ch, const std::string& queue,
                                const std::string& exchange, const std::string& routing_key);

  sim::Result<void> ConfirmSelect(ChannelId ch);
  // Returns the publish sequence number in confirm mode, else 0.
  sim::Result<uint64_t> Publish(ChannelId ch, const std::string& exchange,
                                const std::string& routing_key, const Message& message,
                                const PublishOptions& options = {});
  // Reads frames until every publish on `ch` is confirmed or `timeout` passes.
  sim::Result<void> WaitForConfirms(ChannelId ch, std::chrono::milliseconds timeout);

  sim::Result<void> Qos(ChannelId ch, uint16_t prefetch_count);
  sim::Result<std::string> Consume(ChannelId ch, const std::string& queue,
                                   const std::string& consumer_tag, bool no_ack);
  sim::Result<void> Cancel(ChannelId ch, const std::string& consumer_tag);
  sim::Result<GetResult> Get(ChannelId ch, const std::string& queue, bool no_ack);
  sim::Result<void> Ack(ChannelId ch, uint64_t delivery_tag, bool multiple);
  sim::Result<void> Nack(ChannelId ch, uint64_t delivery_tag, bool multiple, bool requeue);
  sim::Result<void> Reject(ChannelId ch, uint64_t delivery_tag, bool requeue);
  // A round trip on `ch` that surfaces a pending channel error.
  sim::Result<void> Sync(ChannelId ch);

  // Reads frames for up to `wait` (returning early once `want` events are buffered), then
  // hands out every buffered event in arrival order.
  std::vector<Event> PollEvents(std::chrono::milliseconds wait, size_t want = SIZE_MAX);
  std::vector<Event> TakeEvents();
  // False once the connection closed or broke; every call then fails with kUnavailable.
  bool alive() const { return alive_; }

 private:
  struct ChannelState {
    bool open = true;
    sim::Error close_error;
    bool confirm_mode = false;
    uint64_t next_publish_seq = 1;
    std::set<uint64_t> unconfirmed;
  };

  AmqpConnection() = default;
  sim::Result<void> Login(const AmqpEndpoint& endpoint);
  sim::Result<ChannelState*> Usable(ChannelId ch);
  // Turns the last RPC reply into a Result, handling channel/connection close.
  sim::Result<void> CheckReply(amqp_rpc_reply_t reply, ChannelId ch, const char* what);
  sim::Result<void> CheckRpc(ChannelId ch, const char* what);
  sim::Result<void> AfterAsync(ChannelId ch, int status, const char* what);
  // Reads one frame if any arrives within `wait`; false on timeout or socket failure.
  bool PumpOnce(std::chrono::microseconds wait);
  void HandleMethod(amqp_channel_t channel, const amqp_method_t& method);
  void HandleConfirm(ChannelId ch, uint64_t tag, bool multiple, bool ack);
  sim::Result<Message> ReadContent(amqp_channel_t channel);
  void MarkChannelClosed(ChannelId ch, uint16_t code, const std::string& text);
  sim::Error ConnectionLost(const std::string& why);

  amqp_connection_state_t conn_ = nullptr;
  bool alive_ = false;
  bool verify_async_ = true;
  uint16_t next_channel_ = 1;
  std::map<uint64_t, ChannelState> channels_;
  std::vector<Event> events_;
};

}  // namespace models::mq
