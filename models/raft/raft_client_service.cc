// The client port of a replica: writes go through the log and are answered once applied;
// reads use read-index (the leader confirms it still leads with a heartbeat round, then
// answers from a state machine that has applied at least the commit index it saw), or, under
// raft.stale_reads, straight from local state.
#include <memory>

#include "models/raft/raft_node.h"
#include "sim/assert.h"

namespace models::raft {

namespace {

Command ToCommand(const KvRequest& r, sim::Instant now) {
  Command c;
  switch (r.op) {
    case KvOp::kPut: c.kind = CommandKind::kPut; break;
    case KvOp::kCas: c.kind = CommandKind::kCas; break;
    case KvOp::kAcquire: c.kind = CommandKind::kAcquire; break;
    case KvOp::kRelease: c.kind = CommandKind::kRelease; break;
    case KvOp::kRenew: c.kind = CommandKind::kRenew; break;
    case KvOp::kGet: SIM_UNREACHABLE("reads are not logged");
  }
  c.client = r.client;
  c.seq = r.seq;
  c.key = r.key;
  c.value = r.value;
  c.expected = r.expected;
  c.lease_ns = r.lease_ms * 1'000'000;
  c.token = r.token;
  c.time_ns = now.nanos();
  return c;
}

KvReply FromResult(const ApplyResult& r) {
  KvReply reply;
  reply.ok = r.ok;
  reply.value = r.value;
  reply.token = r.token;
  reply.index = r.index;
  return reply;
}

// One heartbeat round's tally, shared by the asking task and the per-peer probes.
struct Round {
  size_t acks = 1;  // the leader itself
  size_t answered = 0;
  sim::Signal done;
};

sim::Task<void> Probe(sim::Env env, sim::Endpoint peer, AppendRequest request,
                      sim::Duration timeout, std::shared_ptr<Round> round) {
  auto reply = co_await env.Call<AppendReply>(peer, request, timeout);
  if (reply.ok() && reply->term == request.term) ++round->acks;
  ++round->answered;
  round->done.NotifyAll();
}

}  // namespace

KvReply RaftNode::NotLeader() const {
  KvReply r;
  r.status = KvStatus::kNotLeader;
  r.leader_hint = leader_ == id() ? 0 : leader_;
  return r;
}

sim::Task<sim::Result<KvReply>> RaftNode::HandleClient(KvRequest request) {
  if (role_ != Role::kLeader) co_return NotLeader();
  // The term this node leads in now. Propose and Read check again that this leadership still
  // holds before each step: they may wait, and must not rely on a task starting at once.
  const int64_t term = storage_.term();
  if (request.op == KvOp::kGet) {
    KvReply reply = co_await Read(std::move(request), term);
    co_return reply;
  }
  KvReply reply = co_await Propose(std::move(request), term);
  co_return reply;
}

bool RaftNode::LeadsIn(int64_t term) const {
  return role_ == Role::kLeader && storage_.term() == term;
}

sim::Task<KvReply> RaftNode::Propose(KvRequest request, int64_t term) {
  // A node that stepped down between HandleClient and here (e.g. a paused leader resuming
  // into a queue of client writes and newer-term appends) must not append: it would write a
  // command into its follower log as an entry of the new leader's term, where that leader
  // holds a different entry (log matching broken).
  if (!LeadsIn(term)) co_return NotLeader();
  // A retry of a request that is already applied gets the first answer, not a second effect.
  if (auto done = sm_.ResultOf(request.client, request.seq)) co_return FromResult(*done);
  const Command command = ToCommand(request, env_.LocalNow());
  AppendLocal({LogEntry{term, command}});
  const int64_t index = storage_.LastIndex();
  AdvanceLeaderCommit();
  const sim::Instant deadline = env_.Now() + config_.client_wait_max;
  const bool applied = co_await WaitApplied(index, term, deadline);
  KvReply unknown;
  unknown.status = KvStatus::kUnknown;
  if (!applied) co_return unknown;
  // Our entry may have been replaced by another leader's; then the outcome is unknown here.
  if (storage_.LastIndex() < index || storage_.TermAt(index) != term) co_return unknown;
  const auto result = sm_.ResultOf(request.client, request.seq);
  if (!result) co_return unknown;
  const int64_t acked = result->index;
  const int64_t acked_term = acked <= storage_.LastIndex() ? storage_.TermAt(acked) : 0;
  env_.Trace("raft.client_ack", {{"index", acked}, {"term", acked_term}, {"cmd", command.Id()}});
  co_return FromResult(*result);
}

sim::Task<bool> RaftNode::WaitApplied(int64_t index, int64_t term, sim::Instant deadline) {
  for (;;) {
    if (sm_.last_applied() >= index) co_return true;
    if (role_ != Role::kLeader || storage_.term() != term) co_return false;
    const sim::Instant now = env_.Now();
    if (now >= deadline) co_return false;
    co_await applied_.Wait(deadline - now);
  }
}

sim::Task<KvReply> RaftNode::Read(KvRequest request, int64_t term) {
  // As in Propose: only a node that still leads in `term` may answer (or send heartbeats in
  // that term: a deposed node's probes in the new term would depose the real leader).
  if (!LeadsIn(term)) co_return NotLeader();
  if (config_.stale_reads) {
    // The naive leader read: whoever believes it leads answers from local state, even a
    // leader deposed on the minority side of a partition (INV-R4).
    KvReply reply;
    reply.value = sm_.Get(request.key);
    reply.index = sm_.last_applied();
    co_return reply;
  }
  const sim::Instant deadline = env_.Now() + config_.client_wait_max;
  // The read index must cover every entry committed by earlier leaders: wait for this term's
  // no-op to commit first (Raft thesis §6.4).
  const bool started = co_await WaitApplied(term_start_index_, term, deadline);
  if (!started || commit_index_ < term_start_index_) co_return NotLeader();
  const int64_t read_index = commit_index_;
  const bool confirmed = co_await ConfirmLeadership(term);
  if (!confirmed) co_return NotLeader();
  const bool applied = co_await WaitApplied(read_index, term, deadline);
  if (!applied) co_return NotLeader();
  KvReply reply;
  reply.value = sm_.Get(request.key);
  reply.index = read_index;
  co_return reply;
}

sim::Task<bool> RaftNode::ConfirmLeadership(int64_t term) {
  if (!LeadsIn(term)) co_return false;
  auto round = std::make_shared<Round>();
  size_t peers = 0;
  for (sim::NodeId peer : config_.members) {
    if (peer == id()) continue;
    ++peers;
    // An empty append at index 0 always matches: it tests the term and nothing else.
    AppendRequest heartbeat{term, id(), 0, 0, {}, 0};
    env_.Spawn(Probe(env_, sim::Endpoint{peer, kAppendPort}, std::move(heartbeat),
                     config_.rpc_timeout, round));
  }
  for (;;) {
    if (role_ != Role::kLeader || storage_.term() != term) co_return false;
    if (IsMajority(round->acks)) co_return true;
    if (round->answered >= peers) co_return false;
    co_await round->done.Wait(config_.rpc_timeout * 2);
  }
}

}  // namespace models::raft
