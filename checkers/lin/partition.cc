#include "checkers/lin/partition.h"

#include <map>

namespace checkers::lin {

std::vector<Partition> PartitionHistory(const History& history) {
  std::vector<Partition> partitions;
  if (history.model == ModelKind::kRegister) {
    Partition all;
    all.op_indices.reserve(history.ops.size());
    for (size_t i = 0; i < history.ops.size(); ++i) all.op_indices.push_back(i);
    partitions.push_back(std::move(all));
    return partitions;
  }
  // std::map: iteration in key order keeps the checking order independent of hashing.
  std::map<std::string, std::vector<size_t>> by_key;
  for (size_t i = 0; i < history.ops.size(); ++i) by_key[history.ops[i].input.key].push_back(i);
  partitions.reserve(by_key.size());
  for (auto& [key, indices] : by_key) partitions.push_back(Partition{key, std::move(indices)});
  return partitions;
}

}  // namespace checkers::lin
