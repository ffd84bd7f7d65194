#pragma once
// The replicated KV's operations as history entries, in the format kv.linearizable reads
// (ToLinHistory): f = read / write / cas, invoke value {key, value, expected}, ok value
// {value} for reads and {ok} for cas; fail when the client knows the request was never
// applied, info when it may have been. Shared by every workload on the Raft KV.

#include <cstdint>
#include <optional>
#include <string>

#include "models/raft/raft_kv_client.h"

namespace scenarios::raft {

sim::Task<models::raft::KvResult> RecordedGet(sim::Env env, models::raft::RaftKvClient* client,
                                              int64_t process, std::string key,
                                              sim::Duration timeout);
sim::Task<models::raft::KvResult> RecordedPut(sim::Env env, models::raft::RaftKvClient* client,
                                              int64_t process, std::string key, std::string value,
                                              sim::Duration timeout);
sim::Task<models::raft::KvResult> RecordedCas(sim::Env env, models::raft::RaftKvClient* client,
                                              int64_t process, std::string key,
                                              std::optional<std::string> expected,
                                              std::string value, sim::Duration timeout);

}  // namespace scenarios::raft
