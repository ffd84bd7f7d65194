#include "conformance_support.h"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <thread>
#include <utility>

#include <fmt/format.h>

#include "models/redis/commands.h"
#include "models/redis/scripts.h"

namespace redis_conformance {
namespace gen = rc::gen;
using models::redis::real::HiredisConnection;

models::redis::real::HiredisConnection ConnectOrThrow() {
  const char* env = std::getenv("MALLSIM_REDIS_PORT");
  const int port = env != nullptr ? std::atoi(env) : 6390;
  auto connection = HiredisConnection::Connect("127.0.0.1", port, std::chrono::seconds(2));
  if (!connection.ok()) {
    throw std::runtime_error(fmt::format(
        "redis-server is not reachable on 127.0.0.1:{} ({}). Start the test servers with "
        "`scripts/servers.sh start` (and export the variables of `scripts/servers.sh env`).",
        port, connection.error().ToString()));
  }
  auto selected = connection->Command({"SELECT", std::to_string(kDatabase)});
  if (!selected.ok() || *selected != Reply::Ok()) {
    throw std::runtime_error("SELECT " + std::to_string(kDatabase) + " failed on the real server");
  }
  return std::move(connection.value());
}

namespace {

rc::Gen<std::string> Key() {
  return gen::elementOf(std::vector<std::string>(kKeys.begin(), kKeys.end()));
}
rc::Gen<std::string> Value() {
  return gen::element<std::string>("v", "w", "", "1", "-3", "10", "007",
                                   "9223372036854775807");
}
rc::Gen<std::string> Field() { return gen::element<std::string>("f", "g", "1"); }
rc::Gen<std::string> IntArg() {
  return gen::element<std::string>("1", "-2", "5", "x", "9223372036854775807",
                                   "-9223372036854775808", "+1");
}
// Relative TTLs: odd multiples of half a quantum (see conformance_support.h), plus values
// that are invalid or expire the key at once.
rc::Gen<std::string> MillisArg() {
  return gen::element<std::string>("40", "120", "200", "280", "440", "1000", "0", "-5", "abc");
}
rc::Gen<std::string> SecondsArg() {
  return gen::element<std::string>("1", "3", "-1", "0", "x", "99999999999999999");
}

Argv Concat(Argv head, const std::vector<Argv>& tails) {
  for (const Argv& tail : tails) head.insert(head.end(), tail.begin(), tail.end());
  return head;
}

template <class T>
rc::Gen<std::vector<T>> UpTo(int n, rc::Gen<T> element) {
  return gen::mapcat(gen::inRange(0, n + 1), [element](int count) {
    return gen::container<std::vector<T>>(static_cast<size_t>(count), element);
  });
}

rc::Gen<Argv> GenSet() {
  const auto option = gen::elementOf(std::vector<Argv>{
      {"NX"}, {"xx"}, {"GET"}, {"KEEPTTL"}, {"EX", "1"}, {"ex", "3"}, {"PX", "120"},
      {"PX", "40"}, {"PX", "1000"}, {"PX", "0"}, {"EX", "abc"}, {"EX"}, {"BOGUS"}});
  return gen::apply([](std::string k, std::string v,
                       std::vector<Argv> opts) { return Concat({"SET", k, v}, opts); },
                    Key(), Value(), UpTo(3, option));
}

rc::Gen<Argv> GenExpire() {
  const auto flag = gen::element<std::string>("NX", "xx", "GT", "lt", "FOO");
  const auto with_flags = [](std::string cmd, std::string k, std::string t,
                             std::vector<std::string> flags) {
    Argv argv = {cmd, k, t};
    argv.insert(argv.end(), flags.begin(), flags.end());
    return argv;
  };
  return gen::oneOf(
      gen::apply(with_flags, gen::just(std::string("EXPIRE")), Key(), SecondsArg(),
                 UpTo(2, flag)),
      gen::apply(with_flags, gen::just(std::string("PEXPIRE")), Key(), MillisArg(),
                 UpTo(2, flag)));
}

rc::Gen<Argv> GenKeyCommand() {
  return gen::oneOf(
      gen::apply([](std::string k) { return Argv{"GET", k}; }, Key()),
      gen::apply([](std::vector<std::string> ks) { return Concat({"DEL"}, {ks}); },
                 gen::container<std::vector<std::string>>(Key())),
      gen::apply([](std::string a, std::string b) { return Argv{"EXISTS", a, b}; }, Key(),
                 Key()),
      gen::apply([](std::string c, std::string k) { return Argv{c, k}; },
                 gen::element<std::string>("INCR", "DECR", "TTL", "PTTL", "PERSIST", "TYPE"),
                 Key()),
      gen::apply([](std::string c, std::string k, std::string n) { return Argv{c, k, n}; },
                 gen::element<std::string>("INCRBY", "DECRBY"), Key(), IntArg()));
}

rc::Gen<Argv> GenHashSetCommand() {
  return gen::oneOf(
      gen::apply([](std::string k, std::vector<std::string> fv) {
        return Concat({"HSET", k}, {fv});
      }, Key(), gen::container<std::vector<std::string>>(Field())),
      gen::apply([](std::string c, std::string k, std::string f) { return Argv{c, k, f}; },
                 gen::element<std::string>("HGET", "HDEL", "HEXISTS"), Key(), Field()),
      gen::apply([](std::string k, std::string f, std::string n) {
        return Argv{"HINCRBY", k, f, n};
      }, Key(), Field(), IntArg()),
      gen::apply([](std::string c, std::string k) { return Argv{c, k}; },
                 gen::element<std::string>("HGETALL", "HLEN", "SMEMBERS", "SCARD"), Key()),
      gen::apply([](std::string c, std::string k, std::vector<std::string> ms) {
        return Concat({c, k}, {ms});
      }, gen::element<std::string>("SADD", "SREM"), Key(),
         gen::container<std::vector<std::string>>(Field())),
      gen::apply([](std::string k, std::string m) { return Argv{"SISMEMBER", k, m}; }, Key(),
                 Field()));
}

rc::Gen<Argv> GenListCommand() {
  const auto index = gen::element<std::string>("-3", "-1", "0", "1", "2", "10", "x");
  return gen::oneOf(
      gen::apply([](std::string c, std::string k, std::vector<std::string> vs) {
        return Concat({c, k}, {vs});
      }, gen::element<std::string>("LPUSH", "RPUSH"), Key(),
         gen::container<std::vector<std::string>>(Value())),
      gen::apply([](std::string c, std::string k, std::vector<std::string> count) {
        return Concat({c, k}, {count});
      }, gen::element<std::string>("LPOP", "rpop"), Key(),
         UpTo(2, gen::element<std::string>("0", "1", "2", "5", "-1", "x"))),
      gen::apply([](std::string k, std::string a, std::string b) {
        return Argv{"LRANGE", k, a, b};
      }, Key(), index, index),
      gen::apply([](std::string k) { return Argv{"LLEN", k}; }, Key()));
}

rc::Gen<Argv> GenScriptEval() {
  std::vector<std::string> sources;
  for (const auto* script : models::redis::NamedScripts()) sources.push_back(script->lua_source);
  // ARGV[2] is the renew script's lease: kept on the TTL lattice like every other TTL.
  const auto arg1 = gen::element<std::string>("v", "w", "1", "2", "3");
  const auto arg2 = gen::element<std::string>("40", "200", "1000", "0", "-5", "abc");
  const auto args = gen::oneOf(gen::just(std::vector<std::string>{}),
                               gen::container<std::vector<std::string>>(1, arg1),
                               gen::apply([](std::string a, std::string b) {
                                 return std::vector<std::string>{a, b};
                               }, arg1, arg2));
  return gen::apply([](std::string src, std::string k, std::vector<std::string> a) {
    return Concat({"EVAL", src, "1", k}, {a});
  }, gen::elementOf(sources), Key(), args);
}

// Transactions, server commands and malformed input. FLUSHALL is left out on purpose: it
// would wipe every database of the shared server; the unit tests cover it.
rc::Gen<Argv> GenControlCommand() {
  return gen::elementOf(std::vector<Argv>{
      {"MULTI"}, {"EXEC"}, {"DISCARD"}, {"MULTI"}, {"EXEC"}, {"exec", "x"}, {"multi", "x"},
      {"DISCARD", "x"}, {"PING"}, {"ping", "hello"}, {"PING", "a", "b"}, {"DBSIZE"},
      {"FLUSHDB"}, {"flushdb", "ASYNC"}, {"FLUSHDB", "bogus"}, {"NOSUCHCMD", "ms:a", "1"},
      {"GET"}, {"TTL", "ms:a", "extra"}, {"HSET", "ms:a", "f"}, {"EVAL", "return 1", "x"},
      {"EVAL", "return 1", "-1"}, {"EVAL", "return 1", "2", "ms:a"}});
}

}  // namespace

rc::Gen<Argv> GenCommand() {
  return gen::weightedOneOf<Argv>({{6, GenSet()}, {4, GenExpire()}, {8, GenKeyCommand()},
                                   {8, GenHashSetCommand()}, {6, GenListCommand()},
                                   {2, GenScriptEval()}, {3, GenControlCommand()}});
}

rc::Gen<std::vector<Step>> GenUntimedSequence() {
  return gen::map(gen::container<std::vector<Argv>>(GenCommand()), [](std::vector<Argv> cmds) {
    std::vector<Step> steps;
    for (Argv& argv : cmds) steps.push_back(Step{std::move(argv), 0, false});
    return steps;
  });
}

namespace {

// Commands that make expiry observable: keys of every type get short deadlines, and reads
// look at them after the pauses.
rc::Gen<Argv> GenTimedCommand() {
  const auto short_ttl = gen::element<std::string>("40", "120", "200", "280");
  return gen::weightedOneOf<Argv>({
      {4, gen::apply([](std::string k, std::string ms) { return Argv{"SET", k, "v", "PX", ms}; },
                     Key(), short_ttl)},
      {1, gen::apply([](std::string k) { return Argv{"SET", k, "v", "EX", "1"}; }, Key())},
      {4, gen::apply([](std::string k, std::string ms) { return Argv{"PEXPIRE", k, ms}; }, Key(),
                     short_ttl)},
      {3, gen::apply([](std::string c, std::string k) { return Argv{c, k, "f", "1"}; },
                     gen::element<std::string>("HSET", "SADD", "RPUSH"), Key())},
      {8, gen::apply([](std::string c, std::string k) { return Argv{c, k}; },
                     gen::element<std::string>("GET", "EXISTS", "TTL", "PTTL", "TYPE", "INCR",
                                               "LLEN", "SCARD", "HGETALL", "PERSIST"),
                     Key())},
      {1, gen::just(Argv{"DBSIZE"})},
      {4, GenCommand()}});
}

}  // namespace

rc::Gen<std::vector<Step>> GenTimedSequence(int max_sleeps) {
  const auto segment = gen::mapcat(gen::inRange(1, 9), [](int n) {
    return gen::container<std::vector<Argv>>(static_cast<size_t>(n), GenTimedCommand());
  });
  const auto pause = gen::apply(
      [](int64_t quanta, bool active) { return Step{{}, quanta, active}; },
      gen::inRange<int64_t>(1, 3), gen::arbitrary<bool>());
  return gen::mapcat(gen::inRange(1, max_sleeps + 1), [segment, pause](int sleeps) {
    const auto count = static_cast<size_t>(sleeps);
    return gen::map(
        gen::pair(gen::container<std::vector<std::vector<Argv>>>(count + 1, segment),
                  gen::container<std::vector<Step>>(count, pause)),
        [](const std::pair<std::vector<std::vector<Argv>>, std::vector<Step>>& parts) {
          std::vector<Step> steps;
          for (size_t i = 0; i < parts.first.size(); ++i) {
            if (i > 0) steps.push_back(parts.second[i - 1]);
            for (const Argv& argv : parts.first[i]) steps.push_back(Step{argv, 0, false});
          }
          return steps;
        });
  });
}

void showValue(const Step& step, std::ostream& os) {
  if (step.sleep_quanta > 0) {
    os << "sleep " << step.sleep_quanta * kQuantumMs << " ms"
       << (step.active_expire ? " + active expiry" : "");
    return;
  }
  for (const std::string& arg : step.argv) os << arg.substr(0, 24) << ' ';
}

}  // namespace redis_conformance
