// A program whose SIM_ASSERT fails inside a running world, for assert_test.cc.
#include "sim/world.h"

using namespace sim::literals;

namespace {
sim::Task<void> Fails(sim::Env env) {
  co_await env.Sleep(1500_ms);
  env.Trace("probe.before_assert", {{"answer", 42}});
  const int stock = -1;
  SIM_ASSERT_GE(stock, 0);
}
}  // namespace

int main() {
  sim::World world(31337);
  sim::Node& n = world.AddNode("ware", [](sim::Env env) { env.Spawn(Fails(env)); });
  n.Start();
  world.RunFor(10_s);
  return 0;
}
