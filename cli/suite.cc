// The default job: every spec of the suite over a few seeds. Specs in specs_dir must stay
// valid on every seed; negative specs (specs_dir/negative) switch on a buggy variant and
// pass only when the harness catches the bug within their seed budget.

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "cli/explore.h"
#include "cli/real/host.h"
#include "reports/junit.h"
#include "scenarios/load.h"

namespace cli {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> SpecFiles(const fs::path& dir) {
  std::vector<std::string> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".json") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct Row {
  std::string spec;
  std::string kind;
  size_t seeds = 0;
  bool pass = false;
  std::string result;
  double seconds = 0;
};

// Runs seeds [1, n] of spec on `jobs` threads; stops early once stop(outcome) says so.
std::vector<SeedOutcome> RunSeeds(const scenarios::Spec& spec, uint64_t n, int jobs,
                                  const std::function<bool(const SeedOutcome&)>& stop_on) {
  std::vector<SeedOutcome> outcomes(n);
  std::vector<bool> ran(n, false);
  bool stop = false;
  host::ParallelFor(
      n, jobs,
      [&](size_t i) {
        auto config = std::get<scenarios::RunConfig>(scenarios::ResolveRunConfig(spec, i + 1, {}));
        const auto r = scenarios::RunScenario(config, scenarios::DefaultRegistry());
        outcomes[i].seed = i + 1;
        outcomes[i].exit_code = r.exit_code;
        outcomes[i].outcome = r.outcome;
        for (const auto& v : r.verdicts) {
          if (v.validity == checkers::Validity::kInvalid) outcomes[i].failed.push_back(v.checker);
        }
        outcomes[i].summary_line = r.SummaryLine();
      },
      [&](size_t i) {
        ran[i] = true;
        if (stop_on(outcomes[i])) stop = true;
      },
      [&] { return stop; });
  std::vector<SeedOutcome> out;
  for (size_t i = 0; i < n; ++i) {
    if (ran[i]) out.push_back(outcomes[i]);
  }
  return out;
}

}  // namespace

int CmdSuite(const std::string& specs_dir, int seeds, int jobs, const OutputOptions& out) {
  std::vector<std::pair<std::string, bool>> files;  // (path, negative)
  for (const std::string& f : SpecFiles(specs_dir)) files.emplace_back(f, false);
  for (const std::string& f : SpecFiles(fs::path(specs_dir) / "negative")) files.emplace_back(f, true);
  if (files.empty()) {
    std::cerr << "mallsim: no specs found in " << specs_dir << " (use --specs DIR)\n";
    return 2;
  }
  std::cout << fmt::format("mallsim default suite: {} specs from {}, {} seeds each (negative specs: "
                           "until the bug is caught, within their budget)\n\n", files.size(), specs_dir, seeds);
  std::vector<Row> rows;
  std::vector<reports::JUnitCase> cases;
  for (const auto& [path, negative] : files) {
    auto loaded = scenarios::LoadSpecFile(path);
    if (auto* errors = std::get_if<std::vector<scenarios::SpecError>>(&loaded)) {
      std::cerr << scenarios::FormatErrors(*errors);
      return 2;
    }
    const scenarios::Spec& spec = std::get<scenarios::Spec>(loaded);
    const double start = host::WallSeconds();
    Row row{spec.name, negative ? "negative" : "positive"};
    if (negative) {
      const std::string want = spec.expect && !spec.expect->checker.empty() ? spec.expect->checker : "";
      const int64_t budget = spec.expect && spec.expect->seeds_max > 0 ? spec.expect->seeds_max : 100;
      auto caught = [&](const SeedOutcome& o) {
        return want.empty() ? o.exit_code == 129
                            : std::find(o.failed.begin(), o.failed.end(), want) != o.failed.end();
      };
      const auto outcomes = RunSeeds(spec, static_cast<uint64_t>(budget), jobs, caught);
      row.seeds = outcomes.size();
      std::optional<uint64_t> first;
      for (const SeedOutcome& o : outcomes) {
        if (caught(o) && (!first || o.seed < *first)) first = o.seed;
      }
      row.pass = first.has_value();
      row.result = first ? fmt::format("bug caught by {} at seed {}", want.empty() ? "a checker" : want, *first)
                         : fmt::format("NOT CAUGHT within {} seeds", budget);
    } else {
      const auto outcomes = RunSeeds(spec, static_cast<uint64_t>(seeds), jobs, [](const SeedOutcome&) { return false; });
      row.seeds = outcomes.size();
      const auto bad = std::count_if(outcomes.begin(), outcomes.end(),
                                     [](const SeedOutcome& o) { return o.exit_code != 0; });
      row.pass = bad == 0;
      row.result = bad == 0 ? fmt::format("valid on all {} seeds", outcomes.size())
                            : fmt::format("FAILED on {} of {} seeds", bad, outcomes.size());
      for (const SeedOutcome& o : outcomes) {
        if (o.exit_code != 0) row.result += "\n      " + o.summary_line;
      }
    }
    row.seconds = host::WallSeconds() - start;
    cases.push_back(reports::JUnitCase{"suite", row.spec, row.seconds, !row.pass, row.result, row.result});
    rows.push_back(row);
  }
  size_t width = 4;  // "spec"; the column fits the longest name
  for (const Row& r : rows) width = std::max(width, r.spec.size());
  std::cout << fmt::format("{:<{}} {:<9} {:>6} {:>8}  {}\n", "spec", width, "kind", "seeds", "seconds",
                           "result");
  bool all = true;
  for (const Row& r : rows) {
    std::cout << fmt::format("{:<{}} {:<9} {:>6} {:>8.2f}  {}\n", r.spec, width, r.kind, r.seeds, r.seconds,
                             r.result);
    all &= r.pass;
  }
  std::cout << (all ? "\nsuite passed\n" : "\nsuite FAILED\n");
  if (!out.junit.empty()) {
    std::ofstream f(out.junit);
    reports::WriteJUnit(cases, f);
  }
  return all ? 0 : 129;
}

}  // namespace cli
