#pragma once
// The checker framework. A checker reads the history (client operations and faults) and a
// final-state snapshot (tables, keys, queues as JSON) and answers valid, invalid or unknown,
// Jepsen style; white-box checkers may also subscribe to model events (trace) in sim mode
// through Attach. Verdicts name the first offending operation and carry the operations around
// it. A checker past its budget answers unknown, never a silent pass.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/history.h"
#include "sim/trace.h"

namespace sim {
class World;
}

namespace checkers {

enum class Validity : uint8_t { kValid, kInvalid, kUnknown };
const char* ValidityName(Validity v);

struct Verdict {
  std::string checker;
  Validity validity = Validity::kUnknown;
  std::string summary;                 // one line
  std::optional<uint64_t> op_index;    // the first offending history operation
  std::vector<std::string> context;    // operations (or events) around it, described
  nlohmann::json detail = nlohmann::json::object();
};

struct CheckInput {
  const sim::History& history;
  const nlohmann::json& snapshot;
  const sim::Trace& trace;
};

// Checkers poll Exhausted() in their loops. The clock behind it is injected by the caller
// (the CLI measures wall time); simulated code never reads it.
class CheckBudget {
 public:
  explicit CheckBudget(std::function<bool()> out_of_time = {}) : out_of_time_(std::move(out_of_time)) {}
  bool Exhausted() const { return out_of_time_ && out_of_time_(); }

 private:
  std::function<bool()> out_of_time_;
};

class Checker {
 public:
  virtual ~Checker() = default;
  virtual std::string name() const = 0;
  // White-box hook, called before the run starts (sim mode only).
  virtual void Attach(sim::World& world) { (void)world; }
  virtual Verdict Check(const CheckInput& in, const CheckBudget& budget) = 0;
};

// Helpers for building verdicts.
Verdict Valid(std::string checker, std::string summary = {});
Verdict Invalid(std::string checker, std::string summary, const sim::History& h,
                std::optional<uint64_t> op_index);
Verdict Unknown(std::string checker, std::string why);
// Up to `radius` operations either side of `index`, one line each.
std::vector<std::string> OpsAround(const sim::History& h, uint64_t index, size_t radius = 5);
std::string DescribeOp(const sim::Op& op);

// A checker that always fails: proves the pipeline reports violations (exit 129).
std::unique_ptr<Checker> MakeCanaryChecker();

}  // namespace checkers
