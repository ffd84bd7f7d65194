// The snapshot view, the function checker and the registry entries of the saga checkers; see
// saga_checkers.h.

#include "scenarios/workloads/mall/saga_checkers_util.h"

#include <algorithm>
#include <memory>

#include "scenarios/workloads/mall/saga_checkers.h"
#include "sim/assert.h"

namespace scenarios {

namespace {

int64_t I(const nlohmann::json& j, const char* key) { return j.value(key, int64_t{0}); }

// The view of the last snapshot the saga checkers of one world read. A run checks one snapshot
// with up to sixteen saga checkers, and building the view once instead of once per checker was
// a tenth of a busy day's CPU. The view is reused only for the same snapshot object, history
// and trace position. REQUIRES: a snapshot does not change while the checkers attached to its
// world read it (the runner builds it once, const, before checking).
struct ViewCache {
  const nlohmann::json* snapshot = nullptr;
  const sim::History* history = nullptr;
  size_t history_ops = 0;
  uint64_t trace_count = 0;
  std::unique_ptr<SagaView> view;
};

// Checkers attached to the same world one after another share a cache (the runner attaches
// all of a run's checkers together). One world per thread, so the handle is per thread.
std::shared_ptr<ViewCache> CacheFor(const sim::World* world) {
  thread_local const sim::World* last_world = nullptr;
  thread_local std::weak_ptr<ViewCache> last_cache;
  std::shared_ptr<ViewCache> cache = last_cache.lock();
  if (cache == nullptr || last_world != world) {
    cache = std::make_shared<ViewCache>();
    last_world = world;
    last_cache = cache;
  }
  return cache;
}

class FnChecker final : public checkers::Checker {
 public:
  FnChecker(std::string name, SagaCheckFn fn) : name_(std::move(name)), fn_(std::move(fn)) {}
  std::string name() const override { return name_; }
  void Attach(sim::World& world) override { cache_ = CacheFor(&world); }
  checkers::Verdict Check(const checkers::CheckInput& in, const checkers::CheckBudget&) override {
    if (!in.snapshot.is_object() || !in.snapshot.contains("oms_order")) {
      return checkers::Unknown(name_, "no mall_order snapshot");
    }
    if (cache_ == nullptr) {  // not attached (hand-made snapshots in tests): no sharing
      const SagaView view(in.snapshot);
      return fn_(name_, in, view);
    }
    const bool same = cache_->view != nullptr && cache_->snapshot == &in.snapshot &&
                      cache_->history == &in.history &&
                      cache_->history_ops == in.history.ops().size() &&
                      cache_->trace_count == in.trace.count();
    if (!same) {
      cache_->view = std::make_unique<SagaView>(in.snapshot);
      cache_->snapshot = &in.snapshot;
      cache_->history = &in.history;
      cache_->history_ops = in.history.ops().size();
      cache_->trace_count = in.trace.count();
    }
    return fn_(name_, in, *cache_->view);
  }

 private:
  std::string name_;
  SagaCheckFn fn_;
  std::shared_ptr<ViewCache> cache_;
};

struct Def {
  const char* name;
  const char* doc;
  checkers::Verdict (*fn)(const std::string&, const checkers::CheckInput&, const SagaView&);
};

const std::vector<Def>& Defs() {
  static const std::vector<Def> kDefs = {
      {"stock.lock_accounting", "INV-S1: stock_locked equals the sum of locked details per (sku, ware)", &CheckLockAccounting},
      {"stock.conservation", "INV-S2: stock + deducted = initial + received per (sku, ware)", &CheckConservation},
      {"stock.no_oversell", "INV-S3: 0 <= stock_locked <= stock; every live order holds its items", &CheckNoOversell},
      {"stock.detail_state_machine", "INV-S4: lock_status moves 1->2 or 1->3 at most once", &CheckDetailStateMachine},
      {"stock.bounded_release", "INV-S5: details of cancelled or absent orders are unlocked within the stock TTL + slack", &CheckBoundedRelease},
      {"stock.no_premature_unlock", "INV-S6: a detail is unlocked only when its order is cancelled or never commits", &CheckNoPrematureUnlock},
      {"stock.paid_holds_stock", "INV-S7: a paid order has no unlocked detail", &CheckPaidHoldsStock},
      {"stock.failed_lock_atomic", "INV-S8: a failed lock leaves no task or detail", &CheckFailedLockAtomic},
      {"saga.eventual_atomicity", "INV-D1: after quiescence live orders hold exactly their items, dead ones nothing", &CheckEventualAtomicity},
      {"order.one_per_token", "INV-O1: at most one order per token", &CheckOnePerToken},
      {"order.state_machine", "INV-O2: orders move CREATED->PAID or CREATED->CANCELLED, once", &CheckOrderStateMachine},
      {"order.timely_close", "INV-O3: no order stays CREATED past its TTL + slack", &CheckTimelyClose},
      {"mq.no_silent_loss", "INV-M1: every message of a committed transaction reaches a queue", &CheckNoSilentLoss},
      {"mq.effect_at_most_once", "INV-M2: a message's effect is applied at most once", &CheckEffectAtMostOnce},
      {"mq.every_delivery_ends", "INV-M3: no delivery loops forever; nothing left ready or unacked", &CheckEveryDeliveryEnds},
      {"mq.topology_routes", "INV-M4: every published (exchange, key) matches a binding", &CheckTopologyRoutes},
  };
  return kDefs;
}

}  // namespace

SagaView::SagaView(const nlohmann::json& snap) : snapshot(&snap) {
  const nlohmann::json& c = snap.at("config");
  order_ttl_ms = I(c, "order_ttl_ms");
  stock_ttl_ms = I(c, "stock_ttl_ms");
  slack_ms = I(c, "release_slack_ms");
  now_ms = I(c, "now_ms");
  for (const auto& o : snap.at("oms_order")) {
    orders[o.at("sn").get<std::string>()] =
        SagaOrder{I(o, "id"), I(o, "status"), I(o, "create_ms"), I(o, "modify_ms"), I(o, "payment_ms")};
  }
  for (const auto& i : snap.at("oms_order_item")) items[i.at("sn").get<std::string>()][I(i, "sku")] += I(i, "qty");
  for (const auto& t : snap.at("wms_ware_order_task")) {
    const std::string sn = t.at("sn").get<std::string>();
    tasks[I(t, "id")] = {sn, I(t, "create_ms")};
    tasks_of[sn].push_back(I(t, "id"));
  }
  for (const auto& d : snap.at("wms_ware_order_task_detail")) {
    details.push_back(SagaDetail{I(d, "id"), I(d, "task"), I(d, "sku"), I(d, "ware"), I(d, "num"),
                                 I(d, "lock_status")});
    details_of[details.back().task].push_back(details.size() - 1);
  }
  for (const auto& r : snap.at("wms_ware_sku")) {
    sku_rows[{I(r, "sku"), I(r, "ware")}] = {I(r, "stock"), I(r, "stock_locked")};
  }
  for (const auto& r : snap.at("initial_stock")) initial[{I(r, "sku"), I(r, "ware")}] += I(r, "stock");
  static const nlohmann::json kEmpty = nlohmann::json::array();
  events = snap.contains("events") ? &snap.at("events") : &kEmpty;
  for (size_t i = 0; i < events->size(); ++i) {
    const nlohmann::json& e = (*events)[i];
    auto n = e.find("name");
    if (n != e.end() && n->is_string()) events_named[n->get_ref<const std::string&>()].push_back(i);
  }
}

std::vector<const nlohmann::json*> SagaView::Events(
    std::initializer_list<std::string_view> names) const {
  std::vector<size_t> at;
  for (std::string_view name : names) {
    auto it = events_named.find(name);
    if (it != events_named.end()) at.insert(at.end(), it->second.begin(), it->second.end());
  }
  if (names.size() > 1) std::sort(at.begin(), at.end());
  std::vector<const nlohmann::json*> out;
  out.reserve(at.size());
  for (size_t i : at) out.push_back(&(*events)[i]);
  return out;
}

std::vector<const SagaDetail*> SagaView::DetailsOf(const std::string& sn) const {
  std::vector<const SagaDetail*> out;
  auto t = tasks_of.find(sn);
  if (t == tasks_of.end()) return out;
  for (int64_t task : t->second) {
    auto d = details_of.find(task);
    if (d == details_of.end()) continue;
    for (size_t i : d->second) out.push_back(&details[i]);
  }
  return out;
}

std::unique_ptr<checkers::Checker> MakeFnChecker(std::string name, SagaCheckFn fn) {
  return std::make_unique<FnChecker>(std::move(name), std::move(fn));
}

std::optional<uint64_t> OpOfSn(const sim::History& h, const std::string& sn) {
  for (const sim::Op& op : h.ops()) {
    if (!op.value.is_object()) continue;
    const bool match = (op.value.contains("sn") && op.value["sn"] == sn) ||
                       (op.value.contains("order_sn") && op.value["order_sn"] == sn);
    if (match) return op.type == sim::OpType::kInvoke ? op.index : op.invoke_index;
  }
  return std::nullopt;
}

checkers::Verdict InvalidFor(const std::string& name, const checkers::CheckInput& in,
                             const std::string& sn, std::string summary, nlohmann::json detail) {
  checkers::Verdict v = checkers::Invalid(name, std::move(summary), in.history, OpOfSn(in.history, sn));
  v.detail = std::move(detail);
  return v;
}

std::vector<CheckerEntry> SagaCheckerEntries() {
  std::vector<CheckerEntry> out;
  for (const Def& d : Defs()) {
    const std::string name = d.name;
    out.push_back(CheckerEntry{EntrySpec{d.name, d.doc, {}}, [name] { return MakeSagaChecker(name); }});
  }
  return out;
}

std::unique_ptr<checkers::Checker> MakeSagaChecker(const std::string& name) {
  for (const Def& d : Defs()) {
    if (name == d.name) return MakeFnChecker(d.name, d.fn);
  }
  SIM_ASSERT_MSG(false, "unknown saga checker " << name);
  return nullptr;
}

}  // namespace scenarios
