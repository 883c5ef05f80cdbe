// SPDX-License-Identifier: Apache-2.0
// The on-disk layout of a local (alluxio.master.journal.type=UFS) journal folder, as in Alluxio's
// UfsJournal (docs/formats/journal-segment.md):
//
//   <folder>/_format_<epochMillis>                  format marker (prefix configurable)
//   <folder>/LOCK                                   held while a journal is started
//   <folder>/logs/0x<start>-0x<end>                 completed segment, SNs [start, end)
//   <folder>/logs/0x<start>-0x7fffffffffffffff      the open segment
//   <folder>/checkpoints/0x0-0x<end>                checkpoint covering SNs [0, end)
//   <folder>/.tmp/<name>                            checkpoint being written
//
// Names use lowercase hex without padding. Also: formatting and the format check.
//
// Thread-safety: thread-safe (stateless functions over an Env).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "env/env.h"
#include "journal/journal.h"

namespace alluxio::journal {

// The end of the open segment's range in its name.
inline constexpr SequenceNumber kOpenSegmentEnd = std::numeric_limits<int64_t>::max();
inline constexpr char kDefaultFormatPrefix[] = "_format_";

struct JournalPaths {
  explicit JournalPaths(std::string folder_path) : folder(std::move(folder_path)) {}
  std::string logs() const { return folder + "/logs"; }
  std::string checkpoints() const { return folder + "/checkpoints"; }
  std::string tmp() const { return folder + "/.tmp"; }
  std::string lock() const { return folder + "/LOCK"; }

  std::string folder;
};

// "0x<start>-0x<end>".
std::string RangeName(SequenceNumber start, SequenceNumber end);
// The range of a "0x<start>-0x<end>" name; nullopt if the name is not one (or start > end).
std::optional<std::pair<SequenceNumber, SequenceNumber>> ParseRangeName(const std::string& name);

// A file of logs/ or checkpoints/ with the range its name declares.
struct RangeFile {
  std::string path;
  SequenceNumber start = 0;
  SequenceNumber end = 0;
  bool open() const { return end == kOpenSegmentEnd; }
};

// Segments in logs/, sorted by (start, end). Names that are not ranges are skipped with a warning.
// A missing logs/ directory is an empty list.
Result<std::vector<RangeFile>> ListSegments(env::Env* env, const JournalPaths& paths);
// Checkpoints in checkpoints/, sorted by end. Names that are not "0x0-0x<end>" are skipped with a
// warning. A missing directory is an empty list.
Result<std::vector<RangeFile>> ListCheckpoints(env::Env* env, const JournalPaths& paths);

// Whether `folder` holds a child whose name starts with `prefix` (Alluxio's isFormatted). A
// missing folder is not formatted.
Result<bool> IsLocalJournalFormatted(env::Env* env, const std::string& folder,
                                     const std::string& prefix = kDefaultFormatPrefix);

// Deletes everything in `folder` (creating it if needed) and writes the marker
// <prefix><epochMillis>, durably. FailedPrecondition "Journal <folder> is in use by a running
// master" when a started journal holds its LOCK.
Status FormatLocalJournal(env::Env* env, const std::string& folder,
                          const std::string& prefix = kDefaultFormatPrefix);

}  // namespace alluxio::journal
