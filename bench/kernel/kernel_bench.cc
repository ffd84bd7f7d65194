// Kernel benchmark: prints one figure per line as `metric value unit`.
//   kernel.timer_events_per_s      10,000 pending timers, each rescheduling itself
//   kernel.sleep_resumes_per_s     1,000 coroutines looping on Sleep (coroutine timer path)
//   kernel.messages_per_s          100 nodes relaying messages with latency and 1% loss
//   kernel.task_spawn_resume_per_s spawn a task that awaits a child task, to completion
//   kernel.bytes_per_pending_event queue memory divided by pending events (10,000 timers)
// Wall-clock time is measured here, in the benchmark, never inside the simulation.

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "bench/host.h"
#include "cli/parse_args.h"
#include "sim/world.h"

using namespace sim::literals;

namespace {

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void Print(const char* metric, double value, const char* unit) {
  std::printf("%s %.0f %s\n", metric, value, unit);
}

struct TimerBench {
  sim::Scheduler* s;
  sim::Rng rng{1};
  static void Fire(void* ctx, uint64_t) {
    auto* b = static_cast<TimerBench*>(ctx);
    b->s->At(b->s->Now() + sim::Duration::Nanos(1 + static_cast<int64_t>(b->rng.Below(1'000'000))),
             sim::Owner{}, sim::Action{&Fire, b, 0});
  }
};

void BenchTimers() {
  sim::Scheduler s;
  TimerBench b{&s};
  constexpr int kPending = 10'000;
  for (int i = 0; i < kPending; ++i) TimerBench::Fire(&b, 0);
  Print("kernel.bytes_per_pending_event",
        static_cast<double>(s.queue_bytes()) / static_cast<double>(s.pending()), "B");
  constexpr uint64_t kEvents = 20'000'000;
  const auto start = std::chrono::steady_clock::now();
  s.Run(sim::RunLimits{sim::Instant::Max(), kEvents});
  const double secs = Seconds(start);
  Print("kernel.timer_events_per_s", static_cast<double>(kEvents) / secs, "events/s");
}

sim::Task<void> Sleeper(sim::Env env, uint64_t* count) {
  for (;;) {
    co_await env.Sleep(sim::Duration::Nanos(1 + static_cast<int64_t>(env.rng().Below(1'000'000))));
    ++*count;
  }
}

void BenchSleeps() {
  sim::World w(1);
  uint64_t count = 0;
  sim::Node& n = w.AddNode("sleepers");
  n.Start();
  for (int i = 0; i < 1000; ++i) n.Spawn(Sleeper(n.env(), &count));
  const auto start = std::chrono::steady_clock::now();
  w.Run(sim::RunLimits{sim::Instant::Max(), 5'000'000});
  Print("kernel.sleep_resumes_per_s", static_cast<double>(count) / Seconds(start), "resumes/s");
}

void BenchMessages() {
  sim::World w(1);
  constexpr int kNodes = 100;
  constexpr sim::Port kPort = 1;
  sim::LinkConfig link;
  link.latency_min = 200_us;
  link.latency_tail_mean = 300_us;
  link.loss = sim::Ratio{1, 100};
  w.network().SetDefaultLink(link);
  std::vector<sim::Node*> nodes;
  for (int i = 0; i < kNodes; ++i) {
    nodes.push_back(&w.AddNode("n" + std::to_string(i), [](sim::Env env) {
      env.net().Bind(env.At(kPort), [env](sim::Envelope&& e) {
        // Relay to a random node; a lost message is replaced so the load stays constant.
        const auto to = static_cast<sim::NodeId>(1 + env.rng().Below(kNodes));
        env.net().Send(env.At(kPort), sim::Endpoint{to, kPort}, std::move(e.payload));
      });
    }));
  }
  w.StartAll();
  for (int i = 0; i < 10'000; ++i) {
    const auto from = static_cast<sim::NodeId>(1 + i % kNodes);
    const auto to = static_cast<sim::NodeId>(1 + (i * 7) % kNodes);
    w.network().Send(sim::Endpoint{from, kPort}, sim::Endpoint{to, kPort}, uint64_t{0});
  }
  const auto start = std::chrono::steady_clock::now();
  w.Run(sim::RunLimits{sim::Instant::Max(), 3'000'000});
  const double secs = Seconds(start);
  Print("kernel.messages_per_s", static_cast<double>(w.network().stats().delivered) / secs,
        "deliveries/s");
}

sim::Task<int> Child(int v) { co_return v + 1; }
sim::Task<void> Parent(int* sum) { *sum += co_await Child(1); }

void BenchSpawn() {
  sim::World w(1);
  int sum = 0;
  constexpr int kTasks = 1'000'000;
  const auto start = std::chrono::steady_clock::now();
  for (int batch = 0; batch < kTasks / 1000; ++batch) {
    for (int i = 0; i < 1000; ++i) w.Spawn(Parent(&sum));
    w.RunUntilIdle();
  }
  Print("kernel.task_spawn_resume_per_s", kTasks / Seconds(start), "tasks/s");
  if (sum != 2 * kTasks) std::printf("error: sum %d\n", sum);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"kernel_bench: the simulation kernel (timers, sleeps, messages, task spawns, queue "
               "memory); prints `metric value unit` lines"};
  if (std::optional<int> exit_code = cli::ParseArgs(app, argc, argv)) return *exit_code;
  bench::PrintHost();
  BenchTimers();
  BenchSleeps();
  BenchMessages();
  BenchSpawn();
  return 0;
}
