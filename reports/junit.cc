#include "reports/junit.h"

#include <fmt/format.h>

#include <map>

namespace reports {

std::string XmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

void WriteJUnit(const std::vector<JUnitCase>& cases, std::ostream& out) {
  std::map<std::string, std::vector<const JUnitCase*>> suites;
  for (const JUnitCase& c : cases) suites[c.suite].push_back(&c);
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"mallsim\">\n";
  for (const auto& [suite, list] : suites) {
    size_t failures = 0;
    double seconds = 0;
    for (const JUnitCase* c : list) {
      failures += c->failed ? 1 : 0;
      seconds += c->seconds;
    }
    out << fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" time=\"{:.3f}\">\n",
                       XmlEscape(suite), list.size(), failures, seconds);
    for (const JUnitCase* c : list) {
      out << fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3f}\"", XmlEscape(suite),
                         XmlEscape(c->name), c->seconds);
      if (!c->failed) {
        out << "/>\n";
        continue;
      }
      out << fmt::format(">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
                         XmlEscape(c->failure_message), XmlEscape(c->failure_text));
    }
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
}

}  // namespace reports
