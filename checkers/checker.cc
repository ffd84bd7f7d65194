#include "checkers/checker.h"

#include <fmt/format.h>

namespace checkers {

const char* ValidityName(Validity v) {
  switch (v) {
    case Validity::kValid: return "valid";
    case Validity::kInvalid: return "invalid";
    case Validity::kUnknown: return "unknown";
  }
  return "?";
}

std::string DescribeOp(const sim::Op& op) {
  const std::string who = op.process == sim::kNemesisProcess ? "nemesis"
                                                              : "p" + std::to_string(op.process);
  std::string out = fmt::format("#{} {}s {} {} {} {}", op.index, sim::FormatInstant(op.time), who,
                                sim::OpTypeName(op.type), op.f, op.value.dump());
  if (!op.error.empty()) out += " (" + op.error + ")";
  return out;
}

std::vector<std::string> OpsAround(const sim::History& h, uint64_t index, size_t radius) {
  std::vector<std::string> out;
  const auto& ops = h.ops();
  const uint64_t lo = index > radius ? index - radius : 0;
  const uint64_t hi = std::min<uint64_t>(ops.size(), index + radius + 1);
  for (uint64_t i = lo; i < hi; ++i) out.push_back((i == index ? "> " : "  ") + DescribeOp(ops[i]));
  return out;
}

Verdict Valid(std::string checker, std::string summary) {
  Verdict v;
  v.checker = std::move(checker);
  v.validity = Validity::kValid;
  v.summary = std::move(summary);
  return v;
}

Verdict Invalid(std::string checker, std::string summary, const sim::History& h,
                std::optional<uint64_t> op_index) {
  Verdict v;
  v.checker = std::move(checker);
  v.validity = Validity::kInvalid;
  v.summary = std::move(summary);
  v.op_index = op_index;
  if (op_index) v.context = OpsAround(h, *op_index);
  return v;
}

Verdict Unknown(std::string checker, std::string why) {
  Verdict v;
  v.checker = std::move(checker);
  v.validity = Validity::kUnknown;
  v.summary = std::move(why);
  return v;
}

namespace {
class Canary final : public Checker {
 public:
  std::string name() const override { return "canary.always_fails"; }
  Verdict Check(const CheckInput& in, const CheckBudget&) override {
    return Invalid(name(), "the canary always fails (it proves violations are reported)",
                   in.history, in.history.ops().empty() ? std::nullopt
                                                        : std::optional<uint64_t>(0));
  }
};
}  // namespace

std::unique_ptr<Checker> MakeCanaryChecker() { return std::make_unique<Canary>(); }

}  // namespace checkers
