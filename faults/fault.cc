#include "faults/fault.h"

#include <algorithm>

#include "sim/assert.h"

namespace faults {

// ---- link overlays ----------------------------------------------------------------------

uint64_t LinkOverlays::Add(sim::World& world, Change change) {
  if (active_.empty()) {
    base_.clear();
    for (sim::Node* a : world.nodes()) {
      for (sim::Node* b : world.nodes()) {
        if (a != b) base_[{a->id(), b->id()}] = world.network().Link(a->id(), b->id());
      }
    }
  }
  const uint64_t id = next_id_++;
  active_.emplace_back(id, std::move(change));
  Apply(world);
  return id;
}

size_t LinkOverlays::Remove(sim::World& world, uint64_t id) {
  auto it = std::find_if(active_.begin(), active_.end(),
                         [id](const auto& overlay) { return overlay.first == id; });
  SIM_ASSERT_MSG(it != active_.end(), "link overlay " << id << " removed twice");
  active_.erase(it);
  Apply(world);
  return base_.size();
}

void LinkOverlays::Apply(sim::World& world) const {
  for (const auto& [path, base] : base_) {
    sim::LinkConfig c = base;
    for (const auto& overlay : active_) overlay.second(c);
    world.network().SetLink(path.first, path.second, c);
  }
}

namespace {

using Json = nlohmann::json;

int64_t IntParam(const Json& p, const char* key, int64_t fallback) {
  return p.contains(key) ? p.at(key).get<int64_t>() : fallback;
}

std::vector<std::string> Names(const std::vector<sim::Node*>& nodes) {
  std::vector<std::string> out;
  for (const sim::Node* n : nodes) out.push_back(n->name());
  return out;
}

std::vector<sim::NodeId> Ids(const std::vector<sim::Node*>& nodes) {
  std::vector<sim::NodeId> out;
  for (const sim::Node* n : nodes) out.push_back(n->id());
  return out;
}

std::vector<sim::Node*> AllTargets(const FaultTargets& t) {
  std::vector<sim::Node*> out;
  for (const std::string& name : t.nodes) {
    sim::Node* n = t.world->FindNode(name);
    SIM_ASSERT_MSG(n != nullptr, "unknown fault target " << name);
    out.push_back(n);
  }
  return out;
}

// ---- partition -------------------------------------------------------------------------

class HealOnStop final : public ActiveFault {
 public:
  explicit HealOnStop(sim::World* w) : world_(w) {}
  FaultOutcome Stop() override {
    world_->network().Heal();
    return FaultOutcome{true, {{"healed", true}}};
  }

 private:
  sim::World* world_;
};

StartedFault StartPartition(const FaultTargets& t, const Json& p, sim::Rng& rng) {
  std::vector<sim::Node*> all = AllTargets(t);
  if (all.size() < 2) return StartedFault{FaultOutcome{false, {{"reason", "fewer than 2 nodes"}}}, {}};
  const std::string mode = p.value("mode", std::string("halves"));
  sim::Network& net = t.world->network();
  std::vector<sim::Node*> a, b;
  if (mode == "isolate") {
    a = PickNodes(t, p, rng);
    for (sim::Node* n : all) {
      if (std::find(a.begin(), a.end(), n) == a.end()) b.push_back(n);
    }
  } else {
    rng.Shuffle(std::span<sim::Node*>(all));
    const size_t cut = mode == "majority" ? (all.size() - 1) / 2 : all.size() / 2;
    a.assign(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(std::max<size_t>(cut, 1)));
    b.assign(all.begin() + static_cast<std::ptrdiff_t>(std::max<size_t>(cut, 1)), all.end());
  }
  Json detail{{"mode", mode}, {"a", Names(a)}, {"b", Names(b)}};
  if (mode == "one_way") {
    net.PartitionOneWay(Ids(a), Ids(b));
  } else if (mode == "bridge" && all.size() >= 3) {
    // The bridge node (first of side b) keeps talking to both sides.
    sim::Node* bridge = b.front();
    std::vector<sim::Node*> rest(b.begin() + 1, b.end());
    net.Partition(Ids(a), Ids(rest));
    detail = Json{{"mode", mode}, {"a", Names(a)}, {"b", Names(rest)}, {"bridge", bridge->name()}};
  } else {
    net.Partition(Ids(a), Ids(b));
  }
  return StartedFault{FaultOutcome{true, detail}, std::make_unique<HealOnStop>(t.world)};
}

// ---- clog ------------------------------------------------------------------------------

StartedFault StartClog(const FaultTargets& t, const Json& p, sim::Rng& rng) {
  std::vector<sim::Node*> pair = PickNodes(t, p, rng, 2);
  if (pair.size() < 2) return StartedFault{FaultOutcome{false, {{"reason", "needs 2 nodes"}}}, {}};
  const sim::Instant until =
      t.world->Now() + sim::Duration::Millis(IntParam(p, "clog_ms", 1000));
  t.world->network().Clog(pair[0]->id(), pair[1]->id(), until);
  t.world->network().Clog(pair[1]->id(), pair[0]->id(), until);
  return StartedFault{FaultOutcome{true, {{"nodes", Names(pair)}, {"until_ns", until.nanos()}}}, {}};
}

// ---- link degradations -----------------------------------------------------------------

class RemoveOverlay final : public ActiveFault {
 public:
  RemoveOverlay(sim::World* w, std::shared_ptr<LinkOverlays> links, uint64_t id)
      : world_(w), links_(std::move(links)), id_(id) {}
  FaultOutcome Stop() override {
    return FaultOutcome{true, {{"restored_paths", links_->Remove(*world_, id_)}}};
  }

 private:
  sim::World* world_;
  std::shared_ptr<LinkOverlays> links_;
  uint64_t id_;
};

StartedFault DegradeLinks(const FaultTargets& t, LinkOverlays::Change change, Json detail) {
  const uint64_t id = t.links->Add(*t.world, std::move(change));
  return StartedFault{FaultOutcome{true, std::move(detail)},
                      std::make_unique<RemoveOverlay>(t.world, t.links, id)};
}

StartedFault StartLatency(const FaultTargets& t, const Json& p, sim::Rng&) {
  const sim::Duration extra = sim::Duration::Millis(IntParam(p, "extra_ms", 100));
  return DegradeLinks(t, [extra](sim::LinkConfig& c) { c.latency_min += extra; },
                      Json{{"extra_ms", extra.millis()}});
}

sim::Ratio PerMille(const Json& p, int64_t fallback) {
  return sim::Ratio{static_cast<uint64_t>(IntParam(p, "per_mille", fallback)), 1000};
}

StartedFault StartLoss(const FaultTargets& t, const Json& p, sim::Rng&) {
  const sim::Ratio r = PerMille(p, 100);
  return DegradeLinks(t, [r](sim::LinkConfig& c) { c.loss = r; }, Json{{"per_mille", r.numerator}});
}

StartedFault StartDuplicate(const FaultTargets& t, const Json& p, sim::Rng&) {
  const sim::Ratio r = PerMille(p, 100);
  return DegradeLinks(t, [r](sim::LinkConfig& c) { c.duplicate = r; }, Json{{"per_mille", r.numerator}});
}

StartedFault StartReorder(const FaultTargets& t, const Json& p, sim::Rng&) {
  const sim::Ratio r = PerMille(p, 300);
  return DegradeLinks(t, [r](sim::LinkConfig& c) {
    c.reorder = r;
    if (c.latency_tail_mean < sim::Duration::Millis(5)) c.latency_tail_mean = sim::Duration::Millis(5);
  }, Json{{"per_mille", r.numerator}});
}

// ---- node faults -----------------------------------------------------------------------

class RestartOnStop final : public ActiveFault {
 public:
  explicit RestartOnStop(std::vector<sim::Node*> nodes) : nodes_(std::move(nodes)) {}
  FaultOutcome Stop() override {
    std::vector<std::string> restarted;
    for (sim::Node* n : nodes_) {
      if (n->up()) continue;
      n->Start();
      restarted.push_back(n->name());
    }
    return FaultOutcome{!restarted.empty(), {{"restarted", restarted}}};
  }

 private:
  std::vector<sim::Node*> nodes_;
};

StartedFault StartCrash(const FaultTargets& t, const Json& p, sim::Rng& rng) {
  const bool lose = p.value("disk_loss", true);
  std::vector<sim::Node*> crashed;
  for (sim::Node* n : PickNodes(t, p, rng)) {
    if (n->Crash(lose ? sim::DiskLoss::kUnsynced : sim::DiskLoss::kNone)) crashed.push_back(n);
  }
  Json detail{{"nodes", Names(crashed)}, {"disk_loss", lose}};
  if (crashed.empty()) return StartedFault{FaultOutcome{false, detail}, {}};
  return StartedFault{FaultOutcome{true, detail}, std::make_unique<RestartOnStop>(crashed)};
}

class ResumeOnStop final : public ActiveFault {
 public:
  explicit ResumeOnStop(std::vector<sim::Node*> nodes) : nodes_(std::move(nodes)) {}
  FaultOutcome Stop() override {
    std::vector<std::string> resumed;
    for (sim::Node* n : nodes_) {
      if (n->Resume()) resumed.push_back(n->name());
    }
    return FaultOutcome{!resumed.empty(), {{"resumed", resumed}}};
  }

 private:
  std::vector<sim::Node*> nodes_;
};

StartedFault StartPause(const FaultTargets& t, const Json& p, sim::Rng& rng) {
  std::vector<sim::Node*> paused;
  for (sim::Node* n : PickNodes(t, p, rng)) {
    if (n->Pause()) paused.push_back(n);
  }
  if (paused.empty()) return StartedFault{FaultOutcome{false, {{"nodes", Json::array()}}}, {}};
  return StartedFault{FaultOutcome{true, {{"nodes", Names(paused)}}},
                      std::make_unique<ResumeOnStop>(paused)};
}

class RestoreClock final : public ActiveFault {
 public:
  RestoreClock(sim::World* w, std::vector<sim::Node*> nodes) : world_(w), nodes_(std::move(nodes)) {}
  FaultOutcome Stop() override {
    for (sim::Node* n : nodes_) {
      n->clock().SetOffset(sim::Duration::Zero());
      n->clock().SetDrift(0, world_->Now());
    }
    return FaultOutcome{true, {{"nodes", Names(nodes_)}}};
  }

 private:
  sim::World* world_;
  std::vector<sim::Node*> nodes_;
};

StartedFault StartClock(const FaultTargets& t, const Json& p, sim::Rng& rng, const char* what) {
  std::vector<sim::Node*> nodes = PickNodes(t, p, rng);
  Json detail{{"nodes", Names(nodes)}};
  for (sim::Node* n : nodes) {
    if (std::string(what) == "skew") {
      n->clock().SetOffset(sim::Duration::Millis(IntParam(p, "offset_ms", 5000)));
    } else if (std::string(what) == "drift") {
      n->clock().SetDrift(IntParam(p, "ppm", 10000), t.world->Now());
    } else {
      n->clock().Jump(sim::Duration::Millis(IntParam(p, "by_ms", 60000)));
    }
  }
  for (const char* k : {"offset_ms", "ppm", "by_ms"}) {
    if (p.contains(k)) detail[k] = p.at(k);
  }
  if (std::string(what) == "jump") return StartedFault{FaultOutcome{!nodes.empty(), detail}, {}};
  return StartedFault{FaultOutcome{!nodes.empty(), detail},
                      std::make_unique<RestoreClock>(t.world, nodes)};
}

StartedFault StartRedisFailover(const FaultTargets& t, const Json&, sim::Rng&) {
  if (!t.redis_failover) {
    return StartedFault{FaultOutcome{false, {{"reason", "the workload runs no replicated Redis"}}}, {}};
  }
  return StartedFault{t.redis_failover(), {}};
}

StartedFault StartBrokerRestart(const FaultTargets& t, const Json&, sim::Rng&) {
  std::vector<sim::Node*> crashed;
  for (const std::string& name : t.brokers) {
    sim::Node* n = t.world->FindNode(name);
    SIM_ASSERT_MSG(n != nullptr, "unknown broker node " << name);
    // The broker model decides what a crash loses (transient messages, unconfirmed
    // publishes); the node's own disk is not where it keeps them.
    if (n->Crash(sim::DiskLoss::kNone)) crashed.push_back(n);
  }
  Json detail{{"nodes", Names(crashed)}};
  if (t.brokers.empty()) detail["reason"] = "the workload runs no broker";
  if (crashed.empty()) return StartedFault{FaultOutcome{false, detail}, {}};
  return StartedFault{FaultOutcome{true, detail}, std::make_unique<RestartOnStop>(crashed)};
}

}  // namespace

std::vector<sim::Node*> PickNodes(const FaultTargets& t, const Json& params, sim::Rng& rng,
                                  size_t default_count) {
  std::vector<sim::Node*> out;
  if (params.contains("nodes") && !params.at("nodes").empty()) {
    for (const auto& name : params.at("nodes")) {
      sim::Node* n = t.world->FindNode(name.get<std::string>());
      SIM_ASSERT_MSG(n != nullptr, "unknown node " << name);
      out.push_back(n);
    }
    return out;
  }
  std::vector<sim::Node*> all = AllTargets(t);
  rng.Shuffle(std::span<sim::Node*>(all));
  const size_t count = static_cast<size_t>(IntParam(params, "count", static_cast<int64_t>(default_count)));
  all.resize(std::min(count, all.size()));
  return all;
}

const std::vector<FaultKind>& AllFaultKinds() {
  static const std::vector<FaultKind> kinds = {
      {"partition", "Partition nodes: isolate, halves, majority, bridge or one_way", &StartPartition},
      {"clog", "Hold all messages between two nodes for clog_ms", &StartClog},
      {"latency", "Add extra_ms to every path's latency", &StartLatency},
      {"loss", "Drop messages on every path with per_mille probability", &StartLoss},
      {"duplicate", "Duplicate messages on every path with per_mille probability", &StartDuplicate},
      {"reorder", "Reorder messages on every path with per_mille probability", &StartReorder},
      {"crash", "Crash nodes (disk_loss: lose unsynced writes); stop restarts them", &StartCrash},
      {"pause", "Pause nodes (GC pause, SIGSTOP); stop resumes them", &StartPause},
      {"clock_skew", "Offset nodes' wall clocks by offset_ms",
       [](const FaultTargets& t, const Json& p, sim::Rng& r) { return StartClock(t, p, r, "skew"); }},
      {"clock_drift", "Make nodes' clocks drift by ppm",
       [](const FaultTargets& t, const Json& p, sim::Rng& r) { return StartClock(t, p, r, "drift"); }},
      {"clock_jump", "Jump nodes' wall clocks by by_ms (permanent)",
       [](const FaultTargets& t, const Json& p, sim::Rng& r) { return StartClock(t, p, r, "jump"); }},
      {"redis_failover", "Promote a replica of the workload's Redis group (Sentinel failover)",
       &StartRedisFailover},
      {"broker_restart", "Crash the workload's RabbitMQ brokers; stop starts them again",
       &StartBrokerRestart},
  };
  return kinds;
}

const FaultKind* FindFaultKind(const std::string& name) {
  for (const FaultKind& k : AllFaultKinds()) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

}  // namespace faults
