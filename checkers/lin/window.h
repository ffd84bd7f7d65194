#pragma once
// Shrinking a non-linearizable partition to a small witness, the way a property-based tester
// shrinks a failing input: (1) binary-search the shortest prefix (ops by call time) that is not
// linearizable, whose last op is the one that cannot be placed; (2) binary-search the latest
// start of a suffix of that prefix that still is not; (3) greedily drop single ops while the
// rest stays non-linearizable. Each probe is a full check of the subset, so the result is
// always a verified witness; probes that run out of budget count as "not shown illegal".
// Prefix legality is not monotone in general, but a binary search between a legal and an
// illegal end always finds an adjacent legal/illegal pair, which is all step (1) needs.

#include <cstdint>
#include <vector>

#include "checkers/lin/checker.h"
#include "checkers/lin/register_model.h"

namespace checkers::lin {

struct Window {
  std::vector<size_t> positions;  // into reg.ops, ascending
  size_t prefix_ops = 0;          // ops in the longest linearizable prefix found
  size_t unplaceable = 0;         // position of the op that cannot follow that prefix
};

// REQUIRES: `reg` as a whole is not linearizable, and so is reg.ops[0, frontier_ops) (the
// frontier reported by CheckCompiled; reg.ops.size() is always valid). `steps_max` bounds the
// total effort; the result is always a set of ops verified not to be linearizable.
Window MinimalWindow(const CompiledRegister& reg, Algorithm algorithm, uint64_t steps_max,
                     size_t frontier_ops);

}  // namespace checkers::lin
