#include "checkers/lin/history_gen.h"

#include <algorithm>
#include <numeric>
#include <vector>

#include "checkers/lin/model.h"

namespace checkers::lin {
namespace {

class SplitMix {
 public:
  explicit SplitMix(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    state_ += 0x9e3779b97f4a7c15ULL;
    return Mix64(state_);
  }
  // Uniform in [lo, hi]; the modulo bias is irrelevant at these ranges.
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Next() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool Percent(uint32_t percent) { return Next() % 100 < percent; }

 private:
  uint64_t state_;
};

struct Plan {
  int64_t point = 0;  // when the op takes effect
  bool takes_effect = true;
  size_t key_id = 0;
};

// Lays out each client's ops back to back; inputs of cas are decided when applied.
std::vector<Plan> LayOut(const GenOptions& options, SplitMix& rng, History* history) {
  std::vector<int64_t> client_time(options.clients_count, 0);
  std::vector<Plan> plans;
  plans.reserve(options.ops_count);
  for (size_t i = 0; i < options.ops_count; ++i) {
    // The client that is free first issues the next op, as a closed-loop workload would.
    const auto it = std::min_element(client_time.begin(), client_time.end());
    const auto client = static_cast<size_t>(it - client_time.begin());
    Operation op;
    op.client = static_cast<int64_t>(client);
    const int64_t think = rng.Between(0, std::max<int64_t>(options.think_ns_max, 0));
    op.call = sim::Instant::FromNanos(*it + think);
    const int64_t latency_min = std::max<int64_t>(options.latency_ns_min, 0);
    const int64_t ret = op.call.nanos() +
                        rng.Between(latency_min, std::max(latency_min, options.latency_ns_max));
    *it = ret;
    op.ret = sim::Instant::FromNanos(ret);
    Plan plan;
    plan.point = rng.Between(op.call.nanos(), ret);
    plan.key_id = options.model == ModelKind::kKv
                      ? static_cast<size_t>(rng.Next() % std::max<size_t>(options.keys_count, 1))
                      : 0;
    if (options.model == ModelKind::kKv) op.input.key = "k" + std::to_string(plan.key_id);
    const auto roll = static_cast<uint32_t>(rng.Next() % 100);
    op.input.kind = roll < options.read_percent ? OpKind::kRead
                    : roll < options.read_percent + options.cas_percent ? OpKind::kCas
                                                                        : OpKind::kWrite;
    if (op.input.kind != OpKind::kRead) {
      op.input.value = "v" + std::to_string(i);
      if (rng.Percent(options.unknown_percent)) {
        op.output.unknown = true;
        op.ret = sim::Instant::Max();
        plan.takes_effect = rng.Percent(50);
      }
    }
    history->ops.push_back(std::move(op));
    plans.push_back(plan);
  }
  return plans;
}

}  // namespace

History GenerateHistory(const GenOptions& options) {
  History history;
  history.model = options.model;
  SplitMix rng(Mix64(options.seed));
  const std::vector<Plan> plans = LayOut(options, rng, &history);
  std::vector<size_t> order(plans.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return plans[a].point != plans[b].point ? plans[a].point < plans[b].point : a < b;
  });
  std::vector<std::optional<std::string>> state(std::max<size_t>(options.keys_count, 1));
  for (size_t index : order) {
    Operation& op = history.ops[index];
    std::optional<std::string>& current = state[plans[index].key_id];
    switch (op.input.kind) {
      case OpKind::kRead:
        op.output.value = current;
        break;
      case OpKind::kWrite:
        if (plans[index].takes_effect) current = op.input.value;
        break;
      case OpKind::kCas:
        // Half the cas ops expect the current value; the others expect one never written.
        op.input.expected = rng.Percent(50) ? current : std::optional<std::string>("none");
        op.output.ok = op.input.expected == current;
        if (op.output.ok && plans[index].takes_effect) current = op.input.value;
        break;
    }
  }
  return history;
}

std::optional<size_t> CorruptOneRead(History* history) {
  auto& ops = history->ops;
  const auto is_known_write = [&](size_t i) {
    return ops[i].input.kind == OpKind::kWrite && ops[i].output.ok && !ops[i].output.unknown;
  };
  // Latest completed write on `key` that returned before `before`, if any.
  const auto latest_write_before = [&](const std::string& key, int64_t before) {
    std::optional<size_t> best;
    for (size_t i = 0; i < ops.size(); ++i) {
      if (!is_known_write(i) || ops[i].input.key != key || ops[i].ret.nanos() >= before) continue;
      if (!best || ops[i].ret > ops[*best].ret) best = i;
    }
    return best;
  };
  std::vector<size_t> by_call(ops.size());
  std::iota(by_call.begin(), by_call.end(), 0);
  std::stable_sort(by_call.begin(), by_call.end(),
                   [&](size_t a, size_t b) { return ops[a].call < ops[b].call; });
  for (size_t rank = by_call.size() / 2; rank < by_call.size(); ++rank) {
    Operation& read = ops[by_call[rank]];
    if (read.input.kind != OpKind::kRead || read.output.unknown || !read.output.ok) continue;
    const auto newer = latest_write_before(read.input.key, read.call.nanos());
    if (!newer) continue;
    const auto older = latest_write_before(read.input.key, ops[*newer].call.nanos());
    if (!older) continue;
    read.output.value = ops[*older].input.value;
    return by_call[rank];
  }
  return std::nullopt;
}

}  // namespace checkers::lin
