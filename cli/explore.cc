#include "cli/explore.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace cli {

namespace {
bool ParseU64(const std::string& s, uint64_t* out) {
  if (s.empty() || s.size() > 19) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  *out = v;
  return true;
}
}  // namespace

std::optional<SeedRange> ParseSeedRange(const std::string& text, std::string* error) {
  SeedRange r;
  const size_t dots = text.find("..");
  const bool ok = dots == std::string::npos
                      ? ParseU64(text, &r.first) && ParseU64(text, &r.last)
                      : ParseU64(text.substr(0, dots), &r.first) && ParseU64(text.substr(dots + 2), &r.last);
  if (!ok) {
    *error = "--seeds: expected A..B or N with non-negative integers, got '" + text + "'";
    return std::nullopt;
  }
  if (r.first > r.last) {
    *error = fmt::format("--seeds: empty range {}..{} (A must be <= B)", r.first, r.last);
    return std::nullopt;
  }
  return r;
}

std::optional<Shard> ParseShard(const std::string& text, std::string* error) {
  Shard s;
  const size_t slash = text.find('/');
  if (slash == std::string::npos || !ParseU64(text.substr(0, slash), &s.index) ||
      !ParseU64(text.substr(slash + 1), &s.count) || s.count == 0 || s.index == 0 ||
      s.index > s.count) {
    *error = "--shard: expected K/N with 1 <= K <= N, got '" + text + "'";
    return std::nullopt;
  }
  return s;
}

std::vector<uint64_t> ShardSeeds(SeedRange range, Shard shard) {
  std::vector<uint64_t> out;
  for (uint64_t s = range.first + (shard.index - 1); s <= range.last; s += shard.count) {
    out.push_back(s);
    if (s > UINT64_MAX - shard.count) break;
  }
  return out;
}

size_t ExploreSummary::failing() const {
  return static_cast<size_t>(std::count_if(seeds.begin(), seeds.end(),
                                           [](const SeedOutcome& s) { return s.exit_code != 0; }));
}

std::optional<uint64_t> ExploreSummary::first_failing_seed() const {
  for (const SeedOutcome& s : seeds) {
    if (s.exit_code != 0) return s.seed;
  }
  return std::nullopt;
}

std::map<std::string, std::pair<size_t, uint64_t>> ExploreSummary::failures_by_checker() const {
  std::map<std::string, std::pair<size_t, uint64_t>> out;
  for (const SeedOutcome& s : seeds) {
    std::vector<std::string> causes = s.failed;
    if (causes.empty() && s.exit_code != 0) causes.push_back("(" + s.outcome + ")");
    for (const std::string& c : causes) {
      auto [it, inserted] = out.try_emplace(c, 0, s.seed);
      ++it->second.first;
    }
  }
  return out;
}

int ExploreSummary::ExitCode() const {
  int code = 0;
  for (const SeedOutcome& s : seeds) {
    if (s.exit_code == 129) return 129;
    if (s.exit_code == 128) code = 128;
    if (s.exit_code == 1 && code == 0) code = 1;
  }
  return code;
}

nlohmann::ordered_json ExploreSummary::ToJson() const {
  nlohmann::ordered_json j;
  j["spec"] = spec;
  j["scenario"] = scenario;
  j["seeds_run"] = seeds.size();
  j["failing"] = failing();
  if (auto f = first_failing_seed()) j["first_failing_seed"] = *f;
  j["wall_seconds"] = wall_seconds;
  j["seeds_per_s"] = wall_seconds > 0 ? static_cast<double>(seeds.size()) / wall_seconds : 0.0;
  nlohmann::ordered_json by = nlohmann::ordered_json::object();
  for (const auto& [c, v] : failures_by_checker()) by[c] = {{"seeds", v.first}, {"first_seed", v.second}};
  j["failures_by_checker"] = by;
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const SeedOutcome& s : seeds) {
    nlohmann::ordered_json o;
    o["seed"] = s.seed;
    o["exit"] = s.exit_code;
    o["outcome"] = s.outcome;
    if (!s.failed.empty()) o["failed"] = s.failed;
    if (!s.report_path.empty()) o["report"] = s.report_path;
    list.push_back(std::move(o));
  }
  j["seeds"] = std::move(list);
  return j;
}

std::optional<ExploreSummary> ExploreSummary::FromJson(const nlohmann::json& j, std::string* error) {
  try {
    ExploreSummary s;
    s.spec = j.at("spec").get<std::string>();
    s.scenario = j.at("scenario").get<std::string>();
    s.wall_seconds = j.at("wall_seconds").get<double>();
    for (const auto& o : j.at("seeds")) {
      SeedOutcome so;
      so.seed = o.at("seed").get<uint64_t>();
      so.exit_code = o.at("exit").get<int>();
      so.outcome = o.at("outcome").get<std::string>();
      if (o.contains("failed")) so.failed = o.at("failed").get<std::vector<std::string>>();
      if (o.contains("report")) so.report_path = o.at("report").get<std::string>();
      s.seeds.push_back(std::move(so));
    }
    return s;
  } catch (const nlohmann::json::exception& e) {
    *error = std::string("not an explore result: ") + e.what();
    return std::nullopt;
  }
}

void ExploreSummary::PrintTable(std::ostream& out) const {
  const double rate = wall_seconds > 0 ? static_cast<double>(seeds.size()) / wall_seconds : 0.0;
  out << fmt::format("scenario {}  ({})\n", scenario, spec);
  out << fmt::format("  seeds run          {}\n", seeds.size());
  out << fmt::format("  passed             {}\n", seeds.size() - failing());
  out << fmt::format("  failing            {}\n", failing());
  const auto first = first_failing_seed();
  out << fmt::format("  first failing seed {}\n", first ? std::to_string(*first) : "-");
  out << fmt::format("  seeds per second   {:.1f}  ({:.2f}s wall)\n", rate, wall_seconds);
  const auto by = failures_by_checker();
  if (!by.empty()) {
    out << fmt::format("  {:<32} {:>6} {:>11}\n", "failures by checker", "seeds", "first seed");
    for (const auto& [c, v] : by) out << fmt::format("  {:<32} {:>6} {:>11}\n", c, v.first, v.second);
  }
}

std::optional<ExploreSummary> Merge(const std::vector<ExploreSummary>& parts, std::string* error) {
  if (parts.empty()) {
    *error = "merge: no results given";
    return std::nullopt;
  }
  ExploreSummary m;
  m.spec = parts.front().spec;
  m.scenario = parts.front().scenario;
  std::set<uint64_t> seen;
  for (const ExploreSummary& p : parts) {
    if (p.scenario != m.scenario) {
      *error = "merge: results of different scenarios (" + m.scenario + ", " + p.scenario + ")";
      return std::nullopt;
    }
    // Shards run side by side: the merged wall time is the longest shard's.
    m.wall_seconds = std::max(m.wall_seconds, p.wall_seconds);
    for (const SeedOutcome& s : p.seeds) {
      if (!seen.insert(s.seed).second) {
        *error = fmt::format("merge: seed {} appears in more than one result", s.seed);
        return std::nullopt;
      }
      m.seeds.push_back(s);
    }
  }
  std::sort(m.seeds.begin(), m.seeds.end(),
            [](const SeedOutcome& a, const SeedOutcome& b) { return a.seed < b.seed; });
  return m;
}

}  // namespace cli
