#pragma once
// BrokerServer: the program of a simulated RabbitMQ node, serving a BrokerModel over the
// simulated network to SimBrokerClient connections.
//
// Fidelity contract.
// Models: AMQP connections and channels as volatile per-client sessions; every method of
//   broker_protocol.h answered by the model in arrival order; publisher confirms (a confirming
//   publish is answered when the model confirms it, at once or at its sync point); deliveries
//   and broker cancels pushed to the consumer's node over the network on a reliable,
//   retransmitting stream (a delivery cut by a short partition arrives late, in order; the
//   consumer stays unacked meanwhile); TTL expiry and sync points driven by one timer at the
//   model's NextExpiry(), so a 30-minute TTL costs one event.
// Guarantees: the model's guarantees (broker_model.h) hold for every interleaving of clients;
//   each model call is followed by dispatching its outputs before anything else runs.
// Faults: the client's process dying (its node crashed or restarted) resets its connections:
//   the broker closes them within reset_check_interval once the path from the client is not
//   partitioned, and the model requeues their unacked messages (redelivered=true). A client
//   that stops talking (partition, pause) is declared dead after 2 x heartbeat without any
//   frame from it, as RabbitMQ does after two missed heartbeats, with the same effect. A
//   broker crash loses every connection; at the next boot the model's Crash/Restart keep
//   durable exchanges, queues, bindings and the persistent messages that reached their sync
//   point, and drop the rest (traced as mq.lost_in_crash).
// Not modelled: flow control, frame sizes, channel_max, connection.blocked, TLS, auth, the
//   broker's own heartbeats to the client (the client notices a dead broker from its
//   heartbeat RPCs failing instead), consumer timeouts (delivery_acknowledgement_timeout).
// Trace events (read by the mq checkers): mq.connection_opened, mq.connection_closed,
//   mq.recovered, mq.published, mq.confirmed, mq.returned, and one per model lifecycle step
//   (message_fate.h): mq.enqueued, mq.delivered, mq.acked, mq.rejected, mq.requeued,
//   mq.expired, mq.dead_lettered, mq.dropped, mq.lost_in_crash. Message fields name the
//   message by MessageKey (message id, else body) under "msg".

#include "models/mq/broker_model.h"
#include "sim/env.h"
#include "sim/network.h"
#include "sim/time.h"

namespace models::mq {

struct BrokerServerConfig {
  sim::Port port = 5672;
  sim::Port push_ack_port = 5673;
  // Negotiated heartbeat (RabbitMQ's default is 60 s; scaled down so faults resolve quickly).
  // A connection with no frame from its client for 2 x heartbeat is closed.
  sim::Duration heartbeat = sim::Duration::Seconds(10);
  // How often unacknowledged pushes are sent again (TCP's retransmission timeout).
  sim::Duration retransmit_interval = sim::Duration::Millis(200);
  // How often the broker looks for dead clients, missed heartbeats and pushes to resend.
  sim::Duration reset_check_interval = sim::Duration::Millis(50);
};

// Boots the broker on the node of `env`. `model` is the durable broker state, owned outside
// the node. REQUIRES: it outlives the world's run and only this node touches it.
void BootBrokerServer(sim::Env env, BrokerModel* model, BrokerServerConfig config);

}  // namespace models::mq
