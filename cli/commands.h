#pragma once
// The mallsim commands. Each returns the process exit code (ARCHITECTURE.md §5): 0 valid,
// 1 inconclusive (a checker answered unknown), 2 bad input, 127 harness error or
// nondeterminism, 128 liveness, 129 safety violation.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/spec/spec.h"

namespace cli {

struct OutputOptions {
  std::string out_dir = "mallsim-reports";  // JSON reports of failing runs
  std::string junit;                        // JUnit XML file, if set
  bool json = false;                        // machine-readable stdout
};

// Loads and validates a spec; on errors prints every one (file:line: message) and returns
// nullopt.
std::optional<scenarios::Spec> LoadOrReport(const std::string& path);

int CmdList(bool json);
int CmdSchema(const std::string& out_path);
// `history_out`: the run's key-value operations written in the `lincheck` format.
int CmdRun(const std::string& spec, uint64_t seed, const std::vector<std::string>& overrides,
           const OutputOptions& out, const std::string& trace_out,
           const std::string& history_out);
int CmdExplore(const std::string& spec, const std::string& seeds, int jobs,
               const std::string& shard, bool stop_at_first,
               const std::vector<std::string>& overrides, const OutputOptions& out);
int CmdReplay(const std::string& report_path);
int CmdCheckDeterminism(const std::string& spec, const std::string& seeds,
                        const std::vector<std::string>& overrides);
int CmdMerge(const std::vector<std::string>& results, const OutputOptions& out);
// The default job: every spec in specs_dir (and its negative/ folder) over a few seeds.
int CmdSuite(const std::string& specs_dir, int seeds, int jobs, const OutputOptions& out);

}  // namespace cli
