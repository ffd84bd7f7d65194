// BrokerServer: connections, pushes, confirms, timers and dead-client detection around a
// BrokerModel. See broker_server.h for the fidelity contract.
#include "models/mq/broker_server.h"

#include <string>
#include <utility>
#include <vector>

#include "models/mq/broker_server_state.h"
#include "sim/assert.h"
#include "sim/world.h"

namespace models::mq {
namespace server {
namespace {

// Pushes resent at once per connection; what is beyond waits for the next round.
constexpr size_t kRetransmitBatchMax = 1024;

sim::NodeId ClientOf(const State* st, ChannelId ch) {
  std::optional<ConnectionId> conn = st->model->ConnectionOf(ch);
  if (!conn) return 0;
  auto it = st->conns.find(*conn);
  return it == st->conns.end() ? 0 : it->second.client_node;
}

void TraceFate(State* st, const MessageFate& f) {
  std::vector<sim::TraceField> fields = {{"queue", f.queue}, {"msg", f.message}};
  switch (f.kind) {
    case FateKind::kDelivered:
      fields.emplace_back("client", ClientOf(st, f.channel));
      fields.emplace_back("tag", f.delivery_tag);
      fields.emplace_back("redelivered", f.redelivered ? 1 : 0);
      fields.emplace_back("no_ack", f.no_ack ? 1 : 0);
      fields.emplace_back("consumer", f.detail);
      break;
    case FateKind::kAcked:
    case FateKind::kRejected:
      fields.emplace_back("client", ClientOf(st, f.channel));
      fields.emplace_back("tag", f.delivery_tag);
      if (!f.detail.empty()) fields.emplace_back("detail", f.detail);
      break;
    default:
      if (!f.detail.empty()) fields.emplace_back("detail", f.detail);
      break;
  }
  st->env.Trace("mq." + std::string(FateKindName(f.kind)), std::move(fields));
}

void SendPush(State* st, const Connection& conn, const wire::Push& push) {
  st->env.Send(st->config.push_ack_port, conn.push_to, push);
}

void Push(State* st, ChannelId ch, std::variant<Delivery, ConsumerCancelled> event) {
  std::optional<ConnectionId> id = st->model->ConnectionOf(ch);
  SIM_ASSERT(id.has_value());
  auto it = st->conns.find(*id);
  if (it == st->conns.end()) return;  // the model closed it in this very call
  Connection& conn = it->second;
  wire::Push push{conn.id, conn.next_push_seq++, std::move(event)};
  SendPush(st, conn, push);
  if (conn.unacked_pushes.empty()) conn.last_sent = st->env.Now();
  conn.unacked_pushes.push_back(std::move(push));
}

void Dispatch(State* st, Event event) {
  if (auto* d = std::get_if<Delivery>(&event)) {
    const ChannelId ch = d->channel;
    Push(st, ch, std::move(*d));
  } else if (auto* c = std::get_if<ConsumerCancelled>(&event)) {
    const ChannelId ch = c->channel;
    Push(st, ch, std::move(*c));
  } else if (auto* r = std::get_if<Returned>(&event)) {
    st->env.Trace("mq.returned", {{"exchange", r->exchange},
                                  {"routing_key", r->routing_key},
                                  {"msg", MessageKey(r->message)},
                                  {"client", ClientOf(st, r->channel)}});
    st->returns[r->channel.value] = std::move(*r);
  } else if (auto* k = std::get_if<Confirm>(&event)) {
    st->env.Trace("mq.confirmed", {{"client", ClientOf(st, k->channel)},
                                   {"channel", k->channel.value},
                                   {"seq", k->delivery_tag},
                                   {"ack", k->ack ? 1 : 0}});
    st->confirms[{k->channel.value, k->delivery_tag}] = k->ack;
    st->confirm_arrived.NotifyAll();
  }
}

}  // namespace

void AfterModelCall(State* st) {
  for (const MessageFate& f : st->model->TakeFates()) TraceFate(st, f);
  for (Event& e : st->model->TakeEvents()) Dispatch(st, std::move(e));
  std::optional<sim::Instant> next = st->model->NextExpiry();
  if (next && *next < st->timer_deadline) st->timer_wake.NotifyAll();
}

void CloseConnection(State* st, ConnectionId id, const char* reason) {
  auto it = st->conns.find(id);
  if (it == st->conns.end()) return;
  const sim::NodeId client = it->second.client_node;
  st->conns.erase(it);
  (void)st->model->CloseConnection(id, st->env.Now());
  st->env.Trace("mq.connection_closed",
                {{"conn", id.value}, {"client", client}, {"reason", reason}});
  AfterModelCall(st);
  st->confirm_arrived.NotifyAll();  // publishes waiting on its channels give up
}

namespace {

sim::Error ConnectionLost(ConnectionId id) {
  return sim::MakeError(sim::Errc::kUnavailable,
                        "connection lost: the broker does not know connection " +
                            std::to_string(id.value) + " (closed, timed out or lost in a restart)");
}

sim::Result<wire::Reply> Open(State* st, const wire::Request& req, sim::Port push_port) {
  sim::Result<ConnectionId> id = st->model->OpenConnection(st->env.Now());
  if (!id.ok()) return id.error();
  Connection conn;
  conn.id = *id;
  conn.client_node = req.client_node;
  conn.client_incarnation = req.client_incarnation;
  conn.push_to = sim::Endpoint{req.client_node, push_port};
  conn.last_heard = st->env.Now();
  st->conns.emplace(*id, std::move(conn));
  st->has_conns.NotifyAll();
  st->env.Trace("mq.connection_opened", {{"conn", id->value}, {"client", req.client_node}});
  return wire::Reply(wire::ConnectionOpened{*id, st->config.heartbeat, st->config.push_ack_port});
}

sim::Task<sim::Result<wire::Reply>> HandlePublish(State* st, wire::Publish p) {
  BrokerModel& m = *st->model;
  const sim::Instant now = st->env.Now();
  st->returns.erase(p.ch.value);
  sim::Result<uint64_t> seq = m.Publish(p.ch, p.exchange, p.routing_key, p.message, p.options,
                                        now);
  if (seq.ok()) {
    st->env.Trace("mq.published", {{"client", ClientOf(st, p.ch)},
                                   {"channel", p.ch.value},
                                   {"seq", *seq},
                                   {"exchange", p.exchange},
                                   {"routing_key", p.routing_key},
                                   {"msg", MessageKey(p.message)},
                                   {"persistent", p.message.props.Persistent() ? 1 : 0}});
  }
  AfterModelCall(st);
  if (!seq.ok()) co_return seq.error();
  PublishOutcome out;
  out.seq = *seq;
  if (auto r = st->returns.find(p.ch.value); r != st->returns.end()) {
    out.returned = std::move(r->second);
    st->returns.erase(r);
  }
  if (out.seq == 0) co_return wire::Reply(std::move(out));
  // Each round ends with a confirm for some channel or a channel closing, so the loop is
  // bounded by the events of the broker.
  while (true) {
    auto it = st->confirms.find({p.ch.value, out.seq});
    if (it != st->confirms.end()) {
      out.confirm = it->second ? ConfirmState::kAck : ConfirmState::kNack;
      st->confirms.erase(it);
      co_return wire::Reply(std::move(out));
    }
    if (!m.ChannelOpen(p.ch)) {
      co_return sim::MakeError(sim::Errc::kTimeout,
                               "no confirm: the channel closed first (outcome unknown)");
    }
    (void)co_await st->confirm_arrived.Wait();
  }
}

sim::Task<sim::Result<wire::Reply>> HandleRequest(State* st, wire::Request req) {
  if (auto* open = std::get_if<wire::OpenConnection>(&req.op)) {
    co_return Open(st, req, open->push_port);
  }
  auto it = st->conns.find(req.conn);
  if (it == st->conns.end() || it->second.client_node != req.client_node ||
      it->second.client_incarnation != req.client_incarnation) {
    co_return ConnectionLost(req.conn);
  }
  it->second.last_heard = st->env.Now();
  if (std::holds_alternative<wire::Heartbeat>(req.op)) co_return wire::Reply{};
  if (std::holds_alternative<wire::CloseConnection>(req.op)) {
    CloseConnection(st, req.conn, "client_close");
    co_return wire::Reply{};
  }
  if (auto* p = std::get_if<wire::Publish>(&req.op)) {
    if (st->model->ConnectionOf(p->ch) != req.conn) {
      co_return sim::MakeError(sim::Errc::kInvalid, "no such channel");
    }
    co_return co_await HandlePublish(st, std::move(*p));
  }
  sim::Result<wire::Reply> reply = Execute(st, it->second, req.op);
  AfterModelCall(st);
  co_return reply;
}

void OnPushAck(State* st, sim::Envelope&& e) {
  const auto* ack = e.payload.Get<wire::PushAck>();
  SIM_ASSERT_MSG(ack != nullptr, "unexpected message on the broker's push-ack port");
  auto it = st->conns.find(ack->conn);
  if (it == st->conns.end()) return;
  Connection& conn = it->second;
  conn.last_heard = st->env.Now();
  while (!conn.unacked_pushes.empty() && conn.unacked_pushes.front().seq <= ack->up_to) {
    conn.unacked_pushes.pop_front();
    conn.last_sent = st->env.Now();
  }
}

// Dead clients, missed heartbeats and retransmissions.
void Maintain(State* st) {
  sim::World& world = st->env.world();
  const sim::Instant now = st->env.Now();
  std::vector<std::pair<ConnectionId, const char*>> doomed;
  for (auto& [id, conn] : st->conns) {
    const sim::Node& client = world.node(conn.client_node);
    const bool died = !client.up() || client.incarnation() != conn.client_incarnation;
    if (died && !world.network().Blocked(conn.client_node, st->env.id())) {
      doomed.emplace_back(id, "client_reset");
      continue;
    }
    if (now - conn.last_heard > st->config.heartbeat * 2) {
      doomed.emplace_back(id, "missed_heartbeats");
      continue;
    }
    if (!conn.unacked_pushes.empty() && now - conn.last_sent >= st->config.retransmit_interval) {
      size_t sent = 0;
      for (const wire::Push& push : conn.unacked_pushes) {
        if (sent++ == kRetransmitBatchMax) break;
        SendPush(st, conn, push);
      }
      conn.last_sent = now;
    }
  }
  for (const auto& [id, reason] : doomed) CloseConnection(st, id, reason);
}

sim::Task<void> MaintenanceLoop(sim::Env env, State* st) {
  // The node's lifetime loop; it sleeps on a signal while no connection is open.
  while (true) {
    if (st->conns.empty()) {
      (void)co_await st->has_conns.Wait();
      continue;
    }
    co_await env.Sleep(st->config.reset_check_interval);
    Maintain(st);
  }
}

sim::Task<void> TimerLoop(sim::Env env, State* st) {
  // The node's lifetime loop: one wait per model deadline (expiry or sync point).
  while (true) {
    std::optional<sim::Instant> next = st->model->NextExpiry();
    st->timer_deadline = next.value_or(sim::Instant::Max());
    const sim::Instant now = env.Now();
    if (!next) {
      (void)co_await st->timer_wake.Wait();
      continue;
    }
    if (*next > now) {
      if (co_await st->timer_wake.Wait(*next - now) == sim::Signal::WaitResult::kNotified) {
        continue;  // an earlier deadline appeared
      }
    }
    st->timer_deadline = sim::Instant::Max();
    st->model->Tick(env.Now());
    AfterModelCall(st);
  }
}

}  // namespace
}  // namespace server

void BootBrokerServer(sim::Env env, BrokerModel* model, BrokerServerConfig config) {
  SIM_ASSERT(model != nullptr);
  SIM_ASSERT_GT(config.heartbeat, sim::Duration::Zero());
  SIM_ASSERT_GT(config.reset_check_interval, sim::Duration::Zero());
  SIM_ASSERT_GT(config.retransmit_interval, sim::Duration::Zero());
  SIM_ASSERT_NE(config.port, config.push_ack_port);
  model->RecordFates(true);
  server::State* st = &env.Keep<server::State>(env, model, config);
  if (env.node().incarnation() > 1) {
    // The crash happened after the model's last step (its timers ran on this node up to it):
    // crash it there, then bring back what its disk kept.
    if (model->IsUp()) model->Crash(model->Now());
    model->Restart(env.Now());
    env.Trace("mq.recovered", {{"queues", static_cast<uint64_t>(model->QueueNames().size())}});
  }
  server::AfterModelCall(st);
  env.Serve<wire::Request, wire::Reply>(
      config.port, [st](wire::Request req) { return server::HandleRequest(st, std::move(req)); });
  env.net().Bind(env.At(config.push_ack_port),
                 [st](sim::Envelope&& e) { server::OnPushAck(st, std::move(e)); });
  env.Spawn(server::TimerLoop(env, st));
  env.Spawn(server::MaintenanceLoop(env, st));
}

}  // namespace models::mq
