// SPDX-License-Identifier: Apache-2.0
// Reading a whole local journal folder: the newest valid checkpoint, then the log segments in
// sequence-number order from the checkpoint's end. Used by LocalJournal recovery (which also
// repairs a torn tail) and, read-only, by tools (ReadJournal, for a readJournal command).
//
// Rules (docs/formats/journal-segment.md, "Recovery"):
//   - An invalid newest checkpoint (e.g. truncated) is skipped with a warning; the next older
//     one is used. No valid checkpoint: replay from sequence number 0.
//   - Segments wholly below the checkpoint end are not read. Entries below it are skipped.
//   - Sequence numbers must be contiguous: a gap is DataLoss "Journal entries are missing between
//     sequence number X (inclusive) and Y (exclusive)." A completed segment must hold exactly the
//     range its name declares.
//   - Only the newest segment, and only if it is open, may have a torn tail.
//
// Thread-safety: thread-safe (no shared state); the folder must not be written concurrently.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "env/env.h"
#include "journal/journal.h"
#include "journal/local/journal_layout.h"

namespace alluxio::journal {

// Receives what a replay finds.
class ReplayTarget {
 public:
  virtual ~ReplayTarget() = default;
  // Called before a checkpoint is applied, and again if it turns out invalid midway (its entries
  // must be forgotten before an older one is applied).
  virtual void Reset() = 0;
  virtual Status ApplyCheckpointEntry(const JournalEntry& entry) = 0;
  virtual Status ApplyLogEntry(const JournalEntry& entry) = 0;
};

struct ReplayOptions {
  // Recovery: truncate a torn tail in place. Read-only otherwise.
  bool repair = false;
  // Skip corrupt records and accept the resulting gaps (logged). For operators only.
  bool tolerate_corruption = false;
  // Validate a checkpoint completely before applying any of its entries (two reads) instead of
  // applying while reading and calling Reset() if it proves invalid.
  bool validate_checkpoint_first = false;
};

struct ReplayResult {
  // The checkpoint used ("" if none) and the sequence number it covers up to.
  std::string checkpoint_path;
  SequenceNumber checkpoint_end = 0;
  // The sequence number the next entry must get.
  SequenceNumber next_sequence_number = 0;
  // Segments whose name still says open, with the range actually found in them
  // (end == start when empty). Recovery completes or deletes them.
  std::vector<RangeFile> open_segments;
  // Number of log entries delivered.
  int64_t log_entries = 0;
};

Result<ReplayResult> ReplayLocalJournal(env::Env* env, const std::string& folder,
                                        ReplayTarget* target, const ReplayOptions& options);

// Calls fn with every entry of the journal in `folder` in order: the newest valid checkpoint's
// entries first (their sequence numbers are not meaningful), then the log entries from the
// checkpoint's end. Read-only: a torn tail ends the stream (logged). Stops at fn's first error.
// FailedPrecondition when the folder is not formatted (with `format_prefix`).
Status ReadJournal(env::Env* env, const std::string& folder,
                   const std::function<Status(const JournalEntry&)>& fn,
                   const std::string& format_prefix = kDefaultFormatPrefix);

}  // namespace alluxio::journal
