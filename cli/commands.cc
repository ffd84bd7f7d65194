#include "cli/commands.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>

#include "checkers/lin/history_json.h"
#include "cli/explore.h"
#include "cli/real/host.h"
#include "reports/junit.h"
#include "scenarios/load.h"
#include "scenarios/spec/schema.h"
#include "scenarios/workloads/raft/raft_checkers.h"

namespace cli {

namespace fs = std::filesystem;

namespace {

constexpr int kBadInput = 2;

std::optional<scenarios::RunConfig> Resolve(const scenarios::Spec& spec, uint64_t seed,
                                            const std::vector<std::string>& overrides) {
  auto r = scenarios::ResolveRunConfig(spec, seed, overrides);
  if (auto* errors = std::get_if<std::vector<scenarios::SpecError>>(&r)) {
    std::cerr << scenarios::FormatErrors(*errors) << "mallsim: bad --set; nothing was run\n";
    return std::nullopt;
  }
  return std::get<scenarios::RunConfig>(std::move(r));
}

scenarios::BudgetFactory WallBudgets() {
  return [](sim::Duration budget) {
    return host::Deadline(static_cast<double>(budget.nanos()) / 1e9);
  };
}

// Writes the JSON report of a run into dir; returns its path ("" when it could not).
std::string WriteReport(const scenarios::RunReport& r, const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  const std::string path = (fs::path(dir) / fmt::format("{}-seed{}.json", r.scenario, r.seed)).string();
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp);
    if (!f) return "";
    f << r.ToJson().dump(2) << '\n';
  }
  fs::rename(tmp, path, ec);  // never leave a half-written report
  return ec ? "" : path;
}

SeedOutcome Outcome(const scenarios::RunReport& r) {
  SeedOutcome o;
  o.seed = r.seed;
  o.exit_code = r.exit_code;
  o.outcome = r.outcome;
  for (const auto& v : r.verdicts) {
    if (v.validity != checkers::Validity::kValid) o.failed.push_back(v.checker);
  }
  o.summary_line = r.SummaryLine();
  return o;
}

void WriteJUnitFile(const std::string& path, const std::vector<reports::JUnitCase>& cases) {
  if (path.empty()) return;
  std::ofstream f(path);
  reports::WriteJUnit(cases, f);
}

reports::JUnitCase JUnitFor(const std::string& scenario, const SeedOutcome& o, double seconds) {
  reports::JUnitCase c{scenario, fmt::format("seed {}", o.seed), seconds, o.exit_code != 0, {}, {}};
  if (c.failed) {
    c.failure_message = o.outcome + (o.failed.empty() ? "" : ": " + fmt::format("{}", fmt::join(o.failed, ", ")));
    c.failure_text = o.summary_line + (o.report_path.empty() ? "" : "\nreport: " + o.report_path);
  }
  return c;
}

class Progress {
 public:
  Progress(size_t total, bool enabled) : total_(total), enabled_(enabled), start_(host::WallSeconds()) {}
  void Update(size_t done, size_t failing) {
    if (!enabled_) return;
    const double rate = static_cast<double>(done) / std::max(1e-9, host::WallSeconds() - start_);
    const bool tty = host::StderrIsTerminal();
    if (!tty && done * 10 / total_ == last_decile_ && done != total_) return;
    last_decile_ = done * 10 / total_;
    const size_t width = 30;
    const size_t fill = done * width / total_;
    std::cerr << fmt::format("{}[{}{}] {}/{} seeds  {} failing  {:.1f} seeds/s{}", tty ? "\r" : "",
                             std::string(fill, '#'), std::string(width - fill, ' '), done, total_,
                             failing, rate, tty ? "" : "\n")
              << std::flush;
    if (tty && done == total_) std::cerr << '\n';
  }

 private:
  size_t total_;
  bool enabled_;
  double start_;
  size_t last_decile_ = 0;
};

}  // namespace

std::optional<scenarios::Spec> LoadOrReport(const std::string& path) {
  auto r = scenarios::LoadSpecFile(path);
  if (auto* errors = std::get_if<std::vector<scenarios::SpecError>>(&r)) {
    const std::string text = scenarios::FormatErrors(*errors);
    std::cerr << text << (text.ends_with('\n') ? "" : "\n");
    std::cerr << fmt::format("mallsim: {} has {} error(s); nothing was run\n", path, errors->size());
    return std::nullopt;
  }
  return std::get<scenarios::Spec>(std::move(r));
}

int CmdList(bool json) {
  const scenarios::RegistryInfo& info = scenarios::DefaultRegistryInfo();
  if (json) {
    std::cout << scenarios::GenerateSchema(info).dump(2) << '\n';
    return 0;
  }
  auto print_entries = [](const char* title, const std::vector<scenarios::EntrySpec>& entries) {
    std::cout << title << ":\n";
    for (const auto& e : entries) {
      std::cout << fmt::format("  {:<26} {}\n", e.name, e.doc);
      for (const auto& p : e.params) {
        std::string range;
        if (p.type == scenarios::ParamType::kEnum) {
          range = fmt::format("one of {}", fmt::join(p.allowed, ", "));
        } else if (p.type != scenarios::ParamType::kBool && p.type != scenarios::ParamType::kNodeList) {
          range = fmt::format("[{}, {}]", p.min, p.max);
        }
        std::cout << fmt::format("      {:<16} {:<9} {:<24} default {}  {}\n", p.name,
                                 scenarios::ParamTypeName(p.type), range,
                                 p.default_value.is_null() ? "(required)" : p.default_value.dump(), p.doc);
      }
    }
  };
  print_entries("workloads", info.workloads);
  print_entries("faults", info.faults);
  print_entries("checkers", info.checkers);
  std::cout << "variants:\n";
  for (const auto& v : info.variants) {
    std::cout << fmt::format("  {:<26} {} (default {})  {}\n", v.name, fmt::join(v.allowed, " | "),
                             v.default_value, v.doc);
  }
  return 0;
}

int CmdSchema(const std::string& out_path) {
  const std::string text = scenarios::GenerateSchema(scenarios::DefaultRegistryInfo()).dump(2) + "\n";
  if (out_path.empty()) {
    std::cout << text;
    return 0;
  }
  std::ofstream f(out_path);
  f << text;
  return f ? 0 : kBadInput;
}

// The run's KV operations (read / write / cas, as raft_kv and raft_nacos record them) in the
// lincheck format. False, with a message and no file, when there are none or it cannot write.
bool WriteLinHistory(const scenarios::RunReport& r, const std::string& workload,
                     const std::string& path) {
  std::vector<uint64_t> origin;
  const checkers::lin::History h = scenarios::raft::ToLinHistory(*r.history, &origin);
  if (h.ops.empty()) {
    std::cerr << fmt::format(
        "mallsim: --history-out: the run of workload '{}' recorded no key-value operations "
        "(read, write, cas); workloads raft_kv and raft_nacos record them. Nothing written.\n",
        workload);
    return false;
  }
  sim::Result<void> written = checkers::lin::WriteHistoryFile(path, h);
  if (!written.ok()) {
    std::cerr << "mallsim: --history-out: " << written.error().ToString() << '\n';
    return false;
  }
  return true;
}

int CmdRun(const std::string& spec_path, uint64_t seed, const std::vector<std::string>& overrides,
           const OutputOptions& out, const std::string& trace_out,
           const std::string& history_out) {
  auto spec = LoadOrReport(spec_path);
  if (!spec) return kBadInput;
  auto config = Resolve(*spec, seed, overrides);
  if (!config) return kBadInput;
  config->record_trace = !trace_out.empty();
  config->keep_history = !history_out.empty();
  if (!out.json) {
    std::cout << fmt::format("mallsim run {} seed {}\n", spec_path, seed);
    for (const std::string& line : scenarios::ResolvedLines(*config)) std::cout << "  " << line << '\n';
  }
  const double start = host::WallSeconds();
  scenarios::RunReport r = scenarios::RunScenario(*config, scenarios::DefaultRegistry(), WallBudgets());
  const double seconds = host::WallSeconds() - start;
  if (!trace_out.empty()) {
    std::ofstream f(trace_out);
    for (const std::string& line : r.trace) f << line << '\n';
  }
  if (!history_out.empty() && !WriteLinHistory(r, config->workload, history_out)) {
    return kBadInput;
  }
  SeedOutcome o = Outcome(r);
  if (r.exit_code != 0) o.report_path = WriteReport(r, out.out_dir);
  if (out.json) {
    std::cout << r.ToJson().dump(2) << '\n';
  } else {
    for (const auto& v : r.verdicts) {
      std::cout << fmt::format("  {:<28} {:<8} {}\n", v.checker, checkers::ValidityName(v.validity), v.summary);
      for (const std::string& line : v.context) std::cout << "      " << line << '\n';
    }
    if (!r.message.empty()) std::cout << "  " << r.message << '\n';
    std::cout << r.SummaryLine() << '\n';
    if (!o.report_path.empty()) std::cout << "report: " << o.report_path << '\n';
    std::cout << "reproduce: " << r.repro << '\n';
  }
  WriteJUnitFile(out.junit, {JUnitFor(r.scenario, o, seconds)});
  return r.exit_code;
}

int CmdExplore(const std::string& spec_path, const std::string& seeds_text, int jobs,
               const std::string& shard_text, bool stop_at_first,
               const std::vector<std::string>& overrides, const OutputOptions& out) {
  std::string error;
  const auto range = ParseSeedRange(seeds_text, &error);
  const auto shard = shard_text.empty() ? std::optional<Shard>(Shard{}) : ParseShard(shard_text, &error);
  if (!range || !shard) {
    std::cerr << "mallsim explore: " << error << '\n';
    return kBadInput;
  }
  auto spec = LoadOrReport(spec_path);
  if (!spec) return kBadInput;
  if (!Resolve(*spec, range->first, overrides)) return kBadInput;  // validate --set once
  const std::vector<uint64_t> seeds = ShardSeeds(*range, *shard);
  std::vector<SeedOutcome> outcomes(seeds.size());
  std::vector<double> seconds(seeds.size(), 0);
  std::vector<bool> ran(seeds.size(), false);
  size_t done = 0, failing = 0;
  bool stop = false;
  Progress progress(seeds.size(), !out.json);
  const double start = host::WallSeconds();
  host::ParallelFor(
      seeds.size(), jobs,
      [&](size_t i) {
        const double t0 = host::WallSeconds();
        auto config = std::get<scenarios::RunConfig>(scenarios::ResolveRunConfig(*spec, seeds[i], overrides));
        const scenarios::RunReport r = scenarios::RunScenario(config, scenarios::DefaultRegistry(), WallBudgets());
        outcomes[i] = Outcome(r);
        if (r.exit_code != 0) outcomes[i].report_path = WriteReport(r, out.out_dir);
        seconds[i] = host::WallSeconds() - t0;
      },
      [&](size_t i) {
        ran[i] = true;
        ++done;
        if (outcomes[i].exit_code != 0) {
          ++failing;
          if (stop_at_first) stop = true;
        }
        progress.Update(done, failing);
      },
      [&] { return stop; });
  ExploreSummary summary;
  summary.spec = spec_path;
  summary.scenario = spec->name;
  summary.wall_seconds = host::WallSeconds() - start;
  std::vector<reports::JUnitCase> cases;
  for (size_t i = 0; i < seeds.size(); ++i) {
    if (!ran[i]) continue;
    summary.seeds.push_back(outcomes[i]);
    cases.push_back(JUnitFor(spec->name, outcomes[i], seconds[i]));
  }
  if (out.json) {
    std::cout << summary.ToJson().dump(2) << '\n';
  } else {
    summary.PrintTable(std::cout);
    if (auto first = summary.first_failing_seed()) {
      for (const SeedOutcome& o : summary.seeds) {
        if (o.seed != *first) continue;
        std::cout << "  first failure: " << o.summary_line << '\n';
        if (!o.report_path.empty()) std::cout << "  report: " << o.report_path << '\n';
        std::cout << fmt::format("  reproduce: mallsim run {} --seed {}\n", spec_path, o.seed);
      }
    }
  }
  WriteJUnitFile(out.junit, cases);
  return summary.ExitCode();
}

int CmdReplay(const std::string& report_path) {
  std::ifstream f(report_path);
  if (!f) {
    std::cerr << "mallsim replay: cannot read " << report_path << '\n';
    return kBadInput;
  }
  nlohmann::json j = nlohmann::json::parse(f, nullptr, false);
  if (j.is_discarded() || !j.contains("spec") || !j.contains("seed") || !j.contains("fingerprint")) {
    std::cerr << "mallsim replay: " << report_path
              << " is not a run report (needs keys spec, seed, overrides, fingerprint)\n";
    return kBadInput;
  }
  const std::vector<std::string> overrides = j.value("overrides", std::vector<std::string>{});
  auto spec = LoadOrReport(j.at("spec").get<std::string>());
  if (!spec) return kBadInput;
  auto config = Resolve(*spec, j.at("seed").get<uint64_t>(), overrides);
  if (!config) return kBadInput;
  const scenarios::RunReport r = scenarios::RunScenario(*config, scenarios::DefaultRegistry(), WallBudgets());
  std::cout << r.SummaryLine() << '\n';
  const std::string expected = j.at("fingerprint").get<std::string>();
  const std::string got = fmt::format("{:016x}", r.fingerprint);
  if (got != expected) {
    std::cout << fmt::format("replay DIFFERS: fingerprint {} now, {} in the report (the code or the "
                             "spec changed, or the run is not deterministic)\n", got, expected);
    return 127;
  }
  std::cout << "replay identical: fingerprint " << got << ", outcome " << r.outcome << '\n';
  return r.exit_code;
}

int CmdCheckDeterminism(const std::string& spec_path, const std::string& seeds_text,
                        const std::vector<std::string>& overrides) {
  std::string error;
  const auto range = ParseSeedRange(seeds_text, &error);
  if (!range) {
    std::cerr << "mallsim check-determinism: " << error << '\n';
    return kBadInput;
  }
  auto spec = LoadOrReport(spec_path);
  if (!spec) return kBadInput;
  int code = 0;
  for (uint64_t seed = range->first; seed <= range->last; ++seed) {
    auto config = Resolve(*spec, seed, overrides);
    if (!config) return kBadInput;
    config->record_trace = true;
    const auto a = scenarios::RunScenario(*config, scenarios::DefaultRegistry());
    const auto b = scenarios::RunScenario(*config, scenarios::DefaultRegistry());
    if (a.fingerprint == b.fingerprint && a.trace == b.trace) {
      std::cout << fmt::format("seed {}: deterministic ({} trace events, fingerprint {:016x})\n", seed,
                               a.trace.size(), a.fingerprint);
      continue;
    }
    code = 127;
    size_t i = 0;
    while (i < a.trace.size() && i < b.trace.size() && a.trace[i] == b.trace[i]) ++i;
    std::cout << fmt::format("seed {}: NONDETERMINISTIC, first differing trace event #{}\n", seed, i);
    std::cout << "  run 1: " << (i < a.trace.size() ? a.trace[i] : "(no event)") << '\n';
    std::cout << "  run 2: " << (i < b.trace.size() ? b.trace[i] : "(no event)") << '\n';
  }
  return code;
}

int CmdMerge(const std::vector<std::string>& results, const OutputOptions& out) {
  std::vector<ExploreSummary> parts;
  for (const std::string& path : results) {
    std::ifstream f(path);
    nlohmann::json j = nlohmann::json::parse(f, nullptr, false);
    std::string error = "not valid JSON";
    std::optional<ExploreSummary> s = j.is_discarded() ? std::nullopt : ExploreSummary::FromJson(j, &error);
    if (!s) {
      std::cerr << "mallsim merge: " << path << ": " << error << '\n';
      return kBadInput;
    }
    parts.push_back(std::move(*s));
  }
  std::string error;
  auto merged = Merge(parts, &error);
  if (!merged) {
    std::cerr << "mallsim " << error << '\n';
    return kBadInput;
  }
  if (out.json) {
    std::cout << merged->ToJson().dump(2) << '\n';
  } else {
    merged->PrintTable(std::cout);
  }
  return merged->ExitCode();
}

}  // namespace cli
