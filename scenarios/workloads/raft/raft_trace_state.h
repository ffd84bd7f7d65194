#pragma once
// A white-box shadow of every Raft replica, rebuilt from the trace events of models/raft
// (raft_node.h lists them), and the five Raft safety properties checked on it as events
// arrive (catalog §5.9 INV-R1..R3, Raft paper Figure 3):
//   raft.election_safety      at most one leader per term (INV-R1)
//   raft.log_matching         two logs with an entry of the same index and term hold the same
//                             command there and agree on everything before it
//   raft.leader_completeness  a new leader's log holds every entry committed before it
//   raft.state_machine_safety no two replicas apply different commands at one index
//   raft.committed_never_lost an entry acknowledged to a client as committed is never
//                             truncated, is in every later leader's log and in the final
//                             leader's log (INV-R2)
// The first violation of each property is kept with the events that led to it.

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/trace.h"

namespace scenarios::raft {

enum class RaftProperty : uint8_t {
  kElectionSafety,
  kLogMatching,
  kLeaderCompleteness,
  kStateMachineSafety,
  kCommittedNeverLost,
};
inline constexpr int kRaftPropertyCount = 5;
const char* RaftPropertyName(RaftProperty p);

struct RaftViolation {
  std::string summary;
  std::vector<std::string> context;  // the raft events before it, oldest first
};

class RaftTraceState {
 public:
  explicit RaftTraceState(std::map<sim::NodeId, std::string> names = {})
      : names_(std::move(names)) {}

  void OnEvent(const sim::TraceEvent& e);
  // End-of-run checks (the final leader's log); call once after the run.
  void Finish();

  const std::optional<RaftViolation>& violation(RaftProperty p) const {
    return violations_[static_cast<int>(p)];
  }
  size_t leaders_elected() const { return leader_of_term_.size(); }
  size_t acked() const { return acked_.size(); }
  size_t committed() const { return committed_.size(); }
  size_t applied() const { return applied_.size(); }

 private:
  struct Entry {
    int64_t term = 0;
    std::string cmd;
  };
  struct Registered {
    std::string cmd;
    int64_t prev_term = 0;
  };
  void Violate(RaftProperty p, std::string summary);
  std::string Name(sim::NodeId n) const;
  bool HasEntry(sim::NodeId n, int64_t index, int64_t term) const;
  void OnLeader(const sim::TraceEvent& e, int64_t term);
  void OnAppend(const sim::TraceEvent& e);
  void OnTruncate(sim::NodeId n, int64_t from);
  void OnCommit(sim::NodeId n, int64_t index);
  void OnApply(sim::NodeId n, int64_t index, const std::string& cmd);

  std::map<sim::NodeId, std::string> names_;
  std::map<int64_t, sim::NodeId> leader_of_term_;
  std::map<sim::NodeId, std::vector<Entry>> logs_;        // index i at [i - 1]
  std::map<sim::NodeId, int64_t> committed_through_;      // per node, this incarnation
  std::map<std::pair<int64_t, int64_t>, Registered> by_index_term_;
  std::map<int64_t, Entry> committed_;                    // index -> entry
  std::map<int64_t, std::string> applied_;                // index -> cmd
  std::vector<std::pair<int64_t, Entry>> acked_;          // (index, entry)
  std::optional<RaftViolation> violations_[kRaftPropertyCount];
  std::deque<std::string> recent_;
};

}  // namespace scenarios::raft
