#pragma once
// Assertions for bugs in mallsim itself, always on (release builds too). A failed assertion
// prints the expression, the values, and the run's context (seed, virtual time, node, the
// last trace events) and exits with code 127, the code ARCHITECTURE.md §5 gives a harness
// crash. Verdicts about the system under test never use these: they come from checkers.
//
// Split compound conditions: SIM_ASSERT(a); SIM_ASSERT(b); rather than SIM_ASSERT(a && b),
// so the message says which one failed.

#include <sstream>
#include <string>

namespace sim {

// Whatever is running on this thread describes itself for an assertion message (a World
// registers itself while it runs). Thread-local so that two simulations can run in one
// process, one per thread.
class AssertContext {
 public:
  virtual ~AssertContext() = default;
  virtual void DescribeForAssert(std::ostream& out) const = 0;
};

// Returns the previous context so scopes can nest.
const AssertContext* SetAssertContext(const AssertContext* context);

[[noreturn]] void AssertFail(const char* condition, const char* file, int line,
                             const std::string& detail);

namespace assert_detail {
template <class T>
std::string Show(const T& v) {
  if constexpr (requires(std::ostream& os) { os << v; }) {
    std::ostringstream os;
    os << v;
    return os.str();
  } else {
    return "<value>";
  }
}
}  // namespace assert_detail

}  // namespace sim

#define SIM_ASSERT(cond)                                                   \
  do {                                                                     \
    if (!(cond)) [[unlikely]] ::sim::AssertFail(#cond, __FILE__, __LINE__, ""); \
  } while (0)

#define SIM_ASSERT_MSG(cond, msg)                                              \
  do {                                                                         \
    if (!(cond)) [[unlikely]] {                                                \
      std::ostringstream sim_assert_os_;                                       \
      sim_assert_os_ << msg;                                                   \
      ::sim::AssertFail(#cond, __FILE__, __LINE__, sim_assert_os_.str());      \
    }                                                                          \
  } while (0)

#define SIM_ASSERT_OP_(a, b, op)                                                        \
  do {                                                                                  \
    const auto& sim_a_ = (a);                                                           \
    const auto& sim_b_ = (b);                                                           \
    if (!(sim_a_ op sim_b_)) [[unlikely]]                                               \
      ::sim::AssertFail(#a " " #op " " #b, __FILE__, __LINE__,                          \
                        ::sim::assert_detail::Show(sim_a_) + " vs " +                   \
                            ::sim::assert_detail::Show(sim_b_));                        \
  } while (0)

#define SIM_ASSERT_EQ(a, b) SIM_ASSERT_OP_(a, b, ==)
#define SIM_ASSERT_NE(a, b) SIM_ASSERT_OP_(a, b, !=)
#define SIM_ASSERT_LT(a, b) SIM_ASSERT_OP_(a, b, <)
#define SIM_ASSERT_LE(a, b) SIM_ASSERT_OP_(a, b, <=)
#define SIM_ASSERT_GT(a, b) SIM_ASSERT_OP_(a, b, >)
#define SIM_ASSERT_GE(a, b) SIM_ASSERT_OP_(a, b, >=)
#define SIM_UNREACHABLE(msg) ::sim::AssertFail("unreachable", __FILE__, __LINE__, msg)
