// SPDX-License-Identifier: Apache-2.0
// BlockStoreListener: what the block store tells the rest of the worker (the heartbeat reporter
// collects added and removed blocks and lost storage for the master; metrics count evictions).
//
// Delivery: events are delivered in the order the store changed state, one at a time, on the
// thread of some store operation (usually the one that caused it), with no store lock held. A
// listener may call the store's getters; a mutating call from inside a listener is allowed but
// its own events are delivered after the current one returns. Listeners must be thread-safe with
// respect to everything else they touch and must not block for long.
#pragma once

#include <string>

#include "worker/block/block_types.h"

namespace alluxio::worker {

enum class RemovalCause {
  kRemoved,  // RemoveBlock (free or delete from the master, a client's request)
  kEvicted,  // to make room for another block
};

class BlockStoreListener {
 public:
  virtual ~BlockStoreListener() = default;

  // A block was committed (it is now readable at `location`).
  virtual void OnBlockCommitted(BlockId block_id, const BlockLocation& location) {}
  // A committed block left the store.
  virtual void OnBlockRemoved(BlockId block_id, const BlockLocation& location, RemovalCause cause) {
  }
  // A committed block moved between tiers (CACHE_PROMOTE, MoveBlock).
  virtual void OnBlockMoved(BlockId block_id, const BlockLocation& from, const BlockLocation& to) {}
  // A committed block was dropped because its file is corrupt or missing, or its dir was lost.
  virtual void OnBlockLost(BlockId block_id, const BlockLocation& location) {}
  // A tier directory became unusable (CheckStorage). Its blocks were reported lost first.
  virtual void OnStorageLost(const std::string& tier_alias, const std::string& dir_path) {}
};

}  // namespace alluxio::worker
