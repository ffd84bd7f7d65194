// lin_gen: writes a generated history as JSON, so `mallsim lincheck FILE.json` can be run on
// the benchmark shapes or on custom ones. Linearizable by construction unless --corrupt.
//   lin_gen --shape register_10c_10k --out h.json
//   lin_gen --model kv --clients 5 --ops 1000 --keys 3 --cas-percent 10 --seed 7 --out h.json

#include <iostream>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "bench/lin/shapes.h"
#include "checkers/lin/history_json.h"
#include "cli/parse_args.h"

int main(int argc, char** argv) {
  CLI::App app{"lin_gen: generate a register/KV history as JSON"};
  std::string shape_name;
  std::string model = "register";
  std::string out;
  bool corrupt = false;
  checkers::lin::GenOptions options;
  app.add_option("--shape", shape_name, "a lin_bench shape (overrides the other options)");
  app.add_option("--model", model, "register or kv")->check(CLI::IsMember({"register", "kv"}));
  app.add_option("--clients", options.clients_count);
  app.add_option("--ops", options.ops_count);
  app.add_option("--keys", options.keys_count);
  app.add_option("--read-percent", options.read_percent);
  app.add_option("--cas-percent", options.cas_percent);
  app.add_option("--unknown-percent", options.unknown_percent);
  app.add_option("--seed", options.seed);
  app.add_flag("--corrupt", corrupt, "make one read stale (not linearizable)");
  app.add_option("--out", out, "output file")->required();
  if (std::optional<int> exit_code = cli::ParseArgs(app, argc, argv)) return *exit_code;
  if (!shape_name.empty()) {
    auto shape = bench::lin::FindShape(shape_name);
    if (!shape) {
      std::cerr << "lin_gen: unknown shape " << shape_name << "\n";
      return 2;
    }
    options = shape->options;
    corrupt = corrupt || shape->corrupt;
  } else {
    options.model = model == "kv" ? checkers::lin::ModelKind::kKv
                                  : checkers::lin::ModelKind::kRegister;
  }
  checkers::lin::History history = checkers::lin::GenerateHistory(options);
  if (corrupt) {
    auto index = checkers::lin::CorruptOneRead(&history);
    if (!index) {
      std::cerr << "lin_gen: no read could be corrupted\n";
      return 2;
    }
    std::cerr << "lin_gen: corrupted op " << *index << "\n";
  }
  auto written = checkers::lin::WriteHistoryFile(out, history);
  if (!written.ok()) {
    std::cerr << "lin_gen: " << written.error().detail << "\n";
    return 2;
  }
  return 0;
}
