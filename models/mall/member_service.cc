// The member service's points deduction; see member_service.h.

#include "models/mall/member_service.h"

#include <memory>

#include "models/db/sim_sql_client.h"
#include "models/mall/mall_protocol.h"
#include "models/mall/mall_tables.h"
#include "models/mall/service_kit.h"
#include "sim/ratio.h"

namespace models::mall {

namespace {

struct MemberState {
  MemberState(sim::Env e, MemberServiceConfig c) : env(e), config(c) {}
  sim::Env env;
  MemberServiceConfig config;
  sim::ClientPool<db::SimSqlClient> pool;
};

sim::Task<sim::Result<bool>> HandlePoints(MemberState* st, PointsRequest r) {
  const int64_t fail = st->config.options.points_fail_per_mille;
  if (fail > 0 && st->env.rng().Chance(sim::Ratio::PerMille(static_cast<uint64_t>(fail)))) {
    co_return sim::MakeError(sim::Errc::kRejected, "points deduction refused");
  }
  db::SimSqlClient* sql = st->pool.Take(st->env, st->config.db, st->config.options.db_timeout);
  db::UpdateStmt u{kMemberTable, {db::SetClause::Add("integration", -r.points)},
                   {{"id", r.member_id}},
                   db::Guard::Cmp("integration", db::CmpOp::kGe, db::Value(r.points))};
  sim::Result<int64_t> n = sim::MakeError(sim::Errc::kUnavailable, "not run");
  if (r.xid.empty() || st->config.tc == 0) {
    n = co_await sql->Update(std::move(u));
  } else {
    // D-6 rung 5: the deduction is a branch of the order's global transaction (Seata's
    // autocommit path: its own local transaction, registered at commit).
    seata::AtContext ctx{st->env, st->config.tc, "ums", &SeataCatalog()};
    ctx.rpc_timeout = st->config.options.rpc_timeout;
    seata::AtConnection at(sql, ctx, r.xid);
    n = co_await at.Update(std::move(u));
  }
  st->pool.Give(sql);
  if (!n.ok()) co_return n.error();
  if (*n != 1) co_return sim::MakeError(sim::Errc::kRejected, "not enough points");
  st->env.Trace("member.points_deducted", {{"member", r.member_id}, {"points", r.points},
                                            {"sn", r.order_sn}});
  co_return true;
}

}  // namespace

void BootMemberService(sim::Env env, MemberServiceConfig config) {
  MemberState* st = &env.Keep<MemberState>(env, config);
  env.Serve<PointsRequest, bool>(kPointsPort, [st](PointsRequest r) { return HandlePoints(st, r); });
  if (config.options.compensation == Compensation::kSeataAt) {
    seata::ServeAtResource(env, seata::RmConfig{config.db, config.options.db_timeout, &SeataCatalog()});
  }
}

}  // namespace models::mall
