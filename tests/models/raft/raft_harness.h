#pragma once
// Test harness for the raft tests: a World with N replicas (raft1..raftN) under a
// RaftDirectory, an application node for clients, a RaftTraceState shadow that checks the
// five Raft properties on every event, and helpers to run until a leader exists and to run
// one client task to its end in virtual time.

#include <catch2/catch.hpp>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/raft/raft_kv_client.h"
#include "models/raft/raft_node.h"
#include "scenarios/workloads/raft/raft_trace_state.h"
#include "sim/world.h"

namespace raft_test {

using namespace sim::literals;
using models::raft::RaftConfig;
using models::raft::RaftNode;
using models::raft::Role;
using scenarios::raft::RaftProperty;

template <class T>
sim::Task<void> Store(sim::Task<T> task, std::optional<T>* out) {
  out->emplace(co_await std::move(task));
}

template <class T>
T Await(sim::World& w, sim::Node& node, sim::Task<T> task) {
  std::optional<T> out;
  node.Spawn(Store(std::move(task), &out));
  w.Run(sim::RunLimits{w.Now() + sim::Duration::Minutes(1)}, [&out] { return out.has_value(); });
  REQUIRE(out.has_value());
  return std::move(*out);
}

struct Cluster {
  Cluster(uint64_t seed, int n, const std::function<void(RaftConfig&)>& tweak = {})
      : w(seed), config(std::make_shared<RaftConfig>()) {
    models::raft::RaftDirectory* d = &dir;
    std::shared_ptr<RaftConfig> c = config;
    for (int i = 1; i <= n; ++i) {
      replicas.push_back(&w.AddNode("raft" + std::to_string(i), [c, d](sim::Env e) {
        models::raft::BootRaftServer(e, *c, d);
      }));
      members.push_back(replicas.back()->id());
    }
    config->members = members;
    if (tweak) tweak(*config);
    app = &w.AddNode("app");
    std::map<sim::NodeId, std::string> names;
    for (sim::Node* node : w.nodes()) names[node->id()] = node->name();
    shadow = std::make_shared<scenarios::raft::RaftTraceState>(names);
    auto s = shadow;
    auto counts = event_counts;
    auto leaders = leader_log;
    w.trace().Subscribe([s, counts, leaders](const sim::TraceEvent& e) {
      s->OnEvent(e);
      ++(*counts)[e.name];
      if (e.name == "raft.became_leader") {
        leaders->push_back({e.node, std::get<int64_t>(*e.Field("term"))});
      }
    });
    w.StartAll();
  }

  RaftNode* Node(int i) { return dir.Find(replicas[static_cast<size_t>(i)]->id()); }
  int IndexOf(sim::NodeId id) const {
    for (size_t i = 0; i < members.size(); ++i) {
      if (members[i] == id) return static_cast<int>(i);
    }
    return -1;
  }

  // The live leader with the highest term, or null.
  RaftNode* Leader() {
    RaftNode* best = nullptr;
    for (size_t i = 0; i < replicas.size(); ++i) {
      RaftNode* r = Node(static_cast<int>(i));
      if (r != nullptr && r->role() == Role::kLeader && (best == nullptr || r->term() > best->term())) {
        best = r;
      }
    }
    return best;
  }

  // A leader of a term above `term` exists and its term's no-op committed (it can serve).
  bool ServingLeaderAbove(int64_t term) {
    RaftNode* l = Leader();
    return l != nullptr && l->term() > term && l->commit_index() > 0 &&
           l->storage().TermAt(l->commit_index()) == l->term();
  }

  // Runs until a leader of a term above `term` can serve; false after `max`.
  bool RunUntilLeader(sim::Duration max, int64_t term = 0) {
    w.Run(sim::RunLimits{w.Now() + max}, [this, term] { return ServingLeaderAbove(term); });
    return ServingLeaderAbove(term);
  }

  int64_t Count(const std::string& event) const {
    auto it = event_counts->find(event);
    return it == event_counts->end() ? 0 : it->second;
  }

  bool AnyViolation() const {
    for (int p = 0; p < scenarios::raft::kRaftPropertyCount; ++p) {
      if (shadow->violation(static_cast<RaftProperty>(p))) return true;
    }
    return false;
  }

  models::raft::RaftKvClient Client(int64_t id) {
    return models::raft::RaftKvClient(app->env(), members, id, 100_ms);
  }

  sim::World w;
  models::raft::RaftDirectory dir;
  std::shared_ptr<RaftConfig> config;
  std::vector<sim::Node*> replicas;
  std::vector<sim::NodeId> members;
  sim::Node* app = nullptr;
  std::shared_ptr<scenarios::raft::RaftTraceState> shadow;
  std::shared_ptr<std::map<std::string, int64_t>> event_counts =
      std::make_shared<std::map<std::string, int64_t>>();
  std::shared_ptr<std::vector<std::pair<sim::NodeId, int64_t>>> leader_log =
      std::make_shared<std::vector<std::pair<sim::NodeId, int64_t>>>();
};

}  // namespace raft_test
