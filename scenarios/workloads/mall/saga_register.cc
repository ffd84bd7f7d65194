// The registry entries of the mall's saga part (see register.cc): the `mall_order` workload, the
// stock / saga / order / mq checkers and the saga's variants.
#include "scenarios/registry.h"
#include "scenarios/workloads/mall/saga_checkers.h"
#include "scenarios/workloads/mall/saga_options.h"
#include "scenarios/workloads/mall/saga_workload.h"

namespace scenarios {

namespace {

using params::Int;
using params::Ms;
using params::PerMille;

constexpr int64_t kDayMs = 86'400'000;

std::vector<ParamSpec> MallOrderParams() {
  return {
      Int("users", 1, 100'000, 50, "users (one client task each)"),
      Int("skus", 1, 10'000, 20, "products"),
      Int("warehouses", 1, 100, 2, "warehouses (every sku stocked in each)"),
      Int("initial_stock", 0, 100'000'000, 200, "max initial stock per (sku, warehouse); the seed draws in [max/2, max]"),
      Int("items_max", 1, 20, 3, "max distinct skus per order"),
      Int("quantity_max", 1, 1000, 3, "max units per order line"),
      Ms("order_ttl_ms", 1000, kDayMs, 1'800'000, "order.delay.queue TTL (design 30 min, notes' test 60 s)"),
      Ms("stock_ttl_ms", 1000, kDayMs, 3'000'000, "stock.delay.queue TTL (design 50 min, notes' test 120 s)"),
      Ms("think_ms", 1, kDayMs, 600'000, "mean pause between a user's shopping sessions"),
      Ms("confirm_read_ms_max", 1, kDayMs, 60'000,
         "longest time a user reads the confirm page before submitting (at least min(5 s, this))"),
      Ms("pay_delay_ms_min", 0, kDayMs, 0, "least delay between submit and pay"),
      Ms("pay_delay_ms_max", 0, kDayMs, 2'400'000, "most delay between submit and pay (beyond the order TTL: too late)"),
      Ms("cancel_delay_ms_max", 0, kDayMs, 1'200'000, "most delay between submit and a buyer's cancel"),
      PerMille("pay_per_mille", 600, "orders the user pays"),
      PerMille("cancel_per_mille", 150, "orders the user cancels (the rest are never paid)"),
      PerMille("double_click_per_mille", 50, "submits sent twice at once with the same token"),
      PerMille("client_retry_per_mille", 500, "timed-out submits the user retries with the same token"),
      PerMille("points_per_mille", 200, "orders that deduct member points (a remote call after the lock)"),
      PerMille("points_fail_per_mille", 0, "points deductions member refuses (F-17: failure after the lock)"),
      PerMille("feign_duplicate_per_mille", 0, "service calls sent twice (a retrying gateway or Feign retryer, D-15)"),
      Ms("intake_interval_ms", 0, kDayMs, 600'000, "mean time between purchase intakes (0: none)"),
      Ms("rpc_timeout_ms", 1, 600'000, 3000, "Feign read timeout between services"),
      Ms("close_stall_ms", 0, kDayMs, 0, "F-19 knob: the order close listener stalls this long per message"),
      Ms("unlock_scan_ms", 1000, kDayMs, 600'000,
         "saga.compensation=scan: period of ware's unlock job (D-7 rung 1)"),
      Int("unlock_scanners", 1, 8, 1,
          "saga.compensation=scan: ware instances, each running the unlock job (F-49)"),
      Int("listener_consumers", 1, 16, 2, "consumers per listener (Spring concurrency or instances)"),
      Ms("release_slack_ms", 0, kDayMs, 600'000, "R of INV-S5/O3: allowed lateness of a release or close"),
  };
}

}  // namespace

void RegisterMallSaga(Registry& registry) {
  registry.workloads.push_back(WorkloadEntry{
      EntrySpec{"mall_order",
                "Users confirm, submit, pay, cancel or abandon orders; order locks stock at ware; "
                "delay queues close orders and release stock (the order/stock saga)",
                MallOrderParams()},
      &MakeMallOrderWorkload});
  for (CheckerEntry& c : SagaCheckerEntries()) registry.checkers.push_back(std::move(c));
  for (VariantSpec& v : SagaVariants()) registry.variants.push_back(std::move(v));
}

}  // namespace scenarios
