#include "checkers/lin/unique_register.h"

#include <algorithm>

#include <fmt/format.h>

namespace checkers::lin {
namespace {

struct Cluster {
  bool written = false;
  bool unknown_write = false;
  int64_t write_call = 0;
  int64_t write_ret = 0;
  uint32_t write_origin = 0;
  size_t reads_count = 0;
  int64_t min_read_ret = INT64_MAX;
  uint32_t min_read_origin = 0;
  int64_t max_read_call = INT64_MIN;
};

struct Zone {
  int64_t lo;  // forward: (lo, hi) exclusive; backward: [lo, hi]
  int64_t hi;
  int32_t value;
};

std::vector<Cluster> BuildClusters(const CompiledRegister& reg) {
  std::vector<Cluster> clusters(reg.model.values().size());
  // nil's cluster: the initial value, "written" before everything.
  clusters[0].written = true;
  clusters[0].write_call = INT64_MIN;
  clusters[0].write_ret = INT64_MIN;
  for (const auto& timed : reg.ops) {
    Cluster& c = clusters[static_cast<size_t>(timed.op.value)];
    if (timed.op.kind == OpKind::kWrite) {
      c.written = true;
      c.unknown_write = timed.unknown;
      c.write_call = timed.call;
      c.write_ret = timed.ret;
      c.write_origin = timed.origin;
      continue;
    }
    ++c.reads_count;
    c.max_read_call = std::max(c.max_read_call, timed.call);
    if (timed.ret < c.min_read_ret) {
      c.min_read_ret = timed.ret;
      c.min_read_origin = timed.origin;
    }
  }
  return clusters;
}

}  // namespace

bool QualifiesForUniqueValues(const CompiledRegister& reg) {
  std::vector<uint8_t> written(reg.model.values().size(), 0);
  for (const auto& timed : reg.ops) {
    if (timed.op.kind == OpKind::kCas) return false;
    if (timed.op.kind != OpKind::kWrite) continue;
    uint8_t& seen = written[static_cast<size_t>(timed.op.value)];
    if (seen != 0) return false;
    seen = 1;
  }
  return true;
}

UniqueOutcome CheckUniqueRegister(const CompiledRegister& reg, BudgetMeter& meter) {
  if (!meter.Charge(reg.ops.size())) return UniqueOutcome{Verdict::kUnknown, {}};
  const std::vector<Cluster> clusters = BuildClusters(reg);
  std::vector<Zone> forward;
  std::vector<Zone> backward;
  for (size_t v = 0; v < clusters.size(); ++v) {
    const Cluster& c = clusters[v];
    const std::string value = reg.model.DescribeState(static_cast<int32_t>(v));
    if (c.reads_count > 0 && !c.written) {
      return {Verdict::kIllegal, fmt::format("op #{} read {}, which no op wrote", c.min_read_origin,
                                             value)};
    }
    if (c.reads_count > 0 && c.min_read_ret < c.write_call) {
      return {Verdict::kIllegal, fmt::format("op #{} read {} before op #{} began writing it",
                                             c.min_read_origin, value, c.write_origin)};
    }
    // Unobserved unknown writes may never have happened; nil without reads constrains nothing.
    if (!c.written || (c.reads_count == 0 && (c.unknown_write || v == 0))) continue;
    const int64_t min_ret = std::min(c.write_ret, c.min_read_ret);
    const int64_t max_call = std::max(c.write_call, c.max_read_call);
    const auto value_id = static_cast<int32_t>(v);
    if (min_ret < max_call) {
      forward.push_back(Zone{min_ret, max_call, value_id});
    } else {
      backward.push_back(Zone{max_call, min_ret, value_id});
    }
  }
  const auto by_lo = [](const Zone& a, const Zone& b) {
    return a.lo != b.lo ? a.lo < b.lo : a.value < b.value;
  };
  std::sort(forward.begin(), forward.end(), by_lo);
  for (size_t i = 1; i < forward.size(); ++i) {
    if (forward[i].lo < forward[i - 1].hi) {
      return {Verdict::kIllegal,
              fmt::format("values {} and {} must both be current at once",
                          reg.model.DescribeState(forward[i - 1].value),
                          reg.model.DescribeState(forward[i].value))};
    }
  }
  for (const Zone& zone : backward) {
    // Forward zones are disjoint and sorted, so the last one starting before zone.lo is the
    // only one that can contain it.
    auto it = std::lower_bound(forward.begin(), forward.end(), zone.lo,
                               [](const Zone& f, int64_t lo) { return f.lo < lo; });
    if (it == forward.begin()) continue;
    --it;
    if (zone.hi < it->hi) {
      return {Verdict::kIllegal,
              fmt::format("the write of {} must fall while {} is still to be read",
                          reg.model.DescribeState(zone.value),
                          reg.model.DescribeState(it->value))};
    }
  }
  return {Verdict::kOk, {}};
}

}  // namespace checkers::lin
