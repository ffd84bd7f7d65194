#pragma once
// Helpers shared by the PostgreSQL conformance tests: connection settings, unique schema
// prefixes, schema cleanup and a textual form of results that compares model and server answers
// (error code and catalogue kind only, never server message text).

#include <catch2/catch.hpp>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/db/db_error.h"
#include "models/db/real/pg_connection.h"
#include "models/db/statements.h"

namespace models::db::testing {

inline std::string ConnInfo() {
  const char* port = std::getenv("MALLSIM_PG_PORT");
  return std::string("host=127.0.0.1 user=postgres dbname=postgres connect_timeout=5 port=") +
         (port != nullptr ? port : "5439");
}

inline std::string NewPrefix() {
  static int counter = 0;
  return "mallsim_dbconf_" + std::to_string(getpid()) + "_" + std::to_string(++counter);
}

inline std::unique_ptr<real::PgConnection> MustConnect(const std::string& prefix) {
  sim::Result<std::unique_ptr<real::PgConnection>> conn =
      real::PgConnection::Connect(ConnInfo(), prefix);
  if (!conn.ok()) {
    FAIL("PostgreSQL is unreachable; run `scripts/servers.sh start` first. "
         << conn.error().ToString());
  }
  return std::move(conn.value());
}

// Drops the run's schemas however the test ends.
struct SchemaCleanup {
  real::PgConnection& conn;
  ~SchemaCleanup() { (void)conn.DropSchemas(); }
};

inline std::string Show(const sim::Error& error) {
  return "err:" + std::string(sim::ErrcName(error.code)) + ":" +
         std::string(DbErrorKindName(ClassifyError(error)));
}
inline std::string Show(const sim::Result<int64_t>& r) {
  return r.ok() ? "ok:" + std::to_string(r.value()) : Show(r.error());
}
inline std::string Show(const sim::Result<void>& r) { return r.ok() ? "ok" : Show(r.error()); }
inline std::string Show(const sim::Result<std::vector<Row>>& r) {
  if (!r.ok()) return Show(r.error());
  std::string out = "rows:";
  for (const Row& row : r.value()) out += RowToString(row);
  return out;
}
inline std::string Show(const sim::Result<std::optional<Row>>& r) {
  if (!r.ok()) return Show(r.error());
  return r.value() ? "row:" + RowToString(*r.value()) : "none";
}
template <class T>
inline std::string Show(const Outcome<T>& outcome) {
  return outcome.blocked() ? "BLOCKED" : Show(outcome.result());
}

}  // namespace models::db::testing
