// SPDX-License-Identifier: Apache-2.0
// UfsManager: the worker's view of the UFS mounts. Resolves a mount id to its UnderFileSystem by
// asking the file system master (FileSystemMasterWorkerService.GetUfsInfo) once and keeping the
// object; a request without a mount id gets a UFS made from the path's scheme.
// Also the worker's fingerprint check: data is read from the UFS only when the file is still the
// one the master described.
//
// Thread-safety: thread-safe. Get() may block on the master (never called with a block lock
// held).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/result.h"
#include "ufs/under_file_system.h"

namespace alluxio::rpc {
class MasterClient;
}

namespace alluxio::worker {

class UfsManager {
 public:
  // `fs_master` (FileSystemMasterWorkerService; may be null: only path-based lookups work) must
  // outlive the manager.
  explicit UfsManager(rpc::MasterClient* fs_master) : fs_master_(fs_master) {}

  // The UFS serving `ufs_path` of mount `mount_id` (negative: none given). Errors: those of
  // GetUfsInfo (NotFound for an unknown mount), InvalidArgument for an unknown scheme.
  Result<std::shared_ptr<ufs::UnderFileSystem>> Get(int64_t mount_id, const std::string& ufs_path);

  // OK when `expected` (the master's fingerprint: the full UfsStatus::Fingerprint() string or its
  // "h:<16 hex>" hash form) describes the file at `ufs_path` now, or when `expected` is empty.
  // FailedPrecondition naming the path otherwise: the file changed since the master loaded it and
  // its data must not be served as the old file's.
  static Status CheckFingerprint(ufs::UnderFileSystem* ufs, const std::string& ufs_path,
                                 const std::string& expected);

 private:
  rpc::MasterClient* const fs_master_;
  std::mutex mu_;
  std::map<int64_t, std::shared_ptr<ufs::UnderFileSystem>> by_mount_;  // GUARDED_BY(mu_)
};

// The hash form of a UFS fingerprint, "h:<16 hex digits>", as the master keeps it in inodes
// (ufs/fingerprint.h).
std::string FingerprintHashString(const std::string& fingerprint);

// Splits "<dir>/<name>" at the last '/': ("s3://b/x/y" -> "s3://b/x", "y"; "/y" -> "/", "y").
std::pair<std::string, std::string> SplitUfsPath(const std::string& path);

}  // namespace alluxio::worker
