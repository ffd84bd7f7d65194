#pragma once
// The operation history, Jepsen style: client operations (an invoke, then ok, fail or info
// with their times) and fault operations (start and stop, and whether the fault actually
// fired) in one sequence, so a timeline shows both. Checkers read it; reports export it.
//
//   ok   the operation took effect (with its result value);
//   fail the operation definitely did not take effect;
//   info the outcome is unknown (a timeout): checkers must allow both.

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/scheduler.h"
#include "sim/time.h"

namespace sim {

enum class OpType : uint8_t { kInvoke, kOk, kFail, kInfo };
const char* OpTypeName(OpType t);

inline constexpr int64_t kNemesisProcess = -1;

struct Op {
  uint64_t index = 0;        // position in the history
  OpType type = OpType::kInvoke;
  int64_t process = 0;       // client id; kNemesisProcess for faults
  std::string f;             // operation name, e.g. "submit_order", "partition"
  nlohmann::json value;      // arguments at invoke, result at completion
  Instant time;
  NodeId node = kWorldOwner;
  uint64_t invoke_index = 0;  // for completions: the index of their invoke
  std::string error;          // for fail/info: why
};

class History {
 public:
  // Records an invoke; returns its index, to be passed to Complete.
  uint64_t Invoke(int64_t process, std::string f, nlohmann::json value, Instant time,
                  NodeId node = kWorldOwner);
  // REQUIRES: invoke_index names an invoke not yet completed; type != kInvoke.
  void Complete(uint64_t invoke_index, OpType type, nlohmann::json value, Instant time,
                std::string error = {});
  // A fault's start or stop ("start"/"stop" go in value["phase"]); `fired` says whether the
  // fault actually took effect (e.g. a crash of a node that was already down did not).
  void Fault(std::string f, std::string phase, nlohmann::json value, Instant time, bool fired);

  const std::vector<Op>& ops() const { return ops_; }
  size_t open_invocations() const { return open_; }
  nlohmann::ordered_json ToJson(const Op& op) const;
  void WriteJsonLines(std::ostream& out) const;

 private:
  std::vector<Op> ops_;
  std::vector<bool> completed_;  // by op index, meaningful for invokes
  size_t open_ = 0;
};

}  // namespace sim
