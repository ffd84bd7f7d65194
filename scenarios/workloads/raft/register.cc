#include "scenarios/workloads/raft/register.h"

#include "scenarios/registry.h"
#include "scenarios/workloads/raft/raft_checkers.h"
#include "scenarios/workloads/raft/leader_after_heal.h"
#include "scenarios/workloads/raft/nacos_checkers.h"
#include "scenarios/workloads/raft/nacos_workload.h"
#include "scenarios/workloads/raft/raft_cluster.h"
#include "scenarios/workloads/raft/raft_kv_workload.h"

namespace scenarios {

namespace {

CheckerEntry Property(raft::RaftProperty p, std::string doc) {
  return CheckerEntry{EntrySpec{raft::RaftPropertyName(p), std::move(doc), {}},
                      [p] { return raft::MakeRaftPropertyChecker(p); }};
}

// The Raft KV as the mall's config center and registry (the Nacos role).
void RegisterNacos(Registry& registry) {
  std::vector<ParamSpec> ps = {
      params::Int("nodes", 1, 9, 3, "Raft replicas nacos1..N (the fixed membership)"),
      params::Int("services", 1, 8, 3,
                  "services registering (order, ware, product, member, coupon, cart, seckill, "
                  "search, in that order)"),
      params::Int("instances", 1, 10, 2, "instances of each service"),
      params::Ms("poll_ms", 1, 600'000, 100, "mean interval of an instance's config poll"),
      params::Ms("publish_ms", 1, 600'000, 300, "mean interval between config publishes"),
      params::Ms("restart_ms", 0, 3'600'000, 1500,
                 "mean interval between an instance's rolling restarts (0: never)"),
      params::Ms("down_ms", 0, 600'000, 200, "how long a restarting instance stays down"),
      params::Ms("retry_ms", 1, 600'000, 50, "mean wait before a failed registry change retries"),
      params::Ms("timeout_ms", 1, 600'000, 500,
                 "time one KV operation gets, retries included (then 'info')")};
  for (ParamSpec& p : raft::RaftTimingParams()) ps.push_back(std::move(p));
  registry.workloads.push_back(WorkloadEntry{
      EntrySpec{"raft_nacos",
                "The Raft KV as the mall's config center and service registry (Nacos in CP "
                "mode): config publishes and polls, instances registering and restarting",
                std::move(ps)},
      &raft::MakeNacosWorkload});
  registry.checkers.push_back(CheckerEntry{
      EntrySpec{"config.monotonic_reads",
                "No instance's config poll returns an older version than one it read before "
                "(its applied config never rolls back)",
                {}},
      &raft::MakeConfigMonotonicChecker});
  registry.checkers.push_back(CheckerEntry{
      EntrySpec{"config.converged",
                "After the heal every instance has applied the committed config", {}},
      &raft::MakeConfigConvergedChecker});
  registry.checkers.push_back(CheckerEntry{
      EntrySpec{"registry.membership",
                "Each service's committed instance list holds exactly the instances that "
                "believe themselves registered (no lost registration, no ghost)",
                {}},
      &raft::MakeRegistryMembershipChecker});
  registry.variants.push_back(VariantSpec{
      "registry.update", {"cas", "put"}, "cas",
      "put: a registry change writes the list it computed from its read (a naive "
      "read-modify-write), so two instances changing one service together lose a change"});
}

}  // namespace

void RegisterRaft(Registry& registry) {
  std::vector<ParamSpec> kv_params = {
      params::Int("nodes", 1, 9, 3, "Raft replicas (the fixed membership)"),
      params::Int("clients", 1, 100, 3, "client nodes"),
      params::Int("keys", 1, 1000, 3, "distinct keys"),
      params::Ms("think_ms", 1, 600'000, 50, "mean pause between a client's operations"),
      params::Ms("timeout_ms", 1, 600'000, 500,
                 "time a client gives one operation, retries included (then 'info')")};
  for (ParamSpec& p : raft::RaftTimingParams()) kv_params.push_back(std::move(p));
  registry.workloads.push_back(WorkloadEntry{
      EntrySpec{"raft_kv",
                "Clients do get/put/cas on a Raft-replicated KV (leader election, log replication, "
                "read-index reads) on raft1..raftN (D-13)",
                std::move(kv_params)},
      &raft::MakeRaftKvWorkload});
  RegisterNacos(registry);
  using raft::RaftProperty;
  registry.checkers.push_back(Property(RaftProperty::kElectionSafety,
                                       "At most one leader per term (INV-R1)"));
  registry.checkers.push_back(Property(
      RaftProperty::kLogMatching,
      "Entries with the same index and term hold the same command and the same prefix"));
  registry.checkers.push_back(Property(
      RaftProperty::kLeaderCompleteness,
      "A new leader's log holds every entry committed in earlier terms"));
  registry.checkers.push_back(Property(
      RaftProperty::kStateMachineSafety,
      "No two replicas apply (or commit) different commands at the same log index"));
  registry.checkers.push_back(Property(
      RaftProperty::kCommittedNeverLost,
      "A write acknowledged as committed is never rolled back and is in every later leader's "
      "log (INV-R2)"));
  registry.checkers.push_back(CheckerEntry{
      EntrySpec{"raft.leader_after_heal",
                "Liveness: once every replica is up and connected again (the heal), a leader of "
                "the newest term commits within 5 maximum election timeouts",
                {}},
      &raft::MakeLeaderAfterHealChecker});
  registry.checkers.push_back(CheckerEntry{
      EntrySpec{"kv.linearizable",
                "The KV history (read/write/cas per key) is linearizable; info ops may or may "
                "not have happened (INV-R4)",
                {}},
      &raft::MakeKvLinearizableChecker});
  registry.variants.push_back(VariantSpec{
      "raft.stale_reads", {"off", "on"}, "off",
      "on: a leader serves reads from local state without confirming leadership, so a deposed "
      "leader answers stale reads (INV-R4)"});
  registry.variants.push_back(VariantSpec{
      "raft.majority", {"fixed", "shrinking"}, "fixed",
      "shrinking: the notes' 'cluster size becomes 3' (B-5, 003:595): majorities counted over the "
      "nodes heard from recently, so a minority side elects and commits"});
  registry.variants.push_back(VariantSpec{
      "raft.vote_fsync", {"on", "off"}, "on",
      "off: term and vote are written without fsync; a crash that loses unsynced writes forgets "
      "the vote and the node may vote twice in one term (INV-R1)"});
}

}  // namespace scenarios
