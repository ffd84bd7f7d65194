// The payment duties of the order service; see pay_order_node.h.

#include "scenarios/workloads/mall/pay_order_node.h"

#include <string>
#include <vector>

#include "models/db/sim_sql_client.h"

namespace scenarios {
namespace {

namespace mall = models::mall;
namespace db = models::db;

constexpr size_t kCloseBatchMax = 100;
const char* const kReconciledKey = "payment/reconciled_through";

sim::Task<void> CloseQuietly(db::SimSqlClient* sql) {
  sim::Result<void> r = co_await sql->Close();
  (void)r;  // the server drops the session either way
}

sim::Task<sim::Result<std::string>> ServeNotify(sim::Env env, PayOrderNodeConfig config,
                                                mall::AlipayNotify notify) {
  db::SimSqlClient sql(env, config.db, config.sql_timeout);
  mall::PayNotifyOutcome out = co_await mall::HandlePayNotify(env, &sql, std::move(notify),
                                                              config.payment);
  co_await CloseQuietly(&sql);
  co_return out.reply;
}

sim::Task<sim::Result<mall::PayForm>> ServePayPage(sim::Env env, PayOrderNodeConfig config,
                                                   PayPageRequest request) {
  db::SimSqlClient sql(env, config.db, config.sql_timeout);
  sim::Result<mall::PayForm> form =
      co_await mall::CreatePayPage(env, &sql, std::move(request.order_sn), config.payment);
  co_await CloseQuietly(&sql);
  co_return form;
}

sim::Task<sim::Result<bool>> ServeReturn(sim::Env env, PayOrderNodeConfig config,
                                         mall::ReturnPage page) {
  db::SimSqlClient sql(env, config.db, config.sql_timeout);
  sim::Result<bool> paid = co_await mall::HandleReturnPage(env, &sql, std::move(page),
                                                           config.payment);
  co_await CloseQuietly(&sql);
  co_return paid;
}

sim::Task<void> CloseScan(sim::Env env, PayOrderNodeConfig config) {
  for (;;) {
    co_await env.Sleep(config.close_scan);
    db::SimSqlClient sql(env, config.db, config.sql_timeout);
    const int64_t now_ms = env.LocalNow().nanos() / 1'000'000;
    db::SelectStmt expired{mall::kOmsOrder, {{"status", mall::kOrderCreated}},
                           db::Guard::Cmp("create_time", db::CmpOp::kLe,
                                          now_ms - config.payment.order_ttl.millis()),
                           false};
    sim::Result<std::vector<db::Row>> rows = co_await sql.Select(std::move(expired));
    std::vector<std::string> sns;
    if (rows.ok()) {
      const size_t sn_col = 2;  // id, member_id, order_sn, ... (mall_catalog.h)
      for (const db::Row& row : *rows) {
        if (sns.size() >= kCloseBatchMax) break;
        sns.push_back(row.at(sn_col).AsString());
      }
    }
    for (const std::string& sn : sns) {
      sim::Result<bool> closed = co_await mall::CloseExpiredOrder(env, &sql, sn, config.payment);
      (void)closed;  // an error leaves the order for the next scan
    }
    co_await CloseQuietly(&sql);
  }
}

sim::Task<void> ReconcileJob(sim::Env env, PayOrderNodeConfig config) {
  for (;;) {
    const int64_t now_ms = env.LocalNow().nanos() / 1'000'000;
    const int64_t next_day = ReconciledThrough(env.disk()) + 1;
    const int64_t ready_ms = (next_day + 1) * config.bill_day_ms + config.bill_ready_after_ms;
    if (now_ms < ready_ms) {
      co_await env.Sleep(sim::Duration::Millis(ready_ms - now_ms));
      continue;
    }
    db::SimSqlClient sql(env, config.db, config.sql_timeout);
    sim::Result<mall::ReconcileReport> report =
        co_await mall::ReconcileDay(env, &sql, next_day, config.payment);
    co_await CloseQuietly(&sql);
    if (report.ok() && report->errors == 0) {
      env.disk().Write(kReconciledKey, std::to_string(next_day));
      env.disk().Sync();
    } else {
      co_await env.Sleep(sim::Duration::Minutes(1));  // Alipay unreachable: try again soon
    }
  }
}

}  // namespace

int64_t ReconciledThrough(sim::Disk& disk) {
  const auto v = disk.Read(kReconciledKey);
  return v ? std::stoll(*v) : -1;
}

void BootPayOrderNode(sim::Env env, PayOrderNodeConfig config) {
  env.Serve<mall::AlipayNotify, std::string>(kPayNotifyPort, [env, config](mall::AlipayNotify n) {
    return ServeNotify(env, config, std::move(n));
  });
  env.Serve<PayPageRequest, mall::PayForm>(kPayPagePort, [env, config](PayPageRequest r) {
    return ServePayPage(env, config, std::move(r));
  });
  env.Serve<mall::ReturnPage, bool>(kPayReturnPort, [env, config](mall::ReturnPage p) {
    return ServeReturn(env, config, std::move(p));
  });
  env.Spawn(CloseScan(env, config));
  if (config.payment.reconcile) env.Spawn(ReconcileJob(env, config));
}

}  // namespace scenarios
