#pragma once
// One Raft replica running on a simulated node (see raft_types.h for the fidelity contract).
// It lives in the node's volatile state (Env::Keep): a crash destroys it together with its
// tasks, and the boot closure builds a new one over the surviving disk (RaftStorage).
//
// Roles and the events they emit (white-box checkers follow these, checkers in
// scenarios/workloads/raft): raft.recovered, raft.became_follower / _candidate / _leader
// {term}, raft.vote {term, candidate}, raft.append {index, term, prev_term, cmd},
// raft.truncate {from, last}, raft.commit {index, term}, raft.apply {index, term, cmd},
// raft.client_ack {index, term, cmd} (a write acknowledged to a client as committed).

#include <map>
#include <memory>
#include <set>
#include <vector>

#include "models/raft/kv_state_machine.h"
#include "models/raft/raft_storage.h"
#include "models/raft/raft_types.h"
#include "sim/env.h"
#include "sim/signal.h"

namespace models::raft {

enum class Role : uint8_t { kFollower, kCandidate, kLeader };
const char* RoleName(Role role);

class RaftNode {
 public:
  RaftNode(sim::Env env, RaftConfig config);
  RaftNode(const RaftNode&) = delete;
  RaftNode& operator=(const RaftNode&) = delete;

  // Loads the durable state, serves the Raft and client ports and starts the election timer.
  void Boot();

  Role role() const { return role_; }
  int64_t term() const { return storage_.term(); }
  int64_t commit_index() const { return commit_index_; }
  sim::NodeId leader() const { return leader_; }
  sim::NodeId id() const { return env_.id(); }
  const RaftStorage& storage() const { return storage_; }
  const KvStateMachine& state_machine() const { return sm_; }

 private:
  // Roles and terms (raft_node.cc).
  sim::Task<void> TimerLoop();
  void StartElection();
  sim::Task<void> RequestVoteFrom(sim::NodeId peer, int64_t term);
  void BecomeFollower(int64_t term);
  void BecomeLeader();
  // Adopts a higher term seen in any message; returns true when it did.
  bool ObserveTerm(int64_t term);
  void ResetElectionTimer();
  bool IsMajority(size_t count) const;
  void Heard(sim::NodeId peer);
  sim::Task<sim::Result<VoteReply>> HandleVote(VoteRequest request);

  // Replication (raft_replication.cc).
  sim::Task<void> Replicator(sim::NodeId peer, int64_t term);
  AppendRequest BuildAppend(sim::NodeId peer) const;
  void OnAppendReply(sim::NodeId peer, const AppendReply& reply);
  sim::Task<sim::Result<AppendReply>> HandleAppend(AppendRequest request);
  AppendReply ApplyAppend(const AppendRequest& request);
  void AppendLocal(const std::vector<LogEntry>& entries);
  void AdvanceLeaderCommit();
  void SetCommit(int64_t index);
  void ApplyCommitted();
  void WakeReplicators();

  // Client service (raft_client_service.cc).
  sim::Task<sim::Result<KvReply>> HandleClient(KvRequest request);
  // `term` is the term HandleClient saw this node lead in; both re-check it on start.
  sim::Task<KvReply> Propose(KvRequest request, int64_t term);
  sim::Task<KvReply> Read(KvRequest request, int64_t term);
  bool LeadsIn(int64_t term) const;
  sim::Task<bool> ConfirmLeadership(int64_t term);
  sim::Task<bool> WaitApplied(int64_t index, int64_t term, sim::Instant deadline);
  KvReply NotLeader() const;

  sim::Env env_;
  RaftConfig config_;
  RaftStorage storage_;
  KvStateMachine sm_;
  Role role_ = Role::kFollower;
  sim::NodeId leader_ = 0;
  int64_t commit_index_ = 0;
  int64_t term_start_index_ = 0;  // the leader's no-op of its term
  sim::Instant election_deadline_;
  std::set<sim::NodeId> votes_;
  std::map<sim::NodeId, int64_t> next_index_;
  std::map<sim::NodeId, int64_t> match_index_;
  std::map<sim::NodeId, sim::Instant> last_heard_;  // for the B-5 shrinking majority
  std::map<sim::NodeId, std::unique_ptr<sim::Signal>> wake_;
  sim::Signal applied_;  // notified whenever entries are applied or the role changes
};

// Finds the live RaftNode of a node for tests and workloads without dangling pointers: an
// entry is valid only while the node is up in the incarnation that registered it.
class RaftDirectory {
 public:
  void Register(sim::Node* node, RaftNode* raft);
  RaftNode* Find(sim::NodeId id) const;

 private:
  struct Entry {
    sim::Node* node = nullptr;
    uint32_t incarnation = 0;
    RaftNode* raft = nullptr;
  };
  std::map<sim::NodeId, Entry> entries_;
};

// The boot closure body of a replica; `directory` may be null.
void BootRaftServer(sim::Env env, RaftConfig config, RaftDirectory* directory);

}  // namespace models::raft
