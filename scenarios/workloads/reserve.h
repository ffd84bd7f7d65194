#pragma once
// The reservation workload: a stock service on one node keeps a durable counter of reserved
// units (capacity-bounded), and clients reserve one unit per request over RPC. Small enough
// to teach with, rich enough to break:
//   variant reserve.sync   = always | never   fsync before acknowledging (never: a crash
//                                             loses acknowledged reservations)
//   variant reserve.dedupe = on | off         remember request ids (off: a duplicated or
//                                             retried request is counted twice)
// Checkers: reserve.no_overbooking, reserve.acked_durable, reserve.exactly_once.

#include <memory>

#include "checkers/checker.h"
#include "scenarios/workload.h"
#include "sim/env.h"

namespace scenarios {

struct ReserveServiceConfig {
  int64_t capacity = 1000;
  bool sync = true;
  bool dedupe = true;
};

inline constexpr sim::Port kReservePort = 80;

// Boot closure body for the stock node.
void BootReserveService(sim::Env env, ReserveServiceConfig config);

struct ReserveRequest {
  int64_t client;
  int64_t request;
};

// A client loop: reserve, record the outcome in the history, think, repeat until *stop.
sim::Task<void> ReserveClient(sim::Env env, sim::NodeId stock, int64_t client,
                              sim::Duration think, sim::Duration timeout, const bool* stop);

std::unique_ptr<Workload> MakeReserveWorkload();
std::unique_ptr<checkers::Checker> MakeNoOverbookingChecker();
std::unique_ptr<checkers::Checker> MakeAckedDurableChecker();
std::unique_ptr<checkers::Checker> MakeExactlyOnceChecker();

}  // namespace scenarios
