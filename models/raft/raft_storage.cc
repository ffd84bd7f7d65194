#include "models/raft/raft_storage.h"

#include <fmt/format.h>

#include <string>

#include "sim/assert.h"

namespace models::raft {

namespace {

constexpr const char* kMetaKey = "raft/meta";
constexpr const char* kLogPrefix = "raft/log/";

std::string LogKey(int64_t index) { return fmt::format("{}{:012}", kLogPrefix, index); }

int64_t IndexOfKey(const std::string& key) {
  return std::stoll(key.substr(std::string(kLogPrefix).size()));
}

}  // namespace

size_t RaftStorage::Load() {
  term_ = 0;
  vote_ = 0;
  log_.clear();
  if (const auto meta = disk_->Read(kMetaKey)) {
    const size_t space = meta->find(' ');
    SIM_ASSERT(space != std::string::npos);
    term_ = std::stoll(meta->substr(0, space));
    vote_ = static_cast<sim::NodeId>(std::stoul(meta->substr(space + 1)));
  }
  size_t discarded = 0;
  for (const std::string& key : disk_->Keys(kLogPrefix)) {
    const int64_t index = IndexOfKey(key);
    if (discarded == 0 && index == LastIndex() + 1) {
      const std::string text = *disk_->Read(key);
      const size_t nl = text.find('\n');
      SIM_ASSERT(nl != std::string::npos);
      auto cmd = Command::Parse(text.substr(nl + 1));
      SIM_ASSERT_MSG(cmd.has_value(), "unreadable raft log record");
      log_.push_back(LogEntry{std::stoll(text.substr(0, nl)), std::move(*cmd)});
      continue;
    }
    // A record after a hole: its predecessors were lost with the unsynced tail.
    disk_->Erase(key);
    ++discarded;
  }
  if (discarded > 0) disk_->Sync();
  return discarded;
}

int64_t RaftStorage::TermAt(int64_t index) const {
  SIM_ASSERT_GE(index, 0);
  SIM_ASSERT_LE(index, LastIndex());
  return index == 0 ? 0 : log_[static_cast<size_t>(index - 1)].term;
}

const LogEntry& RaftStorage::At(int64_t index) const {
  SIM_ASSERT_GE(index, 1);
  SIM_ASSERT_LE(index, LastIndex());
  return log_[static_cast<size_t>(index - 1)];
}

void RaftStorage::SetMeta(int64_t term, sim::NodeId vote, bool sync) {
  SIM_ASSERT_GE(term, term_);
  term_ = term;
  vote_ = vote;
  disk_->Write(kMetaKey, fmt::format("{} {}", term, vote));
  if (sync) disk_->Sync();
}

void RaftStorage::Append(const std::vector<LogEntry>& entries) {
  for (const LogEntry& e : entries) {
    log_.push_back(e);
    disk_->Write(LogKey(LastIndex()), fmt::format("{}\n{}", e.term, e.command.Serialize()));
  }
}

void RaftStorage::TruncateFrom(int64_t index) {
  SIM_ASSERT_GE(index, 1);
  SIM_ASSERT_LE(index, LastIndex());
  for (int64_t i = LastIndex(); i >= index; --i) disk_->Erase(LogKey(i));
  log_.resize(static_cast<size_t>(index - 1));
  disk_->Sync();
}

}  // namespace models::raft
