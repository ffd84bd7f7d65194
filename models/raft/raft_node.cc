#include "models/raft/raft_node.h"

#include <algorithm>

#include "sim/assert.h"
#include "sim/world.h"

namespace models::raft {

const char* RoleName(Role role) {
  switch (role) {
    case Role::kFollower: return "follower";
    case Role::kCandidate: return "candidate";
    case Role::kLeader: return "leader";
  }
  return "?";
}

RaftNode::RaftNode(sim::Env env, RaftConfig config)
    : env_(env), config_(std::move(config)), storage_(&env.disk()) {
  SIM_ASSERT(!config_.members.empty());
  SIM_ASSERT(config_.election_min <= config_.election_max);
  SIM_ASSERT(config_.heartbeat < config_.election_min);
}

void RaftNode::Boot() {
  const size_t discarded = storage_.Load();
  env_.Trace("raft.recovered", {{"term", storage_.term()},
                                {"vote", storage_.vote()},
                                {"last_index", storage_.LastIndex()},
                                {"discarded", static_cast<uint64_t>(discarded)}});
  for (sim::NodeId peer : config_.members) {
    if (peer == id()) continue;
    last_heard_[peer] = env_.Now();  // everyone counts as reachable at boot (B-5 variant)
    wake_[peer] = std::make_unique<sim::Signal>();
  }
  RaftNode* self = this;
  env_.Serve<VoteRequest, VoteReply>(kVotePort,
                                     [self](VoteRequest r) { return self->HandleVote(r); });
  env_.Serve<AppendRequest, AppendReply>(
      kAppendPort, [self](AppendRequest r) { return self->HandleAppend(std::move(r)); });
  env_.Serve<KvRequest, KvReply>(kClientPort,
                                 [self](KvRequest r) { return self->HandleClient(std::move(r)); });
  ResetElectionTimer();
  env_.Spawn(TimerLoop());
}

void RaftNode::ResetElectionTimer() {
  election_deadline_ = env_.Now() + env_.rng().Uniform(config_.election_min, config_.election_max);
}

sim::Task<void> RaftNode::TimerLoop() {
  for (;;) {
    if (role_ == Role::kLeader) {
      co_await env_.Sleep(config_.heartbeat);
      continue;
    }
    const sim::Instant now = env_.Now();
    if (now >= election_deadline_) {
      StartElection();
      continue;
    }
    // Sleep runs on the node's drifting clock and may wake early; the floor keeps a fast
    // clock from waking over and over within one instant.
    co_await env_.Sleep(std::max(election_deadline_ - now, sim::Duration::Millis(1)));
  }
}

bool RaftNode::IsMajority(size_t count) const {
  size_t cluster = config_.members.size();
  if (config_.majority == MajorityRule::kShrinking) {
    // B-5: "the cluster size becomes 3": only the nodes heard from recently are counted.
    cluster = 1;
    for (const auto& [peer, at] : last_heard_) {
      if (env_.Now() - at <= config_.reachable_window) ++cluster;
    }
  }
  return count * 2 > cluster;
}

void RaftNode::Heard(sim::NodeId peer) {
  auto it = last_heard_.find(peer);
  if (it != last_heard_.end()) it->second = env_.Now();
}

void RaftNode::StartElection() {
  const int64_t term = storage_.term() + 1;
  role_ = Role::kCandidate;
  leader_ = 0;
  storage_.SetMeta(term, id(), config_.vote_fsync);
  env_.Trace("raft.became_candidate", {{"term", term}});
  env_.Trace("raft.vote", {{"term", term}, {"candidate", id()}});
  votes_ = {id()};
  ResetElectionTimer();
  applied_.NotifyAll();
  if (IsMajority(votes_.size())) {
    BecomeLeader();
    return;
  }
  for (sim::NodeId peer : config_.members) {
    if (peer != id()) env_.Spawn(RequestVoteFrom(peer, term));
  }
}

sim::Task<void> RaftNode::RequestVoteFrom(sim::NodeId peer, int64_t term) {
  // Re-asks a silent peer until the election is decided or the term moves on.
  while (role_ == Role::kCandidate && storage_.term() == term) {
    const VoteRequest request{term, id(), storage_.LastIndex(), storage_.LastTerm()};
    auto reply = co_await env_.Call<VoteReply>(sim::Endpoint{peer, kVotePort}, request,
                                               config_.rpc_timeout);
    if (!(role_ == Role::kCandidate && storage_.term() == term)) co_return;
    if (!reply.ok()) {
      co_await env_.Sleep(config_.heartbeat);
      continue;
    }
    Heard(peer);
    if (ObserveTerm(reply->term)) co_return;
    if (reply->granted) {
      votes_.insert(peer);
      if (IsMajority(votes_.size())) BecomeLeader();
    }
    co_return;
  }
}

bool RaftNode::ObserveTerm(int64_t term) {
  if (term <= storage_.term()) return false;
  BecomeFollower(term);
  return true;
}

void RaftNode::BecomeFollower(int64_t term) {
  const bool new_term = term > storage_.term();
  if (new_term) storage_.SetMeta(term, 0, config_.vote_fsync);
  if (role_ != Role::kFollower || new_term) {
    // The election timer restarts only on a leader's heartbeat or a granted vote (the paper's
    // Figure 2); a deposed leader had none running. Merely seeing a higher term must not
    // restart it: candidates whose logs are too stale to win would keep every up-to-date
    // replica's timer from running out, and an election after a heal could drag on without
    // bound (nacos_config_registry seeds 79 and 448 with four replicas, two of them stale).
    if (role_ == Role::kLeader) ResetElectionTimer();
    role_ = Role::kFollower;
    leader_ = 0;
    env_.Trace("raft.became_follower", {{"term", term}});
    applied_.NotifyAll();
  }
}

void RaftNode::BecomeLeader() {
  SIM_ASSERT(role_ == Role::kCandidate);
  role_ = Role::kLeader;
  leader_ = id();
  const int64_t term = storage_.term();
  env_.Trace("raft.became_leader", {{"term", term}, {"votes", static_cast<uint64_t>(votes_.size())}});
  for (sim::NodeId peer : config_.members) {
    if (peer == id()) continue;
    next_index_[peer] = storage_.LastIndex() + 1;
    match_index_[peer] = 0;
  }
  // A no-op of the new term lets the leader commit (and learn) everything before it (§5.4.2).
  Command noop;
  noop.kind = CommandKind::kNoop;
  noop.seq = term;
  noop.time_ns = env_.LocalNow().nanos();  // the term's first reading: leases restart here
  AppendLocal({LogEntry{term, noop}});
  term_start_index_ = storage_.LastIndex();
  for (sim::NodeId peer : config_.members) {
    if (peer != id()) env_.Spawn(Replicator(peer, term));
  }
  AdvanceLeaderCommit();
}

sim::Task<sim::Result<VoteReply>> RaftNode::HandleVote(VoteRequest request) {
  Heard(request.candidate);
  ObserveTerm(request.term);
  const int64_t term = storage_.term();
  const bool up_to_date =
      request.last_term > storage_.LastTerm() ||
      (request.last_term == storage_.LastTerm() && request.last_index >= storage_.LastIndex());
  const bool free = storage_.vote() == 0 || storage_.vote() == request.candidate;
  const bool grant = request.term == term && role_ == Role::kFollower && free && up_to_date;
  if (grant) {
    // Durable before the answer: a vote forgotten in a crash is a second vote (INV-R1).
    storage_.SetMeta(term, request.candidate, config_.vote_fsync);
    env_.Trace("raft.vote", {{"term", term}, {"candidate", request.candidate}});
    ResetElectionTimer();
  }
  co_return VoteReply{term, grant};
}

void RaftDirectory::Register(sim::Node* node, RaftNode* raft) {
  entries_[node->id()] = Entry{node, node->incarnation(), raft};
}

RaftNode* RaftDirectory::Find(sim::NodeId id) const {
  auto it = entries_.find(id);
  if (it == entries_.end()) return nullptr;
  const Entry& e = it->second;
  if (!e.node->up() || e.node->incarnation() != e.incarnation) return nullptr;
  return e.raft;
}

void BootRaftServer(sim::Env env, RaftConfig config, RaftDirectory* directory) {
  RaftNode& node = env.Keep<RaftNode>(env, std::move(config));
  node.Boot();
  if (directory != nullptr) directory->Register(&env.node(), &node);
}

}  // namespace models::raft
