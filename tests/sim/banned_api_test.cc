// Goal: nothing outside real/ folders uses the APIs that ARCHITECTURE.md §3 bans (wall
// clocks, OS entropy, <random>, threads, environment variables, unordered iteration). The
// scan names the file, line, token and its replacement, and is itself shown to catch a
// planted use. Test names stay whole for ctest (no ";", which CMake splits).

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

struct Banned {
  const char* token;
  const char* replacement;
};

constexpr Banned kBanned[] = {
    {"std::rand", "sim::Rng (passed explicitly)"},
    {"srand(", "sim::Rng seeded from the run's seed"},
    {"random_device", "sim::Rng forked from the world's seed"},
    {"std::mt19937", "sim::Rng"},
    {"<random>", "sim/rng.h"},
    {"uniform_int_distribution", "sim::Rng::Uniform / Below"},
    {"uniform_real_distribution", "sim::Rng::Chance(Ratio)"},
    {"system_clock", "sim::Env::Now() / LocalNow()"},
    {"steady_clock", "sim::Env::Now()"},
    {"high_resolution_clock", "sim::Env::Now()"},
    {"std::thread", "sim::Env::Spawn (one world per thread; threads only in real/ or cli)"},
    {"std::async", "sim::Env::Spawn"},
    {"this_thread::sleep", "co_await env.Sleep(d)"},
    {"getenv(", "explicit configuration (spec, flags)"},
    {"unordered_", "std::map / sorted vector, or mark a lookup-only use with 'determinism: lookup-only'"},
};

std::vector<std::string> Scan(const fs::path& root, const std::vector<std::string>& dirs) {
  std::vector<std::string> findings;
  for (const std::string& d : dirs) {
    if (!fs::exists(root / d)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(root / d)) {
      if (!entry.is_regular_file()) continue;
      const fs::path& p = entry.path();
      const std::string ext = p.extension().string();
      if (ext != ".h" && ext != ".cc" && ext != ".cpp" && ext != ".hpp") continue;
      const std::string rel = fs::relative(p, root).string();
      if (rel.find("/real/") != std::string::npos) continue;
      std::ifstream in(p);
      std::string line;
      for (int n = 1; std::getline(in, line); ++n) {
        const std::string code = line.substr(0, line.find("//"));
        for (const Banned& b : kBanned) {
          if (code.find(b.token) == std::string::npos) continue;
          if (std::string(b.token) == "unordered_" &&
              line.find("determinism: lookup-only") != std::string::npos) {
            continue;
          }
          findings.push_back(rel + ":" + std::to_string(n) + ": '" + b.token + "' -> use " +
                             b.replacement);
        }
      }
    }
  }
  return findings;
}

const std::vector<std::string> kSimulatedDirs = {"sim",      "models",    "faults", "checkers",
                                                 "scenarios", "reports"};

}  // namespace

TEST_CASE("simulated code uses no banned API") {
  const auto findings = Scan(MALLSIM_SOURCE_DIR, kSimulatedDirs);
  for (const std::string& f : findings) UNSCOPED_INFO(f);
  CHECK(findings.empty());
}

TEST_CASE("the scan catches a planted use and exempts real/") {
  const fs::path root = fs::temp_directory_path() / "mallsim_banned_scan_test";
  fs::remove_all(root);
  fs::create_directories(root / "models/x/real");
  std::ofstream(root / "models/x/bad.cc")
      << "#include <chrono>\n// steady_clock in a comment is fine\n"
         "auto t = std::chrono::steady_clock::now();\n";
  std::ofstream(root / "models/x/real/ok.cc") << "auto t = std::chrono::steady_clock::now();\n";
  const auto findings = Scan(root, kSimulatedDirs);
  fs::remove_all(root);
  REQUIRE(findings.size() == 1);
  CHECK(findings[0] == "models/x/bad.cc:3: 'steady_clock' -> use sim::Env::Now()");
}

namespace {

// Test names with a ';', which CMake's lists split: catch_discover_tests then registers two
// halves that match no test case, and ctest passes them without running anything.
std::vector<std::string> SplitTestNames(const fs::path& root) {
  std::vector<std::string> findings;
  for (const auto& e : fs::recursive_directory_iterator(root / "tests")) {
    if (!e.is_regular_file() || e.path().extension() != ".cc") continue;
    std::ifstream in(e.path());
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      const size_t at = line.find("TEST_CASE(\"");
      if (at == std::string::npos) continue;
      const size_t end = line.find('"', at + 11);
      if (line.substr(at + 11, end - at - 11).find(';') != std::string::npos) {
        findings.push_back(fs::relative(e.path(), root).string() + ":" + std::to_string(n));
      }
    }
  }
  return findings;
}

}  // namespace

TEST_CASE("no test name holds a semicolon (ctest would run nothing of it)") {
  const auto findings = SplitTestNames(MALLSIM_SOURCE_DIR);
  for (const std::string& f : findings) UNSCOPED_INFO(f);
  CHECK(findings.empty());
}
