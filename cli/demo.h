#pragma once
// The kernel demo: clients reserving stock through an RPC service, across a partition and a
// crash, printed as a timeline with the seed and the run's fingerprint.

#include <cstdint>
#include <ostream>
#include <string>

namespace cli {

struct DemoOptions {
  uint64_t seed = 1;
  std::string trace_out;    // JSON Lines of every trace event, if set
  std::string history_out;  // JSON Lines of the history, if set
};

// Returns the process exit code.
int RunDemo(const DemoOptions& options, std::ostream& out);

}  // namespace cli
