// RedisDirectory and Failover: see redis_directory.h for the fidelity contract.
#include "models/redis/redis_directory.h"

#include "sim/assert.h"
#include "sim/world.h"

namespace models::redis {

void RedisDirectory::AddNode(sim::Endpoint endpoint, RedisModel* model) {
  SIM_ASSERT(model != nullptr);
  for (const RedisNodeRef& node : nodes_) {
    SIM_ASSERT_MSG(!(node.endpoint == endpoint), "node added twice to a RedisDirectory");
  }
  nodes_.push_back(RedisNodeRef{endpoint, model});
}

sim::Endpoint RedisDirectory::primary() const {
  SIM_ASSERT(!nodes_.empty());
  return nodes_[primary_index_].endpoint;
}

void RedisDirectory::SetPrimary(sim::Endpoint endpoint) {
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (!(nodes_[i].endpoint == endpoint)) continue;
    if (i != primary_index_) ++epoch_;
    primary_index_ = i;
    return;
  }
  SIM_UNREACHABLE("SetPrimary: not a node of the directory");
}

sim::Result<sim::Endpoint> Failover(sim::World& world, RedisDirectory* directory) {
  SIM_ASSERT(directory != nullptr);
  const sim::Endpoint old_primary = directory->primary();
  const RedisNodeRef* best = nullptr;
  for (const RedisNodeRef& node : directory->nodes()) {
    if (node.endpoint == old_primary) continue;
    if (!world.node(node.endpoint.node).up()) continue;
    if (node.model->role() != Role::kReplica) continue;  // never synchronised: no data
    if (best == nullptr ||
        node.model->ReplicationOffset() > best->model->ReplicationOffset()) {
      best = &node;
    }
  }
  if (best == nullptr) {
    return sim::MakeError(sim::Errc::kUnavailable, "failover: no synchronised replica is up");
  }
  sim::Node& chosen = world.node(best->endpoint.node);
  best->model->Promote(chosen.clock().Local(world.Now()));
  directory->SetPrimary(best->endpoint);
  world.Emit(chosen.id(), "redis.failover",
             {{"old_primary", static_cast<int64_t>(old_primary.node)},
              {"new_primary", static_cast<int64_t>(best->endpoint.node)},
              {"offset", best->model->ReplicationOffset()},
              {"epoch", static_cast<int64_t>(directory->epoch())}});
  return best->endpoint;
}

}  // namespace models::redis
