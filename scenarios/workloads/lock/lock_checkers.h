#pragma once
// The lock checkers (catalog §5.4), usable with any lock workload whose clients record "cs"
// and "release" operations (lock_client.h) and whose snapshot has the redis_lock shape.
//   lock.mutual_exclusion  INV-L2: no two critical sections overlap in virtual time
//                          (history; a section of a crashed client ends at the crash).
//   lock.resource_safe     the protected resource never accepted writes of two sections
//                          interleaved, and with fencing on never out of token order
//                          (snapshot: the resource's accepted-write log). Stays valid with
//                          fencing even when mutual exclusion is lost (anchors §2.20).
//   lock.safe_release      INV-L1: a release deleted the lock only when it was still the
//                          releaser's: no release reported a deletion after another client
//                          acquired in between (F-3, F-4).
//   lock.no_deadlock       INV-L3: at the end the lock key does not linger without expiry
//                          while no live client holds it (F-1, F-2).

#include <memory>

#include "checkers/checker.h"

namespace scenarios::lock {

std::unique_ptr<checkers::Checker> MakeMutualExclusionChecker();
std::unique_ptr<checkers::Checker> MakeResourceSafeChecker();
std::unique_ptr<checkers::Checker> MakeSafeReleaseChecker();
std::unique_ptr<checkers::Checker> MakeNoDeadlockChecker();

}  // namespace scenarios::lock
