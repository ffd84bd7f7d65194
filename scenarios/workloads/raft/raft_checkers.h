#pragma once
// The checkers of the raft area: the five white-box Raft properties (raft_trace_state.h),
// each its own checker fed by the trace through Attach, and kv.linearizable, the black-box
// check of the replicated KV's history with the linearizability checker (checkers/lin).

#include <memory>

#include "checkers/checker.h"
#include "checkers/lin/history.h"
#include "scenarios/workloads/raft/raft_trace_state.h"

namespace scenarios::raft {

std::unique_ptr<checkers::Checker> MakeRaftPropertyChecker(RaftProperty property);
std::unique_ptr<checkers::Checker> MakeKvLinearizableChecker();

// The KV operations of a run's history (f = read / write / cas, invoke value {key, value,
// expected}, ok value {value} for reads and {ok} for cas) as a lin history: fail is dropped
// (never took effect), info and never-completed invocations are unknown. `origin[i]` is the
// history index of the invocation of lin op i.
checkers::lin::History ToLinHistory(const sim::History& history, std::vector<uint64_t>* origin);

}  // namespace scenarios::raft
