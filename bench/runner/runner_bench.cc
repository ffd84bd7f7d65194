// Runner benchmark: seeds per second of the reserve_swarm spec with 1 and 2 jobs (one world
// per core), printed as `metric value unit`.

#include <cstdio>
#include <variant>

#include "cli/real/host.h"
#include "scenarios/load.h"

int main(int argc, char** argv) {
  const std::string spec_path = argc > 1 ? argv[1] : MALLSIM_SOURCE_DIR "/scenarios/specs/reserve_swarm.json";
  auto loaded = scenarios::LoadSpecFile(spec_path);
  if (!std::holds_alternative<scenarios::Spec>(loaded)) {
    std::fprintf(stderr, "runner_bench: cannot load %s\n", spec_path.c_str());
    return 2;
  }
  const scenarios::Spec& spec = std::get<scenarios::Spec>(loaded);
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
