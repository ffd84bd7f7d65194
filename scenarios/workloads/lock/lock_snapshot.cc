// The backend-independent parts of a lock workload's snapshot: see lock_snapshot.h.
#include "scenarios/workloads/lock/lock_snapshot.h"

#include "sim/assert.h"

namespace scenarios::lock {

using Json = nlohmann::json;

LockClientConfig ClientConfigFrom(const RunEnv& env, sim::NodeId resource) {
  LockClientConfig c;
  c.resource = resource;
  c.lease = sim::Duration::Millis(env.Int("lease_ms"));
  c.hold = sim::Duration::Millis(env.Int("hold_ms"));
  c.writes = env.Int("writes");
  c.retry = sim::Duration::Millis(env.Int("retry_ms"));
  c.think = sim::Duration::Millis(env.Int("think_ms"));
  c.call_timeout = sim::Duration::Millis(env.Int("timeout_ms"));
  c.renewal = env.Variant("lock.renewal") == "on";
  const int64_t renew_ms = env.Int("renew_ms");
  // Redisson's watchdog renews at a third of its lease; 0 asks for that default.
  c.renew_every = renew_ms > 0 ? sim::Duration::Millis(renew_ms) : c.lease / 3;
  return c;
}

bool LoopAlive(const sim::Node& node, const ClientStatus& status) {
  return node.up() && node.incarnation() == status.loop_incarnation;
}

Json ClientsSnapshot(const std::vector<sim::Node*>& nodes,
                     const std::vector<ClientStatus>& statuses) {
  SIM_ASSERT(nodes.size() == statuses.size());
  Json clients = Json::array();
  for (size_t i = 0; i < nodes.size(); ++i) {
    const sim::Node* n = nodes[i];
    clients.push_back({{"name", n->name()}, {"up", n->up()},
                       {"incarnation", n->incarnation()},
                       {"live_holder", LoopAlive(*n, statuses[i]) && statuses[i].holding},
                       {"holding_when_last_seen", statuses[i].holding},
                       {"sections", statuses[i].sections}});
  }
  return clients;
}

Json ResourceSnapshot(const ResourceState& resource) {
  Json writes = Json::array();
  for (const ResourceEntry& e : resource.log) {
    writes.push_back({{"client", e.write.client}, {"section", e.write.section},
                      {"seq", e.write.seq}, {"token", e.write.token},
                      {"holder", e.write.holder}, {"at_ns", e.at.nanos()}});
  }
  return {{"fencing", resource.fencing}, {"rejected", resource.rejected}, {"writes", writes}};
}

}  // namespace scenarios::lock
