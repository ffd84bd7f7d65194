// The payment checkers; see pay_checkers.h for their inputs.

#include "scenarios/workloads/mall/pay_checkers.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "sim/world.h"

namespace scenarios {
namespace {

using checkers::CheckBudget;
using checkers::CheckInput;
using checkers::Verdict;
using nlohmann::json;

constexpr int64_t kCreated = 0;
constexpr int64_t kPaid = 1;
constexpr int64_t kCancelled = 4;

int64_t IntOr(const json& obj, const char* key, int64_t fallback) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_number_integer()) return fallback;
  return it->get<int64_t>();
}

std::string StrOr(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

const json& ArrayAt(const json& snapshot, const char* key, const char* sub = nullptr) {
  static const json kEmpty = json::array();
  auto it = snapshot.find(key);
  if (it == snapshot.end()) return kEmpty;
  if (sub == nullptr) return it->is_array() ? *it : kEmpty;
  auto jt = it->find(sub);
  return jt != it->end() && jt->is_array() ? *jt : kEmpty;
}

// Rows by key point into the snapshot: copying a busy day's rows was most of these checkers'
// time.
using RowsBy = std::map<std::string, const json*>;

RowsBy OrdersBySn(const json& snapshot) {
  RowsBy out;
  for (const json& row : ArrayAt(snapshot, "oms_order")) out[StrOr(row, "order_sn")] = &row;
  return out;
}

int64_t OrderTtlMs(const json& snapshot) {
  auto it = snapshot.find("payment");
  return it == snapshot.end() ? INT64_MAX / 4 : IntOr(*it, "order_ttl_ms", INT64_MAX / 4);
}

bool Captured(const json& trade) { return !trade.at("paid_at_ms").is_null(); }

Verdict Fail(const std::string& name, std::vector<std::string> problems, const CheckInput& in,
             std::optional<uint64_t> op = std::nullopt) {
  Verdict v = checkers::Invalid(
      name, fmt::format("{} violation(s); first: {}", problems.size(), problems.front()),
      in.history, op);
  problems.resize(std::min<size_t>(problems.size(), 20));
  v.detail = {{"violations", problems}};
  return v;
}

// The order closed (deadline passed, or cancelled) before `t_ms`?
bool ClosedBefore(const json& order, int64_t ttl_ms, int64_t t_ms) {
  if (t_ms > IntOr(order, "create_time", 0) + ttl_ms) return true;
  return IntOr(order, "status", kCreated) == kCancelled && t_ms > IntOr(order, "modify_time", t_ms);
}

class AtMostOnce final : public checkers::Checker {
 public:
  std::string name() const override { return "payment.at_most_once"; }
  Verdict Check(const CheckInput& in, const CheckBudget&) override {
    std::map<std::string, int> by_sn;
    std::map<std::string, int> by_trade;
    std::vector<std::string> problems;
    for (const json& row : ArrayAt(in.snapshot, "oms_payment_info")) {
      const std::string sn = StrOr(row, "order_sn");
      const std::string trade = StrOr(row, "alipay_trade_no");
      if (++by_sn[sn] == 2) problems.push_back("order " + sn + " has several payment records");
      if (!trade.empty() && ++by_trade[trade] == 2) {
        problems.push_back("alipay trade " + trade + " is recorded several times");
      }
    }
    if (!problems.empty()) return Fail(name(), problems, in);
    return checkers::Valid(name(), fmt::format("{} orders with one payment record each",
                                               by_sn.size()));
  }
};

class PaidHasEvidence final : public checkers::Checker {
 public:
  std::string name() const override { return "payment.paid_has_evidence"; }
  Verdict Check(const CheckInput& in, const CheckBudget&) override {
    RowsBy trades;
    for (const json& t : ArrayAt(in.snapshot, "alipay", "trades")) {
      trades[StrOr(t, "out_trade_no")] = &t;
    }
    std::multimap<std::string, const json*> infos;
    for (const json& row : ArrayAt(in.snapshot, "oms_payment_info")) {
      infos.emplace(StrOr(row, "order_sn"), &row);
    }
    std::vector<std::string> problems;
    int64_t paid = 0;
    for (const auto& [sn, order] : OrdersBySn(in.snapshot)) {
      if (IntOr(*order, "status", kCreated) != kPaid) continue;
      ++paid;
      auto t = trades.find(sn);
      const bool captured = t != trades.end() && Captured(*t->second);
      bool evidence = false;
      auto [lo, hi] = infos.equal_range(sn);
      for (auto it = lo; it != hi && captured; ++it) {
        const json& row = *it->second;
        const std::string status = StrOr(row, "payment_status");
        evidence |= (status == "TRADE_SUCCESS" || status == "TRADE_FINISHED") &&
                    StrOr(row, "alipay_trade_no") == StrOr(*t->second, "trade_no") &&
                    IntOr(row, "total_amount", -1) ==
                        IntOr(*t->second, "total_amount_cents", -2) * 100;
      }
      if (!evidence) {
        problems.push_back(fmt::format("order {} is PAID but {}", sn,
                                       captured ? "no payment record matches Alipay's capture"
                                                : "Alipay never captured a payment for it"));
      }
    }
    if (!problems.empty()) return Fail(name(), problems, in);
    return checkers::Valid(name(), fmt::format("{} paid orders, each with evidence", paid));
  }
};

class CapturedBecomesPaid final : public checkers::Checker {
 public:
  std::string name() const override { return "payment.captured_becomes_paid"; }
  Verdict Check(const CheckInput& in, const CheckBudget&) override {
    const auto orders = OrdersBySn(in.snapshot);
    const int64_t ttl = OrderTtlMs(in.snapshot);
    std::set<std::string> captured;
    std::vector<std::string> problems;
    for (const json& t : ArrayAt(in.snapshot, "alipay", "trades")) {
      if (!Captured(t)) continue;
      const std::string sn = StrOr(t, "out_trade_no");
      captured.insert(sn);
      auto o = orders.find(sn);
      if (o == orders.end()) {
        problems.push_back("money captured for unknown order " + sn);
        continue;
      }
      if (IntOr(*o->second, "status", kCreated) == kPaid) continue;
      if (ClosedBefore(*o->second, ttl, IntOr(t, "paid_at_ms", 0))) continue;  // P5's case
      problems.push_back(fmt::format("order {} was paid at {} ms (in time) but ends with status {}",
                                     sn, IntOr(t, "paid_at_ms", 0),
                                     IntOr(*o->second, "status", -1)));
    }
    std::optional<uint64_t> first_op;
    for (const sim::Op& op : in.history.ops()) {
      if (op.f != "pay" || op.type != sim::OpType::kOk) continue;
      const std::string sn = op.value.value("order_sn", std::string());
      if (captured.count(sn) != 0) continue;
      problems.push_back("buyer was told order " + sn + " is paid but Alipay has no capture");
      if (!first_op) first_op = op.index;
    }
    if (!problems.empty()) return Fail(name(), problems, in, first_op);
    return checkers::Valid(name(), fmt::format("{} captured trades settled", captured.size()));
  }
};

class Acknowledged final : public checkers::Checker {
 public:
  std::string name() const override { return "payment.acknowledged"; }
  Verdict Check(const CheckInput& in, const CheckBudget&) override {
    std::vector<std::string> problems;
    int64_t acked = 0;
    for (const json& t : ArrayAt(in.snapshot, "alipay", "trades")) {
      if (!Captured(t) || IntOr(t, "notify_delivered", 0) == 0) continue;
      if (t.value("notify_acked", false)) {
        ++acked;
        continue;
      }
      problems.push_back(fmt::format(
          "trade {}: {} notifies reached the merchant, none answered \"success\" ({} attempts)",
          StrOr(t, "out_trade_no"), IntOr(t, "notify_delivered", 0),
          IntOr(t, "notify_attempts", 0)));
    }
    if (!problems.empty()) return Fail(name(), problems, in);
    return checkers::Valid(name(), fmt::format("{} delivered notifies acknowledged", acked));
  }
};

class WindowInsideOrder final : public checkers::Checker {
 public:
  std::string name() const override { return "payment.window_inside_order"; }
  Verdict Check(const CheckInput& in, const CheckBudget&) override {
    const auto orders = OrdersBySn(in.snapshot);
    const int64_t ttl = OrderTtlMs(in.snapshot);
    std::vector<std::string> problems;
    int64_t checked = 0;
    for (const json& t : ArrayAt(in.snapshot, "alipay", "trades")) {
      if (!Captured(t)) continue;
      ++checked;
      const std::string sn = StrOr(t, "out_trade_no");
      auto o = orders.find(sn);
      if (o == orders.end()) continue;  // captured_becomes_paid reports it
      const int64_t paid_at = IntOr(t, "paid_at_ms", 0);
      if (!ClosedBefore(*o->second, ttl, paid_at)) continue;
      problems.push_back(fmt::format(
          "Alipay accepted a payment for order {} at {} ms, after the order closed "
          "(created {} ms, ttl {} ms, status {})",
          sn, paid_at, IntOr(*o->second, "create_time", 0), ttl, IntOr(*o->second, "status", -1)));
    }
    if (!problems.empty()) return Fail(name(), problems, in);
    return checkers::Valid(name(), fmt::format("{} payments inside their order's life", checked));
  }
};

class NoDoubleCharge final : public checkers::Checker {
 public:
  std::string name() const override { return "payment.no_double_charge"; }
  Verdict Check(const CheckInput& in, const CheckBudget&) override {
    const auto orders = OrdersBySn(in.snapshot);
    std::map<std::string, int> captures;
    std::vector<std::string> problems;
    for (const json& t : ArrayAt(in.snapshot, "alipay", "trades")) {
      if (Captured(t) && ++captures[StrOr(t, "out_trade_no")] == 2) {
        problems.push_back("order " + StrOr(t, "out_trade_no") + " was charged twice");
      }
    }
    std::optional<uint64_t> first_op;
    for (const sim::Op& op : in.history.ops()) {
      if (op.f != "pay_page" || op.type != sim::OpType::kOk) continue;
      const std::string sn = op.value.value("order_sn", std::string());
      auto o = orders.find(sn);
      if (o == orders.end()) continue;
      // The request started after the order had left CREATED: a form handed out then is the
      // bug; one whose request raced the payment is not.
      const int64_t t_ms = in.history.ops().at(op.invoke_index).time.nanos() / 1'000'000;
      const int64_t status = IntOr(*o->second, "status", kCreated);
      const bool after_paid = status == kPaid && IntOr(*o->second, "payment_time", t_ms) < t_ms;
      const bool after_cancel =
          status == kCancelled && IntOr(*o->second, "modify_time", t_ms) < t_ms;
      if (!after_paid && !after_cancel) continue;
      problems.push_back(fmt::format("a pay form for {} order {} was handed out at {} ms",
                                     after_paid ? "PAID" : "CANCELLED", sn, t_ms));
      if (!first_op) first_op = op.index;
    }
    if (!problems.empty()) return Fail(name(), problems, in, first_op);
    return checkers::Valid(name(), fmt::format("{} orders charged at most once", captures.size()));
  }
};

class ClosedStaysClosed final : public checkers::Checker {
 public:
  std::string name() const override { return "payment.closed_stays_closed"; }
  void Attach(sim::World& world) override {
    attached_ = true;
    world.trace().Subscribe([this](const sim::TraceEvent& e) {
      if (e.name != "payment.order_paid") return;
      const sim::TraceValue* from = e.Field("from");
      const sim::TraceValue* sn = e.Field("order_sn");
      if (from == nullptr || sn == nullptr) return;
      if (std::get<int64_t>(*from) != kCancelled) return;
      resurrected_.push_back(fmt::format("cancelled order {} was set PAID at {}",
                                         std::get<std::string>(*sn), sim::FormatInstant(e.time)));
    });
  }
  Verdict Check(const CheckInput& in, const CheckBudget&) override {
    if (!attached_) return checkers::Unknown(name(), "needs the trace (sim mode only)");
    if (!resurrected_.empty()) return Fail(name(), resurrected_, in);
    return checkers::Valid(name(), "no cancelled order became paid");
  }
  // For tests: what a subscriber would have seen.
  std::vector<std::string> resurrected_;

 private:
  bool attached_ = false;
};

}  // namespace

std::unique_ptr<checkers::Checker> MakePaymentAtMostOnceChecker() {
  return std::make_unique<AtMostOnce>();
}
std::unique_ptr<checkers::Checker> MakePaidHasEvidenceChecker() {
  return std::make_unique<PaidHasEvidence>();
}
std::unique_ptr<checkers::Checker> MakeCapturedBecomesPaidChecker() {
  return std::make_unique<CapturedBecomesPaid>();
}
std::unique_ptr<checkers::Checker> MakePaymentAcknowledgedChecker() {
  return std::make_unique<Acknowledged>();
}
std::unique_ptr<checkers::Checker> MakeWindowInsideOrderChecker() {
  return std::make_unique<WindowInsideOrder>();
}
std::unique_ptr<checkers::Checker> MakeNoDoubleChargeChecker() {
  return std::make_unique<NoDoubleCharge>();
}
std::unique_ptr<checkers::Checker> MakeClosedStaysClosedChecker() {
  return std::make_unique<ClosedStaysClosed>();
}

}  // namespace scenarios
