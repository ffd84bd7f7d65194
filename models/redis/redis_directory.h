#pragma once
// RedisDirectory and Failover: Redis Sentinel reduced to what the mall's clients and the
// faults library need.
//
// Fidelity contract.
// Models: the Sentinel's answer to "which node is the primary now" (SENTINEL
// get-master-addr-by-name), which SimRedisClient asks before every call, as Sentinel-aware
// clients (Jedis's JedisSentinelPool, Lettuce) reconnect to the announced primary; and a
// failover (SENTINEL FAILOVER, or the one after a primary is deemed down): the replica with the
// largest replication offset among the nodes that are up is promoted (REPLICAOF NO ONE, which
// keeps exactly the records it had applied), the directory names it, and every other node of
// the group, the old primary included, follows it (RedisServer nodes booted with the directory
// resynchronise from it; the old primary drops whatever it acknowledged after the promoted
// replica's offset).
// Guarantees: a failover never promotes a node that has never synchronised (it has no data of
// the group); acknowledged writes the promoted replica had not received are lost, as in real
// Redis; with no lag nothing is lost.
// Faults it is: the `redis_failover` fault.
// Not modelled: Sentinel's own processes, quorum and votes, down-after-milliseconds detection,
// the failover timeout, replica priority, Sentinels that are partitioned from nodes (the
// directory changes at once for every client; a demoted old primary learns it when it can
// reach the new primary), min-replicas-to-write.

#include <cstdint>
#include <vector>

#include "models/redis/redis_model.h"
#include "sim/network.h"
#include "sim/result.h"

namespace sim {
class World;
}

namespace models::redis {

struct RedisNodeRef {
  sim::Endpoint endpoint;  // the node's client port
  RedisModel* model = nullptr;
};

class RedisDirectory {
 public:
  // The first node added is the primary.
  void AddNode(sim::Endpoint endpoint, RedisModel* model);
  // REQUIRES: at least one node.
  sim::Endpoint primary() const;
  // REQUIRES: endpoint is a node of the group. Bumps the epoch when the primary changes.
  void SetPrimary(sim::Endpoint endpoint);
  // Sentinel's configuration epoch: how many times the primary changed.
  uint64_t epoch() const { return epoch_; }
  const std::vector<RedisNodeRef>& nodes() const { return nodes_; }

 private:
  std::vector<RedisNodeRef> nodes_;
  size_t primary_index_ = 0;
  uint64_t epoch_ = 0;
};

// Promotes the best replica (largest offset among synchronised replicas whose node is up; ties
// go to the node added first), names it primary and traces `redis.failover`. kUnavailable when
// there is no candidate; the directory is then unchanged.
sim::Result<sim::Endpoint> Failover(sim::World& world, RedisDirectory* directory);

}  // namespace models::redis
