#pragma once
// Shared pieces of the saga checkers: an indexed view of the `mall_order` snapshot and a checker
// made of a name and a function.

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "checkers/checker.h"

namespace scenarios {

struct SagaOrder {
  int64_t id = 0;
  int64_t status = 0;
  int64_t create_ms = 0;
  int64_t modify_ms = 0;
  int64_t payment_ms = 0;
};
struct SagaDetail {
  int64_t id = 0;
  int64_t task = 0;
  int64_t sku = 0;
  int64_t ware = 0;
  int64_t num = 0;
  int64_t status = 0;
};
using SkuWare = std::pair<int64_t, int64_t>;

struct SagaView {
  explicit SagaView(const nlohmann::json& snapshot);
  int64_t order_ttl_ms = 0;
  int64_t stock_ttl_ms = 0;
  int64_t slack_ms = 0;
  int64_t now_ms = 0;
  std::map<std::string, SagaOrder> orders;                      // by sn
  std::map<std::string, std::map<int64_t, int64_t>> items;      // sn -> sku -> qty
  std::map<int64_t, std::pair<std::string, int64_t>> tasks;     // id -> (sn, create_ms)
  std::map<std::string, std::vector<int64_t>> tasks_of;         // sn -> task ids
  std::vector<SagaDetail> details;
  std::map<int64_t, std::vector<size_t>> details_of;            // task -> indexes in details
  std::map<SkuWare, std::pair<int64_t, int64_t>> sku_rows;      // -> (stock, stock_locked)
  std::map<SkuWare, int64_t> initial;
  const nlohmann::json* events = nullptr;
  const nlohmann::json* snapshot = nullptr;
  // Positions in *events of the events named so, in order: each checker reads only its names.
  std::map<std::string, std::vector<size_t>, std::less<>> events_named;

  // The events with any of `names`, in trace order.
  std::vector<const nlohmann::json*> Events(std::initializer_list<std::string_view> names) const;

  // Details of every task of `sn`.
  std::vector<const SagaDetail*> DetailsOf(const std::string& sn) const;
};

using SagaCheckFn = std::function<checkers::Verdict(const std::string& name,
                                                    const checkers::CheckInput& in,
                                                    const SagaView& view)>;

std::unique_ptr<checkers::Checker> MakeFnChecker(std::string name, SagaCheckFn fn);

// The invoke index of the first history operation about order `sn` (submit ok, pay, cancel).
std::optional<uint64_t> OpOfSn(const sim::History& h, const std::string& sn);
// An invalid verdict naming `sn`'s first operation, with `detail`.
checkers::Verdict InvalidFor(const std::string& name, const checkers::CheckInput& in,
                             const std::string& sn, std::string summary, nlohmann::json detail);

// The checker functions, by file.
checkers::Verdict CheckLockAccounting(const std::string&, const checkers::CheckInput&, const SagaView&);
checkers::Verdict CheckConservation(const std::string&, const checkers::CheckInput&, const SagaView&);
checkers::Verdict CheckNoOversell(const std::string&, const checkers::CheckInput&, const SagaView&);
checkers::Verdict CheckDetailStateMachine(const std::string&, const checkers::CheckInput&, const SagaView&);
checkers::Verdict CheckBoundedRelease(const std::string&, const checkers::CheckInput&, const SagaView&);
checkers::Verdict CheckNoPrematureUnlock(const std::string&, const checkers::CheckInput&, const SagaView&);
checkers::Verdict CheckPaidHoldsStock(const std::string&, const checkers::CheckInput&, const SagaView&);
checkers::Verdict CheckFailedLockAtomic(const std::string&, const checkers::CheckInput&, const SagaView&);
checkers::Verdict CheckEventualAtomicity(const std::string&, const checkers::CheckInput&, const SagaView&);
checkers::Verdict CheckOnePerToken(const std::string&, const checkers::CheckInput&, const SagaView&);
checkers::Verdict CheckOrderStateMachine(const std::string&, const checkers::CheckInput&, const SagaView&);
checkers::Verdict CheckTimelyClose(const std::string&, const checkers::CheckInput&, const SagaView&);
checkers::Verdict CheckNoSilentLoss(const std::string&, const checkers::CheckInput&, const SagaView&);
checkers::Verdict CheckEffectAtMostOnce(const std::string&, const checkers::CheckInput&, const SagaView&);
checkers::Verdict CheckEveryDeliveryEnds(const std::string&, const checkers::CheckInput&, const SagaView&);
checkers::Verdict CheckTopologyRoutes(const std::string&, const checkers::CheckInput&, const SagaView&);

}  // namespace scenarios
