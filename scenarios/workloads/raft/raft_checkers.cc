#include "scenarios/workloads/raft/raft_checkers.h"

#include <fmt/format.h>

#include <map>

#include "checkers/lin/checker.h"
#include "sim/world.h"

namespace scenarios::raft {

namespace {

class RaftPropertyChecker final : public checkers::Checker {
 public:
  explicit RaftPropertyChecker(RaftProperty property) : property_(property) {}
  std::string name() const override { return RaftPropertyName(property_); }

  void Attach(sim::World& world) override {
    std::map<sim::NodeId, std::string> names;
    for (sim::Node* n : world.nodes()) names[n->id()] = n->name();
    // Shared with the subscription, so neither destruction order leaves a dangling pointer.
    state_ = std::make_shared<RaftTraceState>(std::move(names));
    std::shared_ptr<RaftTraceState> state = state_;
    world.trace().Subscribe([state](const sim::TraceEvent& e) { state->OnEvent(e); });
  }

  checkers::Verdict Check(const checkers::CheckInput& in, const checkers::CheckBudget&) override {
    if (!state_) return checkers::Unknown(name(), "not attached to a simulated world");
    state_->Finish();
    const auto& v = state_->violation(property_);
    if (v) {
      checkers::Verdict verdict = checkers::Invalid(name(), v->summary, in.history, std::nullopt);
      verdict.context = v->context;
      return verdict;
    }
    return checkers::Valid(
        name(), fmt::format("{} leaders, {} entries committed, {} applied, {} acknowledged",
                            state_->leaders_elected(), state_->committed(), state_->applied(),
                            state_->acked()));
  }

 private:
  RaftProperty property_;
  std::shared_ptr<RaftTraceState> state_;
};

std::optional<std::string> OptString(const nlohmann::json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || j.at(key).is_null()) return std::nullopt;
  return j.at(key).get<std::string>();
}

class KvLinearizable final : public checkers::Checker {
 public:
  std::string name() const override { return "kv.linearizable"; }
  checkers::Verdict Check(const checkers::CheckInput& in,
                          const checkers::CheckBudget& budget) override {
    std::vector<uint64_t> origin;
    const checkers::lin::History h = ToLinHistory(in.history, &origin);
    checkers::lin::Budget lb;
    lb.steps_max = 50'000'000;
    lb.memory_bytes_max = 512ULL << 20;
    lb.out_of_time = [&budget] { return budget.Exhausted(); };
    auto r = checkers::lin::Check(h, lb);
    if (!r.ok()) return checkers::Unknown(name(), "malformed history: " + r.error().ToString());
    switch (r->verdict) {
      case checkers::lin::Verdict::kOk:
        return checkers::Valid(name(), fmt::format("{} ops over {} keys linearizable",
                                                   r->ops_count, r->partitions_count));
      case checkers::lin::Verdict::kUnknown:
        return checkers::Unknown(
            name(), fmt::format("{} after {} steps",
                                checkers::lin::BudgetCauseName(r->unknown_cause), r->steps));
      case checkers::lin::Verdict::kIllegal: break;
    }
    const uint64_t at = origin.at(r->unplaceable_op);
    checkers::Verdict v = checkers::Invalid(
        name(), fmt::format("key {}: not linearizable ({})", r->failing_key, r->reason),
        in.history, at);
    const std::string window = checkers::lin::FormatWindow(h, *r, 30);
    v.context.clear();
    size_t start = 0;
    while (start < window.size()) {
      size_t nl = window.find('\n', start);
      if (nl == std::string::npos) nl = window.size();
      v.context.push_back(window.substr(start, nl - start));
      start = nl + 1;
    }
    return v;
  }
};

}  // namespace

checkers::lin::History ToLinHistory(const sim::History& history, std::vector<uint64_t>* origin) {
  namespace lin = checkers::lin;
  lin::History out;
  out.model = lin::ModelKind::kKv;
  std::map<uint64_t, size_t> open;  // invoke index -> position in out.ops
  std::vector<bool> drop;
  for (const sim::Op& op : history.ops()) {
    if (op.process == sim::kNemesisProcess) continue;
    if (op.f != "read" && op.f != "write" && op.f != "cas") continue;
    if (op.type == sim::OpType::kInvoke) {
      lin::Operation o;
      o.client = op.process;
      o.call = op.time;
      o.ret = sim::Instant::Max();
      o.input.kind = op.f == "read" ? lin::OpKind::kRead
                     : op.f == "write" ? lin::OpKind::kWrite : lin::OpKind::kCas;
      o.input.key = op.value.value("key", std::string());
      o.input.value = OptString(op.value, "value");
      o.input.expected = OptString(op.value, "expected");
      o.output.unknown = true;  // until a completion says otherwise
      open[op.index] = out.ops.size();
      out.ops.push_back(std::move(o));
      drop.push_back(false);
      if (origin != nullptr) origin->push_back(op.index);
      continue;
    }
    auto it = open.find(op.invoke_index);
    if (it == open.end()) continue;
    lin::Operation& o = out.ops[it->second];
    if (op.type == sim::OpType::kFail) {
      drop[it->second] = true;
    } else if (op.type == sim::OpType::kOk) {
      o.ret = op.time;
      o.output.unknown = false;
      o.output.ok = o.input.kind == lin::OpKind::kCas ? op.value.value("ok", false) : true;
      if (o.input.kind == lin::OpKind::kRead) o.output.value = OptString(op.value, "value");
    }
    open.erase(it);
  }
  lin::History kept;
  kept.model = out.model;
  std::vector<uint64_t> kept_origin;
  for (size_t i = 0; i < out.ops.size(); ++i) {
    if (drop[i]) continue;
    kept.ops.push_back(std::move(out.ops[i]));
    if (origin != nullptr) kept_origin.push_back((*origin)[i]);
  }
  if (origin != nullptr) *origin = std::move(kept_origin);
  return kept;
}

std::unique_ptr<checkers::Checker> MakeRaftPropertyChecker(RaftProperty property) {
  return std::make_unique<RaftPropertyChecker>(property);
}

std::unique_ptr<checkers::Checker> MakeKvLinearizableChecker() {
  return std::make_unique<KvLinearizable>();
}

}  // namespace scenarios::raft
