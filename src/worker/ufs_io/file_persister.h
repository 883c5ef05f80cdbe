// SPDX-License-Identifier: Apache-2.0
// FilePersister: writes files from cached blocks to the UFS when the master asks (PersistFile
// commands of the file system heartbeat: ASYNC_THROUGH files, `fs persist`), and keeps the
// outcomes until the next heartbeat reports them.
//
// A file is written to `<dir of ufs_path>/<temp dir>/<name>.<16 hex>` (temp dir:
// alluxio.underfs.persistence.async.temp.dir) and renamed to ufs_path when complete, so a reader
// of the UFS never sees a partial file. Every block of the file must be cached on this worker;
// the blocks stay locked while the file is written. A failure leaves no temp file behind.
//
// Thread-safety: thread-safe. Stop() joins the pool; `store` and `ufs` must outlive the persister.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <absl/container/flat_hash_set.h>

#include "alluxio/grpc/file_system_master.pb.h"
#include "common/result.h"
#include "worker/block/block_store.h"
#include "worker/internal/task_pool.h"
#include "worker/ufs_io/ufs_manager.h"

namespace alluxio::worker {

class FilePersister {
 public:
  FilePersister(BlockStore* store, UfsManager* ufs, std::string temp_dir_name, int threads);
  ~FilePersister();

  // Queues the persist of `file` unless the same file is already queued or running.
  void Submit(const grpc::file::PersistFile& file);

  // Writes `file` now, on the calling thread. Returns the UFS fingerprint of the written file.
  // Errors: NotFound when a block is not cached here; DataLoss when the blocks do not add up to
  // file.length; the UFS's errors (AlreadyExists when ufs_path exists), with the path.
  Result<std::string> PersistNow(const grpc::file::PersistFile& file);

  // Outcomes since the last call, for the next file system heartbeat.
  std::vector<grpc::file::PersistedFile> TakeResults();
  // Puts back outcomes whose heartbeat failed (they are reported again).
  void RestoreResults(std::vector<grpc::file::PersistedFile> results);

  void Stop();

 private:
  void AddResult(grpc::file::PersistedFile result);

  BlockStore* const store_;
  UfsManager* const ufs_;
  const std::string temp_dir_name_;
  std::mutex mu_;
  absl::flat_hash_set<int64_t> in_flight_;          // GUARDED_BY(mu_); file ids
  std::vector<grpc::file::PersistedFile> results_;  // GUARDED_BY(mu_)
  std::unique_ptr<internal::TaskPool> pool_;
};

}  // namespace alluxio::worker
