// Goal: a failed SIM_ASSERT exits with code 127 and prints the expression, the values, the
// seed, the virtual time, the node and the last trace events.

#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <string>
#include <sys/wait.h>

TEST_CASE("SIM_ASSERT prints the run's context and exits 127") {
  std::string output;
  FILE* p = popen(MALLSIM_ASSERT_PROBE " 2>&1", "r");
  REQUIRE(p != nullptr);
  std::array<char, 512> buf{};
  while (fgets(buf.data(), buf.size(), p) != nullptr) output += buf.data();
  const int status = pclose(p);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 127);
  CHECK(output.find("SIM_ASSERT failed: stock >= 0") != std::string::npos);
  CHECK(output.find("values: -1 vs 0") != std::string::npos);
  CHECK(output.find("seed: 31337") != std::string::npos);
  CHECK(output.find("virtual time: 1.500s") != std::string::npos);
  CHECK(output.find("node: ware") != std::string::npos);
  CHECK(output.find("1.500 ware probe.before_assert answer=42") != std::string::npos);
}
