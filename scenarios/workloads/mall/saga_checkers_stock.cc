// The stock and saga checkers (INV-S1..S8, INV-D1); see saga_checkers.h.

#include <fmt/format.h>

#include "scenarios/workloads/mall/saga_checkers_util.h"

namespace scenarios {

using checkers::Verdict;
using checkers::CheckInput;

namespace {

constexpr int64_t kLocked = 1;
constexpr int64_t kUnlocked = 2;
constexpr int64_t kDeducted = 3;
constexpr int64_t kPaid = 1;
constexpr int64_t kCancelled = 4;

std::string Pair(const SkuWare& k) { return fmt::format("(sku {}, ware {})", k.first, k.second); }

// When the details of `sn` must all be unlocked: the stock TTL after the lock, or the slack after
// the cancel, whichever is later, plus the slack (INV-S5's B = T_stock + R).
int64_t ReleaseDeadline(const SagaView& v, const std::string& sn, int64_t task_create_ms) {
  int64_t due = task_create_ms + v.stock_ttl_ms;
  auto o = v.orders.find(sn);
  if (o != v.orders.end() && o->second.status == kCancelled) due = std::max(due, o->second.modify_ms);
  return due + v.slack_ms;
}

bool Dead(const SagaView& v, const std::string& sn) {
  auto o = v.orders.find(sn);
  return o == v.orders.end() || o->second.status == kCancelled;
}

}  // namespace

Verdict CheckLockAccounting(const std::string& name, const CheckInput& in, const SagaView& v) {
  std::map<SkuWare, int64_t> locked;
  for (const SagaDetail& d : v.details) {
    if (d.status == kLocked) locked[{d.sku, d.ware}] += d.num;
  }
  for (const auto& [key, row] : v.sku_rows) {
    const int64_t want = locked.count(key) ? locked[key] : 0;
    if (row.second != want) {
      Verdict out = checkers::Invalid(
          name, fmt::format("{}: stock_locked {} but locked details sum to {}", Pair(key), row.second, want),
          in.history, std::nullopt);
      out.detail = {{"sku", key.first}, {"ware", key.second}, {"stock_locked", row.second}, {"details", want}};
      return out;
    }
  }
  return checkers::Valid(name, fmt::format("{} (sku, ware) rows account for their locks", v.sku_rows.size()));
}

Verdict CheckConservation(const std::string& name, const CheckInput& in, const SagaView& v) {
  // Received per (sku, ware): intakes known applied (ok) and those that may have been (info).
  std::map<std::string, std::pair<SkuWare, int64_t>> req;
  std::set<std::string> ok;
  std::set<std::string> maybe;
  for (const sim::Op& op : in.history.ops()) {
    if (op.f != "intake" || !op.value.is_object() || !op.value.contains("request_id")) continue;
    const std::string id = op.value["request_id"].get<std::string>();
    req[id] = {{op.value.value("sku", int64_t{0}), op.value.value("ware", int64_t{0})},
               op.value.value("n", int64_t{0})};
    if (op.type == sim::OpType::kOk) ok.insert(id);
    if (op.type == sim::OpType::kInfo) maybe.insert(id);
  }
  std::map<SkuWare, std::pair<int64_t, int64_t>> received;  // (lo, hi)
  for (const auto& [id, r] : req) {
    if (ok.count(id)) {
      received[r.first].first += r.second;
      received[r.first].second += r.second;
    } else if (maybe.count(id)) {
      received[r.first].second += r.second;
    }
  }
  std::map<SkuWare, int64_t> deducted;
  for (const SagaDetail& d : v.details) {
    if (d.status == kDeducted) deducted[{d.sku, d.ware}] += d.num;
  }
  for (const auto& [key, row] : v.sku_rows) {
    const int64_t init = v.initial.count(key) ? v.initial.at(key) : 0;
    const int64_t have = row.first + (deducted.count(key) ? deducted[key] : 0) - init;
    const auto rec = received.count(key) ? received[key] : std::pair<int64_t, int64_t>{0, 0};
    if (have < rec.first || have > rec.second) {
      Verdict out = checkers::Invalid(
          name, fmt::format("{}: stock + deducted - initial = {}, but intake received {}..{}",
                            Pair(key), have, rec.first, rec.second),
          in.history, std::nullopt);
      out.detail = {{"sku", key.first}, {"ware", key.second}, {"stock", row.first}, {"initial", init}};
      return out;
    }
  }
  return checkers::Valid(name, fmt::format("{} rows conserve stock", v.sku_rows.size()));
}

Verdict CheckNoOversell(const std::string& name, const CheckInput& in, const SagaView& v) {
  for (const auto& [key, row] : v.sku_rows) {
    if (row.second < 0 || row.second > row.first) {
      return checkers::Invalid(name, fmt::format("{}: stock_locked {} outside [0, stock {}]",
                                                 Pair(key), row.second, row.first),
                               in.history, std::nullopt);
    }
  }
  // A paid order is sold: it must hold (locked or deducted) exactly its items.
  for (const auto& [sn, o] : v.orders) {
    if (o.status != kPaid) continue;
    std::map<int64_t, int64_t> held;
    for (const SagaDetail* d : v.DetailsOf(sn)) {
      if (d->status == kLocked || d->status == kDeducted) held[d->sku] += d->num;
    }
    const auto want = v.items.count(sn) ? v.items.at(sn) : std::map<int64_t, int64_t>{};
    if (held != want) {
      return InvalidFor(name, in, sn, "paid order " + sn + " does not hold its items' stock",
                        {{"sn", sn}, {"held", held}, {"items", want}});
    }
  }
  return checkers::Valid(name, "no (sku, ware) oversold; paid orders hold their stock");
}

Verdict CheckDetailStateMachine(const std::string& name, const CheckInput& in, const SagaView& v) {
  std::map<int64_t, int64_t> moves;
  std::map<int64_t, int64_t> last_to;
  for (const nlohmann::json* ep : v.Events({"ware.detail"})) {
    const nlohmann::json& e = *ep;
    const int64_t id = e.value("detail", int64_t{0});
    const int64_t from = e.value("from", int64_t{0});
    last_to[id] = e.value("to", int64_t{0});
    if (from != kLocked || ++moves[id] > 1) {
      return InvalidFor(name, in, e.value("sn", std::string()),
                        fmt::format("detail {} moved {} -> {} (transition {} of it)", id, from,
                                    e.value("to", int64_t{0}), moves[id]),
                        e);
    }
  }
  for (const SagaDetail& d : v.details) {
    const bool known = d.status == kLocked || d.status == kUnlocked || d.status == kDeducted;
    const bool left = last_to.count(d.id) && last_to[d.id] != d.status;
    if (!known || left) {
      return checkers::Invalid(name, fmt::format("detail {} ends in lock_status {}", d.id, d.status),
                               in.history, std::nullopt);
    }
  }
  return checkers::Valid(name, fmt::format("{} transitions, all 1->2 or 1->3 once", moves.size()));
}

Verdict CheckBoundedRelease(const std::string& name, const CheckInput& in, const SagaView& v) {
  std::map<int64_t, int64_t> unlocked_at;  // detail -> event time
  for (const nlohmann::json* ep : v.Events({"ware.detail"})) {
    const nlohmann::json& e = *ep;
    if (e.value("to", int64_t{0}) == kUnlocked) {
      unlocked_at.emplace(e.value("detail", int64_t{0}), e.value("t_ms", int64_t{0}));
    }
  }
  size_t due = 0;
  for (const auto& [task, info] : v.tasks) {
    const std::string& sn = info.first;
    if (!Dead(v, sn)) continue;
    const int64_t deadline = ReleaseDeadline(v, sn, info.second);
    if (deadline > v.now_ms) continue;  // not due yet when the run ended
    ++due;
    for (const SagaDetail* d : v.DetailsOf(sn)) {
      const bool stuck = d->status == kLocked;
      const bool late = unlocked_at.count(d->id) && unlocked_at[d->id] > deadline;
      if (stuck || late) {
        return InvalidFor(name, in, sn,
                          fmt::format("detail {} of {} order {} {} (due by {} ms)", d->id,
                                      v.orders.count(sn) ? "cancelled" : "absent", sn,
                                      stuck ? "is still locked" : "was unlocked late", deadline),
                          {{"sn", sn}, {"detail", d->id}, {"deadline_ms", deadline}});
      }
    }
  }
  return checkers::Valid(name, fmt::format("{} dead work orders released in time", due));
}

Verdict CheckNoPrematureUnlock(const std::string& name, const CheckInput& in, const SagaView& v) {
  for (const nlohmann::json* ep : v.Events({"ware.detail", "ware.payload_unlock"})) {
    const nlohmann::json& e = *ep;
    const std::string ev = e.value("name", std::string());
    const bool unlock = (ev == "ware.detail" && e.value("to", int64_t{0}) == kUnlocked) ||
                        ev == "ware.payload_unlock";
    if (!unlock) continue;
    const std::string sn = e.value("sn", std::string());
    auto o = v.orders.find(sn);
    if (o == v.orders.end()) continue;  // never committed: "absent" was right
    // The close sets modify_time before it commits, so a legitimate unlock comes after it.
    const int64_t t = e.value("t_ms", int64_t{0});
    if (o->second.status == kCancelled && o->second.modify_ms <= t) continue;
    return InvalidFor(name, in, sn,
                      fmt::format("order {} (final status {}) had stock unlocked at {} ms while it "
                                  "was not cancelled", sn, o->second.status, t),
                      e);
  }
  return checkers::Valid(name, "every unlock found its order cancelled or never committed");
}

Verdict CheckPaidHoldsStock(const std::string& name, const CheckInput& in, const SagaView& v) {
  for (const auto& [sn, o] : v.orders) {
    if (o.status != kPaid) continue;
    for (const SagaDetail* d : v.DetailsOf(sn)) {
      if (d->status == kUnlocked) {
        return InvalidFor(name, in, sn, fmt::format("paid order {} has unlocked detail {}", sn, d->id),
                          {{"sn", sn}, {"detail", d->id}});
      }
    }
  }
  return checkers::Valid(name, "paid orders keep their stock");
}

Verdict CheckFailedLockAtomic(const std::string& name, const CheckInput& in, const SagaView& v) {
  std::set<std::string> failed;
  std::set<std::string> succeeded;
  for (const nlohmann::json* ep : v.Events({"ware.lock"})) {
    const nlohmann::json& e = *ep;
    const std::string sn = e.value("sn", std::string());
    if (e.value("ok", int64_t{0}) == 1 || e.value("definite", int64_t{1}) == 0) {
      succeeded.insert(sn);
    } else {
      failed.insert(sn);
    }
  }
  for (const std::string& sn : failed) {
    if (succeeded.count(sn) || !v.tasks_of.count(sn)) continue;
    const auto details = v.DetailsOf(sn);
    return InvalidFor(name, in, sn,
                      fmt::format("lock of {} answered failure but left {} work order(s) and {} "
                                  "detail(s)", sn, v.tasks_of.at(sn).size(), details.size()),
                      {{"sn", sn}});
  }
  return checkers::Valid(name, fmt::format("{} failed locks left nothing", failed.size()));
}

Verdict CheckEventualAtomicity(const std::string& name, const CheckInput& in, const SagaView& v) {
  std::set<std::string> sns;
  for (const auto& [sn, o] : v.orders) sns.insert(sn);
  for (const auto& [sn, t] : v.tasks_of) sns.insert(sn);
  size_t pending = 0;
  for (const std::string& sn : sns) {
    const auto details = v.DetailsOf(sn);
    if (!Dead(v, sn)) {
      std::map<int64_t, int64_t> held;
      for (const SagaDetail* d : details) {
        if (d->status == kLocked || d->status == kDeducted) held[d->sku] += d->num;
      }
      const auto want = v.items.count(sn) ? v.items.at(sn) : std::map<int64_t, int64_t>{};
      if (held != want) {
        return InvalidFor(name, in, sn, "live order " + sn + " does not hold exactly its items",
                          {{"sn", sn}, {"held", held}, {"items", want},
                           {"status", v.orders.at(sn).status}});
      }
      continue;
    }
    int64_t latest = 0;
    for (int64_t task : v.tasks_of.count(sn) ? v.tasks_of.at(sn) : std::vector<int64_t>{}) {
      latest = std::max(latest, ReleaseDeadline(v, sn, v.tasks.at(task).second));
    }
    if (latest > v.now_ms) {
      ++pending;
      continue;
    }
    for (const SagaDetail* d : details) {
      if (d->status != kUnlocked) {
        return InvalidFor(name, in, sn,
                          fmt::format("{} order {} still has detail {} in lock_status {}",
                                      v.orders.count(sn) ? "cancelled" : "absent", sn, d->id, d->status),
                          {{"sn", sn}, {"detail", d->id}});
      }
    }
  }
  return checkers::Valid(name, fmt::format("{} order sns atomic ({} not yet due)", sns.size(), pending));
}

}  // namespace scenarios
