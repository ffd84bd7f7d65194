// RealTarget: the conformance operations over a real rabbitmq-server, on wall time.
#include <catch2/catch.hpp>

#include <thread>

#include "tests/models/mq/conformance_targets.h"

namespace mqtest {

using std::chrono::milliseconds;

RealTarget::RealTarget() {
  endpoint_.port = AmqpPort();
  auto admin = mq::AmqpConnection::Connect(endpoint_);
  if (!admin) {
    FAIL("RabbitMQ is not reachable on 127.0.0.1:" << endpoint_.port << " ("
         << admin.error().ToString()
         << "). Start the test servers with `scripts/servers.sh start` (or set "
            "MALLSIM_AMQP_PORT).");
  }
  conns_.push_back(std::move(admin).value());  // client 0 is reserved for cleanup
}

RealTarget::~RealTarget() {
  auto admin = mq::AmqpConnection::Connect(endpoint_);
  if (!admin) return;
  for (const std::string& q : queues_) {
    auto ch = (*admin)->OpenChannel();
    if (ch) (void)(*admin)->DeleteQueue(*ch, q);
  }
  for (const std::string& x : exchanges_) {
    auto ch = (*admin)->OpenChannel();
    if (ch) (void)(*admin)->DeleteExchange(*ch, x);
  }
}

mq::AmqpConnection& RealTarget::C(int client) {
  REQUIRE(client >= 1);
  REQUIRE(static_cast<size_t>(client) < conns_.size());
  REQUIRE(conns_[client] != nullptr);
  return *conns_[client];
}

int RealTarget::Connect() {
  auto c = mq::AmqpConnection::Connect(endpoint_);
  INFO((c ? std::string() : c.error().ToString()));
  REQUIRE(c.ok());
  conns_.push_back(std::move(c).value());
  return static_cast<int>(conns_.size()) - 1;
}

// Client indices on the real side start at 1 (0 is the admin connection); scripts see the
// same numbers on both targets because ModelTarget's Connect is called as often.
Ch RealTarget::OpenChannel(int client) {
  auto ch = C(client).OpenChannel();
  INFO((ch ? std::string() : ch.error().ToString()));
  REQUIRE(ch.ok());
  return Ch{client, ch->value};
}

sim::Result<void> RealTarget::CloseChannel(Ch ch) { return C(ch.client).CloseChannel(Id(ch)); }

sim::Result<void> RealTarget::CloseConnection(int client) { return C(client).Close(); }

void RealTarget::AbortConnection(int client) { C(client).Abort(); }

sim::Result<void> RealTarget::DeclareExchange(Ch ch, const std::string& name,
                                              const mq::ExchangeOptions& o) {
  if (!o.passive) exchanges_.insert(name);
  return C(ch.client).DeclareExchange(Id(ch), name, o);
}

sim::Result<void> RealTarget::DeleteExchange(Ch ch, const std::string& name) {
  return C(ch.client).DeleteExchange(Id(ch), name);
}

sim::Result<mq::QueueDeclareOk> RealTarget::DeclareQueue(Ch ch, const std::string& name,
                                                         const mq::QueueOptions& o) {
  if (!o.passive) queues_.insert(name);
  if (!o.passive && o.args.dead_letter_exchange) {
    dead_letter_sources_.insert(name);
    dead_letter_targets_.insert(o.args.dead_letter_routing_key.value_or(name));
  }
  SettleBefore(name);
  return C(ch.client).DeclareQueue(Id(ch), name, o);
}

sim::Result<uint32_t> RealTarget::DeleteQueue(Ch ch, const std::string& name) {
  return C(ch.client).DeleteQueue(Id(ch), name);
}

sim::Result<uint32_t> RealTarget::PurgeQueue(Ch ch, const std::string& name) {
  SettleBefore(name);
  return C(ch.client).PurgeQueue(Id(ch), name);
}

sim::Result<void> RealTarget::Bind(Ch ch, const std::string& q, const std::string& x,
                                   const std::string& key) {
  return C(ch.client).BindQueue(Id(ch), q, x, key);
}

sim::Result<void> RealTarget::Unbind(Ch ch, const std::string& q, const std::string& x,
                                     const std::string& key) {
  return C(ch.client).UnbindQueue(Id(ch), q, x, key);
}

sim::Result<void> RealTarget::ConfirmSelect(Ch ch) { return C(ch.client).ConfirmSelect(Id(ch)); }

sim::Result<uint64_t> RealTarget::Publish(Ch ch, const std::string& x, const std::string& key,
                                          const mq::Message& m, bool mandatory) {
  NoteMayDeadLetter();  // max-length drop-head dead-letters the head
  SettleBefore(key);
  return C(ch.client).Publish(Id(ch), x, key, m, mq::PublishOptions{mandatory});
}

sim::Result<void> RealTarget::WaitForConfirms(Ch ch) {
  return C(ch.client).WaitForConfirms(Id(ch), milliseconds(3000));
}

sim::Result<void> RealTarget::Qos(Ch ch, uint16_t prefetch) {
  return C(ch.client).Qos(Id(ch), prefetch);
}

sim::Result<std::string> RealTarget::Consume(Ch ch, const std::string& q,
                                             const std::string& tag, bool no_ack) {
  SettleBefore(q);
  return C(ch.client).Consume(Id(ch), q, tag, no_ack);
}

sim::Result<void> RealTarget::Cancel(Ch ch, const std::string& tag) {
  return C(ch.client).Cancel(Id(ch), tag);
}

sim::Result<mq::GetResult> RealTarget::Get(Ch ch, const std::string& q, bool no_ack) {
  SettleBefore(q);
  return C(ch.client).Get(Id(ch), q, no_ack);
}

sim::Result<void> RealTarget::Ack(Ch ch, uint64_t tag, bool multiple) {
  return C(ch.client).Ack(Id(ch), tag, multiple);
}

sim::Result<void> RealTarget::Nack(Ch ch, uint64_t tag, bool multiple, bool requeue) {
  NoteMayDeadLetter();
  return C(ch.client).Nack(Id(ch), tag, multiple, requeue);
}

sim::Result<void> RealTarget::Reject(Ch ch, uint64_t tag, bool requeue) {
  NoteMayDeadLetter();
  return C(ch.client).Reject(Id(ch), tag, requeue);
}

void RealTarget::SettleBefore(const std::string& queue) {
  if (!dead_letter_pending_ || dead_letter_targets_.count(queue) == 0) return;
  std::this_thread::sleep_for(milliseconds(20));
  dead_letter_pending_ = false;
}

void RealTarget::Sleep(sim::Duration d) {
  std::this_thread::sleep_for(std::chrono::nanoseconds(d.nanos()));
}

std::vector<mq::Event> RealTarget::RawEvents(int client, size_t want,
                                             std::chrono::milliseconds grace) {
  mq::AmqpConnection& c = C(client);
  std::vector<mq::Event> events;
  if (want > 0) events = c.PollEvents(milliseconds(3000), want);
  for (mq::Event& e : c.PollEvents(grace)) events.push_back(std::move(e));
  return events;
}

}  // namespace mqtest
