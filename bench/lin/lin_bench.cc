// lin_bench: times the linearizability checker on generated histories and prints one figure
// per line as `metric value unit`.
//
// Shapes (shapes.h) follow the Porcupine reference figures taken on this 2-core machine:
// register 10 clients 10k ops 1.2 s / 0.8 GB; 100k ops out of memory at 20 GB; 50 clients
// 500 ops no answer in 120 s; KV 10 keys 100k ops 0.2 s; a 10k-op register history with one
// corrupted read 3.5 s to find it. Every shape is run with the default algorithm choice
// (`auto`: the unique-value algorithm where it applies) and with the general search forced
// (`.general`), so both figures are visible. Peak RSS is VmHWM, reset before each run through
// /proc/self/clear_refs. The process exits 1 if any verdict differs from the expected one
// (`unknown` from the forced general search under its time limit is reported, not a failure).

#include <chrono>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "bench/lin/shapes.h"
#include "checkers/lin/checker.h"
#include "bench/host.h"
#include "cli/parse_args.h"

namespace {

using checkers::lin::Algorithm;
using checkers::lin::Budget;
using checkers::lin::CheckOptions;
using checkers::lin::CheckResult;
using checkers::lin::Verdict;
using Clock = std::chrono::steady_clock;

void ResetPeakRss() {
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
}

// Peak resident set size in bytes (VmHWM), 0 if unavailable.
uint64_t PeakRssBytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
  }
  return 0;
}

void Print(const std::string& metric, double value, const std::string& unit) {
  std::cout << fmt::format("{} {:.6g} {}\n", metric, value, unit) << std::flush;
}

struct Run {
  CheckResult result;
  double seconds = 0;
  uint64_t rss_bytes = 0;
};

Run TimedCheck(const checkers::lin::History& history, const CheckOptions& options,
               double seconds_max) {
  ResetPeakRss();
  Budget budget;
  budget.steps_max = UINT64_MAX;
  budget.memory_bytes_max = 1536ULL << 20;
  const Clock::time_point start = Clock::now();
  const Clock::time_point deadline =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                  seconds_max));
  budget.out_of_time = [deadline] { return Clock::now() >= deadline; };
  Run run;
  run.result = checkers::lin::Check(history, budget, options).value();  // generated: valid
  run.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  run.rss_bytes = PeakRssBytes();
  return run;
}

// Prints the figures of one run; returns false if the verdict is wrong.
bool Report(const std::string& prefix, const Run& run, Verdict expected, bool unknown_allowed) {
  const size_t ops = run.result.ops_count;
  Print(prefix + ".seconds", run.seconds, "s");
  Print(prefix + ".ops_checked_per_s", run.seconds > 0 ? ops / run.seconds : 0, "ops/s");
  Print(prefix + ".peak_rss", static_cast<double>(run.rss_bytes) / (1 << 20), "MiB");
  Print(prefix + ".memo_bytes", static_cast<double>(run.result.cache_bytes_peak) / (1 << 20),
        "MiB");
  Print(prefix + ".verdict_" + std::string(VerdictName(run.result.verdict)), 1, "bool");
  if (run.result.verdict == Verdict::kIllegal) {
    Print(prefix + ".window_ops", static_cast<double>(run.result.window.size()), "ops");
  }
  if (run.result.verdict == expected) return true;
  if (unknown_allowed && run.result.verdict == Verdict::kUnknown) return true;
  std::cerr << fmt::format("{}: verdict {} but expected {}\n", prefix,
                           VerdictName(run.result.verdict), VerdictName(expected));
  return false;
}

bool BenchShape(const bench::lin::Shape& shape, double general_seconds_max) {
  checkers::lin::History history = checkers::lin::GenerateHistory(shape.options);
  if (shape.corrupt && !checkers::lin::CorruptOneRead(&history)) {
    std::cerr << shape.name << ": no read to corrupt\n";
    return false;
  }
  const Verdict expected = shape.corrupt ? Verdict::kIllegal : Verdict::kOk;
  const std::string prefix = "lin." + shape.name;
  bool good = true;
  for (const Algorithm algorithm : {Algorithm::kAuto, Algorithm::kGeneral}) {
    const bool general = algorithm == Algorithm::kGeneral;
    const std::string name = general ? prefix + ".general" : prefix;
    const double seconds_max = general ? general_seconds_max : 60;
    CheckOptions options;
    options.algorithm = algorithm;
    if (shape.corrupt) {
      // Time to detection alone, then detection plus the minimal window.
      options.minimise_window = false;
      good &= Report(name + ".detect", TimedCheck(history, options, seconds_max), expected,
                     general);
      options.minimise_window = true;
    }
    good &= Report(name, TimedCheck(history, options, seconds_max), expected, general);
  }
  return good;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"lin_bench: linearizability checker benchmark"};
  std::string only;
  double general_seconds_max = 10;
  app.add_option("--shape", only, "run only this shape");
  app.add_option("--general-seconds", general_seconds_max,
                 "time limit of the forced general search per shape");
  if (std::optional<int> exit_code = cli::ParseArgs(app, argc, argv)) return *exit_code;
  bench::PrintHost();
  bool good = true;
  for (const bench::lin::Shape& shape : bench::lin::Shapes()) {
    if (!only.empty() && shape.name != only) continue;
    good &= BenchShape(shape, general_seconds_max);
  }
  return good ? 0 : 1;
}
