// SPDX-License-Identifier: Apache-2.0
// Local journal checkpoints (docs/formats/checkpoint.md): the whole state as a stream of
// JournalEntry records, framed like segments, behind a header naming the sequence number it
// covers and ended by a trailer with the entry count. A checkpoint is valid only if complete:
// a missing or mismatching trailer, a bad record or bytes after the trailer make it invalid.
//
// Thread-safety: CheckpointWriter is externally synchronised; ReadCheckpoint is thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "env/env.h"
#include "journal/journal.h"

namespace alluxio::journal {

// Writes a checkpoint file. Usage: Create, Write each entry (as the EntrySink of
// StateSnapshot::WriteTo), Finish. The caller renames the file into place afterwards.
class CheckpointWriter final : public EntrySink {
 public:
  // Creates (or truncates) `path` for a checkpoint of the entries below `sequence_number`.
  static Result<std::unique_ptr<CheckpointWriter>> Create(env::Env* env, std::string path,
                                                          SequenceNumber sequence_number);
  // The same on an open file (e.g. a StringFile: the embedded journal's snapshots).
  static std::unique_ptr<CheckpointWriter> Create(std::unique_ptr<env::WritableFile> file,
                                                  SequenceNumber sequence_number);

  // Appends one entry. Its sequence_number field is written as is and ignored on reading.
  Status Write(const JournalEntry& entry) override;
  // Appends one record already framed elsewhere (a backup holds the same records): its 8-byte
  // header and its payload, a serialized JournalEntry, written as they are. The caller has
  // verified both (ReadBackup does).
  Status WriteRecord(std::string_view header, std::string_view payload);
  // Writes the trailer, fdatasyncs and closes. The file is a valid checkpoint only after this.
  Status Finish();

  int64_t entry_count() const { return count_; }

 private:
  CheckpointWriter(std::unique_ptr<env::WritableFile> file, SequenceNumber sn)
      : file_(std::move(file)), sequence_number_(sn) {}
  Status FlushBuffer();

  std::unique_ptr<env::WritableFile> file_;
  const SequenceNumber sequence_number_;
  std::string buffer_;
  int64_t count_ = 0;
};

struct CheckpointInfo {
  SequenceNumber sequence_number = 0;  // Covers entries below this.
  int64_t entry_count = 0;
};

// Reads the checkpoint at `path`, calling fn for each entry in order. Returns:
//   - OK with `info` filled when the whole checkpoint is valid;
//   - DataLoss with *invalid = true when it is incomplete or corrupt (the caller may fall back to
//     an older checkpoint; entries before the damage have been delivered);
//   - FailedPrecondition (unknown format version), DataLoss "Unrecognized journal entry", an
//     I/O error or fn's error, with *invalid = false.
// `invalid` and `info` may be null.
Status ReadCheckpoint(env::Env* env, const std::string& path,
                      const std::function<Status(const JournalEntry&)>& fn, CheckpointInfo* info,
                      bool* invalid);
// The same from an open file positioned at its start; `name` is used in messages.
Status ReadCheckpoint(env::SequentialFile* file, const std::string& name,
                      const std::function<Status(const JournalEntry&)>& fn, CheckpointInfo* info,
                      bool* invalid);

}  // namespace alluxio::journal
