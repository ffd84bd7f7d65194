#include "sim/assert.h"

#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace sim {

namespace {
thread_local const AssertContext* g_context = nullptr;
}  // namespace

const AssertContext* SetAssertContext(const AssertContext* context) {
  const AssertContext* previous = g_context;
  g_context = context;
  return previous;
}

void AssertFail(const char* condition, const char* file, int line, const std::string& detail) {
  std::ostringstream out;
  out << "SIM_ASSERT failed: " << condition << "\n  at " << file << ":" << line << "\n";
  if (!detail.empty()) out << "  values: " << detail << "\n";
  if (g_context != nullptr) {
    g_context->DescribeForAssert(out);
  } else {
    out << "  (no simulation running on this thread)\n";
  }
  std::cerr << out.str() << std::flush;
  std::fflush(nullptr);
  std::_Exit(127);
}

}  // namespace sim
