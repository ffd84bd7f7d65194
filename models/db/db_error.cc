// Error construction and classification; see db_error.h.

#include "models/db/db_error.h"

#include <array>

namespace models::db {
namespace {

struct KindInfo {
  DbErrorKind kind;
  sim::Errc code;
  std::string_view prefix;  // what the detail starts with
};

constexpr std::array<KindInfo, 7> kKinds = {{
    {DbErrorKind::kDuplicateKey, sim::Errc::kConflict, "duplicate_key (1062)"},
    {DbErrorKind::kLockWaitTimeout, sim::Errc::kConflict, "lock_wait_timeout (1205)"},
    {DbErrorKind::kDeadlock, sim::Errc::kConflict, "deadlock (1213)"},
    {DbErrorKind::kNotNull, sim::Errc::kRejected, "not_null (1048)"},
    {DbErrorKind::kOutOfRange, sim::Errc::kRejected, "out_of_range (1264)"},
    {DbErrorKind::kNoSuchTable, sim::Errc::kInvalid, "no_such_table (1146)"},
    {DbErrorKind::kNoSuchSession, sim::Errc::kUnavailable, "no_such_session"},
}};

sim::Error Make(DbErrorKind kind, std::string_view detail) {
  for (const KindInfo& info : kKinds) {
    if (info.kind == kind) {
      return sim::MakeError(info.code, std::string(info.prefix) + ": " + std::string(detail));
    }
  }
  return sim::MakeError(sim::Errc::kRejected, std::string(detail));
}

}  // namespace

std::string_view DbErrorKindName(DbErrorKind kind) {
  switch (kind) {
    case DbErrorKind::kNone: return "none";
    case DbErrorKind::kDuplicateKey: return "duplicate_key";
    case DbErrorKind::kLockWaitTimeout: return "lock_wait_timeout";
    case DbErrorKind::kDeadlock: return "deadlock";
    case DbErrorKind::kNotNull: return "not_null";
    case DbErrorKind::kOutOfRange: return "out_of_range";
    case DbErrorKind::kNoSuchTable: return "no_such_table";
    case DbErrorKind::kNoSuchSession: return "no_such_session";
  }
  return "unknown";
}

sim::Error DuplicateKeyError(std::string_view detail) {
  return Make(DbErrorKind::kDuplicateKey, detail);
}
sim::Error LockWaitTimeoutError(std::string_view detail) {
  return Make(DbErrorKind::kLockWaitTimeout, detail);
}
sim::Error DeadlockError(std::string_view detail) { return Make(DbErrorKind::kDeadlock, detail); }
sim::Error NotNullError(std::string_view column) {
  return Make(DbErrorKind::kNotNull, std::string("column '") + std::string(column) +
                                         "' cannot be null");
}
sim::Error OutOfRangeError(std::string_view column) {
  return Make(DbErrorKind::kOutOfRange,
              std::string("value out of range for column '") + std::string(column) + "'");
}
sim::Error NoSuchTableError(std::string_view table) {
  return Make(DbErrorKind::kNoSuchTable, std::string("table '") + std::string(table) +
                                             "' does not exist");
}
sim::Error NoSuchSessionError(std::string_view detail) {
  return Make(DbErrorKind::kNoSuchSession, detail);
}

DbErrorKind ClassifyError(const sim::Error& error) {
  for (const KindInfo& info : kKinds) {
    if (error.code == info.code && error.detail.compare(0, info.prefix.size(), info.prefix) == 0) {
      return info.kind;
    }
  }
  return DbErrorKind::kNone;
}

}  // namespace models::db
