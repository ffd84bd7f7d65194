// Log replication: the leader's per-peer replicators, the follower's AppendEntries handler
// with the consistency check and conflict truncation, and the commit rule.
#include <algorithm>

#include "models/raft/raft_node.h"
#include "sim/assert.h"

namespace models::raft {

void RaftNode::AppendLocal(const std::vector<LogEntry>& entries) {
  for (const LogEntry& e : entries) {
    const int64_t index = storage_.LastIndex() + 1;
    const int64_t prev_term = storage_.TermAt(index - 1);
    storage_.Append({e});
    env_.Trace("raft.append", {{"index", index},
                               {"term", e.term},
                               {"prev_term", prev_term},
                               {"cmd", e.command.Id()}});
  }
  // Durable before anyone counts this node in a majority for these entries.
  storage_.Sync();
  if (role_ == Role::kLeader) WakeReplicators();
}

void RaftNode::WakeReplicators() {
  for (auto& [peer, signal] : wake_) signal->NotifyAll();
}

AppendRequest RaftNode::BuildAppend(sim::NodeId peer) const {
  AppendRequest r;
  r.term = storage_.term();
  r.leader = id();
  const int64_t next = std::min(next_index_.at(peer), storage_.LastIndex() + 1);
  r.prev_index = next - 1;
  r.prev_term = storage_.TermAt(r.prev_index);
  const int64_t last = std::min(storage_.LastIndex(),
                                r.prev_index + static_cast<int64_t>(config_.append_batch_max));
  for (int64_t i = next; i <= last; ++i) r.entries.push_back(storage_.At(i));
  r.leader_commit = commit_index_;
  return r;
}

sim::Task<void> RaftNode::Replicator(sim::NodeId peer, int64_t term) {
  sim::Signal* wake = wake_.at(peer).get();
  while (role_ == Role::kLeader && storage_.term() == term) {
    const AppendRequest request = BuildAppend(peer);
    auto reply = co_await env_.Call<AppendReply>(sim::Endpoint{peer, kAppendPort}, request,
                                                 config_.rpc_timeout);
    if (!(role_ == Role::kLeader && storage_.term() == term)) co_return;
    bool more = false;
    if (reply.ok()) {
      Heard(peer);
      if (ObserveTerm(reply->term)) co_return;
      OnAppendReply(peer, *reply);
      more = !reply->success || next_index_.at(peer) <= storage_.LastIndex();
    }
    // A failed call waits a heartbeat (a refused call returns at once: no busy loop).
    if (!more) co_await wake->Wait(config_.heartbeat);
  }
}

void RaftNode::OnAppendReply(sim::NodeId peer, const AppendReply& reply) {
  if (reply.success) {
    match_index_[peer] = std::max(match_index_[peer], reply.match_index);
    next_index_[peer] = std::max(next_index_[peer], match_index_[peer] + 1);
    AdvanceLeaderCommit();
    return;
  }
  // Back up to where the follower's log may match; never below what is known to match.
  next_index_[peer] =
      std::max(match_index_[peer] + 1, std::min(next_index_[peer] - 1, reply.conflict_index));
  next_index_[peer] = std::max<int64_t>(next_index_[peer], 1);
}

void RaftNode::AdvanceLeaderCommit() {
  if (role_ != Role::kLeader) return;
  for (int64_t n = storage_.LastIndex(); n > commit_index_; --n) {
    // Only entries of the current term are committed by counting replicas (§5.4.2).
    if (storage_.TermAt(n) != storage_.term() && !config_.commit_older_terms_by_count) break;
    size_t count = 1;  // this leader, whose log is synced
    for (const auto& [peer, match] : match_index_) count += match >= n ? 1 : 0;
    if (IsMajority(count)) {
      SetCommit(n);
      break;
    }
  }
}

void RaftNode::SetCommit(int64_t index) {
  if (index <= commit_index_) return;
  SIM_ASSERT_LE(index, storage_.LastIndex());
  commit_index_ = index;
  env_.Trace("raft.commit", {{"index", index}, {"term", storage_.TermAt(index)}});
  ApplyCommitted();
}

void RaftNode::ApplyCommitted() {
  while (sm_.last_applied() < commit_index_) {
    const int64_t index = sm_.last_applied() + 1;
    const LogEntry& e = storage_.At(index);
    sm_.Apply(index, e.command);
    env_.Trace("raft.apply", {{"index", index}, {"term", e.term}, {"cmd", e.command.Id()}});
  }
  applied_.NotifyAll();
}

sim::Task<sim::Result<AppendReply>> RaftNode::HandleAppend(AppendRequest request) {
  co_return ApplyAppend(request);
}

AppendReply RaftNode::ApplyAppend(const AppendRequest& request) {
  Heard(request.leader);
  if (request.term < storage_.term()) return AppendReply{storage_.term(), false, 0, 0};
  // A current leader exists for this term: a candidate of the same term yields too.
  if (request.term > storage_.term() || role_ != Role::kFollower) BecomeFollower(request.term);
  leader_ = request.leader;
  ResetElectionTimer();
  const int64_t term = storage_.term();
  if (request.prev_index > storage_.LastIndex()) {
    return AppendReply{term, false, 0, storage_.LastIndex() + 1};
  }
  if (storage_.TermAt(request.prev_index) != request.prev_term) {
    // Skip back over the whole conflicting term in one round trip.
    const int64_t bad_term = storage_.TermAt(request.prev_index);
    int64_t first = request.prev_index;
    while (first > 1 && storage_.TermAt(first - 1) == bad_term) --first;
    return AppendReply{term, false, 0, first};
  }
  std::vector<LogEntry> fresh;
  int64_t index = request.prev_index;
  for (const LogEntry& e : request.entries) {
    ++index;
    if (fresh.empty() && index <= storage_.LastIndex()) {
      if (storage_.TermAt(index) == e.term) continue;  // already have it (a duplicate)
      env_.Trace("raft.truncate", {{"from", index}, {"last", storage_.LastIndex()}});
      storage_.TruncateFrom(index);
      commit_index_ = std::min(commit_index_, storage_.LastIndex());
    }
    fresh.push_back(e);
  }
  if (!fresh.empty()) AppendLocal(fresh);
  const int64_t match = request.prev_index + static_cast<int64_t>(request.entries.size());
  if (request.leader_commit > commit_index_) SetCommit(std::min(request.leader_commit, match));
  return AppendReply{term, true, match, 0};
}

}  // namespace models::raft
