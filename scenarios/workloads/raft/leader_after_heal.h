#pragma once
// raft.leader_after_heal: Raft's liveness promise (issue 6), checked white-box on the trace.
// When the nemesis heals everything (event nemesis.heal_all: every replica up, resumed and
// connected, so a majority is connected), a serving leader must exist within a bound: a node
// that leads in the newest term any replica has reached and has committed an entry of that
// term (its no-op), so it can answer clients. The bound is kHealBoundTimeouts maximum
// election timeouts, read from the snapshot's `election_ms_max` (raft_kv and raft_lock put
// it there): a healed node with a higher term may depose the leader (no pre-vote), candidates
// whose logs are behind cannot win, and split votes repeat with shrinking odds.
// Verdicts: valid with the time it took; invalid when the run went on past the bound without
// one; unknown when the run had no heal, no bound in the snapshot, or ended before the bound.

#include <cstdint>
#include <memory>

#include "checkers/checker.h"

namespace scenarios::raft {

inline constexpr int64_t kHealBoundTimeouts = 5;

std::unique_ptr<checkers::Checker> MakeLeaderAfterHealChecker();

}  // namespace scenarios::raft
