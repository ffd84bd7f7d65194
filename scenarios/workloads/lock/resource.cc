// The protected resource: see resource.h for the fidelity contract.
#include "scenarios/workloads/lock/resource.h"

#include "sim/assert.h"

namespace scenarios::lock {

bool ApplyResourceWrite(ResourceState* state, const ResourceWrite& write, sim::Instant now) {
  SIM_ASSERT(state != nullptr);
  if (state->fencing) {
    const bool stale = write.token < state->max_token ||
                       (write.token == state->max_token && write.holder != state->max_holder);
    if (stale) {
      ++state->rejected;
      return false;
    }
    state->max_token = write.token;
    state->max_holder = write.holder;
  }
  state->log.push_back(ResourceEntry{write, now});
  return true;
}

namespace {

sim::Task<sim::Result<bool>> HandleWrite(sim::Env env, ResourceState* state, ResourceWrite w) {
  co_await env.Sleep(env.rng().Uniform(sim::Duration::Millis(1), sim::Duration::Millis(3)));
  const bool accepted = ApplyResourceWrite(state, w, env.Now());
  env.Trace("lock.resource_write", {{"client", w.client}, {"section", w.section},
                                    {"token", w.token}, {"accepted", accepted ? 1 : 0}});
  if (!accepted) {
    co_return sim::MakeError(sim::Errc::kRejected,
                             "fencing token " + std::to_string(w.token) + " is stale");
  }
  co_return true;
}

}  // namespace

void BootResource(sim::Env env, ResourceState* state) {
  env.Serve<ResourceWrite, bool>(
      kResourcePort, [env, state](ResourceWrite w) { return HandleWrite(env, state, w); });
}

}  // namespace scenarios::lock
