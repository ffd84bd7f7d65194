#include "models/redis/replication.h"

#include <string>
#include <utility>

#include "sim/assert.h"

namespace models::redis {

ReplicationBacklog::ReplicationBacklog(size_t capacity_records)
    : capacity_records_(capacity_records) {
  SIM_ASSERT_GT(capacity_records_, 0u);
}

void ReplicationBacklog::Append(WriteRecord record) {
  SIM_ASSERT_EQ(record.offset, last_offset_ + 1);
  last_offset_ = record.offset;
  records_.push_back(std::move(record));
  while (records_.size() > capacity_records_) records_.pop_front();
}

sim::Result<std::vector<WriteRecord>> ReplicationBacklog::Since(int64_t after,
                                                                size_t max_records) const {
  if (after > last_offset_) {
    return sim::MakeError(sim::Errc::kInvalid, "offset " + std::to_string(after) +
                                                   " is beyond the stream end " +
                                                   std::to_string(last_offset_));
  }
  std::vector<WriteRecord> out;
  if (after == last_offset_) return out;
  const int64_t first_held = records_.empty() ? last_offset_ + 1 : records_.front().offset;
  if (after + 1 < first_held) {
    return sim::MakeError(sim::Errc::kNotFound, "offset " + std::to_string(after + 1) +
                                                    " left the backlog; full resync needed");
  }
  const auto start = static_cast<size_t>(after + 1 - first_held);
  for (size_t i = start; i < records_.size() && out.size() < max_records; ++i) {
    out.push_back(records_[i]);
  }
  return out;
}

void ReplicationBacklog::Reset(int64_t offset) {
  records_.clear();
  last_offset_ = offset;
}

}  // namespace models::redis
