#include "cli/real/host.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

namespace cli::host {

double WallSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::function<bool()> Deadline(double seconds) {
  const double end = WallSeconds() + seconds;
  return [end] { return WallSeconds() > end; };
}

bool StderrIsTerminal() { return isatty(STDERR_FILENO) == 1; }

int HardwareJobs() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

void ParallelFor(size_t count, int jobs, const std::function<void(size_t)>& run,
                 const std::function<void(size_t)>& done, const std::function<bool()>& should_stop) {
  std::atomic<size_t> next{0};
  std::mutex mu;
  auto worker = [&] {
    for (;;) {
      {
        std::lock_guard<std::mutex> lock(mu);
        if (should_stop()) return;
      }
      const size_t i = next.fetch_add(1);
      if (i >= count) return;
      run(i);
      std::lock_guard<std::mutex> lock(mu);
      done(i);
    }
  };
  std::vector<std::thread> threads;
  const int n = jobs < 1 ? 1 : jobs;
  for (int t = 1; t < n; ++t) threads.emplace_back(worker);
  worker();
  for (std::thread& t : threads) t.join();
}

}  // namespace cli::host
