#include "scenarios/workloads/reserve.h"

#include <fmt/format.h>

#include <map>
#include <set>

namespace scenarios {

using namespace sim::literals;

namespace {

std::string RequestKey(const ReserveRequest& r) {
  return fmt::format("r/{}/{}", r.client, r.request);
}

int64_t ReadCount(sim::Disk& disk) {
  const auto v = disk.Read("reserved");
  return v ? std::stoll(*v) : 0;
}

sim::Task<sim::Result<int64_t>> HandleReserve(sim::Env env, ReserveServiceConfig config,
                                              ReserveRequest r) {
  co_await env.Sleep(env.rng().Uniform(1_ms, 5_ms));  // the work of a real service
  sim::Disk& disk = env.disk();
  const std::string key = RequestKey(r);
  if (config.dedupe && disk.Read(key)) co_return ReadCount(disk);  // a retry: already counted
  const int64_t reserved = ReadCount(disk);
  if (reserved >= config.capacity) co_return sim::MakeError(sim::Errc::kRejected, "sold out");
  disk.Write(key, "1");
  disk.Write("reserved", std::to_string(reserved + 1));
  if (config.sync) disk.Sync();
  env.Trace("stock.reserved", {{"client", r.client}, {"request", r.request}, {"total", reserved + 1}});
  co_return reserved + 1;
}

}  // namespace

void BootReserveService(sim::Env env, ReserveServiceConfig config) {
  env.Serve<ReserveRequest, int64_t>(
      kReservePort, [env, config](ReserveRequest r) { return HandleReserve(env, config, r); });
}

sim::Task<void> ReserveClient(sim::Env env, sim::NodeId stock, int64_t client,
                              sim::Duration think, sim::Duration timeout, const bool* stop) {
  for (int64_t request = 0; !*stop; ++request) {
    co_await env.Sleep(env.rng().Uniform(think / 2, think * 3 / 2));
    if (*stop) break;
    sim::History& h = env.history();
    const uint64_t op = h.Invoke(client, "reserve", {{"request", request}}, env.Now(), env.id());
    auto r = co_await env.Call<int64_t>(sim::Endpoint{stock, kReservePort},
                                        ReserveRequest{client, request}, timeout);
    if (r.ok()) {
      h.Complete(op, sim::OpType::kOk, {{"request", request}, {"total", *r}}, env.Now());
    } else {
      h.Complete(op, r.error().Indeterminate() ? sim::OpType::kInfo : sim::OpType::kFail,
                 {{"request", request}}, env.Now(), r.error().ToString());
    }
  }
}

namespace {

class ReserveWorkload final : public Workload {
 public:
  std::vector<std::string> Setup(RunEnv& env) override {
    ReserveServiceConfig cfg;
    cfg.capacity = env.Int("capacity");
    cfg.sync = env.Variant("reserve.sync") == "always";
    cfg.dedupe = env.Variant("reserve.dedupe") == "on";
    stock_ = &env.world->AddNode("stock", [cfg](sim::Env e) { BootReserveService(e, cfg); });
    const int64_t clients = env.Int("clients");
    for (int64_t i = 1; i <= clients; ++i) env.world->AddNode(fmt::format("client{}", i));
    env.world->StartAll();
    return {"stock"};
  }

  void StartClients(RunEnv& env) override {
    const auto think = sim::Duration::Millis(env.Int("think_ms"));
    const auto timeout = sim::Duration::Millis(env.Int("timeout_ms"));
    int64_t i = 1;
    for (sim::Node* n : env.world->nodes()) {
      if (n == stock_) continue;
      n->Spawn(ReserveClient(n->env(), stock_->id(), i++, think, timeout, &stop_));
    }
  }

  void StopClients(RunEnv&) override { stop_ = true; }

  nlohmann::json Snapshot(RunEnv& env) override {
    nlohmann::json applied = nlohmann::json::array();
    for (const std::string& k : stock_->disk().Keys("r/")) applied.push_back(k);
    return {{"reserved", ReadCount(stock_->disk())},
            {"capacity", env.Int("capacity")},
            {"applied", applied}};
  }

 private:
  sim::Node* stock_ = nullptr;
  bool stop_ = false;
};

// ok / info reservations by request key, from the history.
struct Outcomes {
  std::map<std::string, uint64_t> ok;    // key -> completion op index
  std::set<std::string> maybe;           // info: may have been applied
  std::set<std::string> invoked;
};

Outcomes Collect(const sim::History& h) {
  Outcomes o;
  for (const sim::Op& op : h.ops()) {
    if (op.f != "reserve" || op.process == sim::kNemesisProcess) continue;
    const std::string key =
        RequestKey(ReserveRequest{op.process, op.value.at("request").get<int64_t>()});
    if (op.type == sim::OpType::kInvoke) o.invoked.insert(key);
    if (op.type == sim::OpType::kOk) o.ok.emplace(key, op.index);
    if (op.type == sim::OpType::kInfo) o.maybe.insert(key);
  }
  return o;
}

class NoOverbooking final : public checkers::Checker {
 public:
  std::string name() const override { return "reserve.no_overbooking"; }
  checkers::Verdict Check(const checkers::CheckInput& in, const checkers::CheckBudget&) override {
    const int64_t reserved = in.snapshot.at("reserved");
    const int64_t capacity = in.snapshot.at("capacity");
    if (reserved > capacity) {
      return checkers::Invalid(name(), fmt::format("{} reserved > capacity {}", reserved, capacity),
                               in.history, std::nullopt);
    }
    return checkers::Valid(name(), fmt::format("{} of {} reserved", reserved, capacity));
  }
};

class AckedDurable final : public checkers::Checker {
 public:
  std::string name() const override { return "reserve.acked_durable"; }
  checkers::Verdict Check(const checkers::CheckInput& in, const checkers::CheckBudget&) override {
    const Outcomes o = Collect(in.history);
    std::set<std::string> applied;
    for (const auto& k : in.snapshot.at("applied")) applied.insert(k.get<std::string>());
    // The first acknowledged reservation that the final state does not contain.
    std::optional<uint64_t> first_lost;
    size_t lost = 0;
    for (const auto& [key, index] : o.ok) {
      if (applied.count(key) != 0) continue;
      ++lost;
      if (!first_lost || index < *first_lost) first_lost = index;
    }
    if (lost > 0) {
      return checkers::Invalid(name(), fmt::format("{} acknowledged reservations were lost", lost),
                               in.history, first_lost);
    }
    return checkers::Valid(name(), fmt::format("all {} acknowledged reservations durable", o.ok.size()));
  }
};

class ExactlyOnce final : public checkers::Checker {
 public:
  std::string name() const override { return "reserve.exactly_once"; }
  checkers::Verdict Check(const checkers::CheckInput& in, const checkers::CheckBudget&) override {
    const Outcomes o = Collect(in.history);
    const int64_t reserved = in.snapshot.at("reserved");
    const auto distinct = static_cast<int64_t>(in.snapshot.at("applied").size());
    for (const auto& k : in.snapshot.at("applied")) {
      if (o.invoked.count(k.get<std::string>()) == 0) {
        return checkers::Invalid(name(), "applied request " + k.get<std::string>() + " was never sent",
                                 in.history, std::nullopt);
      }
    }
    if (reserved != distinct) {
      checkers::Verdict v = checkers::Invalid(
          name(),
          fmt::format("counter says {} but {} distinct requests were applied: some were counted twice",
                      reserved, distinct),
          in.history, std::nullopt);
      v.detail = {{"reserved", reserved}, {"distinct_requests", distinct}};
      return v;
    }
    return checkers::Valid(name(), fmt::format("{} requests counted once each", distinct));
  }
};

}  // namespace

std::unique_ptr<Workload> MakeReserveWorkload() { return std::make_unique<ReserveWorkload>(); }
std::unique_ptr<checkers::Checker> MakeNoOverbookingChecker() { return std::make_unique<NoOverbooking>(); }
std::unique_ptr<checkers::Checker> MakeAckedDurableChecker() { return std::make_unique<AckedDurable>(); }
std::unique_ptr<checkers::Checker> MakeExactlyOnceChecker() { return std::make_unique<ExactlyOnce>(); }

}  // namespace scenarios
