// mallsim: the command-line entry point. Exit codes (ARCHITECTURE.md §5): 0 valid, 2 bad
// input, 127 harness crash or SIM_ASSERT, 128 liveness, 129 safety violation.

#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/demo.h"

int main(int argc, char** argv) {
  CLI::App app{
      "mallsim: deterministic simulation and fault injection for a distributed e-commerce mall.\n"
      "With no command, runs the default job (currently the kernel demo)."};
  app.require_subcommand(0, 1);

  cli::DemoOptions demo;
  CLI::App* demo_cmd = app.add_subcommand(
      "demo", "Clients reserve stock through an RPC service across a partition and a crash");
  demo_cmd->add_option("--seed", demo.seed, "Seed of the run (decides everything)");
  demo_cmd->add_option("--trace-out", demo.trace_out, "Write every trace event as JSON Lines");
  demo_cmd->add_option("--history-out", demo.history_out, "Write the history as JSON Lines");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (app.get_subcommands().empty() || demo_cmd->parsed()) return cli::RunDemo(demo, std::cout);
  return 0;
}
