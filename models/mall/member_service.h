#pragma once
// The member service as far as the order flow needs it: the points deduction (扣减积分, the
// third participant of the distributed-transaction slide, 000:1544-1545), a remote call made
// after the stock lock.
//
// Fidelity contract: `UPDATE ums_member SET integration = integration - p WHERE id=? AND
// integration >= p` in autocommit; with points_fail_per_mille the service refuses (a business
// failure after ware succeeded: F-17). A reply lost or late after the UPDATE committed is the
// "remote false failure" (F-16 shape): the order rolls back while the points stay deducted.
// Under Seata AT (D-6 rung 5) the deduction is a branch of the order's global transaction and
// the service serves its RM endpoint, so a rolled-back order gets its points back.
// Not modelled: refunding the points of a rolled-back or cancelled order (the course never
// does it), coupons (the coupon service is only named in the notes, 000:42).

#include "models/mall/mall_options.h"
#include "sim/env.h"

namespace models::mall {

struct MemberServiceConfig {
  sim::Endpoint db;
  SagaOptions options;
  sim::NodeId tc = 0;  // Seata's TC when SagaOptions::compensation is kSeataAt
};

void BootMemberService(sim::Env env, MemberServiceConfig config);

}  // namespace models::mall
