// Goal: the simulated network delivers typed messages with its latency model; partitions
// (two-way and one-way) block exactly the pairs they name, until healed; loss, duplication
// and capacity drop or copy messages at the configured rates; clogs hold a path; and RPC
// ends ok, fail (refused or error reply) or info (timeout).

#include <catch2/catch.hpp>
#include <rapidcheck/catch.h>

#include <map>
#include <string>

#include "sim/world.h"

using namespace sim::literals;

namespace {

constexpr sim::Port kPort = 9;

struct Counter {
  std::map<std::pair<sim::NodeId, sim::NodeId>, int> received;  // (from, to) -> count
  std::vector<int> order;
};

void Listen(sim::World& w, sim::NodeId id, Counter* c) {
  w.network().Bind(sim::Endpoint{id, kPort}, [c, id](sim::Envelope&& e) {
    ++c->received[{e.from.node, id}];
    c->order.push_back(*e.payload.Get<int>());
  });
}

std::vector<sim::NodeId> AddNodes(sim::World& w, int n, Counter* c) {
  std::vector<sim::NodeId> ids;
  for (int i = 0; i < n; ++i) {
    sim::Node& node = w.AddNode("n" + std::to_string(i));
    node.Start();
    Listen(w, node.id(), c);
    ids.push_back(node.id());
  }
  return ids;
}

void SendAll(sim::World& w, const std::vector<sim::NodeId>& ids) {
  for (sim::NodeId a : ids) {
    for (sim::NodeId b : ids) {
      if (a != b) w.network().Send(sim::Endpoint{a, kPort}, sim::Endpoint{b, kPort}, 0);
    }
  }
}

}  // namespace

TEST_CASE("a partition blocks exactly the pairs across it until healed") {
  rc::prop("random groups", [](uint64_t seed, uint8_t mask, bool one_way) {
    sim::World w(seed);
    Counter c;
    auto ids = AddNodes(w, 5, &c);
    std::vector<sim::NodeId> a, b;
    for (size_t i = 0; i < ids.size(); ++i) ((mask >> i) & 1 ? a : b).push_back(ids[i]);
    if (one_way) {
      w.network().PartitionOneWay(a, b);
    } else {
      w.network().Partition(a, b);
    }
    SendAll(w, ids);
    w.RunFor(1_s);
    auto in = [](const std::vector<sim::NodeId>& g, sim::NodeId x) {
      return std::find(g.begin(), g.end(), x) != g.end();
    };
    for (sim::NodeId x : ids) {
      for (sim::NodeId y : ids) {
        if (x == y) continue;
        const bool cut = (in(a, x) && in(b, y)) || (!one_way && in(b, x) && in(a, y));
        const int got = c.received[std::make_pair(x, y)];
        RC_ASSERT(got == (cut ? 0 : 1));
      }
    }
    w.network().Heal();
    c.received.clear();
    SendAll(w, ids);
    w.RunFor(1_s);
    for (sim::NodeId x : ids) {
      for (sim::NodeId y : ids) {
        if (x == y) continue;
        const int got = c.received[std::make_pair(x, y)];
        RC_ASSERT(got == 1);
      }
    }
  });
}

TEST_CASE("a partition also cuts messages already in flight") {
  sim::World w(3);
  Counter c;
  auto ids = AddNodes(w, 2, &c);
  w.network().Send(sim::Endpoint{ids[0], kPort}, sim::Endpoint{ids[1], kPort}, 0);
  w.network().Partition(std::vector<sim::NodeId>{ids[0]}, std::vector<sim::NodeId>{ids[1]});
  w.RunFor(1_s);
  CHECK(c.received.empty());
  CHECK(w.network().stats().dropped_partition == 1);
}

TEST_CASE("loss and duplication fall within bounds for a fixed seed") {
  sim::World w(99);
  Counter c;
  auto ids = AddNodes(w, 2, &c);
  sim::LinkConfig link;
  link.loss = sim::Ratio{1, 10};
  link.duplicate = sim::Ratio{1, 20};
  w.network().SetLink(ids[0], ids[1], link);
  constexpr int kMessages = 20'000;
  for (int i = 0; i < kMessages; ++i) {
    w.network().Send(sim::Endpoint{ids[0], kPort}, sim::Endpoint{ids[1], kPort}, i);
  }
  w.RunFor(10_s);
  const auto& st = w.network().stats();
  CHECK(st.dropped_loss > 1'800);
  CHECK(st.dropped_loss < 2'200);
  CHECK(st.duplicated > 800);
  CHECK(st.duplicated < 1'000);
  CHECK(c.received[{ids[0], ids[1]}] == static_cast<int>(kMessages - st.dropped_loss + st.duplicated));
}

TEST_CASE("without reordering a path is FIFO, with it messages overtake") {
  for (bool reorder : {false, true}) {
    sim::World w(5);
    Counter c;
    auto ids = AddNodes(w, 2, &c);
    sim::LinkConfig link;
    link.latency_tail_mean = 5_ms;
    link.reorder = reorder ? sim::Ratio{1, 2} : sim::Ratio::Never();
    w.network().SetLink(ids[0], ids[1], link);
    for (int i = 0; i < 200; ++i) {
      w.network().Send(sim::Endpoint{ids[0], kPort}, sim::Endpoint{ids[1], kPort}, i);
    }
    w.RunFor(1_s);
    REQUIRE(c.order.size() == 200);
    CHECK(std::is_sorted(c.order.begin(), c.order.end()) == !reorder);
  }
}

TEST_CASE("capacity drops the excess and a clog holds a path until it ends") {
  sim::World w(5);
  Counter c;
  auto ids = AddNodes(w, 2, &c);
  sim::LinkConfig link;
  link.capacity = 10;
  w.network().SetLink(ids[0], ids[1], link);
  for (int i = 0; i < 25; ++i) w.network().Send(sim::Endpoint{ids[0], kPort}, sim::Endpoint{ids[1], kPort}, i);
  w.RunFor(1_s);
  CHECK(c.order.size() == 10);
  CHECK(w.network().stats().dropped_capacity == 15);

  c.order.clear();
  const sim::Instant clog_end = w.Now() + 500_ms;
  w.network().Clog(ids[0], ids[1], clog_end);
  w.network().Send(sim::Endpoint{ids[0], kPort}, sim::Endpoint{ids[1], kPort}, 1);
  w.network().Send(sim::Endpoint{ids[1], kPort}, sim::Endpoint{ids[0], kPort}, 2);
  w.RunFor(400_ms);
  CHECK(c.order == std::vector<int>{2});  // the other direction is not clogged
  w.RunFor(200_ms);
  CHECK(c.order == std::vector<int>{2, 1});
}

namespace {

sim::Task<sim::Result<int>> Double(int v) {
  if (v < 0) co_return sim::MakeError(sim::Errc::kRejected, "negative");
  co_return v * 2;
}

sim::Task<void> Caller(sim::Env env, sim::Endpoint to, int v, std::string* out) {
  auto r = co_await env.Call<int>(to, v, 100_ms);
  if (r.ok()) {
    *out = "ok " + std::to_string(*r);
  } else {
    *out = (r.error().Indeterminate() ? "info " : "fail ") + r.error().ToString();
  }
}

}  // namespace

TEST_CASE("RPC ends ok, fail or info") {
  sim::World w(8);
  sim::Node& server = w.AddNode("server", [](sim::Env env) {
    env.Serve<int, int>(kPort, [](int v) { return Double(v); });
  });
  sim::Node& client = w.AddNode("client");
  w.StartAll();
  const sim::Endpoint to{server.id(), kPort};
  std::string out;

  client.Spawn(Caller(client.env(), to, 21, &out));
  w.RunFor(1_s);
  CHECK(out == "ok 42");

  client.Spawn(Caller(client.env(), to, -1, &out));
  w.RunFor(1_s);
  CHECK(out == "fail rejected: negative");

  client.Spawn(Caller(client.env(), sim::Endpoint{server.id(), kPort + 1}, 1, &out));
  w.RunFor(1_s);
  CHECK(out == "fail unavailable: connection refused");

  w.network().Partition(std::vector<sim::NodeId>{client.id()}, std::vector<sim::NodeId>{server.id()});
  client.Spawn(Caller(client.env(), to, 1, &out));
  w.RunFor(1_s);
  CHECK(out == "info timeout: no reply in time");

  w.network().Heal();
  server.Crash();
  client.Spawn(Caller(client.env(), to, 1, &out));
  w.RunFor(1_s);
  CHECK(out == "info timeout: no reply in time");  // a crashed host does not answer at all
}

TEST_CASE("a partition between two services raises their RPC timeouts") {
  sim::World w(8);
  sim::Node& server = w.AddNode("server", [](sim::Env env) {
    env.Serve<int, int>(kPort, [](int v) { return Double(v); });
  });
  sim::Node& client = w.AddNode("client");
  w.StartAll();
  std::vector<std::string> outs(40);
  for (int i = 0; i < 40; ++i) {
    if (i == 20) {
      w.network().Partition(std::vector<sim::NodeId>{client.id()},
                            std::vector<sim::NodeId>{server.id()});
    }
    client.Spawn(Caller(client.env(), sim::Endpoint{server.id(), kPort}, i, &outs[i]));
    w.RunFor(200_ms);
  }
  w.RunFor(1_s);
  for (int i = 0; i < 40; ++i) {
    CHECK(outs[i].rfind(i < 20 ? "ok" : "info", 0) == 0);
  }
  CHECK(w.rpc().timeouts() == 20);
}
