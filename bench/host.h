#pragma once
// The machine a benchmark runs on, for its stderr: wall and CPU rates move with the host far
// more than with small code changes (redis_bench.cc's header gives the figures), so figures
// from two runs compare only beside their hosts.
// Linux: read from /proc/cpuinfo; where that is missing, the line says so. The CPU count is
// sysconf's, as std::thread::hardware_concurrency (cli::host::HardwareJobs) reads it on Linux;
// cli/real/host is not called here because five of the benchmarks do not link mallsim_cli.

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <string_view>

namespace bench {

// "host: Intel(R) Xeon(R) Processor (family 6, model 167, stepping 1), 2 CPUs online,
// 5200 BogoMIPS" on stderr.
inline void PrintHost() {
  std::ifstream in("/proc/cpuinfo");
  std::string model_name = "unknown CPU";
  std::string family = "?";
  std::string model = "?";
  std::string stepping = "?";
  std::string bogomips = "?";
  std::string line;
  // The first processor's block: the fields repeat per CPU.
  while (std::getline(in, line) && !line.empty()) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string_view key(line.data(), colon);
    while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.remove_suffix(1);
    const std::string value = colon + 2 <= line.size() ? line.substr(colon + 2) : "";
    if (key == "model name") model_name = value;
    if (key == "cpu family") family = value;
    if (key == "model") model = value;
    if (key == "stepping") stepping = value;
    if (key == "bogomips") bogomips = value;
  }
  std::fprintf(stderr, "host: %s (family %s, model %s, stepping %s), %ld CPUs online, %s BogoMIPS\n",
               model_name.c_str(), family.c_str(), model.c_str(), stepping.c_str(),
               sysconf(_SC_NPROCESSORS_ONLN), bogomips.c_str());
}

}  // namespace bench
