// SPDX-License-Identifier: Apache-2.0
// MountTable: which UFS serves each part of the namespace. The root mount comes from
// configuration at every start (alluxio.master.mount.table.root.ufs, not journaled, as in
// Alluxio); nested mounts come from add/delete_mount_point journal entries.
// Thread-safety: externally synchronised (FileSystemMaster's state lock).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "journal/journal.h"
#include "ufs/under_file_system.h"

namespace alluxio::master {

inline constexpr int64_t kRootMountId = 1;

struct MountInfo {
  std::string alluxio_path;
  std::string ufs_uri;
  int64_t mount_id = 0;
  bool read_only = false;
  bool shared = false;
  ufs::UfsOptions options;
  std::shared_ptr<ufs::UnderFileSystem> ufs;
};

struct MountResolution {
  const MountInfo* mount = nullptr;
  std::string ufs_path;  // full UFS path of the resolved Alluxio path
};

class MountTable {
 public:
  // Sets the root mount (replacing any previous one).
  Status SetRoot(const std::string& ufs_uri, const ufs::UfsOptions& options, bool read_only,
                 bool shared);
  // Applies add_mount_point / delete_mount_point.
  Status Apply(const journal::JournalEntry& entry);
  // Removes every nested mount (keeps the root).
  void Reset();

  // The mount serving `alluxio_path` (longest prefix) and the UFS path it maps to.
  MountResolution Resolve(std::string_view alluxio_path) const;
  // The mount whose Alluxio path is exactly `alluxio_path`, or nullptr.
  const MountInfo* GetExact(std::string_view alluxio_path) const;
  // Checks that `ufs_uri` may be mounted: not a prefix of, nor below, an existing mount's UFS
  // path (Alluxio's messages). `alluxio_path` must already be validated as new.
  Status CheckNewMount(std::string_view alluxio_path, std::string_view ufs_uri) const;
  int64_t NextMountId() const;

  // Every mount, ordered by Alluxio path.
  std::vector<const MountInfo*> All() const;
  // Nested mounts as journal entries (for checkpoints).
  std::vector<journal::JournalEntry> ToEntries() const;

 private:
  std::map<std::string, MountInfo, std::less<>> mounts_;  // by Alluxio path
};

}  // namespace alluxio::master
