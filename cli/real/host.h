#pragma once
// The only place the CLI touches the host: wall-clock time (progress, seeds per second,
// checker budgets), threads (one world per core in explore) and whether stderr is a terminal.

#include <cstdint>
#include <functional>
#include <vector>

namespace cli::host {

double WallSeconds();
// A test that turns true once `seconds` of wall time have passed from now.
std::function<bool()> Deadline(double seconds);
bool StderrIsTerminal();
int HardwareJobs();

// Runs run(index) for index in [0, count) on `jobs` threads, calling done(index) (serialised,
// in completion order) after each; stops handing out work once should_stop() is true.
void ParallelFor(size_t count, int jobs, const std::function<void(size_t)>& run,
                 const std::function<void(size_t)>& done, const std::function<bool()>& should_stop);

}  // namespace cli::host
