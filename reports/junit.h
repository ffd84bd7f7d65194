#pragma once
// JUnit XML for CI systems: one <testsuite> per scenario, one <testcase> per seed, a
// <failure> with the verdicts for every run that was not valid.

#include <ostream>
#include <string>
#include <vector>

namespace reports {

struct JUnitCase {
  std::string suite;    // the scenario
  std::string name;     // "seed 17"
  double seconds = 0;
  bool failed = false;
  std::string failure_message;  // one line
  std::string failure_text;     // details (summary line, verdicts, repro)
};

void WriteJUnit(const std::vector<JUnitCase>& cases, std::ostream& out);
std::string XmlEscape(const std::string& s);

}  // namespace reports
