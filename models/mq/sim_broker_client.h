#pragma once
// SimBrokerClient: a BrokerClient whose every method is one RPC over the simulated network to
// a broker node (broker_server.h); deliveries arrive as pushes on a port of the client's node.
//
// Fidelity contract: one object is one AMQP connection, opened by the first OpenChannel and
// reopened by the next OpenChannel after it was lost (Spring's CachingConnectionFactory).
// Pushes are taken in sequence order (duplicates and gaps from retransmission are dropped
// and acknowledged, as TCP does), so deliveries reach NextDelivery once each, in the order the
// broker sent them. The client sends a heartbeat every heartbeat/2 and declares the
// connection lost when the broker says it does not know it (it restarted or closed it), when
// nothing was heard for 2 x heartbeat, or when a call gets no answer within `timeout` (as
// rabbitmq-c closes the connection after an RPC timeout); the timed-out call ends kTimeout,
// later calls on its channels kUnavailable. A refused broker (node down) is kUnavailable.
// A lost connection is closed best-effort towards the broker, so its unacked messages are
// requeued as soon as the broker hears it.
// Faults: those of the network and of both nodes. A crash of the client's node destroys the
// object's calls in flight; the broker resets its connection (broker_server.h).
// REQUIRES: the object lives within one incarnation of its node.

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "models/mq/broker_client.h"
#include "models/mq/broker_protocol.h"
#include "sim/env.h"
#include "sim/signal.h"

namespace models::mq {

class SimBrokerClient final : public BrokerClient {
 public:
  SimBrokerClient(sim::Env env, sim::Endpoint broker, sim::Duration timeout);
  ~SimBrokerClient() override;
  SimBrokerClient(const SimBrokerClient&) = delete;
  SimBrokerClient& operator=(const SimBrokerClient&) = delete;

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

  bool connected() const { return shared_->connected; }
  // Connections opened so far (1 + reconnects).
  uint64_t connections_opened() const { return shared_->generation; }

  // State shared with the push handler and the heartbeat task (public for them only).
  struct Channel {
    uint64_t generation = 0;
    ChannelId remote;  // the broker's id
    bool closed = false;
    sim::Error close_error;
    std::deque<std::variant<Delivery, ConsumerCancelled>> inbox;
  };
  struct Shared {
    Shared(sim::Env e, sim::Endpoint b, sim::Duration t) : env(e), broker(b), timeout(t) {}
    sim::Env env;
    sim::Endpoint broker;
    sim::Duration timeout;
    sim::Port push_port = 0;
    bool alive = true;  // the client object exists
    bool connecting = false;
    bool connected = false;
    uint64_t generation = 0;
    ConnectionId conn;
    sim::Duration heartbeat;
    sim::Port push_ack_port = 0;
    sim::Instant last_heard;
    uint64_t next_push = 1;
    uint64_t next_handle = 1;
    std::map<uint64_t, Channel> channels;  // by local handle
    std::map<uint64_t, uint64_t> by_remote;  // broker channel id -> local handle
    sim::Signal changed;  // a push arrived, a connection opened or was lost
  };

 private:
  // One RPC on the current connection. REQUIRES: connected.
  sim::Task<sim::Result<wire::Reply>> Call(wire::Op op);
  // One RPC on channel `ch`: checks the handle, maps it to the broker's id, and marks the
  // channel closed when the broker closed it.
  sim::Task<sim::Result<wire::Reply>> OnChannel(ChannelId ch, wire::Op op);
  sim::Task<sim::Result<void>> Connect();
  sim::Result<Channel*> Usable(ChannelId ch);

  std::shared_ptr<Shared> shared_;
};

}  // namespace models::mq
