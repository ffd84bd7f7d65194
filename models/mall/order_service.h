#pragma once
// The order service (mall-order): confirm page with the anti-resubmit token, submit (order +
// items in a local transaction, the remote stock lock, the optional points deduction, the
// order.create.order delay message), the close listener on order.release.order.queue, the
// buyer's cancel, the order-status endpoint ware calls, and the place where payment results
// arrive.
//
// Fidelity contract.
// Models: OrderServiceImpl#submitOrder / #closeOrder / OrderCloseListener of gulimall-real.md
//   §6.1-§6.2 with the variants of mall_options.h (D-5 token, D-6 submit transaction, D-7
//   close guard and order.release.other, D-8 reliable messaging and ack mode). Order sn = a
//   unique id (IdWorker.getTimeId() in Gulimall); prices are a function of the sku id (no
//   product service); items come with the request (no cart service; B-ORD-6 not modelled).
// Guarantees (default design): a token validates at most one submit (Lua check-and-delete); an
//   order commits only together with its outbox row; a committed order's delay message reaches
//   the broker eventually (resend loop); the close is a guarded UPDATE (status 0 -> 4) that
//   publishes order.release.other through the outbox; the listener acks only after its
//   transaction ended and requeues on errors.
// Payment: the merchant side of payment.h against the Alipay node (alipay.h): the pay page
//   (CreatePayPage, time_expire inside the order's life), Alipay's notify (HandlePayNotify:
//   verify, record oms_payment_info and the guarded 0 -> 1 in one transaction, answer
//   "success"), the return page (an active query, never a state change by itself); once a
//   payment is recorded the order's locked stock is deducted (1 -> 3). The close path closes
//   the Alipay trade before cancelling, and records a trade found paid instead (F-27, F-28).
// Faults: crash (every request and listener in flight dies; the outbox keeps messages of
//   committed transactions), partitions and loss towards db, redis, broker, ware and member.
// Trace: order.submit_txn {sn, token, member, phase=begin|committed|aborted|unknown},
//   order.status {sn, from, to, msg}, saga.* of service_kit.h.
// Seata AT (compensation kSeataAt, D-6 rung 5): submit begins a global transaction at the TC,
//   runs its local transaction through the RM proxy (a branch), passes the xid to ware and
//   member, and ends it with a commit, or a rollback on any failure (the TC undoes every
//   branch); the delay message is published only after the global commit.
// Not modelled: the price check (F-59), sessions and the login interceptor beyond the status
//   endpoint's whitelist (F-21: SagaOptions::status_whitelist), the seckill
//   queue, the nightly reconciliation (mall_payment runs it; a two-hour day has no bill).

#include "models/mall/mall_options.h"
#include "models/mall/payment.h"
#include "sim/env.h"

namespace models::mall {

struct OrderServiceConfig {
  sim::Endpoint db;
  sim::Endpoint broker;
  sim::Endpoint redis;
  sim::NodeId ware = 0;
  sim::NodeId member = 0;
  SagaOptions options;
  PaymentOptions payment;  // its alipay client config names the Alipay node
  int64_t listener_consumers = 2;  // Spring's listener concurrency (or instances)
  sim::NodeId tc = 0;  // Seata's TC when SagaOptions::compensation is kSeataAt
};

void BootOrderService(sim::Env env, OrderServiceConfig config);

// The unit price (decimal(18,4) scaled) of a sku: the product service is not modelled.
int64_t SkuPrice(int64_t sku_id);

}  // namespace models::mall
