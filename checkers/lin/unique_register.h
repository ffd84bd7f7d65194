#pragma once
// The polynomial check for read/write registers whose written values are unique (Gibbons &
// Korach, "Testing shared memories", SIAM J. Comput. 1997, the read-mapping case).
//
// When every value is written at most once, each read names its write, so the ops fall into
// clusters: a write and the reads that return its value (nil's cluster has a virtual write at
// -infinity). For a cluster let f = its earliest return and s = its latest call. If f < s the
// value must be the register's content throughout (f, s): a forward zone. Otherwise all its ops
// overlap [s, f] and it can be placed anywhere in there: a backward zone. The history is
// linearizable iff (1) every read returns nil or a written value, (2) no read returns before
// its write is called, (3) no two forward zones overlap, (4) no backward zone lies inside
// another cluster's forward zone. Sorting the zones makes this O(n log n).
//
// Unknown writes: one that no read observed is dropped (it may never have happened, and
// linearizable with it implies linearizable without it); one that was observed happened, with
// its return at +infinity, which the zone rule handles as is. So the algorithm stays exact
// with unknown writes and never needs to fall back for them.

#include <string>

#include "checkers/lin/budget.h"
#include "checkers/lin/register_model.h"
#include "checkers/lin/verdict.h"

namespace checkers::lin {

// True iff the ops are reads and writes only and no value is written twice.
bool QualifiesForUniqueValues(const CompiledRegister& reg);

struct UniqueOutcome {
  Verdict verdict = Verdict::kUnknown;
  std::string reason;  // why, when illegal
};

// REQUIRES: QualifiesForUniqueValues(reg). Charges one step per op.
UniqueOutcome CheckUniqueRegister(const CompiledRegister& reg, BudgetMeter& meter);

}  // namespace checkers::lin
