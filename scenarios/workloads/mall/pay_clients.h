#pragma once
// The users of the mall_payment workload: buyers who place an order (straight into oms: the
// order/stock saga is SAGA's), open the pay page and pay after a random delay, never, or too late
// (they stay on the cashier and pay after the order closed, F-26), sometimes close the browser
// instead of coming back to return_url (F-33) and sometimes refresh the pay page after paying
// (F-32); and an attacker who forges, tampers with and replays notifies (F-31a, F-34).
// History ops: "submit", "pay_page", "pay" (see pay_checkers.h), "attack".

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "models/mall/alipay_model.h"
#include "sim/env.h"
#include "sim/ratio.h"

namespace scenarios {

struct PayBuyerConfig {
  sim::Endpoint db;
  sim::NodeId order = 0;
  sim::NodeId alipay = 0;
  int64_t orders = 3;
  sim::Duration think = sim::Duration::Seconds(2);
  sim::Duration order_ttl = sim::Duration::Seconds(60);
  sim::Duration timeout = sim::Duration::Seconds(5);
  int64_t pay_per_mille = 700;            // pays in time
  int64_t late_per_mille = 100;           // pays after the order closed
  int64_t close_browser_per_mille = 300;  // never comes back to return_url
  int64_t refresh_per_mille = 200;        // asks for the pay page again after paying
};

// Order sns the buyers created, shared with the attacker (owned by the workload).
struct PayOrderBook {
  std::vector<std::pair<std::string, int64_t>> orders;  // order sn, amount in cents
};

// Places config.orders orders (none after *stop), then increments *done.
sim::Task<void> PayBuyer(sim::Env env, PayBuyerConfig config, int64_t buyer, PayOrderBook* book,
                         const bool* stop, int64_t* done);

struct PayAttackerConfig {
  sim::NodeId order = 0;
  int64_t attacks = 10;
  sim::Duration interval = sim::Duration::Seconds(5);
  sim::Duration timeout = sim::Duration::Seconds(5);
  models::mall::SignKey own_key{0x6576696c};  // not Alipay's
};

// `alipay` is read to find genuine notifies to replay (as if sniffed from a log or the wire).
sim::Task<void> PayAttacker(sim::Env env, PayAttackerConfig config, const PayOrderBook* book,
                            const models::mall::AlipayModel* alipay, int64_t process,
                            const bool* stop);

}  // namespace scenarios
