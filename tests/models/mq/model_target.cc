// ModelTarget: the conformance operations over BrokerModel, on virtual time.
#include <catch2/catch.hpp>

#include "tests/models/mq/conformance_targets.h"

namespace mqtest {

using namespace sim::literals;

ModelTarget::ModelTarget() : now_(sim::Instant::FromNanos(0) + 1_s) {
  Connect();  // client 0 mirrors RealTarget's admin connection, so indices line up
}

mq::ChannelId ModelTarget::Id(Ch ch) const {
  auto it = ids_.find({ch.client, ch.number});
  REQUIRE(it != ids_.end());
  return it->second;
}

int ModelTarget::Connect() {
  auto conn = broker_.OpenConnection(now_);
  REQUIRE(conn.ok());
  conns_.push_back(*conn);
  channel_counts_.push_back(0);
  return static_cast<int>(conns_.size()) - 1;
}

Ch ModelTarget::OpenChannel(int client) {
  auto id = broker_.OpenChannel(conns_.at(client), now_);
  REQUIRE(id.ok());
  Ch ch{client, ++channel_counts_.at(client)};
  ids_[{client, ch.number}] = *id;
  client_of_[id->value] = client;
  number_of_[id->value] = ch.number;
  return ch;
}

sim::Result<void> ModelTarget::CloseChannel(Ch ch) { return broker_.CloseChannel(Id(ch), now_); }

sim::Result<void> ModelTarget::CloseConnection(int client) {
  return broker_.CloseConnection(conns_.at(client), now_);
}

void ModelTarget::AbortConnection(int client) {
  // To the broker a vanished client is a closed connection.
  (void)broker_.CloseConnection(conns_.at(client), now_);
}

sim::Result<void> ModelTarget::DeclareExchange(Ch ch, const std::string& name,
                                               const mq::ExchangeOptions& o) {
  return broker_.DeclareExchange(Id(ch), name, o, now_);
}

sim::Result<void> ModelTarget::DeleteExchange(Ch ch, const std::string& name) {
  return broker_.DeleteExchange(Id(ch), name, now_);
}

sim::Result<mq::QueueDeclareOk> ModelTarget::DeclareQueue(Ch ch, const std::string& name,
                                                          const mq::QueueOptions& o) {
  return broker_.DeclareQueue(Id(ch), name, o, now_);
}

sim::Result<uint32_t> ModelTarget::DeleteQueue(Ch ch, const std::string& name) {
  return broker_.DeleteQueue(Id(ch), name, now_);
}

sim::Result<uint32_t> ModelTarget::PurgeQueue(Ch ch, const std::string& name) {
  return broker_.PurgeQueue(Id(ch), name, now_);
}

sim::Result<void> ModelTarget::Bind(Ch ch, const std::string& q, const std::string& x,
                                    const std::string& key) {
  return broker_.BindQueue(Id(ch), q, x, key, now_);
}

sim::Result<void> ModelTarget::Unbind(Ch ch, const std::string& q, const std::string& x,
                                      const std::string& key) {
  return broker_.UnbindQueue(Id(ch), q, x, key, now_);
}

sim::Result<void> ModelTarget::ConfirmSelect(Ch ch) { return broker_.ConfirmSelect(Id(ch), now_); }

sim::Result<uint64_t> ModelTarget::Publish(Ch ch, const std::string& x, const std::string& key,
                                           const mq::Message& m, bool mandatory) {
  return broker_.Publish(Id(ch), x, key, m, mq::PublishOptions{mandatory}, now_);
}

sim::Result<void> ModelTarget::WaitForConfirms(Ch ch) {
  (void)ch;  // with sync_interval zero every confirm is already out
  return {};
}

sim::Result<void> ModelTarget::Qos(Ch ch, uint16_t prefetch) {
  return broker_.Qos(Id(ch), prefetch, now_);
}

sim::Result<std::string> ModelTarget::Consume(Ch ch, const std::string& q,
                                              const std::string& tag, bool no_ack) {
  return broker_.Consume(Id(ch), q, tag, no_ack, now_);
}

sim::Result<void> ModelTarget::Cancel(Ch ch, const std::string& tag) {
  return broker_.Cancel(Id(ch), tag, now_);
}

sim::Result<mq::GetResult> ModelTarget::Get(Ch ch, const std::string& q, bool no_ack) {
  return broker_.Get(Id(ch), q, no_ack, now_);
}

sim::Result<void> ModelTarget::Ack(Ch ch, uint64_t tag, bool multiple) {
  return broker_.Ack(Id(ch), tag, multiple, now_);
}

sim::Result<void> ModelTarget::Nack(Ch ch, uint64_t tag, bool multiple, bool requeue) {
  return broker_.Nack(Id(ch), tag, multiple, requeue, now_);
}

sim::Result<void> ModelTarget::Reject(Ch ch, uint64_t tag, bool requeue) {
  return broker_.Reject(Id(ch), tag, requeue, now_);
}

void ModelTarget::Sleep(sim::Duration d) {
  now_ += d;
  broker_.Tick(now_);
}

void ModelTarget::Collect() {
  for (mq::Event& e : broker_.TakeEvents()) {
    inbox_[client_of_.at(mq::EventChannel(e).value)].push_back(std::move(e));
  }
}

std::vector<mq::Event> ModelTarget::RawEvents(int client, size_t want,
                                              std::chrono::milliseconds grace) {
  (void)want;  // everything the model sends is there already
  (void)grace;
  Collect();
  std::vector<mq::Event> mine;
  mine.swap(inbox_[client]);
  return mine;
}

}  // namespace mqtest
