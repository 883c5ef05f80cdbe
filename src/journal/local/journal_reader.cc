// SPDX-License-Identifier: Apache-2.0
#include "journal/local/journal_reader.h"

#include <algorithm>
#include <string>

#include "journal/local/checkpoint.h"
#include "journal/local/segment.h"
#include "spdlog/spdlog.h"

namespace alluxio::journal {
namespace {

Status MissingEntries(SequenceNumber from, SequenceNumber to) {
  return DataLossError("Journal entries are missing between sequence number " +
                       std::to_string(from) + " (inclusive) and " + std::to_string(to) +
                       " (exclusive).");
}

// Applies the newest valid checkpoint; fills result->checkpoint_*.
Status ReplayCheckpoint(env::Env* env, const JournalPaths& paths, ReplayTarget* target,
                        const ReplayOptions& options, ReplayResult* result) {
  ASSIGN_OR_RETURN(std::vector<RangeFile> checkpoints, ListCheckpoints(env, paths));
  for (auto it = checkpoints.rbegin(); it != checkpoints.rend(); ++it) {
    const std::string& path = it->path;
    bool invalid = false;
    CheckpointInfo info;
    if (options.validate_checkpoint_first) {
      Status valid = ReadCheckpoint(
          env, path, [](const JournalEntry&) { return Status::OK(); }, &info, &invalid);
      if (!valid.ok()) {
        if (!invalid) return valid;
        spdlog::warn("Skipping invalid checkpoint: {}", valid.message());
        continue;
      }
    }
    spdlog::info("Reading checkpoint {}", path);
    target->Reset();
    int64_t n = 0;
    Status s = ReadCheckpoint(
        env, path,
        [&](const JournalEntry& entry) {
          Status applied = target->ApplyCheckpointEntry(entry);
          if (!applied.ok()) {
            return applied.WithContext("Failed to apply entry " + std::to_string(n) +
                                       " of checkpoint " + path);
          }
          n++;
          return Status::OK();
        },
        &info, &invalid);
    if (s.ok() && info.sequence_number != it->end) {
      invalid = true;
      s = DataLossError("Checkpoint " + path + " covers sequence numbers below " +
                        std::to_string(info.sequence_number) + " by its header");
    }
    if (!s.ok()) {
      if (!invalid) return s;
      spdlog::warn("Skipping invalid checkpoint: {}", s.message());
      target->Reset();
      continue;
    }
    result->checkpoint_path = path;
    result->checkpoint_end = it->end;
    return Status::OK();
  }
  if (!checkpoints.empty()) {
    spdlog::warn("No valid checkpoint in {}; replaying the logs from sequence number 0",
                 paths.checkpoints());
  }
  target->Reset();
  return Status::OK();
}

}  // namespace

Result<ReplayResult> ReplayLocalJournal(env::Env* env, const std::string& folder,
                                        ReplayTarget* target, const ReplayOptions& options) {
  JournalPaths paths(folder);
  ReplayResult result;
  RETURN_IF_ERROR(ReplayCheckpoint(env, paths, target, options, &result));

  SequenceNumber expected = result.checkpoint_end;
  ASSIGN_OR_RETURN(std::vector<RangeFile> segments, ListSegments(env, paths));
  for (size_t i = 0; i < segments.size(); i++) {
    const RangeFile& segment = segments[i];
    if (!segment.open() && segment.end <= expected) continue;  // Covered already.
    if (segment.start > expected) {
      if (!options.tolerate_corruption) return MissingEntries(expected, segment.start);
      spdlog::error("{}; tolerating corruption", MissingEntries(expected, segment.start).message());
      expected = segment.start;
    }
    spdlog::info("Reading journal file {}", segment.path);
    SegmentReadOptions read_options;
    read_options.tail = i + 1 == segments.size() && segment.open();
    read_options.tolerate_corruption = options.tolerate_corruption;
    Result<SegmentReadResult> read = ReadSegment(
        env, segment, read_options, [&](const JournalEntry& entry, uint64_t offset) -> Status {
          SequenceNumber sn = entry.sequence_number();
          if (sn < expected) return Status::OK();
          if (sn > expected) {
            // Only reachable when tolerating corruption inside the segment.
            spdlog::error("{}; tolerating corruption", MissingEntries(expected, sn).message());
            expected = sn;
          }
          Status applied = target->ApplyLogEntry(entry);
          if (!applied.ok()) {
            return applied.WithContext("Failed to apply journal entry " + std::to_string(sn) +
                                       " from " + segment.path + " at offset " +
                                       std::to_string(offset));
          }
          expected++;
          result.log_entries++;
          return Status::OK();
        });
    if (!read.ok()) return read.status();
    if (read->torn_tail) {
      if (options.repair) {
        spdlog::warn("Truncating the torn tail of journal segment {} to {} bytes", segment.path,
                     read->valid_length);
        RETURN_IF_ERROR(env->TruncateFile(segment.path, read->valid_length));
      } else {
        spdlog::warn("Journal segment {} ends with a torn record at offset {}", segment.path,
                     read->valid_length);
      }
    }
    if (segment.open()) {
      RangeFile actual = segment;
      actual.end = read->next_sn;
      result.open_segments.push_back(actual);
    } else if (read->next_sn != segment.end) {
      Status short_segment =
          DataLossError("Journal segment " + segment.path + " should hold sequence numbers up to " +
                        std::to_string(segment.end) + " (exclusive) but ends at " +
                        std::to_string(read->next_sn));
      if (!options.tolerate_corruption) return short_segment;
      spdlog::error("{}; tolerating corruption", short_segment.message());
    }
  }
  result.next_sequence_number = expected;
  return result;
}

Status ReadJournal(env::Env* env, const std::string& folder,
                   const std::function<Status(const JournalEntry&)>& fn,
                   const std::string& format_prefix) {
  class Forward final : public ReplayTarget {
   public:
    explicit Forward(const std::function<Status(const JournalEntry&)>& fn) : fn_(fn) {}
    void Reset() override {}
    Status ApplyCheckpointEntry(const JournalEntry& e) override { return fn_(e); }
    Status ApplyLogEntry(const JournalEntry& e) override { return fn_(e); }

   private:
    const std::function<Status(const JournalEntry&)>& fn_;
  };
  ASSIGN_OR_RETURN(bool formatted, IsLocalJournalFormatted(env, folder, format_prefix));
  if (!formatted) return FailedPreconditionError("Journal " + folder + " has not been formatted!");
  Forward forward(fn);
  ReplayOptions options;
  options.validate_checkpoint_first = true;
  return ReplayLocalJournal(env, folder, &forward, options).status();
}

}  // namespace alluxio::journal
