#pragma once
// A workload is the system under test plus its users: it builds the nodes and services of
// the topology, runs client tasks that record their operations in the history, stops them
// when the chaos phase ends, says when the system has converged, and takes the final-state
// snapshot that checkers read. (FoundationDB's setup/start/check lifecycle; Jepsen's client
// + generator.)

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "faults/fault.h"
#include "sim/world.h"

namespace scenarios {

// What a workload sees of the run: the world, the resolved parameters and variants.
struct RunEnv {
  sim::World* world = nullptr;
  nlohmann::json params = nlohmann::json::object();   // resolved workload params
  nlohmann::json catalog = nlohmann::json::object();
  std::map<std::string, std::string> variants;        // every registered variant, resolved

  const std::string& Variant(const std::string& name) const;
  int64_t Int(const std::string& param) const { return params.at(param).get<int64_t>(); }
};

class Workload {
 public:
  virtual ~Workload() = default;
  // Adds nodes and services; returns the names of the nodes faults may target.
  virtual std::vector<std::string> Setup(RunEnv& env) = 0;
  // Names the middleware the middleware faults act on (redis_failover, broker_restart).
  virtual void AddFaultTargets(RunEnv& env, faults::FaultTargets& targets) {
    (void)env;
    (void)targets;
  }
  // Starts the clients (the chaos phase begins).
  virtual void StartClients(RunEnv& env) = 0;
  // No new operations from now on; operations in flight may still complete.
  virtual void StopClients(RunEnv& env) = 0;
  // Polled during the converge phase; the run fails liveness (128) if it stays false.
  virtual bool Converged(RunEnv& env) { (void)env; return true; }
  // The final-state snapshot for checkers.
  virtual nlohmann::json Snapshot(RunEnv& env) = 0;
};

}  // namespace scenarios
