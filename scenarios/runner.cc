#include "scenarios/runner.h"

#include <fmt/format.h>

#include "sim/assert.h"

namespace scenarios {

namespace {

constexpr size_t kHistoryTail = 40;

std::map<std::string, std::string> ResolveVariants(const RunConfig& c, const Registry& r) {
  std::map<std::string, std::string> out;
  for (const VariantSpec& v : r.variants) out[v.name] = v.default_value;
  for (const auto& [k, v] : c.variants) {
    SIM_ASSERT_MSG(r.FindVariant(k) != nullptr, "unknown variant " << k);
    out[k] = v;
  }
  return out;
}

// Runs the world until `until`, within the run's limits. Returns false when a limit hit.
bool RunPhase(sim::World& w, const RunConfig& c, sim::Instant until, std::string* why,
              const std::function<bool()>& stop_when = {}) {
  const sim::Instant cap = sim::Instant::Zero() + c.virtual_time_max;
  const uint64_t left = c.events_max > w.scheduler().events_run()
                            ? c.events_max - w.scheduler().events_run() : 0;
  const sim::StopReason r = w.Run(sim::RunLimits{std::min(until, cap), left}, stop_when);
  if (r == sim::StopReason::kEventLimit) {
    *why = fmt::format("event limit {} reached at {}s", c.events_max, sim::FormatInstant(w.Now()));
    return false;
  }
  if (until > cap && w.Now() >= cap) {
    *why = fmt::format("virtual time limit {} reached", sim::FormatDuration(c.virtual_time_max));
    return false;
  }
  return true;
}

}  // namespace

// The nemesis stream of a world with this seed (World forks it the same way).
sim::Rng NemesisRng(uint64_t seed) { return sim::Rng(seed).Fork("nemesis"); }

std::vector<std::string> ResolvedLines(const RunConfig& c) {
  std::vector<std::string> lines = c.resolved;
  if (c.faults.schedule == "swarm") {
    for (std::string& l : faults::ResolveSwarm(c.faults.swarm, NemesisRng(c.seed)).lines) lines.push_back(std::move(l));
  }
  return lines;
}

std::string ReproCommand(const RunConfig& c) {
  std::string cmd = fmt::format("mallsim run {} --seed {}", c.spec_path.empty() ? "SPEC" : c.spec_path, c.seed);
  for (const std::string& o : c.overrides) cmd += " --set " + o;
  return cmd;
}

RunReport RunScenario(const RunConfig& c, const Registry& registry, const BudgetFactory& budgets) {
  RunReport report;
  report.scenario = c.scenario;
  report.spec_path = c.spec_path;
  report.overrides = c.overrides;
  report.seed = c.seed;
  report.resolved = ResolvedLines(c);
  report.repro = ReproCommand(c);

  // setup
  sim::WorldOptions wo;
  wo.record_trace = c.record_trace;
  sim::World world(c.seed, wo);
  RunEnv env{&world, c.workload_params, c.catalog, ResolveVariants(c, registry)};
  const WorkloadEntry* we = registry.FindWorkload(c.workload);
  SIM_ASSERT_MSG(we != nullptr, "unknown workload " << c.workload);
  std::unique_ptr<Workload> workload = we->make();
  faults::FaultTargets targets{&world, workload->Setup(env)};
  workload->AddFaultTargets(env, targets);
  std::vector<std::unique_ptr<checkers::Checker>> checks;
  for (const CheckerConfig& cc : c.checkers) {
    const CheckerEntry* ce = registry.FindChecker(cc.name);
    SIM_ASSERT_MSG(ce != nullptr, "unknown checker " << cc.name);
    checks.push_back(ce->make());
    checks.back()->Attach(world);
  }
  faults::Nemesis nemesis(&world, std::move(targets), NemesisRng(c.seed));
  if (c.faults.schedule == "swarm") {
    nemesis.Swarm(c.faults.swarm);
  } else if (c.faults.schedule == "scripted") {
    nemesis.Scripted(c.faults.timeline);
  }

  // chaos
  std::string why;
  workload->StartClients(env);
  bool within_limits = RunPhase(world, c, world.Now() + c.chaos, &why);
  // heal
  workload->StopClients(env);
  nemesis.HealAll();
  if (within_limits) within_limits = RunPhase(world, c, world.Now() + c.heal, &why);
  // converge
  bool converged = true;
  if (within_limits) {
    const sim::Instant deadline = world.Now() + c.converge_max;
    converged = workload->Converged(env);
    if (!converged) {
      within_limits = RunPhase(world, c, deadline, &why, [&] { return workload->Converged(env); });
      converged = workload->Converged(env);
    }
  }

  // final reads and check
  const nlohmann::json snapshot = workload->Snapshot(env);
  const checkers::CheckInput input{world.history(), snapshot, world.trace()};
  bool any_invalid = false;
  bool any_unknown = false;
  for (size_t i = 0; i < checks.size(); ++i) {
    const checkers::CheckBudget budget(budgets ? budgets(c.checkers[i].budget) : std::function<bool()>{});
    checkers::Verdict v = checks[i]->Check(input, budget);
    if (v.validity == checkers::Validity::kValid && budget.Exhausted()) {
      v = checkers::Unknown(v.checker, "over its budget of " + sim::FormatDuration(c.checkers[i].budget));
    }
    any_invalid |= v.validity == checkers::Validity::kInvalid;
    any_unknown |= v.validity == checkers::Validity::kUnknown;
    report.verdicts.push_back(std::move(v));
  }

  // report
  if (any_invalid) {
    report.exit_code = 129;
    report.outcome = "invalid";
  } else if (!within_limits) {
    report.exit_code = 128;
    report.outcome = "limit";
    report.message = why;
  } else if (!converged) {
    report.exit_code = 128;
    report.outcome = "liveness";
    report.message = fmt::format("not converged within {} after heal", sim::FormatDuration(c.converge_max));
  } else if (any_unknown) {
    report.exit_code = 1;
    report.outcome = "unknown";
  } else {
    report.exit_code = 0;
    report.outcome = "valid";
  }
  report.faults = nemesis.records();
  const auto& ops = world.history().ops();
  for (size_t i = ops.size() > kHistoryTail ? ops.size() - kHistoryTail : 0; i < ops.size(); ++i) {
    report.history_tail.push_back(world.history().ToJson(ops[i]));
  }
  report.coverage = world.context().coverage();
  report.fingerprint = world.Fingerprint();
  report.events = world.scheduler().events_run();
  report.operations = ops.size();
  report.virtual_time_ns = world.Now().nanos();
  for (const sim::TraceEvent& e : world.trace().all()) report.trace.push_back(world.trace().Describe(e));
  if (c.keep_history) report.history = std::make_shared<const sim::History>(world.history());
  return report;
}

nlohmann::ordered_json RunReport::ToJson() const {
  nlohmann::ordered_json j;
  j["scenario"] = scenario;
  j["spec"] = spec_path;
  j["overrides"] = overrides;
  j["seed"] = seed;
  j["resolved"] = resolved;
  j["outcome"] = outcome;
  j["exit_code"] = exit_code;
  if (!message.empty()) j["message"] = message;
  nlohmann::ordered_json vs = nlohmann::ordered_json::array();
  for (const checkers::Verdict& v : verdicts) {
    nlohmann::ordered_json jv;
    jv["checker"] = v.checker;
    jv["verdict"] = checkers::ValidityName(v.validity);
    jv["summary"] = v.summary;
    if (v.op_index) jv["op_index"] = *v.op_index;
    if (!v.context.empty()) jv["context"] = v.context;
    if (!v.detail.empty()) jv["detail"] = v.detail;
    vs.push_back(std::move(jv));
  }
  j["verdicts"] = std::move(vs);
  nlohmann::ordered_json fs = nlohmann::ordered_json::array();
  for (const faults::FaultRecord& f : faults) {
    nlohmann::ordered_json jf;
    jf["fault"] = f.kind;
    jf["start_ns"] = f.start.nanos();
    if (f.stop) jf["stop_ns"] = f.stop->nanos();
    jf["fired"] = f.fired;
    jf["detail"] = f.detail;
    fs.push_back(std::move(jf));
  }
  j["faults"] = std::move(fs);
  j["history_tail"] = history_tail;
  j["coverage"] = coverage;
  j["stats"] = {{"events", events}, {"operations", operations}, {"virtual_time_ns", virtual_time_ns}};
  j["fingerprint"] = fmt::format("{:016x}", fingerprint);
  j["repro"] = repro;
  return j;
}

std::string RunReport::SummaryLine() const {
  std::string failed;
  for (const checkers::Verdict& v : verdicts) {
    if (v.validity != checkers::Validity::kValid) {
      failed += (failed.empty() ? "" : ",") + v.checker + "=" + checkers::ValidityName(v.validity);
    }
  }
  return fmt::format("{} seed={} outcome={} exit={} ops={} faults={} vtime={}s fingerprint={:016x}{}",
                     scenario, seed, outcome, exit_code, operations, faults.size(),
                     sim::FormatInstant(sim::Instant::FromNanos(virtual_time_ns)), fingerprint,
                     failed.empty() ? "" : " failed=" + failed);
}

}  // namespace scenarios
