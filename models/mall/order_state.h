#pragma once
// The order service's per-incarnation state shared by its handlers (order_*.cc).

#include <memory>
#include <vector>

#include "models/mall/order_service.h"
#include "models/mall/payment.h"
#include "models/mall/mall_tables.h"
#include "models/mall/service_kit.h"
#include "models/redis/sim_redis_client.h"

namespace models::mall {

struct OrderState {
  OrderState(sim::Env e, OrderServiceConfig c)
      : config(c), kit(e, c.db, c.broker, c.options, kMessageTable, c.redis) {
    kit.tc = c.tc;
  }
  OrderServiceConfig config;
  ServiceKit kit;
};

struct ConfirmRequest;
struct SubmitRequest;
struct SubmitReply;
struct CancelRequest;
struct PayPageRequest;
struct StatusRequest;
struct StatusReply;

sim::Task<sim::Result<std::string>> HandleConfirm(OrderState* st, ConfirmRequest r);
sim::Task<sim::Result<SubmitReply>> HandleSubmit(OrderState* st, SubmitRequest r);
sim::Task<sim::Result<bool>> HandleCancel(OrderState* st, CancelRequest r);
// Payment (order_pay.cc): the pay page, Alipay's notify and the return page on payment.h, each
// deducting the order's stock once its payment is recorded.
sim::Task<sim::Result<PayForm>> HandlePayPage(OrderState* st, PayPageRequest r);
sim::Task<sim::Result<std::string>> HandleAlipayNotify(OrderState* st, AlipayNotify n);
sim::Task<sim::Result<bool>> HandleAlipayReturn(OrderState* st, ReturnPage page);
// The close path's first step: alipay.trade.close, or query-and-record when already paid.
sim::Task<TradeCloseDecision> CloseTradeFirst(OrderState* st, std::string sn);
sim::Task<void> DeductPaidStock(OrderState* st, std::string sn);
// The order row with this sn, if any.
sim::Task<sim::Result<std::optional<db::Row>>> FindOrder(OrderState* st, std::string sn);
sim::Task<sim::Result<StatusReply>> HandleStatus(OrderState* st, StatusRequest r);
// The close listener: one consumer loop on order.release.order.queue, restarted forever.
sim::Task<void> CloseListener(OrderState* st);

}  // namespace models::mall
