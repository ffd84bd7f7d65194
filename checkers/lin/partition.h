#pragma once
// P-compositionality (Herlihy & Wing's locality, Porcupine's Model.Partition): a history of
// independent objects is linearizable iff each object's sub-history is. The kv model is a map
// of independent registers, so it is split per key; the register model is one partition.

#include <string>
#include <vector>

#include "checkers/lin/history.h"

namespace checkers::lin {

struct Partition {
  std::string key;                // empty for the register model
  std::vector<size_t> op_indices;  // into History::ops, in history order
};

// Partitions in ascending key order, so the order of checking is deterministic.
std::vector<Partition> PartitionHistory(const History& history);

}  // namespace checkers::lin
