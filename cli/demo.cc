#include "cli/demo.h"

#include <fmt/format.h>

#include <fstream>
#include <map>
#include <vector>

#include "sim/world.h"

namespace cli {

using namespace sim::literals;

namespace {

constexpr sim::Port kStockPort = 80;
constexpr int kClients = 3;

struct Reserve {
  int64_t client;
  int64_t request;
};

// The stock service keeps its counter on disk and syncs every reservation before answering,
// so a crash loses nothing that was acknowledged.
sim::Task<sim::Result<int64_t>> HandleReserve(sim::Env env, Reserve r) {
  co_await env.Sleep(env.rng().Uniform(1_ms, 5_ms));  // work
  const auto stored = env.disk().Read("reserved");
  const int64_t reserved = stored ? std::stoll(*stored) : 0;
  if (reserved >= 1000) co_return sim::MakeError(sim::Errc::kRejected, "sold out");
  env.disk().Write("reserved", std::to_string(reserved + 1));
  env.disk().Sync();
  env.Trace("stock.reserved", {{"client", r.client}, {"total", reserved + 1}});
  co_return reserved + 1;
}

sim::Task<void> Client(sim::Env env, sim::NodeId stock, int64_t client) {
  for (int64_t request = 0;; ++request) {
    co_await env.Sleep(env.rng().Uniform(50_ms, 150_ms));
    sim::History& h = env.history();
    const uint64_t op = h.Invoke(client, "reserve", {{"request", request}}, env.Now(), env.id());
    auto r = co_await env.Call<int64_t>(sim::Endpoint{stock, kStockPort}, Reserve{client, request},
                                        200_ms);
    if (r.ok()) {
      h.Complete(op, sim::OpType::kOk, {{"total", *r}}, env.Now());
    } else {
      h.Complete(op, r.error().Indeterminate() ? sim::OpType::kInfo : sim::OpType::kFail, nullptr,
                 env.Now(), r.error().ToString());
    }
  }
}

struct Fault {
  sim::Duration at;
  std::string what;
};

sim::Task<void> Nemesis(sim::World* w, sim::Node* stock, sim::Node* client1) {
  const std::vector<sim::NodeId> a{client1->id()}, b{stock->id()};
  co_await sim::Sleep(1_s);
  w->network().Partition(a, b);
  w->history().Fault("partition", "start", {{"between", "client1|stock"}}, w->Now(), true);
  co_await sim::Sleep(1_s);
  w->network().Heal();
  w->history().Fault("partition", "stop", nullptr, w->Now(), true);
  co_await sim::Sleep(500_ms);
  const bool fired = stock->Crash();
  w->history().Fault("crash", "start", {{"node", "stock"}}, w->Now(), fired);
  co_await sim::Sleep(500_ms);
  stock->Start();
  w->history().Fault("crash", "stop", {{"node", "stock"}}, w->Now(), true);
}

}  // namespace

int RunDemo(const DemoOptions& options, std::ostream& out) {
  sim::WorldOptions wo;
  wo.record_trace = !options.trace_out.empty();
  sim::World w(options.seed, wo);
  sim::Node& stock = w.AddNode("stock", [](sim::Env env) {
    env.Serve<Reserve, int64_t>(kStockPort, [env](Reserve r) { return HandleReserve(env, r); });
  });
  std::vector<sim::Node*> clients;
  for (int i = 1; i <= kClients; ++i) {
    const sim::NodeId stock_id = stock.id();
    clients.push_back(&w.AddNode("client" + std::to_string(i), [stock_id, i](sim::Env env) {
      env.Spawn(Client(env, stock_id, i));
    }));
  }
  w.StartAll();
  w.Spawn(Nemesis(&w, &stock, clients[0]));
  w.RunFor(4_s);

  out << fmt::format("mallsim demo: {} clients reserve stock over RPC; seed {}\n", kClients,
                     options.seed);
  out << "faults: 1.0s partition client1|stock, 2.0s heal, 2.5s crash stock, 3.0s restart stock\n\n";
  out << "second  client   ok  fail  info\n";
  std::map<std::pair<int64_t, int64_t>, std::array<int, 3>> table;  // (second, client)
  for (const sim::Op& op : w.history().ops()) {
    if (op.process == sim::kNemesisProcess || op.type == sim::OpType::kInvoke) continue;
    auto& row = table[{op.time.nanos() / 1'000'000'000, op.process}];
    ++row[op.type == sim::OpType::kOk ? 0 : op.type == sim::OpType::kFail ? 1 : 2];
  }
  for (const auto& [key, row] : table) {
    out << fmt::format("{:>6}  client{} {:>4} {:>5} {:>5}\n", key.first, key.second, row[0], row[1],
                       row[2]);
  }
  const auto& ns = w.network().stats();
  out << fmt::format("\nnetwork: {} sent, {} delivered, {} cut by the partition, {} to a down node\n",
                     ns.sent, ns.delivered, ns.dropped_partition, ns.dropped_node_down);
  out << fmt::format("stock reserved (durable): {}\n", stock.disk().Read("reserved").value_or("0"));
  out << fmt::format("events: {}  trace events: {}  virtual time: {}s\n", w.scheduler().events_run(),
                     w.trace().count(), sim::FormatInstant(w.Now()));
  out << fmt::format("seed {}  trace hash {:016x}  fingerprint {:016x}\n", options.seed,
                     w.trace().hash(), w.Fingerprint());
  out << fmt::format("reproduce: mallsim demo --seed {}\n", options.seed);

  if (!options.trace_out.empty()) {
    std::ofstream f(options.trace_out);
    w.trace().WriteJsonLines(f);
  }
  if (!options.history_out.empty()) {
    std::ofstream f(options.history_out);
    w.history().WriteJsonLines(f);
  }
  return 0;
}

}  // namespace cli
