#pragma once
// The database errors the mall reacts to, as sim::Error values with stable detail prefixes.
//
// Both the model and the PostgreSQL client build their errors here, so a test (or a service)
// classifies an error the same way in both worlds. The prefixes carry MySQL's error names and
// numbers because the modelled system is MySQL; the PostgreSQL client maps SQLSTATEs onto them
// (23505 -> duplicate key, 55P03 -> lock wait timeout, 40P01 -> deadlock, 23502 -> not null,
// 22003 -> out of range).

#include <string>
#include <string_view>

#include "sim/result.h"

namespace models::db {

enum class DbErrorKind : uint8_t {
  kNone,             // not an error of this catalogue (or no error at all)
  kDuplicateKey,     // ER_DUP_ENTRY 1062, kConflict
  kLockWaitTimeout,  // ER_LOCK_WAIT_TIMEOUT 1205, kConflict
  kDeadlock,         // ER_LOCK_DEADLOCK 1213, kConflict: the whole transaction was rolled back
  kNotNull,          // ER_BAD_NULL_ERROR 1048, kRejected
  kOutOfRange,       // ER_WARN_DATA_OUT_OF_RANGE 1264, kRejected
  kNoSuchTable,      // ER_NO_SUCH_TABLE 1146, kInvalid
  kNoSuchSession,    // the session is unknown (e.g. lost in a server crash), kUnavailable
};

std::string_view DbErrorKindName(DbErrorKind kind);

sim::Error DuplicateKeyError(std::string_view detail);
sim::Error LockWaitTimeoutError(std::string_view detail);
sim::Error DeadlockError(std::string_view detail);
sim::Error NotNullError(std::string_view column);
sim::Error OutOfRangeError(std::string_view column);
sim::Error NoSuchTableError(std::string_view table);
sim::Error NoSuchSessionError(std::string_view detail);

// Which catalogue entry an error is; kNone for any other error (e.g. plain kInvalid).
DbErrorKind ClassifyError(const sim::Error& error);

}  // namespace models::db
