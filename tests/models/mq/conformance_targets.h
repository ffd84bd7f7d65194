#pragma once
// Two interchangeable targets for scripted AMQP sessions, one over BrokerModel (virtual
// time) and one over a real rabbitmq-server through AmqpConnection (wall time), plus the
// canonical text form of every observable outcome. A conformance script is a generic
// lambda run once per target; the two traces must be equal line by line.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "models/mq/broker_model.h"
#include "models/mq/real/amqp_connection.h"

namespace mqtest {

namespace mq = models::mq;

// A channel as a script names it: the client (connection) index and the channel number on
// that connection (1, 2, ... on both targets).
struct Ch {
  int client = 0;
  uint64_t number = 0;
};

struct Trace {
  std::vector<std::string> lines;
  void Add(const std::string& label, const std::string& value) {
    lines.push_back(label + ": " + value);
  }
  std::string Joined() const;
};

std::string Fmt(const sim::Result<void>& r);
std::string Fmt(const sim::Result<mq::QueueDeclareOk>& r);
std::string Fmt(const sim::Result<mq::GetResult>& r);
std::string Fmt(const sim::Result<uint64_t>& r);
std::string Fmt(const sim::Result<uint32_t>& r);
std::string Fmt(const sim::Result<std::string>& r);
std::string FmtMessage(const mq::Message& m);
// Events of one client: grouped by channel (a stable sort: the order within a channel is
// kept, the interleaving of channels is the server's choice), and runs of confirms sorted
// by tag because the broker may coalesce them differently.
std::string FmtEvents(const std::vector<mq::Event>& events,
                      const std::function<uint64_t(mq::ChannelId)>& channel_number);

// Every operation a script may use, with the same signature on both targets.
class Target {
 public:
  virtual ~Target() = default;
  virtual int Connect() = 0;
  virtual Ch OpenChannel(int client) = 0;
  virtual sim::Result<void> CloseChannel(Ch ch) = 0;
  virtual sim::Result<void> CloseConnection(int client) = 0;
  // Drops the client without a close handshake (its node crashed).
  virtual void AbortConnection(int client) = 0;
  virtual sim::Result<void> DeclareExchange(Ch ch, const std::string& name,
                                            const mq::ExchangeOptions& o) = 0;
  virtual sim::Result<void> DeleteExchange(Ch ch, const std::string& name) = 0;
  virtual sim::Result<mq::QueueDeclareOk> DeclareQueue(Ch ch, const std::string& name,
                                                       const mq::QueueOptions& o) = 0;
  virtual sim::Result<uint32_t> DeleteQueue(Ch ch, const std::string& name) = 0;
  virtual sim::Result<uint32_t> PurgeQueue(Ch ch, const std::string& name) = 0;
  virtual sim::Result<void> Bind(Ch ch, const std::string& q, const std::string& x,
                                 const std::string& key) = 0;
  virtual sim::Result<void> Unbind(Ch ch, const std::string& q, const std::string& x,
                                   const std::string& key) = 0;
  virtual sim::Result<void> ConfirmSelect(Ch ch) = 0;
  virtual sim::Result<uint64_t> Publish(Ch ch, const std::string& x, const std::string& key,
                                        const mq::Message& m, bool mandatory = false) = 0;
  virtual sim::Result<void> WaitForConfirms(Ch ch) = 0;
  virtual sim::Result<void> Qos(Ch ch, uint16_t prefetch) = 0;
  virtual sim::Result<std::string> Consume(Ch ch, const std::string& q, const std::string& tag,
                                           bool no_ack) = 0;
  virtual sim::Result<void> Cancel(Ch ch, const std::string& tag) = 0;
  virtual sim::Result<mq::GetResult> Get(Ch ch, const std::string& q, bool no_ack) = 0;
  virtual sim::Result<void> Ack(Ch ch, uint64_t tag, bool multiple) = 0;
  virtual sim::Result<void> Nack(Ch ch, uint64_t tag, bool multiple, bool requeue) = 0;
  virtual sim::Result<void> Reject(Ch ch, uint64_t tag, bool requeue) = 0;
  virtual void Sleep(sim::Duration d) = 0;
  // The client's events: waits (real) until `want` arrived, then `grace` so surplus events
  // show up too. Channels in the events are target ids; Number() maps them to the script's.
  virtual std::vector<mq::Event> RawEvents(int client, size_t want,
                                           std::chrono::milliseconds grace) = 0;
  virtual uint64_t Number(mq::ChannelId id) const = 0;
  virtual bool IsModel() const = 0;
  std::string Events(int client, size_t want,
                     std::chrono::milliseconds grace = std::chrono::milliseconds(100)) {
    return FmtEvents(RawEvents(client, want, grace),
                     [this](mq::ChannelId id) { return Number(id); });
  }
};

class ModelTarget final : public Target {
 public:
  ModelTarget();
  mq::BrokerModel& broker() { return broker_; }
  int Connect() override;
  Ch OpenChannel(int client) override;
  sim::Result<void> CloseChannel(Ch ch) override;
  sim::Result<void> CloseConnection(int client) override;
  void AbortConnection(int client) override;
  sim::Result<void> DeclareExchange(Ch ch, const std::string& name,
                                    const mq::ExchangeOptions& o) override;
  sim::Result<void> DeleteExchange(Ch ch, const std::string& name) override;
  sim::Result<mq::QueueDeclareOk> DeclareQueue(Ch ch, const std::string& name,
                                               const mq::QueueOptions& o) override;
  sim::Result<uint32_t> DeleteQueue(Ch ch, const std::string& name) override;
  sim::Result<uint32_t> PurgeQueue(Ch ch, const std::string& name) override;
  sim::Result<void> Bind(Ch ch, const std::string& q, const std::string& x,
                         const std::string& key) override;
  sim::Result<void> Unbind(Ch ch, const std::string& q, const std::string& x,
                           const std::string& key) override;
  sim::Result<void> ConfirmSelect(Ch ch) override;
  sim::Result<uint64_t> Publish(Ch ch, const std::string& x, const std::string& key,
                                const mq::Message& m, bool mandatory) override;
  sim::Result<void> WaitForConfirms(Ch ch) override;
  sim::Result<void> Qos(Ch ch, uint16_t prefetch) override;
  sim::Result<std::string> Consume(Ch ch, const std::string& q, const std::string& tag,
                                   bool no_ack) override;
  sim::Result<void> Cancel(Ch ch, const std::string& tag) override;
  sim::Result<mq::GetResult> Get(Ch ch, const std::string& q, bool no_ack) override;
  sim::Result<void> Ack(Ch ch, uint64_t tag, bool multiple) override;
  sim::Result<void> Nack(Ch ch, uint64_t tag, bool multiple, bool requeue) override;
  sim::Result<void> Reject(Ch ch, uint64_t tag, bool requeue) override;
  void Sleep(sim::Duration d) override;
  std::vector<mq::Event> RawEvents(int client, size_t want,
                                   std::chrono::milliseconds grace) override;
  uint64_t Number(mq::ChannelId id) const override { return number_of_.at(id.value); }
  bool IsModel() const override { return true; }

 private:
  mq::ChannelId Id(Ch ch) const;
  void Collect();

  mq::BrokerModel broker_;
  sim::Instant now_;
  std::vector<mq::ConnectionId> conns_;
  std::vector<uint64_t> channel_counts_;
  std::map<std::pair<int, uint64_t>, mq::ChannelId> ids_;
  std::map<uint64_t, int> client_of_;          // model channel id -> client
  std::map<uint64_t, uint64_t> number_of_;     // model channel id -> per-client number
  std::map<int, std::vector<mq::Event>> inbox_;
};

class RealTarget final : public Target {
 public:
  // Connects one admin connection; FAILs the test when the server is unreachable.
  RealTarget();
  ~RealTarget() override;  // deletes every queue and exchange the script declared
  int Connect() override;
  Ch OpenChannel(int client) override;
  sim::Result<void> CloseChannel(Ch ch) override;
  sim::Result<void> CloseConnection(int client) override;
  void AbortConnection(int client) override;
  sim::Result<void> DeclareExchange(Ch ch, const std::string& name,
                                    const mq::ExchangeOptions& o) override;
  sim::Result<void> DeleteExchange(Ch ch, const std::string& name) override;
  sim::Result<mq::QueueDeclareOk> DeclareQueue(Ch ch, const std::string& name,
                                               const mq::QueueOptions& o) override;
  sim::Result<uint32_t> DeleteQueue(Ch ch, const std::string& name) override;
  sim::Result<uint32_t> PurgeQueue(Ch ch, const std::string& name) override;
  sim::Result<void> Bind(Ch ch, const std::string& q, const std::string& x,
                         const std::string& key) override;
  sim::Result<void> Unbind(Ch ch, const std::string& q, const std::string& x,
                           const std::string& key) override;
  sim::Result<void> ConfirmSelect(Ch ch) override;
  sim::Result<uint64_t> Publish(Ch ch, const std::string& x, const std::string& key,
                                const mq::Message& m, bool mandatory) override;
  sim::Result<void> WaitForConfirms(Ch ch) override;
  sim::Result<void> Qos(Ch ch, uint16_t prefetch) override;
  sim::Result<std::string> Consume(Ch ch, const std::string& q, const std::string& tag,
                                   bool no_ack) override;
  sim::Result<void> Cancel(Ch ch, const std::string& tag) override;
  sim::Result<mq::GetResult> Get(Ch ch, const std::string& q, bool no_ack) override;
  sim::Result<void> Ack(Ch ch, uint64_t tag, bool multiple) override;
  sim::Result<void> Nack(Ch ch, uint64_t tag, bool multiple, bool requeue) override;
  sim::Result<void> Reject(Ch ch, uint64_t tag, bool requeue) override;
  void Sleep(sim::Duration d) override;
  std::vector<mq::Event> RawEvents(int client, size_t want,
                                   std::chrono::milliseconds grace) override;
  uint64_t Number(mq::ChannelId id) const override { return id.value; }
  bool IsModel() const override { return false; }

 private:
  mq::AmqpConnection& C(int client);
  static mq::ChannelId Id(Ch ch) { return mq::ChannelId{ch.number}; }

  mq::AmqpEndpoint endpoint_;
  std::vector<std::unique_ptr<mq::AmqpConnection>> conns_;
  std::set<std::string> queues_;
  std::set<std::string> exchanges_;
  // Dead-lettering is asynchronous in RabbitMQ: the source queue's process republishes to the
  // target queue's, so a client's next command on the target can overtake it. Before touching
  // a dead-letter target after an operation that may dead-letter, wait for it to land (the
  // model is synchronous, so the two would otherwise disagree by timing, not by semantics).
  void NoteMayDeadLetter() { dead_letter_pending_ = !dead_letter_sources_.empty(); }
  void SettleBefore(const std::string& queue);
  std::set<std::string> dead_letter_sources_;
  std::set<std::string> dead_letter_targets_;
  bool dead_letter_pending_ = false;
};

// A name prefix unique to this process and moment, so reruns never collide.
std::string UniquePrefix();
int AmqpPort();

using Script = std::function<void(Target&, Trace&, const std::string& prefix)>;
struct Traces {
  Trace model;
  Trace real;
};
// Runs the script on the model first, then on the server, with the same name prefix.
Traces RunBoth(const Script& script);
// CHECKs the traces line by line, printing both in full on a difference.
void ExpectSame(const Traces& t);
// RunBoth + ExpectSame, and CHECKs that the model's trace shows each of `must_show`, so
// agreement on nothing (both sides failing early) cannot pass.
void Conform(const Script& script, const std::vector<std::string>& must_show);

mq::Message Msg(const std::string& body, uint8_t mode = 1);
mq::Message Expiring(const std::string& body, const std::string& expiration);
// basic.get (no-ack) until get-empty, traced one line per answer.
void DrainTo(Trace& tr, Target& t, Ch ch, const std::string& q, const std::string& label);
uint64_t TagOf(const sim::Result<mq::GetResult>& g);
// Publishes one transient message per body to queue `q` through the default exchange.
void PublishAll(Trace& tr, Target& t, Ch ch, const std::string& q,
                const std::vector<std::string>& bodies);
// {stem+from, ..., stem+(to-1)}
std::vector<std::string> Numbered(const std::string& stem, int from, int to);

}  // namespace mqtest
