// The order checkers (INV-O1..O3); see saga_checkers.h.

#include <fmt/format.h>

#include "scenarios/workloads/mall/saga_checkers_util.h"

namespace scenarios {

using checkers::CheckInput;
using checkers::Verdict;

namespace {

constexpr int64_t kCreated = 0;
constexpr int64_t kPaid = 1;
constexpr int64_t kCancelled = 4;

}  // namespace

Verdict CheckOnePerToken(const std::string& name, const CheckInput& in, const SagaView& v) {
  std::map<std::string, std::string> token_of;  // sn -> token, from the submit transactions
  for (const nlohmann::json* ep : v.Events({"order.submit_txn"})) {
    const nlohmann::json& e = *ep;
    if (e.value("phase", std::string()) == "begin") {
      token_of[e.value("sn", std::string())] = e.value("token", std::string());
    }
  }
  std::map<std::string, std::vector<std::string>> orders_of;  // token -> committed sns
  for (const auto& [sn, o] : v.orders) {
    auto t = token_of.find(sn);
    if (t != token_of.end()) orders_of[t->second].push_back(sn);
  }
  for (const auto& [token, sns] : orders_of) {
    if (sns.size() > 1) {
      return InvalidFor(name, in, sns[1],
                        fmt::format("token {} created {} orders ({}, {}, ...)", token, sns.size(),
                                    sns[0], sns[1]),
                        {{"token", token}, {"orders", sns}});
    }
  }
  return checkers::Valid(name, fmt::format("{} tokens, at most one order each", orders_of.size()));
}

Verdict CheckOrderStateMachine(const std::string& name, const CheckInput& in, const SagaView& v) {
  std::map<std::string, std::vector<int64_t>> moves;  // sn -> the statuses it moved to
  for (const nlohmann::json* ep : v.Events({"order.status"})) {
    const nlohmann::json& e = *ep;
    const std::string sn = e.value("sn", std::string());
    const int64_t from = e.value("from", int64_t{-1});
    moves[sn].push_back(e.value("to", int64_t{-1}));
    if (from != kCreated || moves[sn].size() > 1) {
      return InvalidFor(name, in, sn,
                        fmt::format("order {} moved {} -> {} after {} earlier transition(s)", sn,
                                    from, moves[sn].back(), moves[sn].size() - 1),
                        {{"sn", sn}, {"moves", moves[sn]}});
    }
  }
  for (const auto& [sn, o] : v.orders) {
    const bool known = o.status == kCreated || o.status == kPaid || o.status == kCancelled;
    auto m = moves.find(sn);
    const bool moved_elsewhere = m != moves.end() && m->second.back() != o.status;
    if (!known || moved_elsewhere) {
      return InvalidFor(name, in, sn,
                        fmt::format("order {} ends in status {} after moving to {}", sn, o.status,
                                    m == moves.end() ? -1 : m->second.back()),
                        {{"sn", sn}, {"status", o.status}});
    }
  }
  return checkers::Valid(name, fmt::format("{} orders, {} transitions out of CREATED", v.orders.size(),
                                           moves.size()));
}

Verdict CheckTimelyClose(const std::string& name, const CheckInput& in, const SagaView& v) {
  for (const auto& [sn, o] : v.orders) {
    const int64_t due = o.create_ms + v.order_ttl_ms + v.slack_ms;
    const bool open_late = o.status == kCreated && due <= v.now_ms;
    const bool closed_late = o.status == kCancelled && o.modify_ms > due;
    const bool paid_late = o.status == kPaid && o.payment_ms > due;
    if (open_late || closed_late || paid_late) {
      return InvalidFor(name, in, sn,
                        fmt::format("order {} (status {}) was not closed by {} ms (created at {} ms)",
                                    sn, o.status, due, o.create_ms),
                        {{"sn", sn}, {"status", o.status}, {"due_ms", due}});
    }
  }
  return checkers::Valid(name, fmt::format("{} orders closed or settled in time", v.orders.size()));
}

}  // namespace scenarios
