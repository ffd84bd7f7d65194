// Goal: drive the Raft paper's Figure 8 against a real replica and show that a leader does not
// commit an entry of an earlier term by counting the replicas that store it (§5.4.2), and that
// the variant that does commits an entry a later leader then legitimately overwrites (a
// committed entry lost, caught by the trace shadow as raft.state_machine_safety).
//
// raft1 is the replica under test; raft2..raft5 are scripted peers that answer RequestVote and
// AppendEntries like followers whose logs the script decides, so every step of the figure
// happens exactly, on every seed. The figure, with our per-term no-ops:
//   term 1: raft1 leads, appends a write x at index 2, and only raft2 stores it (no commit);
//   term 2: raft5 wins an election without raft1 (raft1 votes for it) and writes index 2 of
//           term 2 in its own log only;
//   term 3: raft1 leads again with votes of raft3 and raft4 and copies index 2 (term 1) to
//           them, but not its term-3 no-op: x is now stored on raft1, raft3, raft4, a majority;
//   term 4: raft5 (last log term 2, more up to date than raft2..raft4's term 1) is elected
//           and overwrites index 2 on raft1 with its own entry.
#include <catch2/catch.hpp>

#include <memory>
#include <set>

#include "raft_harness.h"

namespace {

using namespace raft_test;
using models::raft::AppendReply;
using models::raft::AppendRequest;
using models::raft::Command;
using models::raft::CommandKind;
using models::raft::LogEntry;
using models::raft::VoteReply;
using models::raft::VoteRequest;

// What each scripted peer does; the test changes it between the figure's steps.
struct Script {
  std::map<sim::NodeId, std::set<int64_t>> grants;  // peer -> terms it votes for raft1 in
  std::map<sim::NodeId, int64_t> have;              // peer -> its log length
  std::map<sim::NodeId, int64_t> accept_up_to;      // peer -> entries it lets in (then drops)
};

sim::Task<sim::Result<VoteReply>> FakeVote(std::shared_ptr<Script> s, sim::NodeId self,
                                           VoteRequest r) {
  co_return VoteReply{r.term, s->grants[self].count(r.term) != 0};
}

// A follower whose log prefix always matches the leader's (the script keeps it so): refuses
// with the real conflict hint when it lacks the previous entry, stores and acknowledges up to
// accept_up_to, and drops (no answer) an append that would go beyond it.
sim::Task<sim::Result<AppendReply>> FakeAppend(std::shared_ptr<Script> s, sim::NodeId self,
                                               AppendRequest r) {
  int64_t& have = s->have[self];
  if (r.prev_index > have) co_return AppendReply{r.term, false, 0, have + 1};
  const int64_t end = r.prev_index + static_cast<int64_t>(r.entries.size());
  if (end > s->accept_up_to[self]) co_return sim::MakeError(sim::Errc::kUnavailable, "dropped");
  have = std::max(have, end);
  co_return AppendReply{r.term, true, end, 0};
}

sim::Task<sim::Result<VoteReply>> AskVote(sim::Env env, sim::Endpoint to, VoteRequest r) {
  auto reply = co_await env.Call<VoteReply>(to, r, 100_ms);
  co_return reply;
}

sim::Task<sim::Result<AppendReply>> SendAppend(sim::Env env, sim::Endpoint to, AppendRequest r) {
  auto reply = co_await env.Call<AppendReply>(to, r, 100_ms);
  co_return reply;
}

struct Figure8 {
  explicit Figure8(bool buggy) : w(8), script(std::make_shared<Script>()) {
    auto config = std::make_shared<RaftConfig>();
    models::raft::RaftDirectory* d = &dir;
    real = &w.AddNode("raft1", [config, d](sim::Env e) {
      models::raft::BootRaftServer(e, *config, d);
    });
    config->members.push_back(real->id());
    for (int i = 2; i <= 5; ++i) {
      std::shared_ptr<Script> s = script;
      sim::Node* peer = &w.AddNode("raft" + std::to_string(i), [s](sim::Env e) {
        const sim::NodeId self = e.id();
        e.Serve<VoteRequest, VoteReply>(models::raft::kVotePort,
                                        [s, self](VoteRequest r) { return FakeVote(s, self, r); });
        e.Serve<AppendRequest, AppendReply>(
            models::raft::kAppendPort,
            [s, self](AppendRequest r) { return FakeAppend(s, self, std::move(r)); });
      });
      peers.push_back(peer);
      config->members.push_back(peer->id());
    }
    config->append_batch_max = 1;  // one entry per append: raft3 can get index 2 without 3
    config->commit_older_terms_by_count = buggy;
    app = &w.AddNode("app");
    std::map<sim::NodeId, std::string> names;
    for (sim::Node* n : w.nodes()) names[n->id()] = n->name();
    shadow = std::make_shared<scenarios::raft::RaftTraceState>(names);
    auto sh = shadow;
    w.trace().Subscribe([sh](const sim::TraceEvent& e) { sh->OnEvent(e); });
    w.StartAll();
  }
  sim::NodeId Peer(int n) const { return peers[static_cast<size_t>(n - 2)]->id(); }
  RaftNode* Raft1() { return dir.Find(real->id()); }
  void RunUntil(const std::function<bool()>& done, sim::Duration max) {
    w.Run(sim::RunLimits{w.Now() + max}, done);
  }

  sim::World w;
  std::shared_ptr<Script> script;
  models::raft::RaftDirectory dir;
  sim::Node* real = nullptr;
  std::vector<sim::Node*> peers;
  sim::Node* app = nullptr;
  std::shared_ptr<scenarios::raft::RaftTraceState> shadow;
};

// Runs the figure up to term 3 (x on a majority); returns raft1's commit index then.
int64_t RunToTerm3(Figure8& f) {
  Script& s = *f.script;
  // Term 1: raft2 and raft3 elect raft1; only raft2 lets entries in.
  s.grants[f.Peer(2)] = {1};
  s.grants[f.Peer(3)] = {1};
  s.accept_up_to[f.Peer(2)] = 2;
  f.RunUntil([&f] { return f.Raft1() != nullptr && f.Raft1()->role() == Role::kLeader; }, 5_s);
  REQUIRE(f.Raft1()->term() == 1);
  // One attempt only (timeout == attempt timeout): a retry would append x a second time.
  models::raft::RaftKvClient client(f.app->env(), {f.real->id()}, 1, 100_ms);
  const auto put = Await(f.w, *f.app, client.Put("k", "x", 100_ms));
  CHECK(put.outcome == models::raft::Outcome::kInfo);  // x is not committed in term 1
  f.w.RunFor(200_ms);
  REQUIRE(f.Raft1()->storage().LastIndex() == 2);
  REQUIRE(f.script->have[f.Peer(2)] == 2);
  CHECK(f.Raft1()->commit_index() == 0);
  // Term 2: raft5 asks raft1 for its vote with a log ending in term 2 and gets it (raft5 then
  // writes index 2 of term 2 into its own log only; nobody else hears of it).
  const VoteRequest ask{2, f.Peer(5), 2, 2};
  sim::Env e5 = f.peers[3]->env();
  const auto vote = Await(f.w, *f.peers[3],
                          AskVote(e5, sim::Endpoint{f.real->id(), models::raft::kVotePort}, ask));
  REQUIRE(vote.ok());
  CHECK(vote->granted);
  // Term 3: raft1 times out, raft3 and raft4 elect it and accept indexes 1-2, not the no-op 3.
  s.grants[f.Peer(3)] = {3};
  s.grants[f.Peer(4)] = {3};
  s.accept_up_to[f.Peer(3)] = 2;
  s.accept_up_to[f.Peer(4)] = 2;
  f.RunUntil([&f] { return f.Raft1()->role() == Role::kLeader; }, 5_s);
  REQUIRE(f.Raft1()->term() == 3);
  f.w.RunFor(1_s);  // many heartbeat rounds: the leader knows raft3 and raft4 store index 2
  REQUIRE(f.script->have[f.Peer(3)] == 2);
  REQUIRE(f.script->have[f.Peer(4)] == 2);
  REQUIRE(f.Raft1()->storage().LastIndex() == 3);
  REQUIRE(f.Raft1()->storage().TermAt(2) == 1);
  return f.Raft1()->commit_index();
}

// Term 4: raft5, elected by raft2..raft4, overwrites index 2 on raft1 and commits it.
void OverwriteFromRaft5(Figure8& f) {
  Command y;
  y.kind = CommandKind::kPut;
  y.client = 5;
  y.seq = 1;
  y.key = "k";
  y.value = "y";
  AppendRequest append{4, f.Peer(5), 1, 1, {LogEntry{2, y}}, 2};
  sim::Env e5 = f.peers[3]->env();
  const auto reply = Await(
      f.w, *f.peers[3],
      SendAppend(e5, sim::Endpoint{f.real->id(), models::raft::kAppendPort}, std::move(append)));
  REQUIRE(reply.ok());
  CHECK(reply->success);
  CHECK(f.Raft1()->term() == 4);
  CHECK(f.Raft1()->storage().TermAt(2) == 2);
}

TEST_CASE("Figure 8: a leader does not commit an older term's entry by counting replicas",
          "[raft][figure8]") {
  Figure8 f(/*buggy=*/false);
  // x is on raft1, raft3 and raft4 (3 of 5) and raft1 leads term 3, yet nothing commits:
  // index 3, the first entry of term 3, is on raft1 only.
  CHECK(RunToTerm3(f) == 0);
  CHECK_FALSE(f.Raft1()->state_machine().Get("k").has_value());
  // So raft5's overwrite in term 4 removes nothing committed, and raft1 then commits y.
  OverwriteFromRaft5(f);
  f.w.RunFor(100_ms);
  CHECK(f.Raft1()->commit_index() == 2);
  CHECK(f.Raft1()->state_machine().Get("k") == std::optional<std::string>("y"));
  f.shadow->Finish();
  for (int p = 0; p < scenarios::raft::kRaftPropertyCount; ++p) {
    CAPTURE(p);
    CHECK_FALSE(f.shadow->violation(static_cast<RaftProperty>(p)).has_value());
  }
}

TEST_CASE("Figure 8: counting replicas for an older term's entry loses a committed entry",
          "[raft][figure8]") {
  Figure8 f(/*buggy=*/true);
  CHECK(RunToTerm3(f) == 2);  // x committed (and applied) on a majority of stores
  CHECK(f.Raft1()->state_machine().Get("k") == std::optional<std::string>("x"));
  OverwriteFromRaft5(f);
  // raft1 applied x at index 2, and index 2 is now committed as y: the committed entry is gone.
  const auto& v = f.shadow->violation(RaftProperty::kStateMachineSafety);
  REQUIRE(v.has_value());
  CHECK_THAT(v->summary, Catch::Contains("index 2 committed as"));
}

}  // namespace
