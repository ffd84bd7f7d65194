#include "scenarios/workloads/raft/raft_trace_state.h"

#include <fmt/format.h>

namespace scenarios::raft {

namespace {

constexpr size_t kContextEvents = 12;

int64_t IntField(const sim::TraceEvent& e, std::string_view key) {
  const sim::TraceValue* v = e.Field(key);
  if (v == nullptr || !std::holds_alternative<int64_t>(*v)) return 0;
  return std::get<int64_t>(*v);
}

std::string StrField(const sim::TraceEvent& e, std::string_view key) {
  const sim::TraceValue* v = e.Field(key);
  if (v == nullptr || !std::holds_alternative<std::string>(*v)) return {};
  return std::get<std::string>(*v);
}

}  // namespace

const char* RaftPropertyName(RaftProperty p) {
  switch (p) {
    case RaftProperty::kElectionSafety: return "raft.election_safety";
    case RaftProperty::kLogMatching: return "raft.log_matching";
    case RaftProperty::kLeaderCompleteness: return "raft.leader_completeness";
    case RaftProperty::kStateMachineSafety: return "raft.state_machine_safety";
    case RaftProperty::kCommittedNeverLost: return "raft.committed_never_lost";
  }
  return "?";
}

std::string RaftTraceState::Name(sim::NodeId n) const {
  auto it = names_.find(n);
  return it != names_.end() ? it->second : fmt::format("node{}", n);
}

void RaftTraceState::Violate(RaftProperty p, std::string summary) {
  auto& slot = violations_[static_cast<int>(p)];
  if (slot) return;
  slot = RaftViolation{std::move(summary), {recent_.begin(), recent_.end()}};
}

bool RaftTraceState::HasEntry(sim::NodeId n, int64_t index, int64_t term) const {
  auto it = logs_.find(n);
  if (it == logs_.end() || index < 1 || index > static_cast<int64_t>(it->second.size())) {
    return false;
  }
  return it->second[static_cast<size_t>(index - 1)].term == term;
}

void RaftTraceState::OnEvent(const sim::TraceEvent& e) {
  if (e.name.rfind("raft.", 0) != 0) return;
  std::string line = fmt::format("{} {} {}", sim::FormatInstant(e.time), Name(e.node), e.name);
  for (const sim::TraceField& f : e.fields) {
    if (std::holds_alternative<int64_t>(f.value)) {
      line += fmt::format(" {}={}", f.key, std::get<int64_t>(f.value));
    } else {
      line += fmt::format(" {}={}", f.key, std::get<std::string>(f.value));
    }
  }
  recent_.push_back(std::move(line));
  if (recent_.size() > kContextEvents) recent_.pop_front();

  if (e.name == "raft.became_leader") {
    OnLeader(e, IntField(e, "term"));
  } else if (e.name == "raft.append") {
    OnAppend(e);
  } else if (e.name == "raft.truncate") {
    OnTruncate(e.node, IntField(e, "from"));
  } else if (e.name == "raft.recovered") {
    auto& log = logs_[e.node];
    const auto last = static_cast<size_t>(IntField(e, "last_index"));
    if (log.size() > last) log.resize(last);  // the unsynced tail lost in the crash
    committed_through_[e.node] = 0;           // commit index is volatile
  } else if (e.name == "raft.commit") {
    OnCommit(e.node, IntField(e, "index"));
  } else if (e.name == "raft.apply") {
    OnApply(e.node, IntField(e, "index"), StrField(e, "cmd"));
  } else if (e.name == "raft.client_ack") {
    acked_.push_back({IntField(e, "index"), Entry{IntField(e, "term"), StrField(e, "cmd")}});
  }
}

void RaftTraceState::OnLeader(const sim::TraceEvent& e, int64_t term) {
  auto [it, fresh] = leader_of_term_.emplace(term, e.node);
  if (!fresh && it->second != e.node) {
    Violate(RaftProperty::kElectionSafety,
            fmt::format("two leaders in term {}: {} and {}", term, Name(it->second), Name(e.node)));
  }
  for (const auto& [index, entry] : committed_) {
    if (!HasEntry(e.node, index, entry.term)) {
      Violate(RaftProperty::kLeaderCompleteness,
              fmt::format("{} became leader of term {} without committed entry {} (term {}, {})",
                          Name(e.node), term, index, entry.term, entry.cmd));
      break;
    }
  }
  for (const auto& [index, entry] : acked_) {
    if (entry.term < term && !HasEntry(e.node, index, entry.term)) {
      Violate(RaftProperty::kCommittedNeverLost,
              fmt::format("{} became leader of term {} without acknowledged entry {} ({})",
                          Name(e.node), term, index, entry.cmd));
      break;
    }
  }
}

void RaftTraceState::OnAppend(const sim::TraceEvent& e) {
  const int64_t index = IntField(e, "index");
  const int64_t term = IntField(e, "term");
  const int64_t prev_term = IntField(e, "prev_term");
  std::string cmd = StrField(e, "cmd");
  auto& log = logs_[e.node];
  if (static_cast<int64_t>(log.size()) != index - 1) {
    Violate(RaftProperty::kLogMatching,
            fmt::format("{} appended index {} to a log of {} entries", Name(e.node), index, log.size()));
    log.resize(static_cast<size_t>(std::max<int64_t>(index - 1, 0)));
  }
  if (term < prev_term) {
    // Terms never decrease along a Raft log: only a node appending while not the leader of
    // `term` (or copying a corrupted request) can put an older term after a newer one.
    Violate(RaftProperty::kLogMatching,
            fmt::format("{} appended index {} of term {} after an entry of term {}", Name(e.node),
                        index, term, prev_term));
  }
  auto [it, fresh] = by_index_term_.emplace(std::make_pair(index, term), Registered{cmd, prev_term});
  if (!fresh && (it->second.cmd != cmd || it->second.prev_term != prev_term)) {
    Violate(RaftProperty::kLogMatching,
            fmt::format("index {} term {}: {} holds {} after term {}, another log {} after term {}",
                        index, term, Name(e.node), cmd, prev_term, it->second.cmd,
                        it->second.prev_term));
  }
  log.push_back(Entry{term, std::move(cmd)});
}

void RaftTraceState::OnTruncate(sim::NodeId n, int64_t from) {
  auto& log = logs_[n];
  for (int64_t i = from; i <= static_cast<int64_t>(log.size()); ++i) {
    const Entry& gone = log[static_cast<size_t>(i - 1)];
    for (const auto& [index, entry] : acked_) {
      if (index == i && entry.term == gone.term && entry.cmd == gone.cmd) {
        Violate(RaftProperty::kCommittedNeverLost,
                fmt::format("{} rolled back acknowledged entry {} ({})", Name(n), i, gone.cmd));
      }
    }
  }
  if (from >= 1 && static_cast<size_t>(from - 1) < log.size()) log.resize(static_cast<size_t>(from - 1));
  auto& through = committed_through_[n];
  through = std::min<int64_t>(through, static_cast<int64_t>(log.size()));
}

void RaftTraceState::OnCommit(sim::NodeId n, int64_t index) {
  const auto& log = logs_[n];
  int64_t& through = committed_through_[n];
  const int64_t last = std::min<int64_t>(index, static_cast<int64_t>(log.size()));
  for (int64_t i = through + 1; i <= last; ++i) {
    const Entry& e = log[static_cast<size_t>(i - 1)];
    auto [it, fresh] = committed_.emplace(i, e);
    if (!fresh && (it->second.term != e.term || it->second.cmd != e.cmd)) {
      Violate(RaftProperty::kStateMachineSafety,
              fmt::format("index {} committed as {} and, on {}, as {}", i, it->second.cmd, Name(n), e.cmd));
    }
  }
  through = std::max(through, last);
}

void RaftTraceState::OnApply(sim::NodeId n, int64_t index, const std::string& cmd) {
  auto [it, fresh] = applied_.emplace(index, cmd);
  if (!fresh && it->second != cmd) {
    Violate(RaftProperty::kStateMachineSafety,
            fmt::format("{} applied {} at index {} where another replica applied {}", Name(n),
                        cmd, index, it->second));
  }
}

void RaftTraceState::Finish() {
  if (leader_of_term_.empty()) return;
  const auto& [term, leader] = *leader_of_term_.rbegin();
  for (const auto& [index, entry] : acked_) {
    if (!HasEntry(leader, index, entry.term)) {
      Violate(RaftProperty::kCommittedNeverLost,
              fmt::format("the final leader {} (term {}) lacks acknowledged entry {} ({})",
                          Name(leader), term, index, entry.cmd));
      return;
    }
  }
}

}  // namespace scenarios::raft
