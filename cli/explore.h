#pragma once
// Many seeds of one spec: the seed range and its shards, the per-seed outcomes, the summary
// table, its JSON form (what `explore --json` prints and `merge` reads) and merging.

#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cli {

struct SeedRange {
  uint64_t first = 1;
  uint64_t last = 1;
};
// "A..B" (inclusive) or a single "N". Returns nullopt and sets *error on bad input.
std::optional<SeedRange> ParseSeedRange(const std::string& text, std::string* error);

struct Shard {
  uint64_t index = 1;  // 1-based
  uint64_t count = 1;
};
// "K/N" with 1 <= K <= N.
std::optional<Shard> ParseShard(const std::string& text, std::string* error);
// The seeds of `range` in shard K of N: every N-th seed starting at the K-th, so the shards
// partition the range exactly.
std::vector<uint64_t> ShardSeeds(SeedRange range, Shard shard);

struct SeedOutcome {
  uint64_t seed = 0;
  int exit_code = 0;
  std::string outcome;                  // valid | invalid | liveness | limit | unknown
  std::vector<std::string> failed;      // checkers not valid
  std::string summary_line;
  std::string report_path;              // for failing runs
};

struct ExploreSummary {
  std::string spec;
  std::string scenario;
  std::vector<SeedOutcome> seeds;  // sorted by seed
  double wall_seconds = 0;

  size_t failing() const;
  std::optional<uint64_t> first_failing_seed() const;
  // checker -> (failing seeds, first failing seed)
  std::map<std::string, std::pair<size_t, uint64_t>> failures_by_checker() const;
  int ExitCode() const;

  nlohmann::ordered_json ToJson() const;
  static std::optional<ExploreSummary> FromJson(const nlohmann::json& j, std::string* error);
  void PrintTable(std::ostream& out) const;
};

// Merges shard summaries of one spec; fails (with *error) on different specs or a seed
// present twice.
std::optional<ExploreSummary> Merge(const std::vector<ExploreSummary>& parts, std::string* error);

}  // namespace cli
