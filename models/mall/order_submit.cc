// The order service's confirm and submit (OrderWebController#toTrade / #submitOrder); see
// order_service.h for the fidelity contract.

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "models/mall/feign.h"
#include "models/mall/mall_protocol.h"
#include "models/mall/mall_tables.h"
#include "models/mall/mall_topology.h"
#include "models/mall/order_state.h"
#include "models/redis/scripts.h"

namespace models::mall {

using namespace sim::literals;

int64_t SkuPrice(int64_t sku_id) { return (10 + sku_id % 90) * 10'000; }

namespace {

std::string TokenKey(int64_t member) { return fmt::format("order:token{}", member); }

// D-5: the token check before the order is created. ok(true): go on; kRejected: token invalid.
sim::Task<sim::Result<void>> CheckToken(OrderState* st, int64_t member, std::string token) {
  const TokenCheck mode = st->config.options.token_check;
  if (mode == TokenCheck::kNone) co_return sim::Result<void>();
  redis::SimRedisClient* rc = AcquireRedis(&st->kit);
  const std::string key = TokenKey(member);
  sim::Result<void> out;
  if (mode == TokenCheck::kLua) {
    const std::vector<std::string> keys{key};
    const std::vector<std::string> args{token};
    sim::Result<redis::Reply> r =
        co_await rc->Eval(redis::OrderTokenCheckAndDeleteScript(), keys, args);
    if (!r.ok()) {
      out = r.error();
    } else if (!(r->type() == redis::Reply::Type::kInteger && r->integer() == 1)) {
      out = sim::MakeError(sim::Errc::kRejected, "token invalid");
    }
  } else {
    // F-14 / F-13: GET and compare now; kGetThenDel deletes at once with a separate command,
    // kDeleteAfter only after the order committed.
    sim::Result<std::optional<std::string>> got = co_await rc->Get(key);
    if (!got.ok()) {
      out = got.error();
    } else if (!got->has_value() || **got != token) {
      out = sim::MakeError(sim::Errc::kRejected, "token invalid");
    } else if (mode == TokenCheck::kGetThenDel) {
      sim::Result<int64_t> del = co_await rc->Del(key);
      if (!del.ok()) out = del.error();
    }
  }
  ReleaseRedis(&st->kit, rc);
  co_return out;
}

sim::Task<void> DeleteTokenAfter(OrderState* st, int64_t member) {
  redis::SimRedisClient* rc = AcquireRedis(&st->kit);
  sim::Result<int64_t> del = co_await rc->Del(TokenKey(member));
  (void)del;
  ReleaseRedis(&st->kit, rc);
}

// INSERT oms_order and its items inside the open transaction. Answers the order id.
sim::Task<sim::Result<int64_t>> InsertOrder(OrderState* st, db::SqlClient* sql, SubmitRequest r,
                                            std::string sn, int64_t amount) {
  const int64_t now = Millis(st->kit.env.Now());
  db::InsertStmt order{kOrderTable,
                       {{"member_id", r.member_id}, {"order_sn", sn}, {"total_amount", amount},
                        {"pay_amount", amount}, {"status", kOrderCreated},
                        {"integration_amount", r.use_points}, {"create_time", now}}};
  sim::Result<int64_t> id = co_await sql->Insert(std::move(order));
  if (!id.ok()) co_return id;
  for (const OrderLine& line : r.lines) {
    const int64_t price = SkuPrice(line.sku_id);
    db::InsertStmt item{kOrderItemTable,
                        {{"order_id", *id}, {"order_sn", sn}, {"sku_id", line.sku_id},
                         {"sku_price", price}, {"sku_quantity", line.quantity},
                         {"real_amount", price * line.quantity}}};
    sim::Result<int64_t> item_id = co_await sql->Insert(std::move(item));
    if (!item_id.ok()) co_return item_id.error();
  }
  co_return id;
}

// The remote steps between the inserts and the commit: the stock lock (D-6) and the points
// deduction (F-17). An error means the transaction must roll back.
sim::Task<sim::Result<void>> RemoteSteps(OrderState* st, SubmitRequest r, std::string sn,
                                         std::string xid) {
  const SagaOptions& o = st->config.options;
  LockRequest lock{sn, r.lines, xid};
  sim::Result<int64_t> task = co_await Feign<int64_t>(
      st->kit.env, sim::Endpoint{st->config.ware, kLockPort}, std::move(lock), o.rpc_timeout,
      o.feign_duplicate_per_mille);
  // D-6 rung 1: separate transactions; the order commits whatever ware answered (003:499).
  if (!task.ok() && o.submit_txn == SubmitTxn::kRollbackOnFail) co_return task.error();
  if (r.use_points > 0) {
    PointsRequest points{r.member_id, r.use_points, sn, xid};
    sim::Result<bool> p = co_await Feign<bool>(
        st->kit.env, sim::Endpoint{st->config.member, kPointsPort}, std::move(points),
        o.rpc_timeout, 0);
    if (!p.ok()) co_return p.error();  // F-17: after ware already locked
  }
  co_return sim::Result<void>();
}

void TraceTxn(OrderState* st, const std::string& sn, const SubmitRequest& r, const char* phase) {
  st->kit.env.Trace("order.submit_txn", {{"sn", sn}, {"token", r.token},
                                         {"member", r.member_id}, {"phase", phase}});
}

// D-6 rung 5: the end of the @GlobalTransactional. Answers whether the global transaction
// committed; on failure the TC rolls every branch back. Only called inside one (an await
// costs scheduler events, so the default design's schedule stays as it was).
sim::Task<sim::Result<bool>> EndGlobal(OrderState* st, std::string xid, bool commit) {
  sim::Result<seata::GlobalStatus> s = co_await seata::GlobalEnd(
      st->kit.env, st->kit.tc, xid, commit, st->config.options.rpc_timeout);
  if (!s.ok()) co_return s.error();
  co_return *s == seata::GlobalStatus::kCommitted;
}

}  // namespace

sim::Task<sim::Result<std::string>> HandleConfirm(OrderState* st, ConfirmRequest r) {
  const std::string token = NewId(&st->kit, "tok-");
  redis::SimRedisClient* rc = AcquireRedis(&st->kit);
  redis::SetOptions ttl;
  ttl.ttl = sim::Duration::Minutes(30);  // EX 1800
  sim::Result<bool> set = co_await rc->Set(TokenKey(r.member_id), token, ttl);
  ReleaseRedis(&st->kit, rc);
  if (!set.ok()) co_return set.error();
  co_return token;
}

sim::Task<sim::Result<SubmitReply>> HandleSubmit(OrderState* st, SubmitRequest r) {
  sim::Result<void> token = co_await CheckToken(st, r.member_id, r.token);
  if (!token.ok()) co_return token.error();
  const std::string sn = NewId(&st->kit, "sn-");
  int64_t amount = 0;
  for (const OrderLine& line : r.lines) amount += SkuPrice(line.sku_id) * line.quantity;
  std::string xid;  // D-6 rung 5: @GlobalTransactional begins before the local transaction
  if (st->kit.tc != 0) {
    sim::Result<std::string> g = co_await seata::GlobalBegin(
        st->kit.env, st->kit.tc, "submitOrder", st->config.options.global_timeout,
        st->config.options.rpc_timeout);
    if (!g.ok()) co_return sim::MakeError(sim::Errc::kRejected, "global begin: " + g.error().ToString());
    xid = *g;
  }
  db::SimSqlClient* pooled = AcquireSql(&st->kit);
  std::optional<seata::AtConnection> slot;
  db::SqlClient* sql = pooled;
  if (!xid.empty()) sql = SeataWrap(&st->kit, pooled, &slot, xid);
  sim::Result<void> begin = co_await sql->Begin();
  sim::Result<int64_t> id = sim::MakeError(sim::Errc::kUnavailable, "no transaction");
  if (begin.ok()) {
    TraceTxn(st, sn, r, "begin");
    id = co_await InsertOrder(st, sql, r, sn, amount);
  }
  sim::Result<void> steps = sim::MakeError(sim::Errc::kUnavailable, "not run");
  if (id.ok()) steps = co_await RemoteSteps(st, r, sn, xid);
  const nlohmann::json body = {{"type", "order_create"}, {"order_sn", sn},
                               {"order_id", id.ok() ? *id : 0}};
  const OutMessage created{"order-create:" + sn, kOrderExchange, kKeyOrderCreate, body.dump()};
  sim::Result<void> logged = sim::MakeError(sim::Errc::kUnavailable, "not run");
  if (steps.ok()) logged = co_await LogMessage(&st->kit, sql, created);
  if (!logged.ok()) {
    sim::Result<void> rb = co_await sql->Rollback();
    (void)rb;
    ReleaseSql(&st->kit, pooled);
    if (!xid.empty()) {
      sim::Result<bool> ended = co_await EndGlobal(st, xid, false);
      (void)ended;
    }
    if (begin.ok()) TraceTxn(st, sn, r, "aborted");
    co_return sim::MakeError(sim::Errc::kRejected, "submit failed: " + logged.error().ToString());
  }
  sim::Result<void> commit = co_await sql->Commit();
  ReleaseSql(&st->kit, pooled);
  if (!commit.ok()) {
    const bool unknown = commit.error().Indeterminate();
    if (!xid.empty()) {
      sim::Result<bool> ended = co_await EndGlobal(st, xid, false);
      (void)ended;
    }
    TraceTxn(st, sn, r, unknown ? "unknown" : "aborted");
    co_return commit.error();
  }
  sim::Result<bool> global = true;
  if (!xid.empty()) global = co_await EndGlobal(st, xid, true);
  if (!global.ok() || !*global) {
    // The TC rolled the branches back (or will, at the global timeout, if it never heard).
    TraceTxn(st, sn, r, global.ok() ? "aborted" : "unknown");
    if (!global.ok()) co_return global.error();
    co_return sim::MakeError(sim::Errc::kRejected, "global transaction rolled back");
  }
  TraceTxn(st, sn, r, "committed");
  if (st->config.options.token_check == TokenCheck::kDeleteAfter) {
    co_await DeleteTokenAfter(st, r.member_id);
  }
  co_await PublishCommitted(&st->kit, created);
  co_return SubmitReply{*id, sn, amount};
}

}  // namespace models::mall
