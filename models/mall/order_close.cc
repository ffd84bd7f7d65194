// The order service's close path (OrderCloseListener + closeOrder), the buyer's cancel, the
// status endpoint, and the boot; see order_service.h.

#include <nlohmann/json.hpp>

#include "models/mall/feign.h"
#include "models/mall/mall_protocol.h"
#include "models/mall/mall_tables.h"
#include "models/mall/mall_topology.h"
#include "models/mall/order_state.h"

namespace models::mall {

using namespace sim::literals;

namespace {

void TraceStatus(OrderState* st, const std::string& sn, int64_t from, int64_t to,
                 const std::string& msg) {
  st->kit.env.Trace("order.status", {{"sn", sn}, {"from", from}, {"to", to}, {"msg", msg}});
}

// closeOrder: CREATED -> CANCELLED (4), then order.release.other (003:177, 003:187). Answers
// ok(true) when this call cancelled it, ok(false) when it was not CREATED (or absent).
sim::Task<sim::Result<bool>> CloseOrder(OrderState* st, int64_t order_id, std::string sn,
                                        std::string msg) {
  const SagaOptions& o = st->config.options;
  // F-27/F-28: close the Alipay trade first. A trade already paid is recorded instead (its
  // notify is late or lost) and the order stays paid; no answer keeps it for a later attempt.
  const TradeCloseDecision trade = co_await CloseTradeFirst(st, sn);
  if (trade == TradeCloseDecision::kPaid) co_return false;
  if (trade == TradeCloseDecision::kKeep) {
    co_return sim::MakeError(sim::Errc::kUnavailable, "the Alipay trade is not closed yet");
  }
  db::SimSqlClient* sql = AcquireSql(&st->kit);
  db::Guard guard = db::Guard::Cmp("status", db::CmpOp::kEq, db::Value(kOrderCreated));
  if (o.close_guard == CloseGuard::kCheckThenAct) {
    // B-ORD-2: SELECT the status, then an UPDATE by id alone.
    sim::Result<std::optional<db::Row>> row = co_await sql->Get(kOrderTable, order_id, false);
    const bool created = row.ok() && row->has_value() &&
                         IntAt(**row, kOrderTable, "status") == kOrderCreated;
    if (!row.ok() || !created) {
      ReleaseSql(&st->kit, sql);
      if (!row.ok()) co_return row.error();
      co_return false;
    }
    guard = db::Guard::True();
  }
  const nlohmann::json body = {{"type", "order_release"}, {"order_sn", sn}};
  const OutMessage other{"order-release:" + sn, kOrderExchange, kKeyReleaseOther, body.dump()};
  sim::Result<void> begin = co_await sql->Begin();
  sim::Result<int64_t> n = begin.ok() ? sim::Result<int64_t>(0) : sim::Result<int64_t>(begin.error());
  if (begin.ok()) {
    db::UpdateStmt u{kOrderTable,
                     {db::SetClause::Assign("status", kOrderCancelled),
                      db::SetClause::Assign("modify_time", Millis(st->kit.env.Now()))},
                     {{"id", order_id}},
                     guard};
    n = co_await sql->Update(std::move(u));
  }
  sim::Result<void> logged;
  if (n.ok() && *n == 1 && o.release_other) logged = co_await LogMessage(&st->kit, sql, other);
  sim::Result<void> end = sim::MakeError(sim::Errc::kUnavailable, "failed");
  if (n.ok() && logged.ok()) {
    end = co_await sql->Commit();
  } else {
    sim::Result<void> rb = co_await sql->Rollback();
    (void)rb;
  }
  ReleaseSql(&st->kit, sql);
  if (!n.ok()) co_return n.error();
  if (!end.ok()) co_return end.error();
  if (*n != 1) co_return false;
  TraceStatus(st, sn, kOrderCreated, kOrderCancelled, msg);
  if (o.release_other) co_await PublishCommitted(&st->kit, other);
  co_return true;
}

// true: done (ack); false: requeue.
sim::Task<bool> HandleCloseMessage(OrderState* st, std::string body, std::string msg) {
  const nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.contains("order_sn")) co_return true;  // poison: drop
  const std::string sn = j["order_sn"].get<std::string>();
  int64_t id = j.value("order_id", int64_t{0});
  if (id == 0) {
    sim::Result<std::optional<db::Row>> row = co_await FindOrder(st, sn);
    if (!row.ok()) co_return false;
    if (!row->has_value()) co_return true;
    id = IntAt(**row, kOrderTable, "id");
  }
  sim::Result<bool> closed = co_await CloseOrder(st, id, sn, msg);
  co_return closed.ok();
}

}  // namespace

// The order row with this sn, if any.
sim::Task<sim::Result<std::optional<db::Row>>> FindOrder(OrderState* st, std::string sn) {
  db::SimSqlClient* sql = AcquireSql(&st->kit);
  db::SelectStmt s{kOrderTable, {{"order_sn", sn}}, db::Guard::True(), false};
  sim::Result<std::vector<db::Row>> rows = co_await sql->Select(std::move(s));
  ReleaseSql(&st->kit, sql);
  if (!rows.ok()) co_return rows.error();
  if (rows->empty()) co_return std::optional<db::Row>();
  co_return std::optional<db::Row>(rows->front());
}

sim::Task<void> CloseListener(OrderState* st) {
  return ListenLoop(
      &st->kit, kOrderReleaseQueue,
      [st](std::string body, std::string msg) { return HandleCloseMessage(st, body, msg); },
      st->config.options.close_stall);  // F-19: a stalled machine
}

sim::Task<sim::Result<bool>> HandleCancel(OrderState* st, CancelRequest r) {
  sim::Result<std::optional<db::Row>> row = co_await FindOrder(st, r.order_sn);
  if (!row.ok()) co_return row.error();
  if (!row->has_value()) co_return sim::MakeError(sim::Errc::kNotFound, "no such order");
  const int64_t id = IntAt(**row, kOrderTable, "id");
  sim::Result<bool> closed = co_await CloseOrder(st, id, r.order_sn, "");
  co_return closed;
}

sim::Task<sim::Result<StatusReply>> HandleStatus(OrderState* st, StatusRequest r) {
  if (!st->config.options.status_whitelist) {
    // F-21: LoginUserInterceptor finds no session on a service-to-service call (only browsers
    // carry one) and redirects to the login page, which Feign cannot decode: the call fails.
    co_return sim::MakeError(sim::Errc::kRejected, "302 to the login page: no session");
  }
  sim::Result<std::optional<db::Row>> row = co_await FindOrder(st, r.order_sn);
  if (!row.ok()) co_return row.error();
  if (!row->has_value()) co_return StatusReply{false, 0, 0};
  co_return StatusReply{true, IntAt(**row, kOrderTable, "id"),
                        IntAt(**row, kOrderTable, "status")};
}

namespace {

sim::Task<void> StartOrder(OrderState* st) {
  // RabbitAdmin declares the beans before the listeners start; retried until the broker is up.
  mq::SimBrokerClient mq(st->kit.env, st->config.broker, st->config.options.mq_timeout);
  while (true) {
    sim::Result<mq::ChannelId> ch = co_await mq.OpenChannel();
    if (ch.ok()) {
      sim::Result<void> r = co_await DeclareTopology(&mq, *ch, OrderTopology(st->config.options));
      if (r.ok()) break;
    }
    co_await st->kit.env.Sleep(1_s);
  }
  sim::Result<void> closed = co_await mq.Close();
  (void)closed;
  for (int64_t i = 0; i < st->config.listener_consumers; ++i) {
    st->kit.env.Spawn(CloseListener(st));
  }
  if (st->config.options.reliable == Reliable::kOutbox) {
    st->kit.env.Spawn(ResendLoop(&st->kit, kOrderExchange));
  }
}

}  // namespace

void BootOrderService(sim::Env env, OrderServiceConfig config) {
  OrderState* st = &env.Keep<OrderState>(env, config);
  env.Serve<ConfirmRequest, std::string>(kConfirmPort,
                                         [st](ConfirmRequest r) { return HandleConfirm(st, r); });
  env.Serve<SubmitRequest, SubmitReply>(kSubmitPort,
                                        [st](SubmitRequest r) { return HandleSubmit(st, r); });
  env.Serve<CancelRequest, bool>(kCancelPort, [st](CancelRequest r) { return HandleCancel(st, r); });
  env.Serve<PayPageRequest, PayForm>(kPayPagePort,
                                     [st](PayPageRequest r) { return HandlePayPage(st, r); });
  env.Serve<AlipayNotify, std::string>(
      kPayNotifyPort, [st](AlipayNotify n) { return HandleAlipayNotify(st, std::move(n)); });
  env.Serve<ReturnPage, bool>(kPayReturnPort,
                              [st](ReturnPage p) { return HandleAlipayReturn(st, std::move(p)); });
  env.Serve<StatusRequest, StatusReply>(kStatusPort,
                                        [st](StatusRequest r) { return HandleStatus(st, r); });
  MaybeServeSeataRm(&st->kit);
  env.Spawn(StartOrder(st));
}

}  // namespace models::mall
