// Critical sections from the history: see sections.h.
#include "scenarios/workloads/lock/sections.h"

#include <fmt/format.h>

namespace scenarios::lock {

namespace {

// Crash times by node name, from the nemesis' fired crash starts.
std::map<std::string, std::vector<sim::Instant>> CrashTimes(const sim::History& history) {
  std::map<std::string, std::vector<sim::Instant>> out;
  for (const sim::Op& op : history.ops()) {
    if (op.process != sim::kNemesisProcess || op.f != "crash") continue;
    if (op.value.value("phase", "") != "start" || !op.value.value("fired", false)) continue;
    if (!op.value.contains("nodes")) continue;
    for (const auto& n : op.value.at("nodes")) out[n.get<std::string>()].push_back(op.time);
  }
  return out;
}

}  // namespace

std::vector<Section> CollectSections(const sim::History& history) {
  std::vector<Section> sections;
  std::map<uint64_t, size_t> by_invoke;
  for (const sim::Op& op : history.ops()) {
    if (op.process == sim::kNemesisProcess || op.f != "cs") continue;
    if (op.type == sim::OpType::kInvoke) {
      Section s;
      s.invoke_index = op.index;
      s.process = op.process;
      s.node = op.value.value("node", "");
      s.id = op.value.value("section", int64_t{0});
      s.start = op.time;
      by_invoke[op.index] = sections.size();
      sections.push_back(std::move(s));
      continue;
    }
    const auto it = by_invoke.find(op.invoke_index);
    if (it == by_invoke.end()) continue;
    sections[it->second].complete_index = op.index;
    sections[it->second].end = op.time;
  }
  const auto crashes = CrashTimes(history);
  for (Section& s : sections) {
    if (s.complete_index) continue;
    const auto it = crashes.find(s.node);
    if (it == crashes.end()) continue;
    for (const sim::Instant t : it->second) {
      if (t < s.start) continue;
      s.end = t;
      s.crashed = true;
      break;
    }
  }
  return sections;
}

std::string DescribeSection(const Section& s) {
  const std::string end = s.end == sim::Instant::Max()
                              ? std::string("still inside at the end")
                              : sim::FormatInstant(s.end) + "s" + (s.crashed ? " (crashed)" : "");
  return fmt::format("{} section {} [{}s, {}] (op {})", s.node, s.id, sim::FormatInstant(s.start),
                     end, s.invoke_index);
}

}  // namespace scenarios::lock
