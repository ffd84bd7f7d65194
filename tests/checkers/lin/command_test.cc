// Goal: the `lincheck` command prints `verdict=... ops=N seconds=S` (plus the window or the
// reason) and maps ok/illegal/unknown/bad input to exit codes 0/129/1/2.

#include <cstdio>
#include <sstream>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "checkers/lin/history_gen.h"
#include "checkers/lin/history_json.h"
#include "checkers/lin/real/lincheck_command.h"
#include "tests/checkers/lin/lin_test_util.h"

using namespace lin_test;
using checkers::lin::RunLincheckCommand;

namespace {

// A file under /tmp named after the test, removed when the object goes away.
class TempHistory {
 public:
  TempHistory(const std::string& name, const History& history)
      : path_(fmt::format("/tmp/lin_command_test_{}.json", name)) {
    REQUIRE(checkers::lin::WriteHistoryFile(path_, history).ok());
  }
  TempHistory(const std::string& name, const std::string& text)
      : path_(fmt::format("/tmp/lin_command_test_{}.json", name)) {
    std::FILE* file = std::fopen(path_.c_str(), "w");
    REQUIRE(file != nullptr);
    std::fputs(text.c_str(), file);
    std::fclose(file);
  }
  ~TempHistory() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

History Generated(bool corrupt) {
  checkers::lin::GenOptions options;
  options.ops_count = 1000;
  History history = checkers::lin::GenerateHistory(options);
  if (corrupt) REQUIRE(checkers::lin::CorruptOneRead(&history));
  return history;
}

}  // namespace

TEST_CASE("lincheck on a linearizable history") {
  TempHistory file("ok", Generated(false));
  std::ostringstream out;
  CHECK(RunLincheckCommand(file.path(), 10, out) == checkers::lin::kLincheckExitOk);
  CHECK_THAT(out.str(), Catch::StartsWith("verdict=ok ops=1000 seconds="));
}

TEST_CASE("lincheck on a non-linearizable history prints the window") {
  TempHistory file("illegal", Generated(true));
  std::ostringstream out;
  CHECK(RunLincheckCommand(file.path(), 10, out) == checkers::lin::kLincheckExitIllegal);
  CHECK_THAT(out.str(), Catch::StartsWith("verdict=illegal ops=1000 seconds="));
  CHECK_THAT(out.str(), Catch::Contains("non-linearizable window") &&
                            Catch::Contains("call=") && Catch::Contains("return="));
}

TEST_CASE("lincheck with no time left answers unknown") {
  TempHistory file("unknown", Generated(false));
  std::ostringstream out;
  CHECK(RunLincheckCommand(file.path(), 0, out) == checkers::lin::kLincheckExitUnknown);
  CHECK_THAT(out.str(), Catch::StartsWith("verdict=unknown ops=1000 seconds=") &&
                            Catch::Contains("time budget"));
}

TEST_CASE("lincheck on bad input names the op and exits 2") {
  TempHistory file("bad", std::string(R"({"model": "kv", "ops": [{"client": 1, "call": 0,
      "return": 1, "input": {"op": "jump", "key": "stock:1"}, "output": {}}]})"));
  std::ostringstream out;
  CHECK(RunLincheckCommand(file.path(), 10, out) == checkers::lin::kLincheckExitBadInput);
  CHECK_THAT(out.str(), Catch::Contains("error:") && Catch::Contains("op 0 (key \"stock:1\")"));
  std::ostringstream missing;
  CHECK(RunLincheckCommand("/nonexistent/h.json", 10, missing) ==
        checkers::lin::kLincheckExitBadInput);
}
