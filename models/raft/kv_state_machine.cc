#include "models/raft/kv_state_machine.h"

#include <algorithm>

#include "sim/assert.h"

namespace models::raft {

ApplyResult KvStateMachine::Apply(int64_t index, const Command& command) {
  SIM_ASSERT_EQ(index, last_applied_ + 1);
  last_applied_ = index;
  if (command.kind == CommandKind::kNoop) {
    // A new term: leases already over on the old term's clock are dropped, its leader's clock
    // becomes the machine's, and every live lease restarts in full on it (see the header), so
    // no lease can end early through a change of clocks.
    std::erase_if(locks_, [this](const auto& kv) { return clock_ns_ >= kv.second.expires_ns; });
    clock_ns_ = command.time_ns;
    for (auto& [key, lock] : locks_) lock.expires_ns = clock_ns_ + lock.lease_ns;
    return ApplyResult{true, std::nullopt, 0, index};
  }
  clock_ns_ = std::max(clock_ns_, command.time_ns);
  auto it = sessions_.find(command.client);
  if (it != sessions_.end() && command.seq <= it->second.seq) {
    // A retried request already applied (or an older one): no second effect.
    if (command.seq == it->second.seq) return it->second.result;
    return ApplyResult{false, std::nullopt, 0, index};
  }
  ApplyResult result = Execute(index, command);
  sessions_[command.client] = Session{command.seq, result};
  return result;
}

ApplyResult KvStateMachine::Execute(int64_t index, const Command& c) {
  ApplyResult r{true, std::nullopt, 0, index};
  switch (c.kind) {
    case CommandKind::kNoop:
      break;
    case CommandKind::kPut:
      data_[c.key] = c.value;
      break;
    case CommandKind::kCas: {
      const std::optional<std::string> current = Get(c.key);
      r.ok = current == c.expected;
      if (r.ok) data_[c.key] = c.value;
      break;
    }
    case CommandKind::kAcquire: {
      auto it = locks_.find(c.key);
      const bool free = it == locks_.end() || clock_ns_ >= it->second.expires_ns ||
                        it->second.owner == c.value;
      r.ok = free;
      if (free) {
        locks_[c.key] = LockState{c.value, index, clock_ns_ + c.lease_ns, c.lease_ns};
        r.token = index;
      } else {
        r.value = it->second.owner;
      }
      break;
    }
    case CommandKind::kRelease: {
      auto it = locks_.find(c.key);
      r.ok = it != locks_.end() && it->second.token == c.token && it->second.owner == c.value;
      if (r.ok) locks_.erase(it);
      break;
    }
    case CommandKind::kRenew: {
      // Compare-and-extend: only the grant still in force (same token and owner, not expired)
      // is extended, and it keeps its token.
      auto it = locks_.find(c.key);
      r.ok = it != locks_.end() && it->second.token == c.token && it->second.owner == c.value &&
             clock_ns_ < it->second.expires_ns;
      if (r.ok) {
        it->second.expires_ns = clock_ns_ + c.lease_ns;
        it->second.lease_ns = c.lease_ns;
      }
      break;
    }
  }
  return r;
}

std::optional<std::string> KvStateMachine::Get(const std::string& key) const {
  auto it = data_.find(key);
  if (it == data_.end()) return std::nullopt;
  return it->second;
}

std::optional<ApplyResult> KvStateMachine::ResultOf(int64_t client, int64_t seq) const {
  auto it = sessions_.find(client);
  if (it == sessions_.end() || it->second.seq != seq) return std::nullopt;
  return it->second.result;
}

}  // namespace models::raft
