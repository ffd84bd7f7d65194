// Runner benchmark: seeds per second of the reserve_swarm spec with 1 and 2 jobs (one world
// per core), printed as `metric value unit`.

#include <cstdio>
#include <optional>
#include <string>
#include <variant>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "bench/host.h"
#include "cli/parse_args.h"
#include "cli/real/host.h"
#include "scenarios/load.h"

int main(int argc, char** argv) {
  CLI::App app{"runner_bench: seeds per second of a spec on one and two threads; prints "
               "`metric value unit` lines"};
  std::string spec_path = MALLSIM_SOURCE_DIR "/scenarios/specs/reserve_swarm.json";
  app.add_option("spec", spec_path, "the spec to run")->capture_default_str();
  if (std::optional<int> exit_code = cli::ParseArgs(app, argc, argv)) return *exit_code;
  const std::optional<scenarios::Spec> loaded = cli::LoadOrReport(spec_path);
  if (!loaded) return 2;
  bench::PrintHost();
  const scenarios::Spec& spec = *loaded;
  constexpr size_t kSeeds = 200;
  for (int jobs : {1, 2}) {
    const double start = cli::host::WallSeconds();
    cli::host::ParallelFor(
        kSeeds, jobs,
        [&](size_t i) {
          auto c = std::get<scenarios::RunConfig>(scenarios::ResolveRunConfig(spec, i + 1, {}));
          (void)scenarios::RunScenario(c, scenarios::DefaultRegistry());
        },
        [](size_t) {}, [] { return false; });
    const double secs = cli::host::WallSeconds() - start;
    std::printf("runner.seeds_per_s.jobs%d %.1f seeds/s\n", jobs, kSeeds / secs);
  }
  return 0;
}
