// The lock checkers: see lock_checkers.h.
#include "scenarios/workloads/lock/lock_checkers.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "scenarios/workloads/lock/sections.h"

namespace scenarios::lock {

namespace {

using checkers::Verdict;
using Json = nlohmann::json;

Json SectionJson(const Section& s) {
  Json j{{"node", s.node}, {"process", s.process}, {"section", s.id},
         {"op", s.invoke_index}, {"start_ns", s.start.nanos()}, {"crashed", s.crashed}};
  if (s.end != sim::Instant::Max()) j["end_ns"] = s.end.nanos();
  return j;
}

class MutualExclusion final : public checkers::Checker {
 public:
  std::string name() const override { return "lock.mutual_exclusion"; }
  Verdict Check(const checkers::CheckInput& in, const checkers::CheckBudget& budget) override {
    std::vector<Section> sections = CollectSections(in.history);
    std::stable_sort(sections.begin(), sections.end(),
                     [](const Section& a, const Section& b) { return a.start < b.start; });
    // Sweep in start order, keeping the section that reaches furthest: a section that starts
    // before it ends overlaps it.
    const Section* reach = nullptr;
    const Section* first_a = nullptr;
    const Section* first_b = nullptr;
    size_t overlaps = 0;
    for (const Section& s : sections) {
      if (budget.Exhausted()) return checkers::Unknown(name(), "over budget");
      if (reach != nullptr && s.start < reach->end && s.process != reach->process) {
        ++overlaps;
        if (first_a == nullptr) {
          first_a = reach;
          first_b = &s;
        }
      }
      if (reach == nullptr || s.end > reach->end) reach = &s;
    }
    if (first_a == nullptr) {
      return checkers::Valid(name(), fmt::format("{} critical sections, none overlap",
                                                 sections.size()));
    }
    const sim::Instant until = std::min(first_a->end, first_b->end);
    Verdict v = checkers::Invalid(
        name(),
        fmt::format("{} overlaps {} for {} ({} overlapping sections in all)",
                    DescribeSection(*first_b), DescribeSection(*first_a),
                    sim::FormatDuration(until - first_b->start), overlaps),
        in.history, first_b->invoke_index);
    v.context.insert(v.context.begin(), "first holder: " + DescribeSection(*first_a));
    v.detail = {{"first", SectionJson(*first_a)}, {"second", SectionJson(*first_b)},
                {"overlaps", overlaps}};
    return v;
  }
};

// The "cs" invoke index of each section id, for naming operations in verdicts.
std::map<int64_t, Section> SectionsById(const sim::History& h) {
  std::map<int64_t, Section> out;
  for (Section& s : CollectSections(h)) out.emplace(s.id, std::move(s));
  return out;
}

class ResourceSafe final : public checkers::Checker {
 public:
  std::string name() const override { return "lock.resource_safe"; }
  Verdict Check(const checkers::CheckInput& in, const checkers::CheckBudget& budget) override {
    const Json& resource = in.snapshot.at("resource");
    const Json& writes = resource.at("writes");
    const bool fencing = resource.at("fencing").get<bool>();
    std::set<int64_t> preempted;  // sections another section wrote after
    int64_t current = -1;
    int64_t current_since = -1;
    int64_t last_token = -1;
    for (size_t i = 0; i < writes.size(); ++i) {
      if (budget.Exhausted()) return checkers::Unknown(name(), "over budget");
      const Json& w = writes[i];
      const int64_t section = w.at("section").get<int64_t>();
      const int64_t token = w.at("token").get<int64_t>();
      if (fencing && token < last_token) {
        return Fail(in, section, fmt::format("write {} of section {} carries token {} after token "
                                             "{} was accepted: out of token order",
                                             i, section, token, last_token), w);
      }
      last_token = std::max(last_token, token);
      if (section == current) continue;
      if (preempted.count(section) != 0) {
        return Fail(in, section,
                    fmt::format("write {} (section {}, client {}) was accepted after section {} "
                                "had written (from write {} on): two holders' writes interleave",
                                i, section, w.at("client").get<int64_t>(), current, current_since),
                    w);
      }
      if (current >= 0) preempted.insert(current);
      current = section;
      current_since = static_cast<int64_t>(i);
    }
    return checkers::Valid(name(), fmt::format("{} accepted writes, {} rejected, sections never "
                                               "interleave{}", writes.size(),
                                               resource.at("rejected").get<int64_t>(),
                                               fencing ? ", tokens in order" : ""));
  }

 private:
  Verdict Fail(const checkers::CheckInput& in, int64_t section, std::string why, const Json& w) {
    const auto sections = SectionsById(in.history);
    const auto it = sections.find(section);
    std::optional<uint64_t> op;
    if (it != sections.end()) op = it->second.invoke_index;
    Verdict v = checkers::Invalid(name(), std::move(why), in.history, op);
    v.detail = {{"write", w}};
    return v;
  }
};

class SafeRelease final : public checkers::Checker {
 public:
  std::string name() const override { return "lock.safe_release"; }
  Verdict Check(const checkers::CheckInput& in, const checkers::CheckBudget& budget) override {
    const auto sections = SectionsById(in.history);
    std::vector<const Section*> by_start;
    for (const auto& [id, s] : sections) by_start.push_back(&s);
    std::stable_sort(by_start.begin(), by_start.end(),
                     [](const Section* a, const Section* b) { return a->start < b->start; });
    std::map<uint64_t, const sim::Op*> release_invokes;
    for (const sim::Op& op : in.history.ops()) {
      if (budget.Exhausted()) return checkers::Unknown(name(), "over budget");
      if (op.f != "release" || op.process == sim::kNemesisProcess) continue;
      if (op.type == sim::OpType::kInvoke) {
        release_invokes[op.index] = &op;
        continue;
      }
      if (op.type != sim::OpType::kOk || !op.value.value("deleted", false)) continue;
      const sim::Op* invoke = release_invokes.at(op.invoke_index);
      const auto own = sections.find(op.value.at("section").get<int64_t>());
      if (own == sections.end()) continue;
      // Another client that had received its grant after this holder's and before the deleting
      // command was sent: the key the release deleted was not the releaser's.
      const sim::Instant sent =
          op.value.contains("delete_sent_ns")
              ? sim::Instant::FromNanos(op.value.at("delete_sent_ns").get<int64_t>())
              : invoke->time;
      for (const Section* other : by_start) {
        if (other->start <= own->second.start) continue;
        if (other->start >= sent) break;
        if (other->process == op.process) continue;
        Verdict v = checkers::Invalid(
            name(),
            fmt::format("client {} released section {} at {}s and deleted the lock, but {} had "
                        "acquired it in between: it deleted another holder's lock",
                        op.process, own->second.id, sim::FormatInstant(sent),
                        DescribeSection(*other)),
            in.history, op.index);
        v.detail = {{"release_op", op.index}, {"victim", SectionJson(*other)}};
        return v;
      }
    }
    return checkers::Valid(name(), "every deleting release removed its own lock");
  }
};

class NoDeadlock final : public checkers::Checker {
 public:
  std::string name() const override { return "lock.no_deadlock"; }
  Verdict Check(const checkers::CheckInput& in, const checkers::CheckBudget&) override {
    const Json& lock = in.snapshot.at("lock");
    if (!lock.at("exists").get<bool>()) return checkers::Valid(name(), "the lock is free at the end");
    if (lock.at("ttl_ms").get<int64_t>() >= 0) {
      return checkers::Valid(name(), fmt::format("the lock is held but expires in {} ms",
                                                 lock.at("ttl_ms").get<int64_t>()));
    }
    std::vector<std::string> gone;
    for (const Json& c : in.snapshot.at("clients")) {
      if (c.at("live_holder").get<bool>()) {
        return checkers::Valid(name(), "the lock has no expiry but its holder " +
                                           c.at("name").get<std::string>() + " is alive");
      }
      if (c.at("holding_when_last_seen").get<bool>()) gone.push_back(c.at("name").get<std::string>());
    }
    const std::string owner = gone.empty() ? std::string("no live client holds it")
                                           : "its holder " + gone.front() + " died holding it";
    // The last section that started names the operation that left the key behind.
    const auto sections = CollectSections(in.history);
    std::optional<uint64_t> op;
    if (!sections.empty()) op = sections.back().invoke_index;
    Verdict v = checkers::Invalid(
        name(),
        fmt::format("lock key '{}' = '{}' on {} has no expiry and {}: nobody can acquire it "
                    "again (INV-L3)", lock.at("key").get<std::string>(),
                    lock.value("value", std::string("?")), lock.value("primary", std::string("?")),
                    owner),
        in.history, op);
    v.detail = {{"lock", lock}, {"dead_holders", gone}};
    return v;
  }
};

}  // namespace

std::unique_ptr<checkers::Checker> MakeMutualExclusionChecker() { return std::make_unique<MutualExclusion>(); }
std::unique_ptr<checkers::Checker> MakeResourceSafeChecker() { return std::make_unique<ResourceSafe>(); }
std::unique_ptr<checkers::Checker> MakeSafeReleaseChecker() { return std::make_unique<SafeRelease>(); }
std::unique_ptr<checkers::Checker> MakeNoDeadlockChecker() { return std::make_unique<NoDeadlock>(); }

}  // namespace scenarios::lock
