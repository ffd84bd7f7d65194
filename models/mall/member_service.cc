// The member service's points deduction; see member_service.h.

#include "models/mall/member_service.h"

#include <memory>

#include "models/db/sim_sql_client.h"
#include "models/mall/mall_protocol.h"
#include "models/mall/mall_tables.h"
#include "sim/ratio.h"

namespace models::mall {

namespace {

struct MemberState {
  MemberState(sim::Env e, MemberServiceConfig c) : env(e), config(c) {}
  sim::Env env;
  MemberServiceConfig config;
  std::vector<std::unique_ptr<db::SimSqlClient>> free;
};

sim::Task<sim::Result<bool>> HandlePoints(MemberState* st, PointsRequest r) {
  const int64_t fail = st->config.options.points_fail_per_mille;
  if (fail > 0 && st->env.rng().Chance(sim::Ratio::PerMille(static_cast<uint64_t>(fail)))) {
    co_return sim::MakeError(sim::Errc::kRejected, "points deduction refused");
  }
  std::unique_ptr<db::SimSqlClient> sql;
  if (st->free.empty()) {
    sql = std::make_unique<db::SimSqlClient>(st->env, st->config.db, st->config.options.db_timeout);
  } else {
    sql = std::move(st->free.back());
    st->free.pop_back();
  }
  db::UpdateStmt u{kMemberTable, {db::SetClause::Add("integration", -r.points)},
                   {{"id", r.member_id}},
                   db::Guard::Cmp("integration", db::CmpOp::kGe, db::Value(r.points))};
  sim::Result<int64_t> n = co_await sql->Update(std::move(u));
  st->free.push_back(std::move(sql));
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
}

}  // namespace models::mall
