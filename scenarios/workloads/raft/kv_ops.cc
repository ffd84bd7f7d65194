#include "scenarios/workloads/raft/kv_ops.h"

#include <nlohmann/json.hpp>

#include "sim/history.h"

namespace scenarios::raft {

using models::raft::KvResult;
using models::raft::Outcome;

namespace {

void Record(sim::Env env, uint64_t op, const KvResult& r, nlohmann::json ok_value) {
  sim::History& h = env.history();
  if (r.outcome == Outcome::kOk) {
    h.Complete(op, sim::OpType::kOk, std::move(ok_value), env.Now());
  } else {
    const sim::OpType t = r.outcome == Outcome::kInfo ? sim::OpType::kInfo : sim::OpType::kFail;
    h.Complete(op, t, nlohmann::json::object(), env.Now(), r.error);
  }
}

nlohmann::json OptJson(const std::optional<std::string>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

sim::Task<KvResult> RecordedGet(sim::Env env, models::raft::RaftKvClient* client,
                                int64_t process, std::string key, sim::Duration timeout) {
  const uint64_t op = env.history().Invoke(process, "read", {{"key", key}}, env.Now(), env.id());
  KvResult r = co_await client->Get(key, timeout);
  Record(env, op, r, {{"value", OptJson(r.reply.value)}});
  co_return r;
}

sim::Task<KvResult> RecordedPut(sim::Env env, models::raft::RaftKvClient* client,
                                int64_t process, std::string key, std::string value,
                                sim::Duration timeout) {
  const uint64_t op = env.history().Invoke(process, "write", {{"key", key}, {"value", value}},
                                           env.Now(), env.id());
  KvResult r = co_await client->Put(key, value, timeout);
  Record(env, op, r, nlohmann::json::object());
  co_return r;
}

sim::Task<KvResult> RecordedCas(sim::Env env, models::raft::RaftKvClient* client,
                                int64_t process, std::string key,
                                std::optional<std::string> expected, std::string value,
                                sim::Duration timeout) {
  const uint64_t op = env.history().Invoke(
      process, "cas", {{"key", key}, {"value", value}, {"expected", OptJson(expected)}},
      env.Now(), env.id());
  KvResult r = co_await client->Cas(key, expected, value, timeout);
  Record(env, op, r, {{"ok", r.reply.ok}});
  co_return r;
}

}  // namespace scenarios::raft
