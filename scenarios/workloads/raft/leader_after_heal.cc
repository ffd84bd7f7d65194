// raft.leader_after_heal: see leader_after_heal.h.
#include "scenarios/workloads/raft/leader_after_heal.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "sim/world.h"

namespace scenarios::raft {

namespace {

// Who leads in which term and whether it has committed in it, from the trace as it happens.
struct Leadership {
  std::map<sim::NodeId, int64_t> leader_term;
  std::set<sim::NodeId> serving;  // leaders that committed an entry of their own term
  int64_t max_term = 0;
  std::optional<sim::Instant> healed;
  std::optional<sim::Instant> served;  // first instant at or after the heal with a server
  std::optional<sim::NodeId> server;
  int64_t server_term = 0;
  sim::Instant last;

  static int64_t Term(const sim::TraceEvent& e) {
    const sim::TraceValue* v = e.Field("term");
    if (v == nullptr) return 0;
    if (const auto* i = std::get_if<int64_t>(v)) return *i;
    return 0;
  }

  void Drop(sim::NodeId n) {
    leader_term.erase(n);
    serving.erase(n);
  }

  void OnEvent(const sim::TraceEvent& e) {
    last = e.time;
    const sim::NodeId n = e.node;
    if (e.name == "raft.became_leader") {
      leader_term[n] = Term(e);
      serving.erase(n);
    } else if (e.name == "raft.became_follower" || e.name == "raft.became_candidate" ||
               e.name == "node.crash") {
      Drop(n);
    } else if (e.name == "raft.commit") {
      auto it = leader_term.find(n);
      if (it != leader_term.end() && it->second == Term(e)) serving.insert(n);
    } else if (e.name == "nemesis.heal_all") {
      healed = e.time;
      served.reset();
    }
    max_term = std::max(max_term, Term(e));
    if (!healed || served) return;
    for (sim::NodeId s : serving) {
      if (leader_term.at(s) == max_term) {
        served = e.time;
        server = s;
        server_term = max_term;
      }
    }
  }
};

class LeaderAfterHeal final : public checkers::Checker {
 public:
  std::string name() const override { return "raft.leader_after_heal"; }

  void Attach(sim::World& world) override {
    for (sim::Node* n : world.nodes()) names_[n->id()] = n->name();
    state_ = std::make_shared<Leadership>();
    std::shared_ptr<Leadership> state = state_;
    world.trace().Subscribe([state](const sim::TraceEvent& e) { state->OnEvent(e); });
  }

  checkers::Verdict Check(const checkers::CheckInput& in, const checkers::CheckBudget&) override {
    if (!state_) return checkers::Unknown(name(), "not attached to a simulated world");
    const int64_t election_max_ms = in.snapshot.value("election_ms_max", int64_t{0});
    if (election_max_ms <= 0) {
      return checkers::Unknown(name(), "no election_ms_max in the snapshot");
    }
    if (!state_->healed) return checkers::Unknown(name(), "the run never healed");
    const sim::Duration bound = sim::Duration::Millis(election_max_ms * kHealBoundTimeouts);
    const sim::Instant healed = *state_->healed;
    if (state_->served) {
      const sim::Duration took = *state_->served - healed;
      const std::string who = names_.count(*state_->server) ? names_.at(*state_->server) : "?";
      const std::string text =
          fmt::format("{} served in term {} {} after the heal (bound {})", who,
                      state_->server_term, sim::FormatDuration(took), sim::FormatDuration(bound));
      if (took <= bound) return checkers::Valid(name(), text);
      return checkers::Invalid(name(), "too slow: " + text, in.history, std::nullopt);
    }
    if (state_->last - healed < bound) {
      return checkers::Unknown(name(), fmt::format("no serving leader yet, but the run ended {} "
                                                   "after the heal (bound {})",
                                                   sim::FormatDuration(state_->last - healed),
                                                   sim::FormatDuration(bound)));
    }
    return checkers::Invalid(
        name(),
        fmt::format("no serving leader in the newest term (term {}) within {} of the heal, "
                    "with every replica up and connected",
                    state_->max_term, sim::FormatDuration(bound)),
        in.history, std::nullopt);
  }

 private:
  std::map<sim::NodeId, std::string> names_;
  std::shared_ptr<Leadership> state_;
};

}  // namespace

std::unique_ptr<checkers::Checker> MakeLeaderAfterHealChecker() {
  return std::make_unique<LeaderAfterHeal>();
}

}  // namespace scenarios::raft
