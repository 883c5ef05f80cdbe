// SPDX-License-Identifier: Apache-2.0
#include "journal/testing/map_journaled.h"

#include <utility>

#include "journal/local/record_format.h"

namespace alluxio::journal {
namespace {

class MapSnapshot final : public StateSnapshot {
 public:
  MapSnapshot(std::map<std::string, std::string> map, SequenceNumber next,
              std::function<void()> hook)
      : map_(std::move(map)), next_(next), hook_(std::move(hook)) {}

  SequenceNumber next_sequence_number() const override { return next_; }

  Status WriteTo(EntrySink* sink) const override {
    if (hook_) hook_();
    for (const auto& [key, value] : map_) RETURN_IF_ERROR(sink->Write(PutEntry(key, value)));
    return Status::OK();
  }

 private:
  const std::map<std::string, std::string> map_;
  const SequenceNumber next_;
  const std::function<void()> hook_;
};

}  // namespace

JournalEntry PutEntry(const std::string& key, const std::string& value) {
  JournalEntry entry;
  entry.mutable_inode_directory()->set_name(key);
  entry.mutable_inode_directory()->set_owner(value);
  return entry;
}

Status ImportPuts(Journal* journal, MapJournaled* state, const std::string& cluster_id, int from,
                  int to, bool commit) {
  ASSIGN_OR_RETURN(std::unique_ptr<StateImporter> importer, journal->BeginImport());
  if (importer == nullptr) return UnimplementedError("the journal has no importer");
  JournalEntry marker;
  marker.mutable_cluster_info()->set_cluster_id(cluster_id);
  auto add = [&](const JournalEntry& e) -> Status {
    RETURN_IF_ERROR(state->Apply(e));
    std::string record;
    AppendEntryRecord(&record, e);
    return importer->Add(std::string_view(record).substr(0, kRecordHeaderSize),
                         std::string_view(record).substr(kRecordHeaderSize));
  };
  RETURN_IF_ERROR(add(marker));
  for (int k = from; k < to; k++) {
    RETURN_IF_ERROR(add(PutEntry("k" + std::to_string(k), "v" + std::to_string(k))));
  }
  return commit ? importer->Commit(std::move(marker)) : Status::OK();
}

Result<SequenceNumber> MapJournaled::Put(Journal* journal, const std::string& key,
                                         const std::string& value) {
  std::lock_guard<std::mutex> l(mu_);
  JournalEntry entry = PutEntry(key, value);
  RETURN_IF_ERROR(ApplyLocked(entry));
  return journal->Append(std::move(entry));
}

std::map<std::string, std::string> MapJournaled::contents() const {
  std::lock_guard<std::mutex> l(mu_);
  return map_;
}

int64_t MapJournaled::applied() const {
  std::lock_guard<std::mutex> l(mu_);
  return applied_;
}

void MapJournaled::FailApplyOnKey(std::string key) {
  std::lock_guard<std::mutex> l(mu_);
  fail_key_ = std::move(key);
}

void MapJournaled::SetWriteToHook(std::function<void()> hook) {
  std::lock_guard<std::mutex> l(mu_);
  write_to_hook_ = std::move(hook);
}

Status MapJournaled::Apply(const JournalEntry& entry) {
  std::lock_guard<std::mutex> l(mu_);
  return ApplyLocked(entry);
}

Status MapJournaled::ApplyLocked(const JournalEntry& entry) {
  for (const JournalEntry& child : entry.journal_entries()) RETURN_IF_ERROR(ApplyLocked(child));
  switch (entry.payload_case()) {
    case JournalEntry::kInodeDirectory:
      if (!fail_key_.empty() && entry.inode_directory().name() == fail_key_) {
        return InternalError("cannot apply a put of " + fail_key_);
      }
      map_[entry.inode_directory().name()] = entry.inode_directory().owner();
      break;
    case JournalEntry::kClusterInfo:
      map_["cluster_id"] = entry.cluster_info().cluster_id();
      break;
    case JournalEntry::kDeleteMountPoint:
      map_.erase(entry.delete_mount_point().alluxio_path());
      break;
    default:
      break;
  }
  applied_++;
  return Status::OK();
}

void MapJournaled::Reset() {
  std::lock_guard<std::mutex> l(mu_);
  map_.clear();
  applied_ = 0;
}

std::unique_ptr<StateSnapshot> MapJournaled::Snapshot(Journal* journal) {
  std::lock_guard<std::mutex> l(mu_);
  return std::make_unique<MapSnapshot>(map_, journal->NextSequenceNumber(), write_to_hook_);
}

}  // namespace alluxio::journal
