// mallsim: the command-line entry point. Exit codes (ARCHITECTURE.md §5): 0 valid,
// 1 inconclusive (a checker answered unknown), 2 bad input, 127 harness crash, SIM_ASSERT or
// nondeterminism, 128 liveness, 129 safety violation.

#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>
#include <optional>

#include "checkers/lin/real/lincheck_command.h"
#include "cli/commands.h"
#include "cli/demo.h"
#include "cli/parse_args.h"
#include "cli/real/host.h"

namespace {

std::string DefaultSpecsDir() {
  if (std::filesystem::is_directory("scenarios/specs")) return "scenarios/specs";
  return MALLSIM_SOURCE_DIR "/scenarios/specs";
}

void AddOutputOptions(CLI::App* cmd, cli::OutputOptions* out) {
  cmd->add_option("--out", out->out_dir, "Directory for the JSON reports of failing runs")
      ->capture_default_str();
  cmd->add_option("--junit", out->junit, "Also write JUnit XML to this file");
  cmd->add_flag("--json", out->json, "Print machine-readable JSON on stdout");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "mallsim: deterministic simulation and fault injection for a distributed e-commerce mall.\n"
      "With no command, runs the default suite (every spec in scenarios/specs over a few seeds)."};
  app.require_subcommand(0, 1);

  std::string specs_dir = DefaultSpecsDir();
  int suite_seeds = 3;
  int jobs = cli::host::HardwareJobs();
  cli::OutputOptions suite_out;
  app.add_option("--specs", specs_dir, "Suite directory for the default job")->capture_default_str();
  app.add_option("--seeds-per-spec", suite_seeds, "Seeds per positive spec in the default job")
      ->check(CLI::Range(1, 100000))->capture_default_str();
  app.add_option("--jobs", jobs, "Parallel worlds (one per core)")->check(CLI::Range(1, 1024));
  app.add_option("--junit", suite_out.junit, "Write JUnit XML for the default job");

  bool list_json = false;
  CLI::App* list = app.add_subcommand("list", "List workloads, faults, checkers and variants");
  list->add_flag("--json", list_json, "Print the spec JSON Schema (with every registered name)");

  std::string schema_out;
  CLI::App* schema = app.add_subcommand("schema", "Print (or write) the JSON Schema of scenario specs");
  schema->add_option("--out", schema_out, "Write it to this file");

  std::string spec;
  uint64_t seed = 1;
  std::vector<std::string> sets;
  std::string trace_out;
  cli::OutputOptions out;
  CLI::App* run = app.add_subcommand("run", "Run one spec with one seed");
  run->add_option("SPEC", spec, "Scenario spec (JSON)")->required();
  run->add_option("--seed", seed, "Seed (decides every random choice of the run)")->capture_default_str();
  run->add_option("--set", sets, "Override a spec value: key=value (e.g. workload.params.clients=4)");
  run->add_option("--trace-out", trace_out, "Write every trace event to this file");
  std::string history_out;
  run->add_option("--history-out", history_out,
                  "Write the run's key-value history in the lincheck format (raft_kv, raft_nacos)");
  AddOutputOptions(run, &out);

  std::string seeds = "1..100";
  std::string shard;
  bool stop_at_first = false;
  CLI::App* explore = app.add_subcommand("explore", "Run one spec over a range of seeds");
  explore->add_option("SPEC", spec, "Scenario spec (JSON)")->required();
  explore->add_option("--seeds", seeds, "Seed range A..B (inclusive)")->capture_default_str();
  explore->add_option("--jobs", jobs, "Parallel worlds (one per core)")->check(CLI::Range(1, 1024));
  explore->add_option("--shard", shard, "Run only shard K of N of the seed range (K/N)");
  explore->add_flag("--stop-at-first", stop_at_first, "Stop at the first failing seed");
  explore->add_option("--set", sets, "Override a spec value: key=value");
  AddOutputOptions(explore, &out);

  std::string report;
  CLI::App* replay = app.add_subcommand("replay", "Re-run the run a JSON report describes");
  replay->add_option("REPORT", report, "A report written by run or explore")->required();

  CLI::App* determinism = app.add_subcommand("check-determinism", "Run each seed twice and compare");
  determinism->add_option("SPEC", spec, "Scenario spec (JSON)")->required();
  determinism->add_option("--seeds", seeds, "Seed range A..B")->capture_default_str();
  determinism->add_option("--set", sets, "Override a spec value: key=value");

  std::vector<std::string> results;
  CLI::App* merge = app.add_subcommand("merge", "Merge explore --json results (e.g. of shards)");
  merge->add_option("RESULT", results, "explore --json outputs")->required();
  merge->add_flag("--json", out.json, "Print the merged result as JSON");

  std::string history;
  double lin_budget_s = 60;
  CLI::App* lincheck = app.add_subcommand("lincheck", "Check a history for linearizability");
  lincheck->add_option("FILE", history, "History JSON (see README)")->required();
  lincheck->add_option("--budget", lin_budget_s, "Seconds before answering unknown")->capture_default_str();

  cli::DemoOptions demo;
  CLI::App* demo_cmd = app.add_subcommand(
      "demo", "Clients reserve stock through an RPC service across a partition and a crash");
  demo_cmd->add_option("--seed", demo.seed, "Seed of the run");
  demo_cmd->add_option("--trace-out", demo.trace_out, "Write every trace event as JSON Lines");
  demo_cmd->add_option("--history-out", demo.history_out, "Write the history as JSON Lines");

  if (std::optional<int> exit_code = cli::ParseArgs(app, argc, argv)) return *exit_code;
  if (list->parsed()) return cli::CmdList(list_json);
  if (schema->parsed()) return cli::CmdSchema(schema_out);
  if (run->parsed()) return cli::CmdRun(spec, seed, sets, out, trace_out, history_out);
  if (explore->parsed()) return cli::CmdExplore(spec, seeds, jobs, shard, stop_at_first, sets, out);
  if (replay->parsed()) return cli::CmdReplay(report);
  if (determinism->parsed()) return cli::CmdCheckDeterminism(spec, seeds, sets);
  if (merge->parsed()) return cli::CmdMerge(results, out);
  if (lincheck->parsed()) return checkers::lin::RunLincheckCommand(history, lin_budget_s, std::cout);
  if (demo_cmd->parsed()) return cli::RunDemo(demo, std::cout);
  return cli::CmdSuite(specs_dir, suite_seeds, jobs, suite_out);
}
