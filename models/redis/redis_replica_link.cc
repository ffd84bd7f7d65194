// Replication between RedisServer nodes: the PSYNC long poll served by the followed node and the
// follower loop of a replica. See redis_server.h for the fidelity contract.
#include <utility>
#include <vector>

#include "models/redis/redis_server_state.h"
#include "sim/assert.h"
#include "sim/world.h"

namespace models::redis::server_detail {

std::optional<sim::Endpoint> FollowTarget(const ServerState* st) {
  const sim::Endpoint self = st->env.At(st->config.port);
  if (st->config.directory != nullptr) {
    const sim::Endpoint primary = st->config.directory->primary();
    if (primary == self) return std::nullopt;
    return primary;
  }
  return st->fixed_primary;
}

sim::Task<sim::Result<PsyncReply>> HandlePsync(ServerState* st, PsyncRequest request) {
  // Two rounds at most: answer at once when records are waiting, else after one long poll.
  for (int round = 0; round < 2; ++round) {
    if (!request.full) {
      sim::Result<std::vector<WriteRecord>> records = st->model->RecordsSince(
          request.repl_id, request.offset, st->config.repl_batch_records_max);
      if (records.ok()) {
        if (!records->empty() || round == 1) co_return PsyncReply{std::move(*records), {}};
        (void)co_await st->new_records.Wait(st->config.repl_long_poll);
        continue;
      }
      // kConflict (another history), kNotFound (left the backlog) or kInvalid (the follower is
      // ahead of this stream): only a full resync can continue.
    }
    st->env.Trace("redis.full_sync", {{"offset", st->model->ReplicationOffset()},
                                      {"keys", static_cast<uint64_t>(
                                                   st->model->keyspace().size())}});
    co_return PsyncReply{{}, st->model->MakeFullSync()};
  }
  SIM_UNREACHABLE("the second round always answers");
}

namespace {

void ApplyPsync(ServerState* st, PsyncReply reply) {
  RedisModel& model = *st->model;
  const sim::Instant now = st->env.LocalNow();
  const int64_t offset_before = model.ReplicationOffset();
  if (reply.full_sync) {
    model.BecomeReplica(*reply.full_sync, now);
    st->force_full_sync = false;
  }
  for (const WriteRecord& record : reply.records) {
    if (!model.ApplyReplicated(record, now).ok()) {
      st->force_full_sync = true;  // a gap or a promoted node: start over from an image
      break;
    }
  }
  NotifyIfWritten(st, offset_before);  // chained replicas follow this node
}

}  // namespace

sim::Task<void> FollowLoop(ServerState* st) {
  sim::Env env = st->env;
  for (;;) {
    const std::optional<sim::Endpoint> target = FollowTarget(st);
    if (!target) {
      // Named primary by the directory: a replica is promoted (REPLICAOF NO ONE).
      if (st->model->role() == Role::kReplica) st->model->Promote(env.LocalNow());
      co_await env.Sleep(st->config.repl_retry_interval);
      continue;
    }
    RedisModel& model = *st->model;
    PsyncRequest request{model.ReplicationId(), model.ReplicationOffset(),
                         model.role() == Role::kPrimary || st->force_full_sync};
    const sim::Endpoint to{target->node, st->config.replication_port};
    sim::Result<PsyncReply> reply =
        co_await env.Call<PsyncReply>(to, std::move(request), st->config.repl_timeout);
    if (!reply.ok()) {
      co_await env.Sleep(st->config.repl_retry_interval);
      continue;
    }
    // A failover while the request was out: the answer comes from a node we no longer follow.
    if (FollowTarget(st) != target) continue;
    ApplyPsync(st, std::move(reply).value());
  }
}

}  // namespace models::redis::server_detail
