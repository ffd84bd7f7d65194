#include "faults/nemesis.h"

#include <algorithm>

#include "sim/assert.h"

namespace faults {

Nemesis::Nemesis(sim::World* world, FaultTargets targets, sim::Rng rng)
    : world_(world), targets_(std::move(targets)), rng_(rng) {}

Nemesis::~Nemesis() {
  for (size_t id : subscriptions_) world_->trace().Unsubscribe(id);
}

size_t Nemesis::Apply(const std::string& kind, const nlohmann::json& params,
                      std::optional<sim::Duration> duration) {
  const FaultKind* k = FindFaultKind(kind);
  SIM_ASSERT_MSG(k != nullptr, "unknown fault kind " << kind);
  StartedFault started = k->start(targets_, params, rng_);
  const size_t record = records_.size();
  records_.push_back(FaultRecord{kind, world_->Now(), std::nullopt, started.outcome.fired,
                                 started.outcome.detail});
  world_->history().Fault(kind, "start", started.outcome.detail, world_->Now(),
                          started.outcome.fired);
  world_->Emit(sim::kWorldOwner, "nemesis.start",
               {{"fault", kind}, {"fired", started.outcome.fired ? 1 : 0},
                {"detail", started.outcome.detail.dump()}});
  if (started.active) {
    active_.push_back(Active{record, std::move(started.active)});
    if (duration) world_->Spawn(StopAfter(this, record, *duration));
  } else {
    records_[record].stop = world_->Now();
  }
  return record;
}

void Nemesis::Stop(size_t record) {
  auto it = std::find_if(active_.begin(), active_.end(),
                         [record](const Active& a) { return a.record == record; });
  if (it == active_.end()) return;  // already stopped (by HealAll)
  std::unique_ptr<ActiveFault> fault = std::move(it->fault);
  active_.erase(it);
  const FaultOutcome out = fault->Stop();
  FaultRecord& r = records_[record];
  r.stop = world_->Now();
  world_->history().Fault(r.kind, "stop", out.detail, world_->Now(), out.fired);
  world_->Emit(sim::kWorldOwner, "nemesis.stop", {{"fault", r.kind}, {"detail", out.detail.dump()}});
}

sim::Task<void> Nemesis::StopAfter(Nemesis* self, size_t record, sim::Duration d) {
  co_await sim::Sleep(d);
  self->Stop(record);
}

sim::Task<void> Nemesis::AtTime(Nemesis* self, TimelineEntry entry) {
  co_await sim::Sleep(*entry.at);
  if (self->chaos_) self->Apply(entry.fault, entry.params, entry.duration);
}

void Nemesis::Arm(const TimelineEntry& entry) {
  const Trigger trig = *entry.on;
  auto seen = std::make_shared<int64_t>(0);
  auto done = std::make_shared<bool>(false);
  const size_t id = world_->trace().Subscribe(
      [this, entry, trig, seen, done](const sim::TraceEvent& e) {
        if (*done || !chaos_ || e.name != trig.event) return;
        if (!trig.node.empty() && world_->trace().NodeName(e.node) != trig.node) return;
        if (++*seen < trig.count) return;
        *done = true;
        // Synchronously, inside the event that matched: the fault lands between this trace
        // point and whatever the node does next.
        Apply(entry.fault, entry.params, entry.duration);
      });
  subscriptions_.push_back(id);
}

void Nemesis::Scripted(const std::vector<TimelineEntry>& timeline) {
  for (const TimelineEntry& e : timeline) {
    SIM_ASSERT_MSG(e.at.has_value() != e.on.has_value(),
                   "a timeline entry needs exactly one of at / on");
    if (e.at) {
      world_->Spawn(AtTime(this, e));
    } else {
      Arm(e);
    }
  }
}

SwarmChoice ResolveSwarm(const SwarmConfig& config, const sim::Rng& nemesis_rng) {
  SwarmChoice c;
  sim::Rng pick = nemesis_rng.Fork("swarm.kinds");
  for (const std::string& kind : config.kinds) {
    if (pick.Chance(sim::Ratio{1, 2})) c.on.push_back(kind);
  }
  if (c.on.empty() && !config.kinds.empty()) c.on.push_back(config.kinds[pick.Index(config.kinds.size())]);
  sim::Rng timing = nemesis_rng.Fork("swarm.timing");
  c.resolved = config;
  c.resolved.interval_min = timing.Uniform(config.interval_min, config.interval_max);
  c.resolved.interval_max = timing.Uniform(c.resolved.interval_min, config.interval_max);
  for (const std::string& kind : config.kinds) {
    const bool enabled = std::find(c.on.begin(), c.on.end(), kind) != c.on.end();
    c.lines.push_back("swarm.fault." + kind + " = " + (enabled ? "on" : "off"));
  }
  c.lines.push_back("swarm.interval = [" + sim::FormatDuration(c.resolved.interval_min) + ", " +
                    sim::FormatDuration(c.resolved.interval_max) + "]");
  return c;
}

std::vector<std::string> Nemesis::Swarm(const SwarmConfig& config) {
  SwarmChoice c = ResolveSwarm(config, rng_);
  if (!c.on.empty()) world_->Spawn(SwarmLoop(this, c.resolved, c.on));
  return c.lines;
}

sim::Task<void> Nemesis::SwarmLoop(Nemesis* self, SwarmConfig config, std::vector<std::string> on) {
  sim::Rng& rng = self->rng_;
  for (;;) {
    co_await sim::Sleep(rng.Uniform(config.interval_min, config.interval_max));
    if (!self->chaos_) co_return;
    const std::string& kind = on[rng.Index(on.size())];
    const nlohmann::json params =
        config.params.contains(kind) ? config.params.at(kind) : nlohmann::json::object();
    self->Apply(kind, params, rng.Uniform(config.duration_min, config.duration_max));
  }
}

void Nemesis::HealAll() {
  chaos_ = false;
  while (!active_.empty()) Stop(active_.front().record);
  world_->network().Heal();
  world_->network().Unclog();
  for (sim::Node* n : world_->nodes()) {
    if (!n->up()) n->Start();
    n->Resume();
    n->clock().SetOffset(sim::Duration::Zero());
    n->clock().SetDrift(0, world_->Now());
  }
  world_->Emit(sim::kWorldOwner, "nemesis.heal_all");
}

size_t Nemesis::fired(const std::string& kind) const {
  return static_cast<size_t>(std::count_if(records_.begin(), records_.end(), [&](const FaultRecord& r) {
    return r.kind == kind && r.fired;
  }));
}

}  // namespace faults
