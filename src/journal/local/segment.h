// SPDX-License-Identifier: Apache-2.0
// Journal log segments (docs/formats/journal-segment.md): SegmentWriter appends framed records to
// the open segment; ReadSegment reads one segment back, deciding what damage means:
//   - in the tail segment (the newest, open at the last shutdown or crash) a torn or garbage end
//     (incomplete record, bad length/checksum with no good record after it, zeroed tail, torn
//     header) is the expected result of a crash and is reported as `torn_tail`;
//   - anywhere else it is DataLoss naming the file, the offset and the expected sequence number,
//     unless `tolerate_corruption` is set, in which case reading resumes at the next good record.
// An entry with no known payload is always DataLoss ("Unrecognized journal entry").
//
// Thread-safety: SegmentWriter is externally synchronised (the journal's flusher thread owns it);
// ReadSegment is thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "env/env.h"
#include "journal/journal.h"
#include "journal/local/journal_layout.h"

namespace alluxio::journal {

class SegmentWriter {
 public:
  // Creates (or truncates) `path` and writes the header naming `first_sn`. Nothing is durable
  // until Sync(); the caller syncs the directory to make the new name durable.
  static Result<std::unique_ptr<SegmentWriter>> Create(env::Env* env, std::string path,
                                                       SequenceNumber first_sn);

  // Appends framed records (see AppendEntryRecord).
  Status Append(std::string_view records) { return file_->Append(records); }
  // fdatasync.
  Status Sync() { return file_->Sync(); }
  Status Close() { return file_->Close(); }

  // Bytes written, header included.
  uint64_t size() const { return file_->Size(); }
  SequenceNumber first_sn() const { return first_sn_; }
  const std::string& path() const { return path_; }

 private:
  SegmentWriter(std::string path, SequenceNumber first_sn, std::unique_ptr<env::WritableFile> f)
      : path_(std::move(path)), first_sn_(first_sn), file_(std::move(f)) {}

  const std::string path_;
  const SequenceNumber first_sn_;
  std::unique_ptr<env::WritableFile> file_;
};

struct SegmentReadOptions {
  // The newest segment, open at the last shutdown: a torn end is expected.
  bool tail = false;
  // Skip corrupt records (logged) instead of failing; the entries they held are lost.
  bool tolerate_corruption = false;
};

struct SegmentReadResult {
  // One past the last entry read (the segment's start when it holds none).
  SequenceNumber next_sn = 0;
  int64_t entries = 0;
  // With torn_tail: the length of the intact prefix (0 when even the header is torn).
  bool torn_tail = false;
  uint64_t valid_length = 0;
};

// Reads `segment`, calling fn(entry, offset) for each entry in order. Checks that the header
// matches the name's start and that sequence numbers inside the segment are contiguous. An error
// from fn stops reading and is returned as is. FailedPrecondition for an unknown format version.
Result<SegmentReadResult> ReadSegment(
    env::Env* env, const RangeFile& segment, const SegmentReadOptions& options,
    const std::function<Status(const JournalEntry& entry, uint64_t offset)>& fn);

// The offset of the first good record (framing and checksum valid, payload parses) starting at
// or after `from` in `path`, if any. Reads the rest of the file into memory: for error paths.
Result<std::optional<uint64_t>> FindNextValidRecord(env::Env* env, const std::string& path,
                                                    uint64_t from);

}  // namespace alluxio::journal
