#pragma once
// The checkers of the raft_nacos workload (the Raft KV as the mall's config center and
// registry, nacos_workload.h), and the value formats they share with it.
//   config.monotonic_reads  no instance's config poll returns a version older than one it
//                           read before (the applied config never rolls back)
//   config.converged        after the heal every instance has applied the committed config
//   registry.membership     each service's committed instance list holds exactly the
//                           instances that believe themselves registered

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "checkers/checker.h"

namespace scenarios::raft {

inline constexpr const char* kNacosConfigKey = "config/gulimall.properties";
inline constexpr const char* kNacosNamingPrefix = "naming/";

// "v<N>" -> N; an absent config, or a value of another form, is version 0.
int64_t ConfigVersion(const std::optional<std::string>& value);
// A registry list: instance names, sorted, comma-separated; absent and "" are empty.
std::vector<std::string> SplitInstanceList(const std::optional<std::string>& value);
std::string JoinInstanceList(const std::vector<std::string>& names);

std::unique_ptr<checkers::Checker> MakeConfigMonotonicChecker();
std::unique_ptr<checkers::Checker> MakeConfigConvergedChecker();
std::unique_ptr<checkers::Checker> MakeRegistryMembershipChecker();

}  // namespace scenarios::raft
