#pragma once
// The parts of a lock workload that do not depend on the lock backend: the clients' config, and
// the snapshot of each client's status and of the protected resource's accepted writes (read by
// lock.no_deadlock and lock.resource_safe). Shared by redis_lock and raft_lock so both read
// their params alike and both checkers read one format.

#include <nlohmann/json.hpp>

#include <vector>

#include "scenarios/workloads/lock/lock_client.h"
#include "scenarios/workloads/lock/resource.h"
#include "scenarios/workload.h"
#include "sim/node.h"

namespace scenarios::lock {

// The lock clients' common config from the workload's params (lease_ms, hold_ms, writes,
// retry_ms, think_ms, timeout_ms, renew_ms) and lock.renewal; `client` is left for the caller.
LockClientConfig ClientConfigFrom(const RunEnv& env, sim::NodeId resource);

// A client's loop is alive when its node is up in the incarnation that started the loop.
bool LoopAlive(const sim::Node& node, const ClientStatus& status);

// [{name, up, incarnation, live_holder, holding_when_last_seen, sections}]
nlohmann::json ClientsSnapshot(const std::vector<sim::Node*>& nodes,
                               const std::vector<ClientStatus>& statuses);

// {fencing, rejected, writes: [{client, section, seq, token, holder, at_ns}]}
nlohmann::json ResourceSnapshot(const ResourceState& resource);

}  // namespace scenarios::lock
