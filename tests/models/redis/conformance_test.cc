// Goal: prove RedisModel answers like the real redis-server 7.0 (scripts/servers.sh, port
// $MALLSIM_REDIS_PORT, database 9, flushed before every sequence), and that both RedisClient
// ports carry those replies unchanged: the real side is reached through HiredisClient, and
// every command also runs through SimRedisClient on a simulated RedisServer node, whose replies
// must equal the direct model's exactly. RapidCheck generates
// command sequences over three keys of mixed types (so WRONGTYPE, bad options and short TTLs
// all occur), runs each on a fresh model and on the server, and requires every reply to agree
// under the rules of conformance_support.h (SMEMBERS/HGETALL as sets; PTTL within 32 ms; TTL
// within the rounding of the model's PTTL +- 32 ms). Timed sequences sleep for real while the
// model's clock advances by the same amount. Each named script's Lua source (EVAL on the
// server, through HiredisClient::Eval) and sim_impl (RunScript and EVAL on the model, and
// SimRedisClient::Eval to a RedisServer node) must agree on generated inputs.
#include <catch2/catch.hpp>
#include <rapidcheck.h>

#include <sstream>

#include "conformance_support.h"
#include "models/redis/scripts.h"

namespace {

using namespace redis_conformance;
using models::redis::RedisModel;
using models::redis::Script;

// rc::prop with an explicit number of cases (RC_PARAMS still sets the seed).
template <class Testable>
void CheckProperty(const std::string& name, int max_success, Testable&& testable) {
  rc::detail::TestParams params = rc::detail::configuration().testParams;
  params.maxSuccess = max_success;
  rc::detail::TestMetadata metadata;
  metadata.id = name;
  metadata.description = name;
  const auto result =
      rc::detail::checkTestable(std::forward<Testable>(testable), metadata, params);
  std::ostringstream message;
  rc::detail::printResultMessage(result, message);
  INFO(name << ": " << message.str());
  CHECK(result.template is<rc::detail::SuccessResult>());
}

void RunAndAssert(SequenceRunner& runner, const std::vector<Step>& steps) {
  const Outcome outcome = runner.Run(steps);
  // Timing never excuses the simulated port: it runs the direct model's code at its times.
  if (!outcome.port_agreed) {
    RC_FAIL("SimRedisClient and the model disagree:\n" + outcome.transcript);
  }
  if (!outcome.agreed && outcome.max_drift_ms > kDriftBudgetMs) {
    RC_DISCARD("real time drifted past the budget; the machine is too loaded to judge");
  }
  if (!outcome.agreed) RC_FAIL("model and redis-server disagree:\n" + outcome.transcript);
}

}  // namespace

TEST_CASE("model and redis-server agree on generated command sequences",
          "[redis][conformance]") {
  RealPort real;
  SequenceRunner runner(real);
  CheckProperty("untimed sequences", 300,
                [&runner] { RunAndAssert(runner, *GenUntimedSequence()); });
  // At most 3 pauses of at most 2 quanta (160 ms) per case: under 17.3 s of sleep in the
  // worst case, about 8.6 s on average.
  CheckProperty("timed sequences with expiry", 36,
                [&runner] { RunAndAssert(runner, *GenTimedSequence(3)); });
  INFO("slept " << runner.total_sleep_ms() << " ms");
  CHECK(runner.total_sleep_ms() > 0);
  CHECK(real.Command({"FLUSHDB"}) == Reply::Ok());
}

namespace {

// The key's state before the script runs: absent, a string (optionally with a lease), or a
// hash (wrong type).
rc::Gen<std::vector<Argv>> GenScriptSetup() {
  const auto value =
      rc::gen::element<std::string>("t1", "t2", "5", "3", "0", "-1", "2.5", "abc", "");
  return rc::gen::oneOf(
      rc::gen::just(std::vector<Argv>{}),
      rc::gen::map(value, [](std::string v) { return std::vector<Argv>{{"SET", "ms:s", v}}; }),
      rc::gen::map(value, [](std::string v) {
        return std::vector<Argv>{{"SET", "ms:s", v, "PX", "1000"}};
      }),
      rc::gen::just(std::vector<Argv>{{"HSET", "ms:s", "f", "v"}}));
}

rc::Gen<std::vector<std::string>> GenScriptArgs() {
  const auto first =
      rc::gen::element<std::string>("t1", "t2", "5", "3", "2", "1", "0", "-1", "1.5", "abc");
  // Leases far from zero, or ones that delete at once, so timing cannot decide the outcome.
  const auto lease = rc::gen::element<std::string>("30000", "1000", "0", "-5", "abc");
  return rc::gen::oneOf(
      rc::gen::just(std::vector<std::string>{}),
      rc::gen::container<std::vector<std::string>>(1, first),
      rc::gen::apply([](std::string a, std::string b) { return std::vector<std::string>{a, b}; },
                     first, lease));
}

void CheckScriptCase(RealPort& real, const Script& script) {
  const std::vector<Argv> setup = *GenScriptSetup();
  const bool with_key = *rc::gen::weightedElement<bool>({{9, true}, {1, false}});
  const std::vector<std::string> args = *GenScriptArgs();
  const sim::Instant now = sim::Instant::Zero();
  RC_ASSERT(real.Command({"FLUSHDB"}) == Reply::Ok());
  RedisModel direct;  // runs sim_impl through RunScript
  RedisModel evaled;  // runs it through EVAL of the Lua text
  SimPort port;       // EVAL through SimRedisClient to a RedisServer node
  for (const Argv& argv : setup) {
    const Reply expected = direct.Execute(argv, now);
    RC_ASSERT(real.Command(argv) == expected);
    RC_ASSERT(port.Command(argv) == expected);
    evaled.Execute(argv, now);
  }
  const std::vector<std::string> keys =
      with_key ? std::vector<std::string>{"ms:s"} : std::vector<std::string>{};
  Argv eval = {"EVAL", script.lua_source, std::to_string(keys.size())};
  eval.insert(eval.end(), keys.begin(), keys.end());
  eval.insert(eval.end(), args.begin(), args.end());
  const Reply via_hiredis = real.Eval(script, keys, args);  // Lua on the real server
  const Reply via_run = direct.RunScript(script, keys, args, now);
  const Reply via_eval = evaled.Execute(eval, now);
  const Reply via_port = port.Eval(script, keys, args);
  RC_LOG() << script.name << " real=" << via_hiredis.ToString() << " model="
           << via_run.ToString() << " eval=" << via_eval.ToString()
           << " port=" << via_port.ToString() << "\n";
  RC_ASSERT(via_run == via_hiredis);
  RC_ASSERT(via_eval == via_hiredis);
  RC_ASSERT(via_port == via_hiredis);
  const std::vector<Argv> probes = {{"GET", "ms:s"}, {"PTTL", "ms:s"}, {"TYPE", "ms:s"}};
  for (const Argv& probe : probes) {
    const Reply real_probe = real.Command(probe);
    RC_LOG() << probe[0] << " real=" << real_probe.ToString() << "\n";
    RC_ASSERT(RepliesAgree(probe, direct.Execute(probe, now), real_probe, {}, std::nullopt));
    RC_ASSERT(RepliesAgree(probe, evaled.Execute(probe, now), real_probe, {}, std::nullopt));
    RC_ASSERT(RepliesAgree(probe, port.Command(probe), real_probe, {}, std::nullopt));
  }
}

}  // namespace

TEST_CASE("each named script: Lua on redis-server and sim_impl on the model agree",
          "[redis][conformance][script]") {
  RealPort real;
  for (const Script* script : models::redis::NamedScripts()) {
    CheckProperty(script->name, 150, [&real, script] { CheckScriptCase(real, *script); });
  }
  CHECK(real.Command({"FLUSHDB"}) == Reply::Ok());
}
