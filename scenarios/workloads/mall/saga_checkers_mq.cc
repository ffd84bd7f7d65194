// The messaging checkers (INV-M1..M4); see saga_checkers.h.

#include <fmt/format.h>

#include "models/mq/types.h"
#include "scenarios/workloads/mall/saga_checkers_util.h"

namespace scenarios {

using checkers::CheckInput;
using checkers::Verdict;

namespace {

// INV-M3: no message is redelivered forever. While a dependency is down, the default listener
// rejects with requeue and the message comes straight back, hundreds of times in a long outage:
// the backlog and CPU cost the notes warn of (003:270), which ends when the fault does. Forever
// means it keeps coming back with every fault healed, so the deliveries counted are those after
// the heal: past this many, it is a poison loop (F-22's not-found requeue), not bad luck (the
// notes give no N).
constexpr int64_t kDeliveriesMax = 20;

int64_t Steps(const nlohmann::json& fates, const std::string& msg, const char* step) {
  if (!fates.contains(msg)) return 0;
  return fates[msg].value(step, int64_t{0});
}

}  // namespace

Verdict CheckNoSilentLoss(const std::string& name, const CheckInput& in, const SagaView& v) {
  const nlohmann::json& fates = v.snapshot->at("fates");
  size_t committed = 0;
  for (const nlohmann::json* ep : v.Events({"saga.msg_committed"})) {
    const nlohmann::json& e = *ep;
    ++committed;
    const std::string msg = e.value("msg", std::string());
    if (Steps(fates, msg, "enqueued") > 0) continue;
    Verdict out = checkers::Invalid(
        name, fmt::format("message {} ({}) of a committed transaction never reached a queue", msg,
                          e.value("key", std::string())),
        in.history, std::nullopt);
    out.detail = {{"msg", msg}, {"fates", fates.contains(msg) ? fates[msg] : nlohmann::json::object()}};
    return out;
  }
  return checkers::Valid(name, fmt::format("{} committed messages all enqueued", committed));
}

Verdict CheckEffectAtMostOnce(const std::string& name, const CheckInput& in, const SagaView& v) {
  std::map<std::string, int64_t> effects;  // msg + object -> times applied
  for (const nlohmann::json* ep : v.Events({"ware.detail", "ware.payload_unlock", "order.status"})) {
    const nlohmann::json& e = *ep;
    const std::string ev = e.value("name", std::string());
    const std::string msg = e.value("msg", std::string());
    if (msg.empty()) continue;
    std::string key;
    if (ev == "ware.detail" || ev == "ware.payload_unlock") {
      key = fmt::format("{} on detail {}", msg, e.value("detail", int64_t{0}));
    } else if (ev == "order.status") {
      key = fmt::format("{} on order {}", msg, e.value("sn", std::string()));
    } else {
      continue;
    }
    if (++effects[key] > 1) {
      return InvalidFor(name, in, e.value("sn", std::string()),
                        fmt::format("message {} applied {} times", key, effects[key]), e);
    }
  }
  return checkers::Valid(name, fmt::format("{} message effects, each applied once", effects.size()));
}

Verdict CheckEveryDeliveryEnds(const std::string& name, const CheckInput& in, const SagaView& v) {
  const nlohmann::json& fates = v.snapshot->at("fates");
  for (const auto& [msg, steps] : fates.items()) {
    const int64_t delivered = steps.value("delivered_after_heal", int64_t{0});
    if (delivered > kDeliveriesMax) {
      Verdict out = checkers::Invalid(
          name, fmt::format("message {} was delivered {} times after every fault healed (poison loop)",
                            msg, delivered),
          in.history, std::nullopt);
      out.detail = {{"msg", msg}, {"fates", steps}};
      return out;
    }
  }
  for (const auto& [queue, stats] : v.snapshot->at("queues").items()) {
    const int64_t ready = stats.value("ready", int64_t{0});
    const int64_t unacked = stats.value("unacked", int64_t{0});
    if (ready > 0 || unacked > 0) {
      return checkers::Invalid(name, fmt::format("{} still holds {} ready and {} unacked messages",
                                                 queue, ready, unacked),
                               in.history, std::nullopt);
    }
  }
  return checkers::Valid(name, fmt::format("{} messages, every delivery ended", fates.size()));
}

Verdict CheckTopologyRoutes(const std::string& name, const CheckInput& in, const SagaView& v) {
  const nlohmann::json& bindings = v.snapshot->at("topology").at("bindings");
  for (const auto& p : v.snapshot->at("publishes")) {
    const std::string exchange = p.value("exchange", std::string());
    const std::string key = p.value("key", std::string());
    bool routed = false;
    for (const auto& b : bindings) {
      routed |= b.value("exchange", std::string()) == exchange &&
                models::mq::TopicMatches(b.value("key", std::string()), key);
    }
    if (!routed) {
      Verdict out = checkers::Invalid(
          name, fmt::format("{} publishes {} to {}, which no binding matches",
                            p.value("service", std::string()), key, exchange),
          in.history, std::nullopt);
      out.detail = p;
      return out;
    }
  }
  return checkers::Valid(name, "every published routing key has a binding");
}

}  // namespace scenarios
