#pragma once
// Feign-style calls between the saga's services: one RPC with a read timeout, and, with a given
// probability, a duplicate of the same request sent alongside (a retrying gateway or Feign
// retryer resending a request the callee already got: the fault of ladder D-15).

#include "sim/env.h"
#include "sim/ratio.h"

namespace models::mall {

template <class Resp, class Req>
sim::Task<void> DiscardCall(sim::Env env, sim::Endpoint to, Req req, sim::Duration timeout) {
  sim::Result<Resp> r = co_await env.Call<Resp>(to, std::move(req), timeout);
  (void)r;
}

// REQUIRES: Req is copyable. The duplicate runs as its own task on the caller's node.
template <class Resp, class Req>
sim::Task<sim::Result<Resp>> Feign(sim::Env env, sim::Endpoint to, Req req, sim::Duration timeout,
                                   int64_t duplicate_per_mille) {
  if (duplicate_per_mille > 0 &&
      env.rng().Chance(sim::Ratio::PerMille(static_cast<uint64_t>(duplicate_per_mille)))) {
    env.Spawn(DiscardCall<Resp, Req>(env, to, req, timeout));
  }
  sim::Result<Resp> r = co_await env.Call<Resp>(to, std::move(req), timeout);
  co_return r;
}

}  // namespace models::mall
