// Goal: prove that each checker of the raft_nacos workload can fail and names what failed:
// a config poll that goes back a version (config.monotonic_reads), an instance left on an
// old config (config.converged) and a registry list that lost a registration or kept a
// deregistered instance (registry.membership), each on hand-made histories and snapshots,
// while the matching well-formed inputs pass and a snapshot without a leader is unknown.
#include <catch2/catch.hpp>

#include "scenarios/workloads/raft/nacos_checkers.h"
#include "sim/history.h"
#include "sim/trace.h"

namespace {

using checkers::Validity;
using Json = nlohmann::json;
namespace nr = scenarios::raft;

struct Input {
  sim::History history;
  sim::Trace trace;
  Json snapshot = Json::object();
  sim::Instant t;

  uint64_t Read(int64_t process, const std::string& key, Json value,
                sim::OpType type = sim::OpType::kOk) {
    const uint64_t op = history.Invoke(process, "read", {{"key", key}}, Tick());
    history.Complete(op, type, type == sim::OpType::kOk ? Json{{"value", value}} : Json::object(),
                     Tick());
    return op;
  }
  uint64_t Change(const std::string& f, const std::string& instance) {
    const uint64_t op = history.Invoke(7, f, {{"instance", instance}, {"service", "order"}}, Tick());
    history.Complete(op, sim::OpType::kOk, Json::object(), Tick());
    return op;
  }
  sim::Instant Tick() { return t = t + sim::Duration::Millis(1); }
  checkers::Verdict Run(std::unique_ptr<checkers::Checker> c) {
    return c->Check(checkers::CheckInput{history, snapshot, trace}, checkers::CheckBudget());
  }
};

Json Instance(const std::string& name, bool registered, const std::string& config) {
  return {{"name", name}, {"service", "order"}, {"registered", registered}, {"config", config}};
}

}  // namespace

TEST_CASE("nacos value formats round-trip") {
  CHECK(nr::ConfigVersion(std::string("v12")) == 12);
  CHECK(nr::ConfigVersion(std::nullopt) == 0);
  CHECK(nr::ConfigVersion(std::string("v")) == 0);
  CHECK(nr::ConfigVersion(std::string("v3x")) == 0);
  CHECK(nr::SplitInstanceList(std::nullopt).empty());
  CHECK(nr::SplitInstanceList(std::string("")).empty());
  const std::vector<std::string> names{"order-1", "order-2"};
  CHECK(nr::JoinInstanceList(names) == "order-1,order-2");
  CHECK(nr::SplitInstanceList(nr::JoinInstanceList(names)) == names);
}

TEST_CASE("config.monotonic_reads flags a poll that goes back a version") {
  Input in;
  in.Read(5, nr::kNacosConfigKey, "v1");
  in.Read(5, nr::kNacosConfigKey, "v2");
  in.Read(6, nr::kNacosConfigKey, nullptr);         // another process, not yet published
  in.Read(5, "naming/order", "order-1");            // another key
  in.Read(5, nr::kNacosConfigKey, Json(), sim::OpType::kInfo);  // no value: ignored
  CHECK(in.Run(nr::MakeConfigMonotonicChecker()).validity == Validity::kValid);
  const uint64_t stale = in.Read(5, nr::kNacosConfigKey, "v1");
  const checkers::Verdict v = in.Run(nr::MakeConfigMonotonicChecker());
  CHECK(v.validity == Validity::kInvalid);
  CHECK(v.op_index == stale);
  CHECK(v.detail["earlier"]["version"] == 2);
  CHECK(v.detail["later"]["version"] == 1);
}

TEST_CASE("config.converged flags an instance left on an old config") {
  Input in;
  in.snapshot = {{"leader_term", 3},
                 {"data", {{nr::kNacosConfigKey, "v4"}}},
                 {"instances", {Instance("order-1", true, "v4"), Instance("order-2", true, "v4")}}};
  CHECK(in.Run(nr::MakeConfigConvergedChecker()).validity == Validity::kValid);
  in.snapshot["instances"][1]["config"] = "v3";
  const checkers::Verdict v = in.Run(nr::MakeConfigConvergedChecker());
  CHECK(v.validity == Validity::kInvalid);
  CHECK(v.summary.find("order-2") != std::string::npos);
  in.snapshot["leader_term"] = -1;
  CHECK(in.Run(nr::MakeConfigConvergedChecker()).validity == Validity::kUnknown);
}

TEST_CASE("registry.membership flags lost registrations and ghosts") {
  Input in;
  in.Change("register", "order-1");
  const uint64_t lost = in.Change("register", "order-2");
  in.Change("register", "order-3");
  const uint64_t ghost = in.Change("deregister", "order-3");
  in.snapshot = {{"leader_term", 2},
                 {"data", {{"naming/order", "order-1,order-2"}}},
                 {"instances", {Instance("order-1", true, ""), Instance("order-2", true, ""),
                                Instance("order-3", false, "")}}};
  CHECK(in.Run(nr::MakeRegistryMembershipChecker()).validity == Validity::kValid);

  in.snapshot["data"]["naming/order"] = "order-1";
  checkers::Verdict v = in.Run(nr::MakeRegistryMembershipChecker());
  CHECK(v.validity == Validity::kInvalid);
  CHECK(v.op_index == lost);
  CHECK(v.summary.find("missing") != std::string::npos);

  in.snapshot["data"]["naming/order"] = "order-1,order-2,order-3";
  v = in.Run(nr::MakeRegistryMembershipChecker());
  CHECK(v.validity == Validity::kInvalid);
  CHECK(v.op_index == ghost);
  CHECK(v.summary.find("still listed") != std::string::npos);

  in.snapshot.erase("leader_term");
  CHECK(in.Run(nr::MakeRegistryMembershipChecker()).validity == Validity::kUnknown);
}
