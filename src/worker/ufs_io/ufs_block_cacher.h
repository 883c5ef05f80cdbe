// SPDX-License-Identifier: Apache-2.0
// UfsBlockCacher: copies blocks of persisted files from the UFS into the block store.
//   - Claims: at most one copy of a block is being cached at a time, whether by a ReadBlock stream
//     that caches as it streams (TryClaim/Release) or by a background task (Submit). Whoever does
//     not get the claim reads through without caching.
//   - Background caching (partial reads, AsyncCache RPCs): Submit queues the whole block on a
//     bounded pool; requests beyond the queue are dropped (a later read asks again).
// Cached blocks land in the top tier; the master learns about them from the next heartbeat.
//
// Thread-safety: thread-safe. Stop() joins the pool; `store` and `ufs` must outlive the cacher.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include <absl/container/flat_hash_set.h>

#include "alluxio/grpc/block_worker.pb.h"
#include "common/result.h"
#include "worker/block/block_store.h"
#include "worker/internal/task_pool.h"
#include "worker/ufs_io/ufs_manager.h"

namespace alluxio::worker {

class UfsBlockCacher {
 public:
  UfsBlockCacher(BlockStore* store, UfsManager* ufs, int threads, size_t max_queued);
  ~UfsBlockCacher();

  // Claims `block_id` for caching: false when someone else holds the claim.
  bool TryClaim(BlockId block_id);
  void Release(BlockId block_id);

  // Queues a background copy of the whole block described by `options`. False when it is not
  // needed or not possible now: the block is cached or claimed, the queue is full, or the cacher
  // stopped.
  bool Submit(BlockId block_id, const grpc::block::OpenUfsBlockOptions& options);

  // Copies the block now, on the calling thread (the caller holds no claim). OK also when the
  // block is cached meanwhile. FailedPrecondition when the UFS file's fingerprint differs from
  // options.ufs_fingerprint; DataLoss when the file is shorter than the block; the store's
  // errors (ResourceExhausted) otherwise.
  Status CacheNow(BlockId block_id, const grpc::block::OpenUfsBlockOptions& options);

  // Alias of the tier new cached blocks go to.
  const std::string& top_tier() const { return top_tier_; }

  void Stop();

 private:
  BlockStore* const store_;
  UfsManager* const ufs_;
  const std::string top_tier_;
  std::mutex mu_;
  absl::flat_hash_set<BlockId> claimed_;  // GUARDED_BY(mu_)
  std::unique_ptr<internal::TaskPool> pool_;
};

}  // namespace alluxio::worker
