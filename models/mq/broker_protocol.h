#pragma once
// The messages between SimBrokerClient and a broker node: AMQP 0-9-1 methods reduced to typed
// values moved over the simulated network. Synchronous methods (and publish, whose reply is
// its confirm) are RPCs; deliveries and broker-sent cancels are pushed as one-way messages
// carrying a per-connection sequence number, which the client acknowledges (PushAck) and the
// broker retransmits until acknowledged: the TCP stream under AMQP, so a short partition
// delays deliveries instead of losing them.
//
// A connection is named by the ConnectionId the broker gave it, plus the client's node and
// incarnation so the broker can tell when the client process behind it is gone.

#include <cstdint>
#include <string>
#include <variant>

#include "models/mq/broker_client.h"
#include "models/mq/types.h"
#include "sim/network.h"
#include "sim/time.h"

namespace models::mq::wire {

struct OpenConnection {
  sim::Port push_port = 0;  // where the client listens for pushed deliveries
};
struct CloseConnection {};
// Any request counts as a heartbeat; this one carries nothing else.
struct Heartbeat {};
struct OpenChannel {};
struct CloseChannel { ChannelId ch; };
struct DeclareExchange { ChannelId ch; std::string name; ExchangeOptions options; };
struct DeleteExchange { ChannelId ch; std::string name; };
struct DeclareQueue { ChannelId ch; std::string name; QueueOptions options; };
struct DeleteQueue { ChannelId ch; std::string name; };
struct PurgeQueue { ChannelId ch; std::string name; };
struct Bind { ChannelId ch; std::string queue; std::string exchange; std::string key; };
struct Unbind { ChannelId ch; std::string queue; std::string exchange; std::string key; };
struct ConfirmSelect { ChannelId ch; };
struct Publish {
  ChannelId ch;
  std::string exchange;
  std::string routing_key;
  Message message;
  PublishOptions options;
};
struct Qos { ChannelId ch; uint16_t prefetch = 0; };
struct Consume { ChannelId ch; std::string queue; std::string tag; bool no_ack = false; };
struct Cancel { ChannelId ch; std::string tag; };
struct Get { ChannelId ch; std::string queue; bool no_ack = false; };
struct Ack { ChannelId ch; uint64_t tag = 0; bool multiple = false; };
struct Nack { ChannelId ch; uint64_t tag = 0; bool multiple = false; bool requeue = false; };
struct Reject { ChannelId ch; uint64_t tag = 0; bool requeue = false; };

using Op = std::variant<OpenConnection, CloseConnection, Heartbeat, OpenChannel, CloseChannel,
                        DeclareExchange, DeleteExchange, DeclareQueue, DeleteQueue, PurgeQueue,
                        Bind, Unbind, ConfirmSelect, Publish, Qos, Consume, Cancel, Get, Ack,
                        Nack, Reject>;

struct Request {
  sim::NodeId client_node = 0;
  uint32_t client_incarnation = 0;
  ConnectionId conn;  // unset (0) only for OpenConnection
  Op op;
};

struct ConnectionOpened {
  ConnectionId conn;
  sim::Duration heartbeat;  // the negotiated heartbeat interval
  sim::Port push_ack_port = 0;  // where the broker takes PushAck messages
};

using Reply = std::variant<std::monostate, ConnectionOpened, ChannelId, QueueDeclareOk, uint32_t,
                           PublishOutcome, std::string, GetResult>;

// Broker -> client, one-way. `seq` counts pushes on the connection from 1.
struct Push {
  ConnectionId conn;
  uint64_t seq = 0;
  std::variant<Delivery, ConsumerCancelled> event;
};

// Client -> broker, one-way: every push up to `up_to` arrived.
struct PushAck {
  ConnectionId conn;
  uint64_t up_to = 0;
};

}  // namespace models::mq::wire
