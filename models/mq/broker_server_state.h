#pragma once
// The volatile state of a running broker node (lost when the node crashes) and the steps
// shared by the broker server's files. Internal to broker_server*.cc.

#include <deque>
#include <map>
#include <utility>

#include "models/mq/broker_model.h"
#include "models/mq/broker_protocol.h"
#include "models/mq/broker_server.h"
#include "sim/env.h"
#include "sim/signal.h"

namespace models::mq::server {

struct Connection {
  ConnectionId id;
  sim::NodeId client_node = 0;
  uint32_t client_incarnation = 0;
  sim::Endpoint push_to;
  sim::Instant last_heard;
  uint64_t next_push_seq = 1;
  std::deque<wire::Push> unacked_pushes;  // in seq order
  sim::Instant last_sent;
};

struct State {
  State(sim::Env e, BrokerModel* m, BrokerServerConfig c) : env(e), model(m), config(c) {}

  sim::Env env;
  BrokerModel* model;
  BrokerServerConfig config;
  std::map<ConnectionId, Connection> conns;
  // Confirms that arrived for publishes still waiting: (model channel, seq) -> ack.
  std::map<std::pair<uint64_t, uint64_t>, bool> confirms;
  // basic.return of the publish being handled, by model channel.
  std::map<uint64_t, Returned> returns;
  sim::Signal confirm_arrived;  // a confirm arrived or a channel closed
  sim::Signal timer_wake;       // the model's next expiry moved earlier
  sim::Instant timer_deadline = sim::Instant::Max();
  sim::Signal has_conns;
};

// Drains the model's outputs after a call: lifecycle traces, pushes, confirms, returns; and
// re-arms the expiry timer.
void AfterModelCall(State* st);
// Closes a connection in the model (requeueing its unacked messages) and forgets it.
void CloseConnection(State* st, ConnectionId id, const char* reason);
// The synchronous methods (all but publish): runs one against the model.
sim::Result<wire::Reply> Execute(State* st, Connection& conn, const wire::Op& op);

}  // namespace models::mq::server
