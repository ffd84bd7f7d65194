// Goal: deliveries over the simulated network behave like AMQP over TCP under partitions: a
// short partition between consumer and broker stalls deliveries, which then arrive late, in
// order and not redelivered; a long one makes both sides declare the connection dead after
// missed heartbeats, the broker requeues the unacked message and the restarted listener gets
// it with redelivered=true. Also: the Gulimall delay queue (30-minute TTL, dead-lettered to the
// release queue) in virtual time, a mandatory publish that is returned, a call cut by a
// partition ending kTimeout (info), and one seed giving the same run twice.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tests/models/mq/sim_mq_fixture.h"

namespace models::mq::testing {
namespace {

struct Publisher {
  std::vector<std::string> log;
};

// Declares the order topology, then publishes one order per entry of `at` (virtual times),
// with confirms, through order-event-exchange / order.create.order.
sim::Task<void> OrderService(sim::Env env, sim::Endpoint broker, int64_t ttl_ms,
                             std::vector<sim::Instant> at, Publisher* out) {
  SimBrokerClient mq(env, broker, 2_s);
  sim::Result<ChannelId> ch = co_await mq.OpenChannel();
  if (!ch.ok()) co_return;
  sim::Result<void> topo = co_await DeclareOrderTopology(&mq, *ch, ttl_ms);
  out->log.push_back("topology " + std::string(topo.ok() ? "ok" : topo.error().ToString()));
  (void)co_await mq.ConfirmSelect(*ch);
  for (size_t i = 0; i < at.size(); ++i) {
    if (at[i] > env.Now()) co_await env.Sleep(at[i] - env.Now());
    Message order = Persistent("order-" + std::to_string(i));
    sim::Result<PublishOutcome> r =
        co_await mq.Publish(*ch, kOrderExchange, "order.create.order", order, PublishOptions{});
    out->log.push_back(order.body + (r.ok() && r->confirm == ConfirmState::kAck ? " ack" : " ?"));
  }
  (void)co_await mq.Close();
}

TEST_CASE("Gulimall delay queue: a 30-minute TTL dead-letters to the release queue") {
  SimMq mq(3);
  sim::Node& order = mq.AddClient("gulimall-order");
  Publisher pub;
  const sim::Instant t0 = mq.world.Now() + 1_s;
  order.Spawn(OrderService(order.env(), mq.endpoint(), 30 * 60 * 1000, {t0, t0 + 5_min}, &pub));
  mq.world.RunFor(t0 - mq.world.Now());  // the topology is declared
  sim::Node& listener = mq.AddClient("order-close-listener");
  ListenerLog got;
  listener.Spawn(Listen(listener.env(), mq.endpoint(), kReleaseQueue, 2, t0 + 2_h, &got));
  mq.world.RunFor(29_min);
  CHECK(pub.log == std::vector<std::string>{"topology ok", "order-0 ack", "order-1 ack"});
  CHECK(got.got.empty());  // nothing is released before its 30 minutes
  mq.world.RunFor(40_min);
  REQUIRE(got.got.size() == 2);
  CHECK(got.got[0].body == "order-0");
  CHECK(got.got[1].body == "order-1");
  // Released within a few network hops of the expiry, not at some polling granularity.
  CHECK(got.got[0].at >= t0 + 30_min);
  CHECK(got.got[0].at < t0 + 30_min + 100_ms);
  CHECK(got.got[1].at >= t0 + 35_min);
  CHECK(got.got[1].at < t0 + 35_min + 100_ms);
  CHECK(mq.CountWith("mq.expired", "queue", kDelayQueue) == 2);
  CHECK(mq.CountWith("mq.dead_lettered", "queue", kDelayQueue) == 2);
  CHECK(mq.CountWith("mq.acked", "queue", kReleaseQueue) == 2);
  CHECK(got.errors.empty());
}

// A consumer with prefetch 1 is cut from the broker while one delivery is on its way.
struct PartitionRun {
  ListenerLog got;
  sim::Instant healed;
  size_t closed_for_heartbeats = 0;
};

PartitionRun RunPartition(sim::Duration length) {
  SimMq mq(5);
  PartitionRun out;
  sim::Node& order = mq.AddClient("gulimall-order");
  sim::Node& listener = mq.AddClient("order-close-listener");
  Publisher pub;
  const sim::Instant t0 = mq.world.Now() + 1_s;
  // A 1-second delay queue; orders published at t0 and t0 + 10 s are released a second later.
  order.Spawn(OrderService(order.env(), mq.endpoint(), 1'000, {t0, t0 + 10_s}, &pub));
  mq.world.RunFor(t0 - mq.world.Now());  // the topology is declared
  listener.Spawn(Listen(listener.env(), mq.endpoint(), kReleaseQueue, 2, t0 + 10_min, &out.got));
  mq.world.RunFor(t0 + 5_s - mq.world.Now());
  REQUIRE(out.got.got.size() == 1);
  const sim::NodeId a[] = {listener.id()};
  const sim::NodeId b[] = {mq.broker->id()};
  mq.world.network().Partition(a, b);
  mq.world.RunFor(length);
  mq.world.network().Heal();
  out.healed = mq.world.Now();
  mq.world.RunFor(5_min);
  out.closed_for_heartbeats = mq.CountWith("mq.connection_closed", "reason", "missed_heartbeats");
  return out;
}

TEST_CASE("short partition: the delivery stalls, then arrives late and in order") {
  const PartitionRun r = RunPartition(8_s);  // less than 2 x heartbeat (20 s)
  REQUIRE(r.got.got.size() == 2);
  CHECK(r.got.got[1].body == "order-1");
  CHECK_FALSE(r.got.got[1].redelivered);
  CHECK(r.got.got[1].tag == 2);  // the same channel, the original delivery
  CHECK(r.got.got[1].at >= r.healed);
  CHECK(r.got.got[1].at < r.healed + 1_s);  // the next retransmission after the heal
  CHECK(r.got.restarts == 0);
  CHECK(r.closed_for_heartbeats == 0);
}

TEST_CASE("long partition: missed heartbeats close the connection and requeue") {
  const PartitionRun r = RunPartition(60_s);
  REQUIRE(r.got.got.size() == 2);
  CHECK(r.got.got[1].body == "order-1");
  CHECK(r.got.got[1].redelivered);
  CHECK(r.got.got[1].at >= r.healed);
  CHECK(r.got.restarts >= 1);
  CHECK(r.closed_for_heartbeats == 1);
}

struct Outcomes {
  std::vector<std::string> log;
};

sim::Task<void> ReturnsAndTimeouts(sim::Env env, sim::Endpoint broker, sim::World* world,
                                   sim::NodeId broker_node, Outcomes* out) {
  SimBrokerClient mq(env, broker, 1_s);
  sim::Result<ChannelId> ch = co_await mq.OpenChannel();
  if (!ch.ok()) co_return;
  (void)co_await mq.ConfirmSelect(*ch);
  const Message lost = Transient("nowhere");
  sim::Result<PublishOutcome> r = co_await mq.Publish(*ch, "amq.direct", "no.such.key", lost,
                                                      PublishOptions{true});
  if (r.ok() && r->returned) {
    out->log.push_back("returned " + std::to_string(r->returned->reply_code) + " confirm " +
                       (r->confirm == ConfirmState::kAck ? "ack" : "?"));
  }
  const sim::NodeId a[] = {env.id()};
  const sim::NodeId b[] = {broker_node};
  world->network().Partition(a, b);
  sim::Result<QueueDeclareOk> cut = co_await mq.DeclareQueue(*ch, "q", Durable());
  out->log.push_back(cut.ok() ? "ok" : std::string(sim::ErrcName(cut.code())));
  world->network().Heal();
  // The timed-out call broke the connection, as rabbitmq-c does; its channel is gone.
  sim::Result<QueueDeclareOk> stale = co_await mq.DeclareQueue(*ch, "q", Durable());
  out->log.push_back(stale.ok() ? "ok" : std::string(sim::ErrcName(stale.code())));
  sim::Result<ChannelId> again = co_await mq.OpenChannel();
  out->log.push_back(again.ok() ? "reopened" : again.error().ToString());
  out->log.push_back("connections " + std::to_string(mq.connections_opened()));
}

TEST_CASE("mandatory return, and a partitioned call ends kTimeout (info)") {
  SimMq mq(9);
  sim::Node& app = mq.AddClient("app");
  Outcomes out;
  app.Spawn(ReturnsAndTimeouts(app.env(), mq.endpoint(), &mq.world, mq.broker->id(), &out));
  mq.world.RunFor(10_s);
  CHECK(out.log == std::vector<std::string>{"returned 312 confirm ack", "timeout", "unavailable",
                                            "reopened", "connections 2"});
  CHECK(mq.Count("mq.returned") == 1);
}

uint64_t DelayRunFingerprint(uint64_t seed) {
  SimMq mq(seed);
  sim::Node& order = mq.AddClient("gulimall-order");
  sim::Node& listener = mq.AddClient("listener");
  Publisher pub;
  ListenerLog got;
  const sim::Instant t0 = mq.world.Now() + 1_s;
  order.Spawn(OrderService(order.env(), mq.endpoint(), 500, {t0, t0 + 1_s, t0 + 2_s}, &pub));
  listener.Spawn(Listen(listener.env(), mq.endpoint(), kReleaseQueue, 3, t0 + 1_min, &got));
  mq.world.RunFor(30_s);
  listener.Crash();
  mq.world.RunFor(30_s);
  return mq.world.Fingerprint();
}

TEST_CASE("one seed, one run") {
  CHECK(DelayRunFingerprint(42) == DelayRunFingerprint(42));
  CHECK(DelayRunFingerprint(42) != DelayRunFingerprint(43));
}

}  // namespace
}  // namespace models::mq::testing
