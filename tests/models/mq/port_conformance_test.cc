// Goal: the BrokerClient port means the same thing in both worlds. Each scenario is one
// coroutine written against BrokerClient; it runs through SimBrokerClient (against a simulated
// broker node, virtual time) and through AmqpClient (against the real rabbitmq-server of
// `scripts/servers.sh start`, driven from a task of a World that is only the executor), and the
// two logs must be identical: the delivered messages per queue, their order, their delivery
// tags and redelivered flags, x-death headers, confirms and returns. Scenarios: Gulimall's
// delay queue (TTL -> dead-letter exchange -> release queue), nack with requeue, a mandatory
// return, and unacked messages requeued when their connection closes.

#include <catch2/catch.hpp>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "models/mq/real/amqp_client.h"
#include "tests/models/mq/sim_mq_fixture.h"

namespace models::mq::testing {
namespace {

using Factory = std::function<std::unique_ptr<BrokerClient>()>;

struct Run {
  std::string prefix;
  std::vector<std::string> log;
  std::set<std::string> queues;
  std::set<std::string> exchanges;
  bool done = false;

  std::string Strip(std::string s) const {
    for (size_t at = s.find(prefix); at != std::string::npos; at = s.find(prefix, at)) {
      s.erase(at, prefix.size());
    }
    return s;
  }
  void Add(const std::string& what, const std::string& value) {
    log.push_back(what + ": " + Strip(value));
  }
};

std::string Show(const sim::Result<void>& r) { return r.ok() ? "ok" : r.error().ToString(); }

std::string ShowMessage(const Message& m) {
  std::string out = "body=" + m.body;
  for (const XDeath& d : m.props.x_death) {
    out += " death[" + d.reason + "@" + d.queue + " n=" + std::to_string(d.count) + "]";
  }
  for (const auto& [k, v] : m.props.headers) {
    if (const auto* s = std::get_if<std::string>(&v)) out += " h:" + k + "=" + *s;
  }
  return out;
}

std::string Show(const sim::Result<std::optional<Delivery>>& d) {
  if (!d.ok()) return d.error().ToString();
  if (!d->has_value()) return "none";
  const Delivery& x = **d;
  return "tag=" + std::to_string(x.delivery_tag) + " redelivered=" +
         (x.redelivered ? "true" : "false") + " rk=" + x.routing_key + " " +
         ShowMessage(x.message);
}

std::string Show(const sim::Result<PublishOutcome>& r) {
  if (!r.ok()) return r.error().ToString();
  std::string out = "seq=" + std::to_string(r->seq);
  if (r->confirm == ConfirmState::kAck) out += " ack";
  if (r->confirm == ConfirmState::kNack) out += " nack";
  if (r->returned) out += " returned " + std::to_string(r->returned->reply_code);
  return out;
}

std::string Show(const sim::Result<QueueDeclareOk>& r) {
  if (!r.ok()) return r.error().ToString();
  return "messages=" + std::to_string(r->message_count) +
         " consumers=" + std::to_string(r->consumer_count);
}

std::string Show(const sim::Result<GetResult>& r) {
  if (!r.ok()) return r.error().ToString();
  if (!r->has_value()) return "get-empty";
  return "tag=" + std::to_string((*r)->delivery_tag) +
         " redelivered=" + ((*r)->redelivered ? "true" : "false") + " " +
         ShowMessage((*r)->message);
}

Message Body(const std::string& body, uint8_t mode) {
  Message m;
  m.body = body;
  m.props.delivery_mode = mode;
  return m;
}

sim::Task<void> DelayQueue(Factory* make, Run* run) {
  const std::string p = run->prefix;
  std::unique_ptr<BrokerClient> order = (*make)();
  std::unique_ptr<BrokerClient> listener = (*make)();
  sim::Result<ChannelId> ch = co_await order->OpenChannel();
  if (!ch.ok()) co_return;
  const std::string x = p + "order-event-exchange";
  const std::string delay = p + "order.delay.queue";
  const std::string release = p + "order.release.order.queue";
  run->exchanges.insert(x);
  run->queues.insert(delay);
  run->queues.insert(release);
  const ExchangeOptions topic{ExchangeType::kTopic, false, true, false};
  run->Add("exchange", Show(co_await order->DeclareExchange(*ch, x, topic)));
  QueueOptions delay_opts = Durable();
  delay_opts.args.message_ttl_ms = 400;
  delay_opts.args.dead_letter_exchange = x;
  delay_opts.args.dead_letter_routing_key = "order.release.order";
  run->Add("delay", Show(co_await order->DeclareQueue(*ch, delay, delay_opts)));
  const QueueOptions durable = Durable();
  run->Add("release", Show(co_await order->DeclareQueue(*ch, release, durable)));
  run->Add("bind", Show(co_await order->Bind(*ch, delay, x, "order.create.order")));
  run->Add("bind", Show(co_await order->Bind(*ch, release, x, "order.release.order")));
  run->Add("confirm", Show(co_await order->ConfirmSelect(*ch)));
  Message m = Body("{\"orderSn\":\"1\"}", 2);
  m.props.headers["__TypeId__"] = std::string("com.atguigu.OrderEntity");
  run->Add("publish", Show(co_await order->Publish(*ch, x, "order.create.order", m, {})));
  sim::Result<ChannelId> lch = co_await listener->OpenChannel();
  if (!lch.ok()) co_return;
  run->Add("qos", Show(co_await listener->Qos(*lch, 1)));
  sim::Result<std::string> tag = co_await listener->Consume(*lch, release, "close-listener", false);
  run->Add("consume", tag.ok() ? *tag : tag.error().ToString());
  run->Add("before ttl", Show(co_await listener->NextDelivery(*lch, 100_ms)));
  sim::Result<std::optional<Delivery>> d = co_await listener->NextDelivery(*lch, 5_s);
  run->Add("after ttl", Show(d));
  if (d.ok() && d->has_value()) {
    run->Add("ack", Show(co_await listener->Ack(*lch, (*d)->delivery_tag, false)));
  }
  QueueOptions passive;
  passive.passive = true;
  run->Add("delay left", Show(co_await order->DeclareQueue(*ch, delay, passive)));
  run->Add("release left", Show(co_await order->DeclareQueue(*ch, release, passive)));
  run->Add("close", Show(co_await listener->Close()));
  run->Add("close", Show(co_await order->Close()));
}

sim::Task<void> NackRequeue(Factory* make, Run* run) {
  std::unique_ptr<BrokerClient> pub = (*make)();
  std::unique_ptr<BrokerClient> con = (*make)();
  sim::Result<ChannelId> ch = co_await pub->OpenChannel();
  if (!ch.ok()) co_return;
  const std::string q = run->prefix + "work";
  run->queues.insert(q);
  const QueueOptions plain;
  run->Add("queue", Show(co_await pub->DeclareQueue(*ch, q, plain)));
  for (int i = 0; i < 4; ++i) {
    const Message m = Body("m" + std::to_string(i), 1);
    run->Add("publish", Show(co_await pub->Publish(*ch, "", q, m, {})));
  }
  sim::Result<ChannelId> cch = co_await con->OpenChannel();
  if (!cch.ok()) co_return;
  run->Add("qos", Show(co_await con->Qos(*cch, 2)));
  sim::Result<std::string> tag = co_await con->Consume(*cch, q, "worker", false);
  run->Add("consume", tag.ok() ? *tag : tag.error().ToString());
  run->Add("first", Show(co_await con->NextDelivery(*cch, 3_s)));
  run->Add("second", Show(co_await con->NextDelivery(*cch, 3_s)));
  run->Add("nack requeue", Show(co_await con->Nack(*cch, 1, false, true)));
  run->Add("redelivered", Show(co_await con->NextDelivery(*cch, 3_s)));
  run->Add("reject drop", Show(co_await con->Reject(*cch, 2, false)));
  run->Add("next", Show(co_await con->NextDelivery(*cch, 3_s)));
  run->Add("ack multiple", Show(co_await con->Ack(*cch, 4, true)));
  run->Add("last", Show(co_await con->NextDelivery(*cch, 3_s)));
  run->Add("nack all requeue", Show(co_await con->Nack(*cch, 0, true, true)));
  run->Add("again", Show(co_await con->NextDelivery(*cch, 3_s)));
  run->Add("ack", Show(co_await con->Ack(*cch, 6, false)));
  run->Add("none", Show(co_await con->NextDelivery(*cch, 200_ms)));
  run->Add("double ack", Show(co_await con->Ack(*cch, 6, false)));
  run->Add("after channel error", Show(co_await con->NextDelivery(*cch, 100_ms)));
  run->Add("close", Show(co_await con->Close()));
  run->Add("close", Show(co_await pub->Close()));
}

sim::Task<void> MandatoryReturn(Factory* make, Run* run) {
  std::unique_ptr<BrokerClient> c = (*make)();
  sim::Result<ChannelId> ch = co_await c->OpenChannel();
  if (!ch.ok()) co_return;
  const std::string q = run->prefix + "routed";
  run->queues.insert(q);
  const QueueOptions plain;
  run->Add("queue", Show(co_await c->DeclareQueue(*ch, q, plain)));
  run->Add("confirm", Show(co_await c->ConfirmSelect(*ch)));
  const std::string nowhere = run->prefix + "nowhere";
  run->Add("mandatory unroutable",
           Show(co_await c->Publish(*ch, "amq.direct", nowhere, Body("lost", 1), {true})));
  run->Add("plain unroutable",
           Show(co_await c->Publish(*ch, "amq.direct", nowhere, Body("dropped", 1), {})));
  run->Add("mandatory routed", Show(co_await c->Publish(*ch, "", q, Body("kept", 2), {true})));
  run->Add("get", Show(co_await c->Get(*ch, q, true)));
  run->Add("missing exchange",
           Show(co_await c->Publish(*ch, run->prefix + "nox", "k", Body("m", 1), {})));
  run->Add("closed channel", Show(co_await c->Get(*ch, q, true)));
  run->Add("close", Show(co_await c->Close()));
}

sim::Task<void> RequeueOnClose(Factory* make, Run* run) {
  std::unique_ptr<BrokerClient> pub = (*make)();
  std::unique_ptr<BrokerClient> con = (*make)();
  sim::Result<ChannelId> ch = co_await pub->OpenChannel();
  if (!ch.ok()) co_return;
  const std::string q = run->prefix + "q";
  run->queues.insert(q);
  const QueueOptions plain;
  run->Add("queue", Show(co_await pub->DeclareQueue(*ch, q, plain)));
  for (const char* body : {"a", "b", "c"}) {
    run->Add("publish", Show(co_await pub->Publish(*ch, "", q, Body(body, 1), {})));
  }
  sim::Result<ChannelId> cch = co_await con->OpenChannel();
  if (!cch.ok()) co_return;
  sim::Result<std::string> tag = co_await con->Consume(*cch, q, "c1", false);
  run->Add("consume", tag.ok() ? *tag : tag.error().ToString());
  for (int i = 0; i < 3; ++i) run->Add("got", Show(co_await con->NextDelivery(*cch, 3_s)));
  run->Add("ack b", Show(co_await con->Ack(*cch, 2, false)));
  run->Add("close consumer", Show(co_await con->Close()));
  run->Add("after close", Show(co_await con->NextDelivery(*cch, 10_ms)));
  // A wait that means the same in both worlds: no consumer on this channel, so it times out.
  run->Add("pause", Show(co_await pub->NextDelivery(*ch, 300_ms)));
  for (int i = 0; i < 3; ++i) run->Add("get", Show(co_await pub->Get(*ch, q, true)));
  run->Add("close", Show(co_await pub->Close()));
}

using Scenario = sim::Task<void> (*)(Factory*, Run*);

sim::Task<void> Drive(Scenario scenario, Factory* make, Run* run) {
  co_await scenario(make, run);
  run->done = true;
}

std::vector<std::string> RunSim(Scenario scenario, const std::string& prefix) {
  SimMq mq(1);
  Factory make = [&mq] {
    return std::make_unique<SimBrokerClient>(mq.world.env(), mq.endpoint(), 5_s);
  };
  Run run;
  run.prefix = prefix;
  mq.world.Spawn(Drive(scenario, &make, &run));
  mq.world.Run(sim::RunLimits{mq.world.Now() + 1_h}, [&run] { return run.done; });
  REQUIRE(run.done);
  return run.log;
}

AmqpEndpoint RealEndpoint() {
  AmqpEndpoint ep;
  const char* port = std::getenv("MALLSIM_AMQP_PORT");
  ep.port = port != nullptr ? std::atoi(port) : 5679;
  return ep;
}

std::vector<std::string> RunReal(Scenario scenario, const std::string& prefix) {
  const AmqpEndpoint ep = RealEndpoint();
  auto admin = AmqpConnection::Connect(ep);
  if (!admin.ok()) {
    FAIL("RabbitMQ is not reachable on 127.0.0.1:" << ep.port << " ("
         << admin.error().ToString()
         << "). Start the test servers with `scripts/servers.sh start` (or set "
            "MALLSIM_AMQP_PORT).");
  }
  Factory make = [&ep] { return std::make_unique<AmqpClient>(ep); };
  Run run;
  run.prefix = prefix;
  {
    sim::World world(1);  // only the executor: AmqpClient blocks and keeps no timers
    world.Spawn(Drive(scenario, &make, &run));
    world.RunUntilIdle();
  }
  for (const std::string& q : run.queues) {
    auto ch = (*admin)->OpenChannel();
    if (ch.ok()) (void)(*admin)->DeleteQueue(*ch, q);
  }
  for (const std::string& x : run.exchanges) {
    auto ch = (*admin)->OpenChannel();
    if (ch.ok()) (void)(*admin)->DeleteExchange(*ch, x);
  }
  REQUIRE(run.done);
  return run.log;
}

std::string UniquePrefix() {
  const auto ticks = std::chrono::system_clock::now().time_since_epoch().count();
  static int counter = 0;
  return "mqport-" + std::to_string(getpid()) + "-" + std::to_string(ticks % 1'000'000'000) +
         "-" + std::to_string(++counter) + ".";
}

void Conform(Scenario scenario, const std::vector<std::string>& must_show) {
  const std::string prefix = UniquePrefix();
  const std::vector<std::string> sim_log = RunSim(scenario, prefix);
  const std::vector<std::string> real_log = RunReal(scenario, prefix);
  std::string both = "sim:\n";
  for (const std::string& l : sim_log) both += "  " + l + "\n";
  both += "real:\n";
  for (const std::string& l : real_log) both += "  " + l + "\n";
  INFO(both);
  CHECK(sim_log == real_log);
  for (const std::string& s : must_show) {
    bool found = false;
    for (const std::string& l : sim_log) found = found || l.find(s) != std::string::npos;
    INFO("must show: " << s);
    CHECK(found);
  }
}

TEST_CASE("port conformance: Gulimall delay queue, TTL -> dead-letter exchange", "[integration]") {
  Conform(DelayQueue, {"publish: seq=1 ack", "before ttl: none",
                       "after ttl: tag=1 redelivered=false rk=order.release.order",
                       "death[expired@order.delay.queue n=1]", "release left: messages=0"});
}

TEST_CASE("port conformance: nack with requeue redelivers", "[integration]") {
  Conform(NackRequeue, {"redelivered: tag=3 redelivered=true rk=work body=m0",
                        "again: tag=6 redelivered=true rk=work body=m3", "none: none",
                        "double ack: conflict: 406"});
}

TEST_CASE("port conformance: mandatory publish is returned before its confirm",
          "[integration]") {
  Conform(MandatoryReturn, {"mandatory unroutable: seq=1 ack returned 312",
                            "plain unroutable: seq=2 ack", "get: tag=1 redelivered=false body=kept",
                            "missing exchange: not_found: 404"});
}

TEST_CASE("port conformance: unacked messages are requeued when their connection closes",
          "[integration]") {
  Conform(RequeueOnClose, {"get: tag=1 redelivered=true body=a",
                           "get: tag=2 redelivered=true body=c", "get: get-empty"});
}

}  // namespace
}  // namespace models::mq::testing
