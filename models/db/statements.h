#pragma once
// The typed statements of the client API, shared by the model and the PostgreSQL client, and
// the Outcome a model statement returns (a result, or "blocked on a lock").
//
// Fidelity contract: these stand for exactly these SQL shapes (t = table, pk = primary key):
//   INSERT INTO t (cols) VALUES (...)                      -> the row's primary key
//   SELECT * FROM t WHERE eq AND guard [FOR UPDATE]        -> rows in primary-key order
//   UPDATE t SET set WHERE eq AND guard                    -> rows matched (JDBC's found rows)
//   DELETE FROM t WHERE eq AND guard                       -> rows deleted
// Rows come back in primary-key order in both worlds (the PostgreSQL client adds ORDER BY).

#include <cstdint>
#include <optional>
#include <utility>
#include <variant>
#include <vector>

#include "models/db/guard.h"
#include "models/db/lock_manager.h"
#include "models/db/value.h"
#include "sim/result.h"
#include "sim/time.h"

namespace models::db {

struct InsertStmt {
  TableName table;
  Assignments values;  // omitted columns take their default (or NULL); omit an auto pk
};

struct SelectStmt {
  TableName table;
  Assignments where_eq;
  Guard guard;
  bool for_update = false;
};

struct UpdateStmt {
  TableName table;
  std::vector<SetClause> set;
  Assignments where_eq;
  Guard guard;
};

struct DeleteStmt {
  TableName table;
  Assignments where_eq;
  Guard guard;
};

// A statement that must wait for a row lock: the session is registered as a waiter and shows up
// in DbModel::TakeRunnable() once the lock is released; it must then retry the same statement.
struct Blocked {
  SessionId holder = 0;   // the session holding the lock
  sim::Instant deadline;  // when retrying it yields a lock-wait timeout
};

template <class T>
class [[nodiscard]] Outcome {
 public:
  // Built in place: moving a temporary Result into the variant trips GCC 12's
  // -Wmaybe-uninitialized under the sanitizers.
  Outcome(sim::Result<T> result)  // NOLINT: implicit by design
      : v_(std::in_place_index<0>, std::move(result)) {}
  Outcome(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit
  Outcome(sim::Error error) : v_(std::in_place_index<0>, std::move(error)) {}  // NOLINT
  Outcome(Blocked blocked) : v_(std::in_place_index<1>, blocked) {}  // NOLINT: implicit

  bool blocked() const { return v_.index() == 1; }
  // REQUIRES: blocked()
  const Blocked& blocked_on() const { return std::get<1>(v_); }
  // REQUIRES: !blocked()
  const sim::Result<T>& result() const& { return std::get<0>(v_); }
  sim::Result<T>&& result() && { return std::get<0>(std::move(v_)); }

 private:
  std::variant<sim::Result<T>, Blocked> v_;
};

}  // namespace models::db
