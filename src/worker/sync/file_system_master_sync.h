// SPDX-License-Identifier: Apache-2.0
// FileSystemMasterSync: the worker's link to the file system master (Alluxio's
// FileSystemMasterSync and PinListSync). Every `interval_ms`, once the worker has an id:
//   - FileSystemHeartbeat reports the outcomes of finished persists and receives PersistFile
//     commands, which go to the FilePersister (outcomes of a failed heartbeat are reported again);
//   - GetPinnedFileIds refreshes the block store's pinned set (pinned blocks are not evicted).
//
// Thread-safety: thread-safe. One background thread (Start/Stop); HeartbeatOnce may be called from
// any thread and is serialised with it.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

#include "common/result.h"
#include "worker/block/block_store.h"
#include "worker/internal/active_calls.h"
#include "worker/ufs_io/file_persister.h"

namespace alluxio::rpc {
class MasterClient;
}

namespace alluxio::worker {

class FileSystemMasterSync {
 public:
  // `store`, `master` (a client of FileSystemMasterWorkerService) and `persister` must outlive the
  // sync. `worker_id` returns 0 while the worker has no id (rounds are skipped then).
  FileSystemMasterSync(BlockStore* store, rpc::MasterClient* master, FilePersister* persister,
                       std::function<int64_t()> worker_id, int64_t interval_ms);
  ~FileSystemMasterSync();

  void Start();
  // Joins the thread and cancels calls in flight. Idempotent.
  void Stop();

  // One heartbeat and one pin-list refresh now. FailedPrecondition while the worker has no id.
  Status HeartbeatOnce();

 private:
  Status RoundLocked();
  void Loop();

  BlockStore* const store_;
  rpc::MasterClient* const master_;
  FilePersister* const persister_;
  const std::function<int64_t()> worker_id_;
  const int64_t interval_ms_;
  internal::ActiveCalls calls_;

  std::mutex round_mu_;  // serialises rounds
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace alluxio::worker
