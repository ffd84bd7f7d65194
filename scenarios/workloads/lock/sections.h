#pragma once
// Critical sections as the history shows them: each lock client's "cs" operation (invoke when
// it starts believing it holds the lock, ok when it stops), closed at its node's crash when
// the client died inside it (a dead process does nothing more), open otherwise. Shared by the
// lock checkers.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/history.h"

namespace scenarios::lock {

struct Section {
  uint64_t invoke_index = 0;
  std::optional<uint64_t> complete_index;
  int64_t process = 0;
  std::string node;
  int64_t id = 0;  // section id (lock_client.h SectionId)
  sim::Instant start;
  // When the client stopped believing it held the lock: its ok, its node's crash, or never
  // (Instant::Max) when the run ended with it inside.
  sim::Instant end = sim::Instant::Max();
  bool crashed = false;
};

// Every section of the history, in invoke order.
std::vector<Section> CollectSections(const sim::History& history);

// One line for a verdict: "client2 section 2000004 [1.234s, 1.534s]".
std::string DescribeSection(const Section& s);

}  // namespace scenarios::lock
