#pragma once
// The service-to-service calls of the mall's order saga (Feign / HTTP in Gulimall) as typed RPC
// requests, one port per endpoint, and the status codes of the tables.
//
// Fidelity contract: each request stands for one endpoint of gulimall-real.md §2.5 / §2.7
// (confirm = GET /toTrade, submit = POST /submitOrder, status = GET /order/order/status/{sn},
// lock = POST /ware/waresku/lock/order) or for the mall's admin and test surfaces named in the
// comments. Results follow sim/rpc.h: kRejected/kNotFound/kConflict mean "definitely not
// applied", kTimeout means "may have been applied". Not modelled: HTTP, sessions, cookies,
// the gateway.

#include <cstdint>
#include <string>
#include <vector>

#include "models/mall/order_status.h"
#include "sim/network.h"

namespace models::mall {

// wms_ware_order_task_detail.lock_status (oms_order.status: order_status.h).
inline constexpr int64_t kDetailLocked = 1;
inline constexpr int64_t kDetailUnlocked = 2;
inline constexpr int64_t kDetailDeducted = 3;

inline constexpr sim::Port kConfirmPort = 8001;
inline constexpr sim::Port kSubmitPort = 8002;
inline constexpr sim::Port kCancelPort = 8003;
inline constexpr sim::Port kPayPagePort = 8004;   // /payOrder
inline constexpr sim::Port kPayNotifyPort = 8006;  // /payed/notify (Alipay's notify_url)
inline constexpr sim::Port kPayReturnPort = 8007;  // return_url
inline constexpr sim::Port kStatusPort = 8005;
inline constexpr sim::Port kLockPort = 9001;
inline constexpr sim::Port kDeductPort = 9002;
inline constexpr sim::Port kIntakePort = 9003;
inline constexpr sim::Port kPointsPort = 9101;

struct OrderLine {
  int64_t sku_id = 0;
  int64_t quantity = 0;
};

// GET /toTrade: issues the member's token (SET order:token<memberId> uuid EX 1800).
struct ConfirmRequest {
  int64_t member_id = 0;
};

// POST /submitOrder. Items are given here instead of re-read from the cart (no cart service).
struct SubmitRequest {
  int64_t member_id = 0;
  std::string token;
  std::vector<OrderLine> lines;
  int64_t use_points = 0;  // points to deduct at member (0: no member call)
};
struct SubmitReply {
  int64_t order_id = 0;
  std::string order_sn;
  int64_t pay_amount = 0;  // decimal(18,4) scaled
};

// The buyer cancels an unpaid order (the member order list's cancel button).
struct CancelRequest {
  std::string order_sn;
};

// GET /payOrder?orderSn=: the signed page-pay form for Alipay's cashier (payment.h).
struct PayPageRequest {
  std::string order_sn;
};

// GET /order/order/status/{orderSn} (login excluded, 003:133-135).
struct StatusRequest {
  std::string order_sn;
};
struct StatusReply {
  bool found = false;
  int64_t order_id = 0;
  int64_t status = 0;
};

// POST /ware/waresku/lock/order. Answers the work order (task) id.
struct LockRequest {
  std::string order_sn;
  std::vector<OrderLine> lines;
  std::string xid;  // Seata's TX_XID header (kSeataAt): the lock is a branch of it
};

// Deduct the locked stock of a paid order (lock_status 1 -> 3). Answers details deducted.
struct DeductRequest {
  std::string order_sn;
};

// Purchase intake (采购单入库, 000:325-329): stock += quantity. Deduplicated by request_id.
struct IntakeRequest {
  std::string request_id;
  int64_t sku_id = 0;
  int64_t ware_id = 0;
  int64_t quantity = 0;
};

// Member points deduction (扣减积分, 000:1544-1545).
struct PointsRequest {
  int64_t member_id = 0;
  int64_t points = 0;
  std::string order_sn;
  std::string xid;  // as LockRequest::xid
};

}  // namespace models::mall
