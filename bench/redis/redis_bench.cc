// Redis benchmark: prints one figure per line as `metric value unit`.
//   redis.e2e_commands_per_s        kClients client tasks on kClientNodes nodes, each with its own
//                                   SimRedisClient connection, looping on a SET / GET / INCR mix
//                                   (40 / 40 / 20) over kKeys keys through the typed helpers:
//                                   client task -> simulated network -> RedisServer -> RedisModel
//                                   -> reply; wall-clock commands per second
//   redis.e2e_virtual_commands_per_s the same run's commands per second of virtual time
//   redis.e2e_exec_commands_per_s   the same clients sending the mix as MULTI/EXEC batches of
//                                   kBatch commands (one RPC each): commands per second
//   redis.model_commands_per_s      the model alone: the same mix on RedisModel::Execute
//   *_per_cpu_s                     the same figures over the process's CPU time instead of
//                                   steady_clock time: on a shared, loaded machine the wall
//                                   figures understate what one core does
// Wall-clock time is measured here, in the benchmark, never inside the simulation. The
// end-to-end parts run kRepeats times, each in a fresh world, and print the median run (by its
// wall figure) with each run's figures on stderr: on a shared machine one run's wall rate
// swings by 15-20% either way.
// `redis_bench --short` runs a tenth of the work, `--profile` a fiftieth in one run (for
// callgrind); `--only=e2e|exec|model` runs one part; `--help` says so.
// Where an end-to-end command's time goes (callgrind --cache-sim, --profile run): about 4,100
// instructions in a flat profile, and about 47 first-level data-cache misses. With kClients
// calls in flight, the parts one command touches (its client's coroutine frames, its message
// slots and payloads, its pending-call entry, its key) have gone cold since its last command,
// so the misses, not the instructions, bound the rate. Profile-guided optimisation trained on
// mallsim's default suite left the rate unchanged (within noise); only a profile of this
// benchmark itself raised it, which would measure code tuned on the measurement. Clang 14 and
// transparent huge pages for the heap left it within noise too; -Os cut it by a quarter.
// Dropping Debian GCC's default -fcf-protection (an endbr64 at every function entry) and the
// PLT (-fno-plt) saved 0.2% of the instructions and 2% of the instruction-cache misses of a
// --profile run: not worth a build flag. A non-PIE link fails under GCC 12 (coroutine frames'
// destroy functions referenced from a discarded comdat section). Filing whole 48-byte events
// in the scheduler's radix heap, instead of 16-byte keys beside a slab of actions, cost 2% more
// instructions and 7% more first-level data-cache misses (the keys are filed again on their
// way down the levels, and each move now writes three times the bytes).
// The host moves the figure far more than any of these levers: the same binary, with the same
// instruction count under callgrind, measured 0.87-0.91M commands per second on one host of
// this workplace and 2.1-2.3M on another (Xeon, family 6 model 167). Every benchmark names
// its host on stderr (bench/host.h) so that figures are compared beside it.

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "bench/host.h"
#include "cli/parse_args.h"
#include "models/redis/redis_model.h"
#include "models/redis/redis_server.h"
#include "models/redis/sim_redis_client.h"
#include "sim/assert.h"
#include "sim/world.h"

using namespace sim::literals;

namespace {

using models::redis::Argv;
using models::redis::RedisModel;

constexpr int kClientNodes = 10;
constexpr int kClients = 500;
constexpr int kKeys = 10'000;
constexpr int kBatch = 10;
constexpr int kRepeats = 3;  // end-to-end runs per figure: the median is printed
constexpr sim::Port kPort = 6379;

// Wall and CPU time since construction.
struct Stopwatch {
  std::chrono::steady_clock::time_point wall = std::chrono::steady_clock::now();
  std::clock_t cpu = std::clock();
  double WallSeconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - wall).count();
  }
  double CpuSeconds() const {
    return static_cast<double>(std::clock() - cpu) / CLOCKS_PER_SEC;
  }
};

struct Rates {
  double wall = 0;
  double cpu = 0;
  double virtual_time = 0;
};

void Print(const char* metric, double value, const char* unit) {
  std::printf("%s %.0f %s\n", metric, value, unit);
}

constexpr int kCounterKeys = 100;

// The text of a key, "<prefix><i>". The benchmark's own bookkeeping: formatting it per command
// costs less than reading it from a table of kKeys strings, which missed the cache on most
// commands. The client still builds its own std::string from it, as it copied a table entry.
class KeyText {
 public:
  KeyText(std::string_view prefix, uint64_t i) {
    SIM_ASSERT_LE(prefix.size(), kPrefixMax);
    std::copy(prefix.begin(), prefix.end(), text_.begin());
    const auto [end, error] = std::to_chars(text_.data() + prefix.size(),
                                            text_.data() + text_.size(), i);
    SIM_ASSERT(error == std::errc());
    size_ = static_cast<size_t>(end - text_.data());
  }
  std::string str() const { return std::string(text_.data(), size_); }

 private:
  static constexpr size_t kPrefixMax = 8;
  std::array<char, kPrefixMax + 20> text_{};  // 20: the digits of any uint64_t
  size_t size_ = 0;
};

// kKeys keys "bench:<i>", and kCounterKeys keys "nbench:<i>" that only INCR touches.
KeyText PickKey(sim::Rng& rng) { return KeyText("bench:", rng.Below(kKeys)); }
KeyText PickCounterKey(sim::Rng& rng) { return KeyText("nbench:", rng.Below(kCounterKeys)); }

struct Counter {
  uint64_t ok = 0;
  uint64_t failed = 0;
};

void Count(Counter* c, bool ok) { ++(ok ? c->ok : c->failed); }

sim::Task<void> SingleCommands(sim::Env env, sim::Endpoint server, Counter* counter) {
  models::redis::SimRedisClient client(env, server, 1_s);
  for (;;) {
    const KeyText key = PickKey(env.rng());
    const uint64_t pick = env.rng().Below(10);
    if (pick < 4) {
      Count(counter, (co_await client.Set(key.str(), "value")).ok());
    } else if (pick < 8) {
      Count(counter, (co_await client.Get(key.str())).ok());
    } else {
      Count(counter, (co_await client.Incr(PickCounterKey(env.rng()).str())).ok());
    }
  }
}

Argv MixCommand(sim::Rng& rng) {
  const KeyText key = PickKey(rng);
  const uint64_t pick = rng.Below(10);
  if (pick < 4) return {"SET", key.str(), "value"};
  if (pick < 8) return {"GET", key.str()};
  return {"INCR", PickCounterKey(rng).str()};
}

sim::Task<void> Batches(sim::Env env, sim::Endpoint server, Counter* counter) {
  models::redis::SimRedisClient client(env, server, 1_s);
  for (;;) {
    std::vector<Argv> batch;
    for (int i = 0; i < kBatch; ++i) batch.push_back(MixCommand(env.rng()));
    const bool ok = (co_await client.Exec(std::move(batch))).ok();
    counter->ok += ok ? kBatch : 0;
    counter->failed += ok ? 0 : kBatch;
  }
}

using ClientFn = sim::Task<void> (*)(sim::Env, sim::Endpoint, Counter*);

Rates RunE2e(ClientFn client_fn, uint64_t commands) {
  sim::WorldOptions options;
  options.buggify = false;
  sim::World w(1, options);
  RedisModel model;
  sim::Node& server = w.AddNode("redis", [&model](sim::Env env) {
    models::redis::BootRedisServer(env, &model, models::redis::RedisServerConfig{});
  });
  const sim::Endpoint endpoint{server.id(), kPort};
  Counter counter;
  std::vector<sim::Node*> apps;
  for (int i = 0; i < kClientNodes; ++i) apps.push_back(&w.AddNode("app" + std::to_string(i)));
  w.StartAll();
  for (int i = 0; i < kClients; ++i) {
    sim::Node* app = apps[static_cast<size_t>(i % kClientNodes)];
    app->Spawn(client_fn(app->env(), endpoint, &counter));
  }
  w.RunFor(100_ms);  // warm up: connections open, the keyspace fills
  const uint64_t start_count = counter.ok;
  const sim::Instant start_virtual = w.Now();
  const Stopwatch watch;
  w.Run(sim::RunLimits{}, [&counter, start_count, commands] {
    return counter.ok - start_count >= commands;
  });
  const double secs = watch.WallSeconds();
  const double cpu_secs = watch.CpuSeconds();
  const double done = static_cast<double>(counter.ok - start_count);
  const double virtual_secs = static_cast<double>((w.Now() - start_virtual).nanos()) / 1e9;
  if (counter.failed != 0) std::printf("error: %llu commands failed\n",
                                       static_cast<unsigned long long>(counter.failed));
  // Whole run, warm-up included: what a profile of this run divides by.
  std::fprintf(stderr, "e2e run: %llu commands, %llu scheduler events\n",
               static_cast<unsigned long long>(counter.ok),
               static_cast<unsigned long long>(w.scheduler().events_run()));
  return Rates{done / secs, done / cpu_secs, done / virtual_secs};
}

// RunE2e `repeats` times; the run with the median wall figure.
Rates MedianE2e(ClientFn client_fn, uint64_t commands, int repeats) {
  std::vector<Rates> runs;
  for (int i = 0; i < repeats; ++i) {
    runs.push_back(RunE2e(client_fn, commands));
    std::fprintf(stderr, "  run %d: %.0f commands/s wall, %.0f per CPU second\n", i + 1,
                 runs.back().wall, runs.back().cpu);
  }
  std::sort(runs.begin(), runs.end(),
            [](const Rates& a, const Rates& b) { return a.wall < b.wall; });
  return runs[runs.size() / 2];
}

Rates RunModel(uint64_t commands) {
  RedisModel model;
  sim::Rng rng(1);
  std::vector<Argv> mix;
  for (int i = 0; i < 100'000; ++i) mix.push_back(MixCommand(rng));
  sim::Instant now = sim::Instant::Zero();
  uint64_t errors = 0;
  const Stopwatch watch;
  for (uint64_t i = 0; i < commands; ++i) {
    if (i % 1000 == 0) now += 1_ms;
    errors += model.Execute(mix[i % mix.size()], now).IsError() ? 1 : 0;
  }
  const double secs = watch.WallSeconds();
  const double cpu_secs = watch.CpuSeconds();
  if (errors != 0) {
    std::printf("error: %llu model errors\n", static_cast<unsigned long long>(errors));
  }
  const auto n = static_cast<double>(commands);
  return Rates{n / secs, n / cpu_secs, 0};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"redis_bench: the Redis model end to end (client -> simulated network -> server -> "
               "model -> reply) and alone; prints `metric value unit` lines"};
  bool short_run = false;
  bool profile = false;
  std::string only;
  app.add_flag("--short", short_run, "a tenth of the work");
  app.add_flag("--profile", profile, "a fiftieth of the work in one run (for callgrind)");
  app.add_option("--only", only, "run one part")->check(CLI::IsMember({"e2e", "exec", "model"}));
  if (std::optional<int> exit_code = cli::ParseArgs(app, argc, argv)) return *exit_code;
  bench::PrintHost();
  uint64_t scale = 50;
  int repeats = kRepeats;
  if (short_run) scale = 5;
  if (profile) {
    scale = 1;
    repeats = 1;
  }
  if (only.empty() || only == "e2e") {
    const Rates r = MedianE2e(&SingleCommands, 20'000 * scale, repeats);
    Print("redis.e2e_commands_per_s", r.wall, "commands/s");
    Print("redis.e2e_commands_per_cpu_s", r.cpu, "commands/s");
    Print("redis.e2e_virtual_commands_per_s", r.virtual_time, "commands/s");
  }
  if (only.empty() || only == "exec") {
    const Rates r = MedianE2e(&Batches, 20'000 * scale, repeats);
    Print("redis.e2e_exec_commands_per_s", r.wall, "commands/s");
    Print("redis.e2e_exec_commands_per_cpu_s", r.cpu, "commands/s");
  }
  if (only.empty() || only == "model") {
    const Rates r = RunModel(50'000 * scale);
    Print("redis.model_commands_per_s", r.wall, "commands/s");
    Print("redis.model_commands_per_cpu_s", r.cpu, "commands/s");
  }
  return 0;
}
