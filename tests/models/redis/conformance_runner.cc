// SequenceRunner and the reply comparison rules of conformance_support.h.
#include <algorithm>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "conformance_support.h"
#include "models/redis/commands.h"
#include "models/redis/int_text.h"
#include "models/redis/scripts.h"

namespace redis_conformance {
namespace {

using Clock = std::chrono::steady_clock;
constexpr models::redis::RedisModel::ClientId kSideClient = 99;

sim::Instant Ms(int64_t ms) { return sim::Instant::FromNanos(ms * 1'000'000); }

std::vector<std::string> SortedStrings(const std::vector<Reply>& elements) {
  std::vector<std::string> out;
  for (const Reply& r : elements) out.push_back(r.ToString());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> SortedPairs(const std::vector<Reply>& elements) {
  std::vector<std::string> out;
  for (size_t i = 0; i + 1 < elements.size(); i += 2) {
    out.push_back(elements[i].ToString() + "=" + elements[i + 1].ToString());
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool HasGtOrLt(const Argv& command) {
  for (size_t i = 3; i < command.size(); ++i) {
    const std::string flag = models::redis::Lower(command[i]);
    if (flag == "gt" || flag == "lt") return true;
  }
  return false;
}

int64_t RoundTtl(int64_t pttl_ms) { return (std::max<int64_t>(pttl_ms, 0) + 500) / 1000; }

bool BothArrays(const Reply& a, const Reply& b) {
  return a.type() == Reply::Type::kArray && b.type() == Reply::Type::kArray;
}

bool BothIntegers(const Reply& a, const Reply& b) {
  return a.type() == Reply::Type::kInteger && b.type() == Reply::Type::kInteger;
}

std::string Show(const Argv& argv) {
  std::string out;
  for (const std::string& arg : argv) {
    std::string shown = arg;
    for (const auto* script : models::redis::NamedScripts()) {
      if (arg == script->lua_source) shown = "<" + script->name + ">";
    }
    out += (out.empty() ? "" : " ") + (shown.empty() ? "\"\"" : shown);
  }
  return out;
}

// Puts an EXISTS of every key before each DBSIZE (see SequenceRunner::Run).
std::vector<Step> WithSweeps(const std::vector<Step>& steps) {
  std::vector<Step> expanded;
  for (const Step& step : steps) {
    if (step.sleep_quanta == 0 && step.argv.size() == 1 &&
        models::redis::Lower(step.argv[0]) == "dbsize") {
      Argv sweep = {"EXISTS"};
      sweep.insert(sweep.end(), kKeys.begin(), kKeys.end());
      expanded.push_back(Step{sweep, 0, false});
    }
    expanded.push_back(step);
  }
  return expanded;
}

}  // namespace

bool RepliesAgree(const Argv& command, const Reply& model, const Reply& real,
                  const std::vector<Argv>& exec_queue, std::optional<int64_t> model_pttl) {
  const std::string name = models::redis::Lower(command[0]);
  if (name == "exec" && BothArrays(model, real) &&
      model.elements().size() == exec_queue.size() &&
      real.elements().size() == exec_queue.size()) {
    for (size_t i = 0; i < exec_queue.size(); ++i) {
      if (!RepliesAgree(exec_queue[i], model.elements()[i], real.elements()[i], {},
                        std::nullopt)) {
        return false;
      }
    }
    return true;
  }
  if (name == "smembers" && BothArrays(model, real)) {
    return SortedStrings(model.elements()) == SortedStrings(real.elements());
  }
  if (name == "hgetall" && BothArrays(model, real)) {
    return model.elements().size() == real.elements().size() &&
           SortedPairs(model.elements()) == SortedPairs(real.elements());
  }
  if ((name == "expire" || name == "pexpire") && HasGtOrLt(command) &&
      BothIntegers(model, real) && model.integer() != real.integer()) {
    // A tie between the old and the new deadline (equal in virtual time, a few ms apart in
    // real time) lets GT / LT go either way; inside EXEC the tie cannot be detected.
    if (!model_pttl) return true;
    const std::optional<int64_t> requested = models::redis::ParseRedisInt(command[2]);
    return requested && *model_pttl == *requested * (name == "expire" ? 1000 : 1);
  }
  if ((name == "pttl" || name == "ttl") && BothIntegers(model, real)) {
    const int64_t m = model.integer();
    const int64_t r = real.integer();
    if (m < 0 || r < 0) return m == r;  // -2 (no key) and -1 (no deadline) are exact
    if (name == "pttl") return std::abs(m - r) <= kPttlToleranceMs;
    if (model_pttl && *model_pttl >= 0) {
      return RoundTtl(*model_pttl - kPttlToleranceMs) <= r &&
             r <= RoundTtl(*model_pttl + kPttlToleranceMs);
    }
    return std::abs(m - r) <= 1;
  }
  return model == real;
}

Reply SequenceRunner::Real(const Argv& argv) { return real_.Command(argv); }

Outcome SequenceRunner::Run(const std::vector<Step>& steps) {
  Real({"DISCARD"});  // a transaction left open by an aborted run; an error reply is fine
  if (Real({"FLUSHDB"}) != Reply::Ok()) throw std::runtime_error("FLUSHDB failed");
  models::redis::RedisModel model;
  SimPort port;
  const Clock::time_point start = Clock::now();
  int64_t virtual_ms = 0;
  std::optional<std::vector<Argv>> queue;  // the model's queued commands while in MULTI
  Outcome out;
  for (const Step& step : WithSweeps(steps)) {
    if (step.sleep_quanta > 0) {
      virtual_ms += step.sleep_quanta * kQuantumMs;
      total_sleep_ms_ += step.sleep_quanta * kQuantumMs;
      std::this_thread::sleep_until(start + std::chrono::milliseconds(virtual_ms));
      if (step.active_expire) model.Tick(Ms(virtual_ms));
      port.AdvanceTo(Ms(virtual_ms));
      out.transcript += fmt::format("   -- sleep to t={} ms{}\n", virtual_ms,
                                    step.active_expire ? ", model active expiry" : "");
      continue;
    }
    const std::string name = models::redis::Lower(step.argv[0]);
    std::optional<int64_t> model_pttl;
    const bool needs_pttl = (name == "ttl" && step.argv.size() == 2) ||
                            ((name == "expire" || name == "pexpire") && HasGtOrLt(step.argv));
    if (!queue && needs_pttl) {
      const Reply pttl = model.Execute(kSideClient, {"PTTL", step.argv[1]}, Ms(virtual_ms));
      model_pttl = pttl.integer();
    }
    const Reply model_reply = model.Execute(step.argv, Ms(virtual_ms));
    const Reply port_reply = port.Command(step.argv);
    const Reply real_reply = Real(step.argv);
    const auto elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    out.max_drift_ms = std::max<int64_t>(out.max_drift_ms, elapsed.count() - virtual_ms);
    // The port runs the same model at the same virtual times: it must agree exactly.
    out.port_agreed = port_reply == model_reply;
    const bool agree =
        RepliesAgree(step.argv, model_reply, real_reply, queue.value_or(std::vector<Argv>{}),
                     model_pttl) &&
        out.port_agreed;
    out.transcript += fmt::format("{} {}\n      model: {}\n      port:  {}\n      real:  {}\n",
                                  agree ? "  " : "!!", Show(step.argv), model_reply.ToString(),
                                  port_reply.ToString(), real_reply.ToString());
    if (!agree) {
      out.agreed = false;
      break;
    }
    if (model_reply == Reply::Status("QUEUED")) {
      queue->push_back(step.argv);
    } else if (name == "multi" && model_reply == Reply::Ok()) {
      queue.emplace();
    } else if (name == "exec" || (name == "discard" && model_reply == Reply::Ok())) {
      queue.reset();
    }
  }
  if (queue) {
    model.Execute({"DISCARD"}, Ms(virtual_ms));
    Real({"DISCARD"});
  }
  out.transcript += fmt::format("   (max drift {} ms)\n", out.max_drift_ms);
  return out;
}

}  // namespace redis_conformance
