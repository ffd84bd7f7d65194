#pragma once
// `mallsim lincheck FILE.json`: checks a history file and prints
//   verdict=<ok|illegal|unknown> ops=N seconds=S
// followed, when illegal, by the failure window, and, when unknown, by the reason. This is the
// only place where the checker meets the wall clock: the seconds budget becomes a steady_clock
// deadline injected into the library's Budget, and the elapsed time is measured here.

#include <ostream>
#include <string>

namespace checkers::lin {

inline constexpr int kLincheckExitOk = 0;
inline constexpr int kLincheckExitUnknown = 1;
inline constexpr int kLincheckExitBadInput = 2;
inline constexpr int kLincheckExitIllegal = 129;

// Returns one of the kLincheckExit* codes. Errors (unreadable file, bad JSON, a bad op) are
// printed to `out` as "error: ..." naming the op index and key.
int RunLincheckCommand(const std::string& path, double seconds_budget, std::ostream& out);

}  // namespace checkers::lin
