// Goal: the simulated RabbitMQ node, driven through SimBrokerClient over the simulated network,
// keeps the broker's guarantees under faults: confirmed persistent messages in durable queues
// survive a broker crash while transient ones do not (and are traced as lost); a consumer whose
// node crashes has its unacked messages requeued and redelivered with redelivered=true; a
// partition between consumer and broker stalls deliveries which then resume (short partition)
// or are requeued once the missed heartbeats close the connection (long one); the Gulimall
// delay queue (30-minute TTL -> dead-letter exchange -> release queue) works in virtual time;
// a call cut by a partition ends kTimeout (info); one seed always gives the same run.

#include <catch2/catch.hpp>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <set>
#include <string>
#include <vector>

#include "tests/models/mq/sim_mq_fixture.h"

namespace models::mq::testing {
namespace {

struct PubLog {
  std::vector<std::string> acked;      // confirmed with ack
  std::vector<std::string> uncertain;  // no confirm (timeout): may or may not be in the queue
  std::vector<std::string> errors;
  bool done = false;
};

// Publishes `bodies` to `queue` (default exchange) in confirm mode, one at a time, reopening
// the channel after a failure and moving on; each body ends acked, uncertain or in errors.
sim::Task<void> PublishConfirmed(sim::Env env, sim::Endpoint broker, std::string queue,
                                 std::vector<Message> messages, sim::Duration gap, PubLog* log) {
  SimBrokerClient mq(env, broker, 1_s);
  std::optional<ChannelId> ch;
  for (const Message& m : messages) {
    // Each attempt opens a channel at most once; a down broker costs one refused call.
    for (int attempt = 0; attempt < 20 && !ch; ++attempt) {
      // No co_await inside ?: here: GCC 12 mishandles the temporaries of such a conditional.
      sim::Result<ChannelId> opened = co_await mq.OpenChannel();
      if (opened.ok() && (co_await mq.ConfirmSelect(*opened)).ok()) {
        ch = *opened;
      } else {
        co_await env.Sleep(500_ms);
      }
    }
    if (!ch) {
      log->errors.push_back(m.body + ": no channel");
      continue;
    }
    sim::Result<PublishOutcome> out = co_await mq.Publish(*ch, "", queue, m, PublishOptions{});
    if (out.ok() && out->confirm == ConfirmState::kAck) {
      log->acked.push_back(m.body);
    } else if (!out.ok() && out.code() == sim::Errc::kTimeout) {
      log->uncertain.push_back(m.body);
      ch.reset();
    } else {
      log->errors.push_back(m.body + ": " + (out.ok() ? "nack" : out.error().ToString()));
      ch.reset();
    }
    co_await env.Sleep(gap);
  }
  log->done = true;
}

sim::Task<void> Declare(sim::Env env, sim::Endpoint broker, std::vector<std::string> durable,
                        std::vector<std::string> transient, bool* ok) {
  SimBrokerClient mq(env, broker, 1_s);
  sim::Result<ChannelId> ch = co_await mq.OpenChannel();
  if (!ch.ok()) co_return;
  for (const std::string& q : durable) {
    if (!(co_await mq.DeclareQueue(*ch, q, Durable())).ok()) co_return;
  }
  const QueueOptions plain;  // named: GCC 12 frees a braced temporary in a co_await twice
  for (const std::string& q : transient) {
    if (!(co_await mq.DeclareQueue(*ch, q, plain)).ok()) co_return;
  }
  (void)co_await mq.Close();
  *ok = true;
}

std::vector<std::string> Bodies(const ListenerLog& log) {
  std::vector<std::string> out;
  for (const Received& r : log.got) out.push_back(r.body);
  return out;
}

TEST_CASE("broker crash: confirmed persistent messages in durable queues survive") {
  SimMq mq(7);
  sim::Node& app = mq.AddClient("order-service");
  bool declared = false;
  app.Spawn(Declare(app.env(), mq.endpoint(), {"durable.q"}, {"transient.q"}, &declared));
  mq.world.RunFor(1_s);
  REQUIRE(declared);
  PubLog to_durable;
  PubLog to_transient;
  app.Spawn(PublishConfirmed(app.env(), mq.endpoint(), "durable.q",
                             {Persistent("p1"), Transient("t1"), Persistent("p2")}, 10_ms,
                             &to_durable));
  app.Spawn(PublishConfirmed(app.env(), mq.endpoint(), "transient.q", {Persistent("x1")}, 10_ms,
                             &to_transient));
  mq.world.RunFor(1_s);
  REQUIRE(to_durable.acked == std::vector<std::string>{"p1", "t1", "p2"});
  REQUIRE(to_transient.acked == std::vector<std::string>{"x1"});

  mq.broker->Crash();
  mq.world.RunFor(5_s);
  mq.broker->Start();
  ListenerLog got;
  sim::Node& consumer = mq.AddClient("ware-service");
  consumer.Spawn(Listen(consumer.env(), mq.endpoint(), "durable.q", 10, mq.world.Now() + 5_s,
                        &got));
  mq.world.RunFor(10_s);
  CHECK(Bodies(got) == std::vector<std::string>{"p1", "p2"});
  CHECK(!mq.model.Stats("transient.q").has_value());  // a non-durable queue dies with the node
  CHECK(mq.Count("mq.recovered") == 1);
  CHECK(mq.CountWith("mq.lost_in_crash", "msg", "t1") == 1);
  CHECK(mq.CountWith("mq.lost_in_crash", "msg", "x1") == 1);
  CHECK(mq.CountWith("mq.lost_in_crash", "msg", "p1") == 0);
}

// With batched fsyncs (sync_interval) a publisher keeps publishing while the broker crashes at
// a seed-chosen moment: every message confirmed with ack is there after the restart; messages
// whose publish timed out may or may not be; nothing else appears.
TEST_CASE("broker crash under load: every acked confirm survives (property)") {
  rc::prop("acked subset of survivors subset of acked + uncertain", [] {
    const auto seed = *rc::gen::inRange<uint64_t>(1, 1'000'000);
    const auto crash_ms = *rc::gen::inRange<int64_t>(1'000, 3'000);
    BrokerConfig config;
    config.sync_interval = 25_ms;
    SimMq mq(seed, config);
    sim::Node& app = mq.AddClient("order-service");
    bool declared = false;
    app.Spawn(Declare(app.env(), mq.endpoint(), {"orders"}, {}, &declared));
    mq.world.RunFor(1_s);
    RC_ASSERT(declared);
    std::vector<Message> messages;
    for (int i = 0; i < 60; ++i) messages.push_back(Persistent("m" + std::to_string(i)));
    PubLog pub;
    app.Spawn(PublishConfirmed(app.env(), mq.endpoint(), "orders", messages, 30_ms, &pub));
    mq.world.RunFor(sim::Duration::Millis(crash_ms - 1'000));
    mq.broker->Crash();
    mq.world.RunFor(2_s);
    mq.broker->Start();
    mq.world.RunFor(30_s);
    RC_ASSERT(pub.done);
    ListenerLog got;
    sim::Node& consumer = mq.AddClient("consumer");
    consumer.Spawn(Listen(consumer.env(), mq.endpoint(), "orders", 1000, mq.world.Now() + 5_s,
                          &got, 50));
    mq.world.RunFor(10_s);
    const std::vector<std::string> bodies = Bodies(got);
    const std::set<std::string> survivors(bodies.begin(), bodies.end());
    RC_ASSERT(survivors.size() == bodies.size());  // no duplicates
    for (const std::string& b : pub.acked) RC_ASSERT(survivors.count(b) == 1);
    std::set<std::string> allowed(pub.acked.begin(), pub.acked.end());
    allowed.insert(pub.uncertain.begin(), pub.uncertain.end());
    for (const std::string& b : survivors) RC_ASSERT(allowed.count(b) == 1);
    RC_ASSERT(pub.acked.size() >= 30);  // the publisher got going again after the restart
  });
}

// A consumer that takes messages and never acks them (its handler hangs).
sim::Task<void> Hold(sim::Env env, sim::Endpoint broker, std::string queue) {
  SimBrokerClient c(env, broker, 1_s);
  sim::Result<ChannelId> ch = co_await c.OpenChannel();
  if (!ch.ok()) co_return;
  (void)co_await c.Qos(*ch, 5);
  (void)co_await c.Consume(*ch, queue, "holder", false);
  co_await env.Sleep(1'000_s);
}

TEST_CASE("consumer node crash: unacked messages are requeued and redelivered") {
  SimMq mq(11);
  sim::Node& app = mq.AddClient("order-service");
  bool declared = false;
  app.Spawn(Declare(app.env(), mq.endpoint(), {"stock.release"}, {}, &declared));
  mq.world.RunFor(1_s);
  REQUIRE(declared);
  sim::Node& holder = mq.AddClient("ware-1");
  holder.Spawn(Hold(holder.env(), mq.endpoint(), "stock.release"));
  PubLog pub;
  app.Spawn(PublishConfirmed(app.env(), mq.endpoint(), "stock.release",
                             {Persistent("a"), Persistent("b"), Persistent("c")}, 10_ms, &pub));
  mq.world.RunFor(1_s);
  REQUIRE(pub.acked.size() == 3);
  REQUIRE(mq.model.Stats("stock.release")->unacked == 3);
  CHECK(mq.Count("mq.delivered") == 3);
  holder.Crash();
  mq.world.RunFor(1_s);
  CHECK(mq.model.Stats("stock.release")->unacked == 0);
  CHECK(mq.model.Stats("stock.release")->ready == 3);
  CHECK(mq.CountWith("mq.connection_closed", "reason", "client_reset") == 1);
  CHECK(mq.Count("mq.requeued") == 3);
  sim::Node& rescuer = mq.AddClient("ware-2");
  ListenerLog got;
  rescuer.Spawn(Listen(rescuer.env(), mq.endpoint(), "stock.release", 3, mq.world.Now() + 5_s,
                       &got));
  mq.world.RunFor(5_s);
  REQUIRE(Bodies(got) == std::vector<std::string>{"a", "b", "c"});
  for (const Received& r : got.got) CHECK(r.redelivered);
  CHECK(mq.model.Stats("stock.release")->ready == 0);
  CHECK(mq.model.Stats("stock.release")->unacked == 0);
  CHECK(mq.Count("mq.acked") == 3);
}

}  // namespace
}  // namespace models::mq::testing
