#include "scenarios/registry.h"

#include "faults/fault.h"
#include "scenarios/workloads/lock/register.h"
#include "scenarios/workloads/mall/register.h"
#include "scenarios/workloads/raft/register.h"
#include "scenarios/workloads/reserve.h"

namespace scenarios {

namespace {

using params::Int;
using params::Ms;
using params::PerMille;

ParamSpec Nodes(std::string doc) {
  return ParamSpec{"nodes", ParamType::kNodeList, 0, 0, {}, nlohmann::json::array(), std::move(doc), false};
}
ParamSpec Count() { return Int("count", 1, 100, 1, "how many nodes to pick when 'nodes' is empty"); }

std::vector<ParamSpec> FaultParams(const std::string& kind) {
  if (kind == "partition") {
    return {ParamSpec{"mode", ParamType::kEnum, 0, 0,
                      {"isolate", "halves", "majority", "bridge", "one_way"}, "halves",
                      "how the nodes are split", false},
            Nodes("for isolate: the isolated nodes (default: drawn by the seed)"), Count()};
  }
  if (kind == "clog") return {Nodes("the two nodes (default: drawn)"), Ms("clog_ms", 1, 3'600'000, 1000, "how long")};
  if (kind == "latency") return {Ms("extra_ms", 0, 600'000, 100, "added to every path's minimum latency")};
  if (kind == "loss") return {PerMille("per_mille", 100, "drop probability")};
  if (kind == "duplicate") return {PerMille("per_mille", 100, "duplication probability")};
  if (kind == "reorder") return {PerMille("per_mille", 300, "reordering probability")};
  if (kind == "crash") {
    return {Nodes("nodes to crash (default: drawn)"), Count(),
            ParamSpec{"disk_loss", ParamType::kBool, 0, 0, {}, true, "lose unsynced disk writes", false}};
  }
  if (kind == "pause") return {Nodes("nodes to pause (default: drawn)"), Count()};
  if (kind == "clock_skew") return {Nodes("nodes (default: drawn)"), Count(), Ms("offset_ms", -86'400'000, 86'400'000, 5000, "wall clock offset")};
  if (kind == "clock_drift") return {Nodes("nodes (default: drawn)"), Count(), Int("ppm", -500'000, 500'000, 10'000, "drift in parts per million")};
  if (kind == "clock_jump") return {Nodes("nodes (default: drawn)"), Count(), Ms("by_ms", -86'400'000, 86'400'000, 60'000, "jump of the wall clock")};
  return {};
}

Registry Build() {
  Registry r;
  r.workloads.push_back(WorkloadEntry{
      EntrySpec{"reserve", "Clients reserve units of stock from a durable, capacity-bounded service over RPC",
                {Int("clients", 1, 1000, 3, "client nodes"),
                 Ms("think_ms", 1, 600'000, 100, "mean pause between a client's requests"),
                 Ms("timeout_ms", 1, 600'000, 200, "RPC timeout (an expired call is 'info')"),
                 Int("capacity", 1, 100'000'000, 1000, "units that may be reserved")}},
      &MakeReserveWorkload});
  r.checkers = {
      {EntrySpec{"reserve.no_overbooking", "Never more units reserved than the capacity", {}}, &MakeNoOverbookingChecker},
      {EntrySpec{"reserve.acked_durable", "Every acknowledged reservation is in the final state", {}}, &MakeAckedDurableChecker},
      {EntrySpec{"reserve.exactly_once", "The counter equals the number of distinct applied requests", {}}, &MakeExactlyOnceChecker},
      {EntrySpec{"canary.always_fails", "Always invalid: proves that violations reach the exit code", {}}, &checkers::MakeCanaryChecker},
  };
  for (const faults::FaultKind& k : faults::AllFaultKinds()) {
    r.faults.push_back(EntrySpec{k.name, k.doc, FaultParams(k.name)});
  }
  r.variants = {
      {"reserve.sync", {"always", "never"}, "always", "fsync before acknowledging a reservation"},
      {"reserve.dedupe", {"on", "off"}, "on", "remember request ids so retries and duplicates count once"},
  };
  RegisterMall(r);
  RegisterRaft(r);
  RegisterLock(r);
  return r;
}

}  // namespace

const WorkloadEntry* Registry::FindWorkload(const std::string& name) const {
  for (const auto& w : workloads) {
    if (w.info.name == name) return &w;
  }
  return nullptr;
}

const CheckerEntry* Registry::FindChecker(const std::string& name) const {
  for (const auto& c : checkers) {
    if (c.info.name == name) return &c;
  }
  return nullptr;
}

const VariantSpec* Registry::FindVariant(const std::string& name) const {
  for (const auto& v : variants) {
    if (v.name == name) return &v;
  }
  return nullptr;
}

RegistryInfo Registry::Describe() const {
  RegistryInfo info;
  for (const auto& w : workloads) info.workloads.push_back(w.info);
  for (const auto& c : checkers) info.checkers.push_back(c.info);
  info.faults = faults;
  info.variants = variants;
  info.node_kinds = {"service", "client"};
  return info;
}

const Registry& DefaultRegistry() {
  static const Registry registry = Build();
  return registry;
}

}  // namespace scenarios
