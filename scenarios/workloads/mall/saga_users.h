#pragma once
// The users of the `mall_order` workload and the admin's purchase intake, as client tasks that
// record every operation in the history (see saga_workload.h for the op names).

#include <cstdint>

#include "sim/env.h"

namespace scenarios {

struct MallUserConfig {
  sim::NodeId order = 0;
  sim::NodeId ware = 0;
  sim::NodeId alipay = 0;
  int64_t skus = 10;
  int64_t warehouses = 2;
  int64_t items_max = 3;
  int64_t quantity_max = 3;
  sim::Duration think = sim::Duration::Minutes(10);
  sim::Duration confirm_read_max = sim::Duration::Seconds(60);  // a flash sale: well under 5 s
  sim::Duration pay_delay_min = sim::Duration::Zero();
  sim::Duration pay_delay_max = sim::Duration::Minutes(40);
  sim::Duration cancel_delay_max = sim::Duration::Minutes(20);
  int64_t pay_per_mille = 600;
  int64_t cancel_per_mille = 150;  // the rest never pay
  int64_t double_click_per_mille = 50;
  int64_t client_retry_per_mille = 500;
  int64_t points_per_mille = 200;
  sim::Duration timeout = sim::Duration::Seconds(10);
  sim::Duration intake_interval = sim::Duration::Zero();  // zero: no intake
  int64_t intake_max = 20;
};

// One user's life until *stop. `member` is the member id (also the history process).
sim::Task<void> MallUser(sim::Env env, MallUserConfig config, int64_t member, const bool* stop);
// The admin's purchase intake until *stop (history process `process`).
sim::Task<void> MallAdmin(sim::Env env, MallUserConfig config, int64_t process, const bool* stop);

}  // namespace scenarios
