// mq_bench: throughput of the RabbitMQ model, alone and behind the simulated broker node.
// Prints `metric value unit` lines:
//   mq.publish_deliver_ack_per_s        a publisher with confirms -> broker node -> a consumer
//                                       with manual ack, all over the simulated network
//   mq.model_publish_deliver_ack_per_s  the same message flow on BrokerModel directly
// Wall time is measured with steady_clock here only (the bench is outside the simulation).
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "bench/host.h"
#include "cli/parse_args.h"
#include "models/mq/broker_model.h"
#include "models/mq/broker_server.h"
#include "models/mq/sim_broker_client.h"
#include "sim/world.h"

namespace {

using namespace sim::literals;
using models::mq::BrokerModel;
using Clock = std::chrono::steady_clock;

constexpr int kNetworkMessages = 20'000;
constexpr int kModelMessages = 200'000;
constexpr sim::Port kPort = 5672;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

models::mq::Message Msg(int i) {
  models::mq::Message m;
  m.body = "order-" + std::to_string(i);
  m.props.delivery_mode = 2;
  return m;
}

sim::Task<void> Declare(sim::Env env, sim::Endpoint broker, bool* ready) {
  models::mq::SimBrokerClient mq(env, broker, 5_s);
  auto ch = co_await mq.OpenChannel();
  models::mq::QueueOptions durable;
  durable.durable = true;
  if (ch.ok() && (co_await mq.DeclareQueue(*ch, "bench", durable)).ok()) *ready = true;
  (void)co_await mq.Close();
}

sim::Task<void> Publisher(sim::Env env, sim::Endpoint broker, int n, int* acked) {
  models::mq::SimBrokerClient mq(env, broker, 5_s);
  auto ch = co_await mq.OpenChannel();
  if (!ch.ok() || !(co_await mq.ConfirmSelect(*ch)).ok()) co_return;
  for (int i = 0; i < n; ++i) {
    auto r = co_await mq.Publish(*ch, "", "bench", Msg(i), models::mq::PublishOptions{});
    if (r.ok() && r->confirm == models::mq::ConfirmState::kAck) ++*acked;
  }
  (void)co_await mq.Close();
}

sim::Task<void> Consumer(sim::Env env, sim::Endpoint broker, int n, int* done) {
  models::mq::SimBrokerClient mq(env, broker, 5_s);
  auto ch = co_await mq.OpenChannel();
  if (!ch.ok() || !(co_await mq.Qos(*ch, 50)).ok()) co_return;
  if (!(co_await mq.Consume(*ch, "bench", "", false)).ok()) co_return;
  while (*done < n) {
    auto d = co_await mq.NextDelivery(*ch, 1_s);
    if (!d.ok()) co_return;
    if (!d->has_value()) continue;
    if ((co_await mq.Ack(*ch, (*d)->delivery_tag, false)).ok()) ++*done;
  }
  (void)co_await mq.Close();
}

void BenchNetwork() {
  BrokerModel model;
  sim::World world(1);
  sim::Node& broker = world.AddNode("rabbitmq", [&model](sim::Env env) {
    models::mq::BrokerServerConfig config;
    config.port = kPort;
    models::mq::BootBrokerServer(env, &model, config);
  });
  broker.Start();
  const sim::Endpoint at{broker.id(), kPort};
  sim::Node& pub = world.AddNode("publisher");
  sim::Node& con = world.AddNode("consumer");
  pub.Start();
  con.Start();
  bool ready = false;
  pub.Spawn(Declare(pub.env(), at, &ready));
  world.RunFor(1_s);
  int acked = 0;
  int consumed = 0;
  const auto start = Clock::now();
  con.Spawn(Consumer(con.env(), at, kNetworkMessages, &consumed));
  pub.Spawn(Publisher(pub.env(), at, kNetworkMessages, &acked));
  world.Run(sim::RunLimits{}, [&] { return consumed == kNetworkMessages; });
  const double s = Seconds(start);
  if (!ready || acked != kNetworkMessages || consumed != kNetworkMessages) {
    std::fprintf(stderr, "network bench incomplete: acked %d consumed %d\n", acked, consumed);
  }
  std::printf("mq.publish_deliver_ack_per_s %.0f msg/s\n", consumed / s);
  std::printf("mq.publish_deliver_ack_virtual_s %.3f s\n",
              static_cast<double>((world.Now() - sim::Instant::Zero()).nanos()) / 1e9 - 1.0);
}

void BenchModel() {
  BrokerModel model;
  sim::Instant now = sim::Instant::Zero();
  const auto conn = model.OpenConnection(now);
  const auto pub = model.OpenChannel(*conn, now);
  const auto con = model.OpenChannel(*conn, now);
  models::mq::QueueOptions durable;
  durable.durable = true;
  (void)model.DeclareQueue(*pub, "bench", durable, now);
  (void)model.ConfirmSelect(*pub, now);
  (void)model.Qos(*con, 50, now);
  (void)model.Consume(*con, "bench", "", false, now);
  int acked = 0;
  const auto start = Clock::now();
  for (int i = 0; i < kModelMessages; ++i) {
    now += 1_us;
    (void)model.Publish(*pub, "", "bench", Msg(i), {}, now);
    for (const models::mq::Event& e : model.TakeEvents()) {
      if (const auto* d = std::get_if<models::mq::Delivery>(&e)) {
        if (model.Ack(*con, d->delivery_tag, false, now).ok()) ++acked;
      }
    }
  }
  const double s = Seconds(start);
  if (acked != kModelMessages) std::fprintf(stderr, "model bench acked %d\n", acked);
  std::printf("mq.model_publish_deliver_ack_per_s %.0f msg/s\n", acked / s);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"mq_bench: the RabbitMQ model behind the simulated broker node and alone; prints "
               "`metric value unit` lines"};
  if (std::optional<int> exit_code = cli::ParseArgs(app, argc, argv)) return *exit_code;
  bench::PrintHost();
  BenchModel();
  BenchNetwork();
  return 0;
}
