// BrokerServer: the synchronous AMQP methods, each one call of the model on the connection's
// behalf. See broker_server.h for the fidelity contract.
#include <utility>

#include "models/mq/broker_server_state.h"

namespace models::mq::server {
namespace {

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};

template <class T>
sim::Result<wire::Reply> Wrap(sim::Result<T> r) {
  if (!r.ok()) return r.error();
  return wire::Reply(std::move(r).value());
}

sim::Result<wire::Reply> WrapVoid(const sim::Result<void>& r) {
  if (!r.ok()) return r.error();
  return wire::Reply{};
}

}  // namespace

sim::Result<wire::Reply> Execute(State* st, Connection& conn, const wire::Op& op) {
  BrokerModel& m = *st->model;
  const sim::Instant now = st->env.Now();
  // A channel handle of another connection is not ours to use (AMQP channel numbers are
  // per connection).
  auto mine = [&](ChannelId ch) { return m.ConnectionOf(ch) == conn.id; };
  const sim::Error foreign = sim::MakeError(sim::Errc::kInvalid, "no such channel");
  return std::visit(
      Overloaded{
          [&](const wire::OpenChannel&) { return Wrap(m.OpenChannel(conn.id, now)); },
          [&](const wire::CloseChannel& x) {
            if (!mine(x.ch)) return sim::Result<wire::Reply>(foreign);
            const sim::Result<void> r = m.CloseChannel(x.ch, now);
            st->confirm_arrived.NotifyAll();
            return WrapVoid(r);
          },
          [&](const wire::DeclareExchange& x) {
            if (!mine(x.ch)) return sim::Result<wire::Reply>(foreign);
            return WrapVoid(m.DeclareExchange(x.ch, x.name, x.options, now));
          },
          [&](const wire::DeleteExchange& x) {
            if (!mine(x.ch)) return sim::Result<wire::Reply>(foreign);
            return WrapVoid(m.DeleteExchange(x.ch, x.name, now));
          },
          [&](const wire::DeclareQueue& x) {
            if (!mine(x.ch)) return sim::Result<wire::Reply>(foreign);
            return Wrap(m.DeclareQueue(x.ch, x.name, x.options, now));
          },
          [&](const wire::DeleteQueue& x) {
            if (!mine(x.ch)) return sim::Result<wire::Reply>(foreign);
            return Wrap(m.DeleteQueue(x.ch, x.name, now));
          },
          [&](const wire::PurgeQueue& x) {
            if (!mine(x.ch)) return sim::Result<wire::Reply>(foreign);
            return Wrap(m.PurgeQueue(x.ch, x.name, now));
          },
          [&](const wire::Bind& x) {
            if (!mine(x.ch)) return sim::Result<wire::Reply>(foreign);
            return WrapVoid(m.BindQueue(x.ch, x.queue, x.exchange, x.key, now));
          },
          [&](const wire::Unbind& x) {
            if (!mine(x.ch)) return sim::Result<wire::Reply>(foreign);
            return WrapVoid(m.UnbindQueue(x.ch, x.queue, x.exchange, x.key, now));
          },
          [&](const wire::ConfirmSelect& x) {
            if (!mine(x.ch)) return sim::Result<wire::Reply>(foreign);
            return WrapVoid(m.ConfirmSelect(x.ch, now));
          },
          [&](const wire::Qos& x) {
            if (!mine(x.ch)) return sim::Result<wire::Reply>(foreign);
            return WrapVoid(m.Qos(x.ch, x.prefetch, now));
          },
          [&](const wire::Consume& x) {
            if (!mine(x.ch)) return sim::Result<wire::Reply>(foreign);
            return Wrap(m.Consume(x.ch, x.queue, x.tag, x.no_ack, now));
          },
          [&](const wire::Cancel& x) {
            if (!mine(x.ch)) return sim::Result<wire::Reply>(foreign);
            return WrapVoid(m.Cancel(x.ch, x.tag, now));
          },
          [&](const wire::Get& x) {
            if (!mine(x.ch)) return sim::Result<wire::Reply>(foreign);
            return Wrap(m.Get(x.ch, x.queue, x.no_ack, now));
          },
          [&](const wire::Ack& x) {
            if (!mine(x.ch)) return sim::Result<wire::Reply>(foreign);
            return WrapVoid(m.Ack(x.ch, x.tag, x.multiple, now));
          },
          [&](const wire::Nack& x) {
            if (!mine(x.ch)) return sim::Result<wire::Reply>(foreign);
            return WrapVoid(m.Nack(x.ch, x.tag, x.multiple, x.requeue, now));
          },
          [&](const wire::Reject& x) {
            if (!mine(x.ch)) return sim::Result<wire::Reply>(foreign);
            return WrapVoid(m.Reject(x.ch, x.tag, x.requeue, now));
          },
          // Handled by the caller before Execute.
          [&](const wire::OpenConnection&) -> sim::Result<wire::Reply> {
            SIM_UNREACHABLE("connection.open is not a channel method");
          },
          [&](const wire::CloseConnection&) -> sim::Result<wire::Reply> {
            SIM_UNREACHABLE("connection.close is not a channel method");
          },
          [&](const wire::Heartbeat&) -> sim::Result<wire::Reply> {
            SIM_UNREACHABLE("heartbeat is not a channel method");
          },
          [&](const wire::Publish&) -> sim::Result<wire::Reply> {
            SIM_UNREACHABLE("publish is handled apart (it may wait for its confirm)");
          },
      },
      op);
}

}  // namespace models::mq::server
