// SPDX-License-Identifier: Apache-2.0
// BlockHeartbeatReporter: a BlockStoreListener that accumulates the changes to report in the next
// block heartbeat (Alluxio's BlockHeartbeatReporter): blocks added (committed, or moved to a new
// location) and blocks removed (removed, evicted, lost). A later event for a block replaces an
// earlier one, so a report holds each block at most once.
//
// Thread-safety: thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <set>

#include "worker/block/block_store_listener.h"
#include "worker/block/block_types.h"

namespace alluxio::worker {

class BlockHeartbeatReporter final : public BlockStoreListener {
 public:
  struct Report {
    std::map<BlockId, BlockLocation> added;
    std::set<BlockId> removed;
    bool empty() const { return added.empty() && removed.empty(); }
  };

  // The changes since the last Take() (or Clear()), which are forgotten.
  Report Take();
  // Puts back a report that could not be delivered; changes recorded since it was taken win.
  void MergeBack(Report report);
  // Forgets everything (a full registration reports the whole store instead).
  void Clear();

  void OnBlockCommitted(BlockId block_id, const BlockLocation& location) override;
  void OnBlockRemoved(BlockId block_id, const BlockLocation& location, RemovalCause cause) override;
  void OnBlockMoved(BlockId block_id, const BlockLocation& from, const BlockLocation& to) override;
  void OnBlockLost(BlockId block_id, const BlockLocation& location) override;

 private:
  void Added(BlockId block_id, const BlockLocation& location);
  void Removed(BlockId block_id);

  std::mutex mu_;
  Report pending_;  // GUARDED_BY(mu_)
};

}  // namespace alluxio::worker
