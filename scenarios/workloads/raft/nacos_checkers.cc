#include "scenarios/workloads/raft/nacos_checkers.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <map>

namespace scenarios::raft {

int64_t ConfigVersion(const std::optional<std::string>& value) {
  if (!value || value->size() < 2 || (*value)[0] != 'v') return 0;
  int64_t n = 0;
  const char* end = value->data() + value->size();
  const auto [at, ec] = std::from_chars(value->data() + 1, end, n);
  return ec == std::errc() && at == end ? n : 0;
}

std::vector<std::string> SplitInstanceList(const std::optional<std::string>& value) {
  std::vector<std::string> names;
  if (!value) return names;
  size_t from = 0;
  while (from < value->size()) {
    size_t comma = value->find(',', from);
    if (comma == std::string::npos) comma = value->size();
    if (comma > from) names.push_back(value->substr(from, comma - from));
    from = comma + 1;
  }
  return names;
}

std::string JoinInstanceList(const std::vector<std::string>& names) {
  return fmt::format("{}", fmt::join(names, ","));
}

namespace {

using checkers::Verdict;
using Json = nlohmann::json;

std::optional<std::string> OptString(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  return std::nullopt;
}

class ConfigMonotonic final : public checkers::Checker {
 public:
  std::string name() const override { return "config.monotonic_reads"; }

  Verdict Check(const checkers::CheckInput& in, const checkers::CheckBudget&) override {
    struct Seen {
      int64_t version = 0;
      uint64_t op = 0;
    };
    std::map<int64_t, Seen> newest;  // per process
    const auto& ops = in.history.ops();
    for (const sim::Op& op : ops) {
      if (op.type != sim::OpType::kOk || op.f != "read") continue;
      const sim::Op& invoke = ops[op.invoke_index];
      if (invoke.value.value("key", "") != kNacosConfigKey) continue;
      const int64_t version = ConfigVersion(OptString(op.value.value("value", Json())));
      Seen& seen = newest[op.process];
      if (version < seen.version) {
        Verdict v = checkers::Invalid(
            name(),
            fmt::format("process {} read config v{} after it had read v{} (op {}): its applied "
                        "config rolled back",
                        op.process, version, seen.version, seen.op),
            in.history, op.invoke_index);
        v.detail = {{"process", op.process},
                    {"earlier", {{"op", seen.op}, {"version", seen.version}}},
                    {"later", {{"op", op.invoke_index}, {"version", version}}}};
        return v;
      }
      seen = Seen{version, op.invoke_index};
    }
    return checkers::Valid(name(), fmt::format("{} processes never read an older config",
                                               newest.size()));
  }
};

// The committed data, or null when the snapshot had no leader to take it from.
const Json* CommittedData(const Json& snapshot) {
  if (snapshot.value("leader_term", int64_t{-1}) < 0 || !snapshot.contains("data")) {
    return nullptr;
  }
  return &snapshot["data"];
}

class ConfigConverged final : public checkers::Checker {
 public:
  std::string name() const override { return "config.converged"; }

  Verdict Check(const checkers::CheckInput& in, const checkers::CheckBudget&) override {
    const Json* data = CommittedData(in.snapshot);
    if (data == nullptr) return checkers::Unknown(name(), "no leader in the final snapshot");
    const std::string committed = data->value(kNacosConfigKey, "");
    const Json instances = in.snapshot.value("instances", Json::array());
    for (const Json& i : instances) {
      const std::string applied = i.value("config", "");
      if (applied == committed) continue;
      Verdict v = checkers::Invalid(
          name(),
          fmt::format("{} ended with config '{}' but '{}' is committed", i.value("name", "?"),
                      applied, committed),
          in.history, std::nullopt);
      v.detail = {{"instance", i}, {"committed", committed}};
      return v;
    }
    return checkers::Valid(name(), fmt::format("{} instances applied '{}'", instances.size(),
                                               committed));
  }
};

// The invocation of the instance's last register/deregister.
std::optional<uint64_t> LastChange(const sim::History& h, const std::string& instance) {
  const auto& ops = h.ops();
  for (size_t k = ops.size(); k-- > 0;) {
    const sim::Op& op = ops[k];
    if (op.type == sim::OpType::kInvoke && (op.f == "register" || op.f == "deregister") &&
        op.value.value("instance", "") == instance) {
      return op.index;
    }
  }
  return std::nullopt;
}

class RegistryMembership final : public checkers::Checker {
 public:
  std::string name() const override { return "registry.membership"; }

  Verdict Check(const checkers::CheckInput& in, const checkers::CheckBudget&) override {
    const Json* data = CommittedData(in.snapshot);
    if (data == nullptr) return checkers::Unknown(name(), "no leader in the final snapshot");
    const Json instances = in.snapshot.value("instances", Json::array());
    for (const Json& i : instances) {
      const std::string service = i.value("service", "");
      const std::string instance = i.value("name", "");
      const std::vector<std::string> listed =
          SplitInstanceList(OptString(data->value(kNacosNamingPrefix + service, Json())));
      const bool in_list = std::find(listed.begin(), listed.end(), instance) != listed.end();
      if (in_list == i.value("registered", false)) continue;
      const std::string what = in_list ? "deregistered but still listed (traffic goes to a "
                                         "stopped instance)"
                                       : "registered but missing from the list (a lost "
                                         "registration: no traffic reaches it)";
      Verdict v = checkers::Invalid(
          name(),
          fmt::format("{} of {} is {}; committed list '{}'", instance, service, what,
                      JoinInstanceList(listed)),
          in.history, LastChange(in.history, instance));
      v.detail = {{"instance", i}, {"listed", listed}};
      return v;
    }
    return checkers::Valid(name(), fmt::format("{} instances listed as they believe",
                                               instances.size()));
  }
};

}  // namespace

std::unique_ptr<checkers::Checker> MakeConfigMonotonicChecker() {
  return std::make_unique<ConfigMonotonic>();
}
std::unique_ptr<checkers::Checker> MakeConfigConvergedChecker() {
  return std::make_unique<ConfigConverged>();
}
std::unique_ptr<checkers::Checker> MakeRegistryMembershipChecker() {
  return std::make_unique<RegistryMembership>();
}

}  // namespace scenarios::raft
