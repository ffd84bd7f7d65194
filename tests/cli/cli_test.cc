// Goal: the mallsim executable as users and CI meet it: bad specs and flags exit 2 with a
// message naming file, line, key and allowed values (and run nothing); the canary checker
// exits 129; a run repeated from one seed prints the identical report; explore's shards
// cover the seed range exactly once and merge reproduces the unsharded summary; a failing
// report replays identically; check-determinism passes; a run's key-value history exported
// with --history-out is judged by `lincheck` as the run's own checker judged it. The
// benchmarks answer --help and reject a bad command line with exit 2 before measuring anything.

#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

namespace fs = std::filesystem;

namespace {

struct Result {
  int code;
  std::string out;  // stdout and stderr
};

Result RunBinary(const std::string& binary, const std::string& args, bool with_stderr = true) {
  const std::string cmd = binary + " " + args + (with_stderr ? " 2>&1" : " 2>/dev/null");
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::string out;
  std::array<char, 4096> buf{};
  while (fgets(buf.data(), buf.size(), p) != nullptr) out += buf.data();
  const int status = pclose(p);
  return Result{WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

Result Mallsim(const std::string& args, bool with_stderr = true) {
  return RunBinary(MALLSIM_BIN, args, with_stderr);
}

const std::string kSpecs = std::string(MALLSIM_SOURCE_DIR) + "/scenarios/specs";

std::string TempDir() {
  const fs::path d = fs::temp_directory_path() / ("mallsim_cli_test_" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d.string();
}

std::string WriteSpec(const std::string& name, const std::string& text) {
  const std::string path = TempDir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST_CASE("bad specs exit 2 naming file, line, key and allowed values") {
  struct Row {
    std::string text;
    std::string message;
  };
  const std::vector<Row> rows = {
      {"{\"name\": \"x\",\n \"workload\": {\"name\": \"reserve\"},\n \"fautls\": {}}",
       ":3: unknown key 'fautls' at /fautls (allowed: name, description, topology, catalog, variants, "
       "workload, faults, phases, limits, checkers, expect; did you mean 'faults'?)"},
      {"{\"name\": \"x\",\n \"variants\": {\"reserve.sync\": \"sometimes\"},\n \"workload\": {\"name\": \"reserve\"}}",
       ":2: /variants/reserve.sync: unknown value 'sometimes' (allowed: always, never)"},
      {"{\"name\": \"x\",\n \"workload\": {\"name\": \"reserve\"},\n \"checkers\": [\"reserve.no_overbookin\"]}",
       ":3: /checkers/0: unknown checker 'reserve.no_overbookin'"},
      {"{\"name\": \"x\",\n \"workload\": {\"name\": \"reserve\", \"params\": {\"clients\": 0}}}",
       ":2: /workload/params/clients: 0 is out of range [1, 1000]"},
      {"{\"name\": \"x\",\n \"workload\": {\"name\": \"reserve\"},\n \"faults\": {\"schedule\": \"swarm\", \"swarm\": {\"kinds\": [\"crsh\"]}}}",
       ":3: /faults/swarm/kinds/0: unknown fault 'crsh'"},
      {"{\"name\": \"x\",\n \"workload\": {\"name\": \"reserve\"},}", ":2:"},
  };
  for (size_t i = 0; i < rows.size(); ++i) {
    const std::string path = WriteSpec("bad" + std::to_string(i) + ".json", rows[i].text);
    const Result r = Mallsim("run " + path);
    INFO(r.out);
    CHECK(r.code == 2);
    CHECK(r.out.find(path + rows[i].message) != std::string::npos);
    CHECK(r.out.find("nothing was run") != std::string::npos);
  }
}

TEST_CASE("bad flags exit 2 with a clear message") {
  const std::string spec = kSpecs + "/reserve_swarm.json";
  Result r = Mallsim("explore " + spec + " --seeds 5..1");
  CHECK(r.code == 2);
  CHECK(r.out.find("--seeds: empty range 5..1 (A must be <= B)") != std::string::npos);
  r = Mallsim("explore " + spec + " --seeds 1..4 --shard 3/2");
  CHECK(r.code == 2);
  CHECK(r.out.find("--shard: expected K/N with 1 <= K <= N, got '3/2'") != std::string::npos);
  r = Mallsim("run " + spec + " --set workload.params.clients=nine");
  CHECK(r.code == 2);
  CHECK(r.out.find("--set workload.params.clients=nine") != std::string::npos);
  r = Mallsim("run /nonexistent/spec.json");
  CHECK(r.code == 2);
  CHECK(r.out.find("/nonexistent/spec.json") != std::string::npos);
  r = Mallsim("--bogus");
  CHECK(r.code == 2);
  r = Mallsim("run --help");
  CHECK(r.code == 0);
  CHECK(r.out.find("--seed") != std::string::npos);
}

TEST_CASE("the benchmarks answer --help and exit 2 on a bad command line without running") {
  for (const char* bench : {REDIS_BENCH_BIN, MALL_BENCH_BIN, RUNNER_BENCH_BIN, DB_BENCH_BIN,
                            MQ_BENCH_BIN, KERNEL_BENCH_BIN, LIN_BENCH_BIN}) {
    INFO(bench);
    Result r = RunBinary(bench, "--help");
    CHECK(r.code == 0);
    CHECK(r.out.find("Usage:") != std::string::npos);
    CHECK(r.out.find("_per_s ") == std::string::npos);  // no figure: nothing was measured
    CHECK(r.out.find("host: ") == std::string::npos);
    r = RunBinary(bench, "--bogus");
    CHECK(r.code == 2);
    CHECK(r.out.find("--bogus") != std::string::npos);
  }
  Result r = RunBinary(REDIS_BENCH_BIN, "--only=fast");
  CHECK(r.code == 2);
  CHECK(r.out.find("fast not in {e2e,exec,model}") != std::string::npos);
  r = RunBinary(MALL_BENCH_BIN, "/nonexistent/day.json");
  CHECK(r.code == 2);
  CHECK(r.out.find("/nonexistent/day.json: cannot open the spec file") != std::string::npos);
  r = RunBinary(RUNNER_BENCH_BIN, WriteSpec("bench_bad.json", "{\"name\": 3}"));
  CHECK(r.code == 2);
  CHECK(r.out.find("bench_bad.json:1: /: missing required key 'workload'") != std::string::npos);
}

TEST_CASE("a benchmark names its host on stderr and keeps stdout to metric lines") {
  Result r = RunBinary(REDIS_BENCH_BIN, "--profile --only=model");
  REQUIRE(r.code == 0);
  CHECK(r.out.find("host: ") != std::string::npos);
  CHECK(r.out.find(" CPUs online, ") != std::string::npos);
  CHECK(r.out.find("redis.model_commands_per_s ") != std::string::npos);
  r = RunBinary(REDIS_BENCH_BIN, "--profile --only=model", /*with_stderr=*/false);
  REQUIRE(r.code == 0);
  CHECK(r.out.find("host: ") == std::string::npos);
  CHECK(r.out.rfind("redis.model_commands_per_s ", 0) == 0);
}

TEST_CASE("the suite's columns line up whatever the length of the spec names") {
  const std::string dir = TempDir() + "/suite_columns";
  fs::create_directories(dir);
  const std::string body =
      "\", \"workload\": {\"name\": \"reserve\"}, \"phases\": {\"chaos_ms\": 200}, "
      "\"checkers\": [\"reserve.no_overbooking\"], \"expect\": {\"verdict\": \"valid\"}}";
  std::ofstream(dir + "/a.json") << "{\"name\": \"a" << body;
  std::ofstream(dir + "/b.json") << "{\"name\": \"a_spec_name_longer_than_twenty_four" << body;
  const Result r = Mallsim("--specs " + dir + " --seeds-per-spec 1", false);
  REQUIRE(r.code == 0);
  std::vector<size_t> kind_columns;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    const size_t at = line.find(" positive ");
    if (at != std::string::npos || line.rfind("spec ", 0) == 0) {
      kind_columns.push_back(at != std::string::npos ? at : line.find(" kind "));
    }
  }
  REQUIRE(kind_columns.size() == 3);  // the header and two rows
  CHECK(kind_columns[0] == kind_columns[1]);
  CHECK(kind_columns[1] == kind_columns[2]);
}

TEST_CASE("a canary checker gives exit 129") {
  const std::string path = WriteSpec(
      "canary.json",
      "{\"name\": \"canary\", \"workload\": {\"name\": \"reserve\"}, \"phases\": {\"chaos_ms\": 500},"
      " \"checkers\": [\"canary.always_fails\"]}");
  const Result r = Mallsim("run " + path + " --out " + TempDir() + "/reports");
  CHECK(r.code == 129);
  CHECK(r.out.find("failed=canary.always_fails=invalid") != std::string::npos);
  CHECK(fs::exists(TempDir() + "/reports/canary-seed1.json"));
}

TEST_CASE("a run repeated from one seed prints the identical report") {
  const std::string spec = kSpecs + "/reserve_swarm.json";
  const Result a = Mallsim("run " + spec + " --seed 9 --json", false);
  const Result b = Mallsim("run " + spec + " --seed 9 --json", false);
  CHECK(a.code == 0);
  CHECK(a.out == b.out);
  CHECK(nlohmann::json::parse(a.out).at("outcome") == "valid");
  CHECK(Mallsim("run " + spec + " --seed 10 --json", false).out != a.out);
}

TEST_CASE("shards cover the seed range exactly once and merge reproduces the summary") {
  const std::string spec = kSpecs + "/negative/reserve_no_dedupe.json";
  const std::string dir = TempDir();
  const std::string common = " --seeds 1..10 --jobs 2 --json --out " + dir + "/r";
  const Result all = Mallsim("explore " + spec + common, false);
  std::vector<std::string> parts;
  for (int k = 1; k <= 3; ++k) {
    const Result r = Mallsim("explore " + spec + common + " --shard " + std::to_string(k) + "/3", false);
    parts.push_back(dir + "/shard" + std::to_string(k) + ".json");
    std::ofstream(parts.back()) << r.out;
  }
  const Result merged = Mallsim("merge --json " + parts[0] + " " + parts[1] + " " + parts[2], false);
  auto a = nlohmann::json::parse(all.out);
  auto m = nlohmann::json::parse(merged.out);
  for (const char* key : {"seeds_run", "failing", "first_failing_seed", "failures_by_checker", "seeds"}) {
    INFO(key);
    CHECK(a.at(key) == m.at(key));
  }
  CHECK(a.at("seeds_run") == 10);
  CHECK(all.code == merged.code);
  const Result dup = Mallsim("merge " + parts[0] + " " + parts[0]);
  CHECK(dup.code == 2);
  CHECK(dup.out.find("appears in more than one result") != std::string::npos);
}

TEST_CASE("a failing report replays identically and determinism holds") {
  const std::string spec = kSpecs + "/negative/reserve_no_fsync.json";
  const std::string dir = TempDir() + "/replay";
  const Result r = Mallsim("explore " + spec + " --seeds 1..20 --stop-at-first --jobs 1 --out " + dir);
  CHECK(r.code == 129);
  std::string report;
  for (const auto& e : fs::directory_iterator(dir)) report = e.path().string();
  REQUIRE(!report.empty());
  const Result replay = Mallsim("replay " + report);
  CHECK(replay.code == 129);
  CHECK(replay.out.find("replay identical") != std::string::npos);
  const Result det = Mallsim("check-determinism " + kSpecs + "/reserve_swarm.json --seeds 1..3");
  CHECK(det.code == 0);
  CHECK(det.out.find("seed 3: deterministic") != std::string::npos);
}

TEST_CASE("a run exports its key-value history in the lincheck format") {
  const std::string dir = TempDir();
  const std::string ok_path = dir + "/kv_ok.json";
  const std::string bad_path = dir + "/kv_stale.json";
  Result run = Mallsim("run " + kSpecs + "/kv_linearizable_swarm.json --seed 1 --out " + dir +
                       " --history-out " + ok_path);
  REQUIRE(run.code == 0);
  Result check = Mallsim("lincheck " + ok_path);
  CHECK(check.code == 0);
  CHECK(check.out.find("verdict=ok") != std::string::npos);
  // The stale-reads variant's history: the run's kv.linearizable verdict, reached again by
  // the standalone command from the exported file.
  run = Mallsim("run " + kSpecs + "/negative/raft_stale_reads.json --seed 2 --out " + dir +
                " --history-out " + bad_path);
  REQUIRE(run.code == 129);
  REQUIRE(run.out.find("kv.linearizable              invalid") != std::string::npos);
  check = Mallsim("lincheck " + bad_path);
  CHECK(check.out.find("verdict=illegal") != std::string::npos);
  // A workload without key-value operations: exit 2, a message, no file.
  const std::string none = dir + "/none.json";
  run = Mallsim("run " + kSpecs + "/reserve_swarm.json --seed 1 --out " + dir + " --history-out " +
                none);
  CHECK(run.code == 2);
  CHECK(run.out.find("recorded no key-value operations") != std::string::npos);
  CHECK_FALSE(fs::exists(none));
}
