#pragma once
// The order service's per-incarnation state shared by its handlers (order_*.cc).

#include <memory>
#include <vector>

#include "models/mall/order_service.h"
#include "models/mall/mall_tables.h"
#include "models/mall/service_kit.h"
#include "models/redis/sim_redis_client.h"

namespace models::mall {

struct OrderState {
  OrderState(sim::Env e, OrderServiceConfig c)
      : config(c), kit(e, c.db, c.broker, c.options, kMessageTable) {}
  OrderServiceConfig config;
  ServiceKit kit;
  std::vector<std::unique_ptr<redis::SimRedisClient>> redis_all;
  std::vector<redis::SimRedisClient*> redis_free;
};

redis::SimRedisClient* AcquireRedis(OrderState* st);
void ReleaseRedis(OrderState* st, redis::SimRedisClient* c);

struct ConfirmRequest;
struct SubmitRequest;
struct SubmitReply;
struct CancelRequest;
struct MarkPaidRequest;
struct StatusRequest;
struct StatusReply;

sim::Task<sim::Result<std::string>> HandleConfirm(OrderState* st, ConfirmRequest r);
sim::Task<sim::Result<SubmitReply>> HandleSubmit(OrderState* st, SubmitRequest r);
sim::Task<sim::Result<bool>> HandleCancel(OrderState* st, CancelRequest r);
sim::Task<sim::Result<bool>> HandleMarkPaid(OrderState* st, MarkPaidRequest r);
sim::Task<sim::Result<StatusReply>> HandleStatus(OrderState* st, StatusRequest r);
// The close listener: one consumer loop on order.release.order.queue, restarted forever.
sim::Task<void> CloseListener(OrderState* st);

}  // namespace models::mall
