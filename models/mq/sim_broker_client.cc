// SimBrokerClient: see sim_broker_client.h for the fidelity contract.
#include "models/mq/sim_broker_client.h"

#include <utility>

#include "models/mq/broker_reply.h"
#include "sim/assert.h"

namespace models::mq {
namespace {

using Shared = SimBrokerClient::Shared;
using Channel = SimBrokerClient::Channel;


bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

wire::Request MakeRequest(const Shared& s, wire::Op op) {
  return wire::Request{s.env.id(), s.env.node().incarnation(), s.conn, std::move(op)};
}

// connection.close of a connection this side gave up on, best effort: if it reaches the
// broker, the connection's unacked messages are requeued at once.
sim::Task<void> SendClose(sim::Env env, sim::Endpoint broker, wire::Request close,
                          sim::Duration timeout) {
  (void)co_await env.Call<wire::Reply>(broker, std::move(close), timeout);
}

void Lost(Shared* s, const std::string& why, bool tell_broker) {
  if (!s->connected) return;
  s->connected = false;
  const sim::Error error = sim::MakeError(sim::Errc::kUnavailable, "connection lost: " + why);
  for (auto& [handle, ch] : s->channels) {
    if (ch.generation != s->generation || ch.closed) continue;
    ch.closed = true;
    ch.close_error = error;
    ch.inbox.clear();
  }
  s->by_remote.clear();
  if (tell_broker) {
    s->env.Spawn(SendClose(s->env, s->broker, MakeRequest(*s, wire::CloseConnection{}),
                           s->timeout));
  }
  s->changed.NotifyAll();
}

void OnPush(Shared* s, sim::Envelope&& e) {
  auto* push = e.payload.Get<wire::Push>();
  SIM_ASSERT_MSG(push != nullptr, "unexpected message on a broker client's push port");
  if (!s->connected || push->conn != s->conn) return;  // of a connection given up on
  s->last_heard = s->env.Now();
  if (push->seq == s->next_push) {
    ++s->next_push;
    const ChannelId remote = std::visit([](const auto& x) { return x.channel; }, push->event);
    auto local = s->by_remote.find(remote.value);
    if (local != s->by_remote.end()) {
      Channel& ch = s->channels.at(local->second);
      std::visit([&](auto& x) { x.channel = ChannelId{local->second}; }, push->event);
      if (!ch.closed) ch.inbox.push_back(std::move(push->event));
    }
    s->changed.NotifyAll();
  }
  // Acknowledged whether new or a duplicate, so the broker stops resending.
  s->env.Send(s->push_port, sim::Endpoint{s->broker.node, s->push_ack_port},
              wire::PushAck{s->conn, s->next_push - 1});
}

sim::Task<void> HeartbeatLoop(sim::Env env, std::shared_ptr<Shared> s, uint64_t generation) {
  // Ends with the connection it watches (or the client object).
  while (true) {
    co_await env.Sleep(s->heartbeat / 2);
    if (!s->alive || !s->connected || s->generation != generation) co_return;
    // Named before the co_await: GCC 12 destroys a temporary built inside one twice.
    wire::Request beat = MakeRequest(*s, wire::Heartbeat{});
    sim::Result<wire::Reply> r =
        co_await env.Call<wire::Reply>(s->broker, std::move(beat), s->heartbeat / 2);
    if (!s->alive || !s->connected || s->generation != generation) co_return;
    if (r.ok()) {
      s->last_heard = env.Now();
    } else if (r.code() == sim::Errc::kUnavailable) {
      Lost(s.get(), r.error().detail, false);
      co_return;
    }
    if (env.Now() - s->last_heard > s->heartbeat * 2) {
      Lost(s.get(), "missed heartbeats", true);
      co_return;
    }
  }
}

}  // namespace

SimBrokerClient::SimBrokerClient(sim::Env env, sim::Endpoint broker, sim::Duration timeout)
    : shared_(std::make_shared<Shared>(env, broker, timeout)) {
  SIM_ASSERT_GT(timeout, sim::Duration::Zero());
  // A port of its own on the node; drawn from the node's stream, so runs stay deterministic.
  shared_->push_port = static_cast<sim::Port>(0x40000000u | (env.rng().Next() & 0x3fffffffu));
  Shared* s = shared_.get();
  std::shared_ptr<Shared> keep = shared_;
  env.net().Bind(env.At(s->push_port),
                 [keep](sim::Envelope&& e) { OnPush(keep.get(), std::move(e)); });
}

SimBrokerClient::~SimBrokerClient() {
  shared_->alive = false;
  shared_->env.net().Unbind(shared_->env.At(shared_->push_port));
}

sim::Task<sim::Result<void>> SimBrokerClient::Connect() {
  Shared* s = shared_.get();
  // Another task of this client may be connecting: wait for it rather than open a second one.
  while (s->connecting) (void)co_await s->changed.Wait();
  if (s->connected) co_return sim::Result<void>{};
  s->connecting = true;
  wire::Request req{s->env.id(), s->env.node().incarnation(), ConnectionId{},
                    wire::OpenConnection{s->push_port}};
  sim::Result<wire::Reply> r = co_await s->env.Call<wire::Reply>(s->broker, std::move(req),
                                                                 s->timeout);
  s->connecting = false;
  s->changed.NotifyAll();
  sim::Result<wire::ConnectionOpened> opened = Unpack<wire::ConnectionOpened>(std::move(r));
  if (!opened.ok()) co_return opened.error();
  s->conn = opened->conn;
  s->heartbeat = opened->heartbeat;
  s->push_ack_port = opened->push_ack_port;
  s->connected = true;
  s->generation += 1;
  s->next_push = 1;
  s->last_heard = s->env.Now();
  s->env.Spawn(HeartbeatLoop(s->env, shared_, s->generation));
  co_return sim::Result<void>{};
}

sim::Task<sim::Result<wire::Reply>> SimBrokerClient::Call(wire::Op op) {
  Shared* s = shared_.get();
  const uint64_t generation = s->generation;
  wire::Request req = MakeRequest(*s, std::move(op));
  sim::Result<wire::Reply> r =
      co_await s->env.Call<wire::Reply>(s->broker, std::move(req), s->timeout);
  if (s->generation != generation) co_return r;
  if (r.ok()) {
    s->last_heard = s->env.Now();
  } else if (r.code() == sim::Errc::kTimeout) {
    Lost(s, "no answer within the call timeout", true);
  } else if (r.code() == sim::Errc::kUnavailable && !StartsWith(r.error().detail, "channel")) {
    Lost(s, r.error().detail, false);  // refused, or the broker no longer knows us
  } else if (ReplyCode(r.error()) >= 500) {
    Lost(s, r.error().detail, false);  // an AMQP connection error closed the connection
  }
  co_return r;
}

sim::Result<SimBrokerClient::Channel*> SimBrokerClient::Usable(ChannelId ch) {
  auto it = shared_->channels.find(ch.value);
  if (it == shared_->channels.end()) return sim::MakeError(sim::Errc::kInvalid, "no such channel");
  if (it->second.closed) return it->second.close_error;
  return &it->second;
}

sim::Task<sim::Result<wire::Reply>> SimBrokerClient::OnChannel(ChannelId ch, wire::Op op) {
  sim::Result<Channel*> c = Usable(ch);
  if (!c.ok()) co_return c.error();
  const ChannelId remote = (*c)->remote;
  std::visit(
      [&](auto& x) {
        if constexpr (requires { x.ch; }) x.ch = remote;
      },
      op);
  sim::Result<wire::Reply> r = co_await Call(std::move(op));
  if (!r.ok()) {
    const uint16_t code = ReplyCode(r.error());
    const bool channel_gone = (code >= 400 && code < 500) ||
                              StartsWith(r.error().detail, "channel closed");
    auto it = shared_->channels.find(ch.value);
    if (channel_gone && it != shared_->channels.end() && !it->second.closed) {
      it->second.closed = true;
      it->second.close_error = sim::MakeError(sim::Errc::kUnavailable,
                                              "channel closed: " + r.error().detail);
      shared_->changed.NotifyAll();
    }
  }
  co_return r;
}

sim::Task<sim::Result<ChannelId>> SimBrokerClient::OpenChannel() {
  Shared* s = shared_.get();
  if (!s->connected) {
    sim::Result<void> connected = co_await Connect();
    if (!connected.ok()) co_return connected.error();
  }
  const uint64_t generation = s->generation;
  wire::Op open = wire::OpenChannel{};
  sim::Result<ChannelId> remote = Unpack<ChannelId>(co_await Call(std::move(open)));
  if (!remote.ok()) co_return remote.error();
  if (!s->connected || s->generation != generation) {
    co_return sim::MakeError(sim::Errc::kUnavailable, "connection lost while opening a channel");
  }
  const uint64_t handle = s->next_handle++;
  Channel ch;
  ch.generation = generation;
  ch.remote = *remote;
  s->channels.emplace(handle, std::move(ch));
  s->by_remote[remote->value] = handle;
  co_return ChannelId{handle};
}

sim::Task<sim::Result<void>> SimBrokerClient::CloseChannel(ChannelId ch) {
  auto it = shared_->channels.find(ch.value);
  if (it == shared_->channels.end()) {
    co_return sim::MakeError(sim::Errc::kInvalid, "no such channel");
  }
  if (it->second.closed) co_return sim::Result<void>{};
  wire::Op op = wire::CloseChannel{};
  sim::Result<void> r = UnpackVoid(co_await OnChannel(ch, std::move(op)));
  auto again = shared_->channels.find(ch.value);
  if (!again->second.closed) {
    again->second.closed = true;
    again->second.close_error = sim::MakeError(sim::Errc::kUnavailable, "channel closed by client");
    again->second.inbox.clear();
    shared_->changed.NotifyAll();
  }
  co_return r;
}

sim::Task<sim::Result<void>> SimBrokerClient::Close() {
  Shared* s = shared_.get();
  if (!s->connected) co_return sim::Result<void>{};
  wire::Op close = wire::CloseConnection{};
  sim::Result<void> r = UnpackVoid(co_await Call(std::move(close)));
  Lost(s, "closed by client", false);
  co_return r;
}

}  // namespace models::mq
