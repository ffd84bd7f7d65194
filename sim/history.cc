#include "sim/history.h"

#include "sim/assert.h"

namespace sim {

const char* OpTypeName(OpType t) {
  switch (t) {
    case OpType::kInvoke: return "invoke";
    case OpType::kOk: return "ok";
    case OpType::kFail: return "fail";
    case OpType::kInfo: return "info";
  }
  return "?";
}

uint64_t History::Invoke(int64_t process, std::string f, nlohmann::json value, Instant time,
                         NodeId node) {
  const uint64_t index = ops_.size();
  ops_.push_back(Op{index, OpType::kInvoke, process, std::move(f), std::move(value), time, node,
                    index, {}});
  completed_.push_back(false);
  ++open_;
  return index;
}

void History::Complete(uint64_t invoke_index, OpType type, nlohmann::json value, Instant time,
                       std::string error) {
  SIM_ASSERT_LT(invoke_index, ops_.size());
  SIM_ASSERT(ops_[invoke_index].type == OpType::kInvoke);
  SIM_ASSERT_MSG(!completed_[invoke_index], "operation " << invoke_index << " completed twice");
  SIM_ASSERT(type != OpType::kInvoke);
  completed_[invoke_index] = true;
  --open_;
  const Op& inv = ops_[invoke_index];
  ops_.push_back(Op{ops_.size(), type, inv.process, inv.f, std::move(value), time, inv.node,
                    invoke_index, std::move(error)});
  completed_.push_back(true);
}

void History::Fault(std::string f, std::string phase, nlohmann::json value, Instant time,
                    bool fired) {
  nlohmann::json v = std::move(value);
  if (v.is_null()) v = nlohmann::json::object();
  v["phase"] = std::move(phase);
  v["fired"] = fired;
  const uint64_t index = ops_.size();
  ops_.push_back(Op{index, OpType::kInfo, kNemesisProcess, std::move(f), std::move(v), time,
                    kWorldOwner, index, {}});
  completed_.push_back(true);
}

nlohmann::ordered_json History::ToJson(const Op& op) const {
  nlohmann::ordered_json j;
  j["index"] = op.index;
  j["type"] = OpTypeName(op.type);
  if (op.process == kNemesisProcess) {
    j["process"] = "nemesis";
  } else {
    j["process"] = op.process;
  }
  j["f"] = op.f;
  j["value"] = op.value;
  j["time_ns"] = op.time.nanos();
  if (op.type != OpType::kInvoke && op.process != kNemesisProcess) j["invoke"] = op.invoke_index;
  if (!op.error.empty()) j["error"] = op.error;
  return j;
}

void History::WriteJsonLines(std::ostream& out) const {
  for (const Op& op : ops_) out << ToJson(op).dump() << '\n';
}

}  // namespace sim
