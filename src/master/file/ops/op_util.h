// SPDX-License-Identifier: Apache-2.0
// Small helpers shared by the operation files of FileSystemMaster.
#pragma once

#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "alluxio/grpc/common.pb.h"
#include "journal/journal.h"
#include "master/file/inode_tree.h"

namespace alluxio::master::internal {

// Wraps several entries into one batch record (or returns the single entry).
inline journal::JournalEntry Batch(std::vector<journal::JournalEntry> entries) {
  if (entries.size() == 1) return std::move(entries[0]);
  journal::JournalEntry batch;
  for (auto& e : entries) *batch.add_journal_entries() = std::move(e);
  return batch;
}

// FailedPrecondition when an existing ancestor of `path` (below which something is to be
// created) is a file.
inline Status CheckAncestorsAreDirectories(const ResolvedPath& r, std::string_view path) {
  size_t n = r.found() ? r.inodes.size() - 1 : r.inodes.size();
  for (size_t i = 0; i < n; ++i) {
    if (!r.inodes[i]->is_directory) {
      return FailedPreconditionError(
          fmt::format("Traversal failed for path {}. Component {}({}) is a file, not a directory.",
                      path, i, r.inodes[i]->name));
    }
  }
  return Status();
}

// The client's metadata sync interval of a call (-1 when unset: never sync).
inline int64_t SyncIntervalOf(const ::alluxio::grpc::FileSystemMasterCommonPOptions& common) {
  return common.has_sync_interval_ms() ? common.sync_interval_ms() : -1;
}

inline Status PathDoesNotExist(std::string_view path) {
  return NotFoundError(fmt::format("Path \"{}\" does not exist.", path));
}

}  // namespace alluxio::master::internal
