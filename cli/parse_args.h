#pragma once
// Command-line parsing shared by mallsim and the benchmarks: CLI11 prints --help or names the
// bad argument; a bad command line exits 2 (bad input, ARCHITECTURE.md §5), --help exits 0.
//
//   if (std::optional<int> exit_code = cli::ParseArgs(app, argc, argv)) return *exit_code;

#include <optional>

#include <CLI/CLI.hpp>

namespace cli {

// nullopt: parsed, go on; otherwise the process's exit code, the message already printed.
inline std::optional<int> ParseArgs(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  return std::nullopt;
}

}  // namespace cli
