// SPDX-License-Identifier: Apache-2.0
#include "worker/sync/block_heartbeat_reporter.h"

#include <utility>

namespace alluxio::worker {

BlockHeartbeatReporter::Report BlockHeartbeatReporter::Take() {
  std::lock_guard<std::mutex> l(mu_);
  return std::exchange(pending_, {});
}

void BlockHeartbeatReporter::MergeBack(Report report) {
  std::lock_guard<std::mutex> l(mu_);
  for (auto& [id, loc] : report.added) {
    if (!pending_.added.contains(id) && !pending_.removed.contains(id)) pending_.added[id] = loc;
  }
  for (BlockId id : report.removed) {
    if (!pending_.added.contains(id)) pending_.removed.insert(id);
  }
}

void BlockHeartbeatReporter::Clear() {
  std::lock_guard<std::mutex> l(mu_);
  pending_ = {};
}

void BlockHeartbeatReporter::Added(BlockId block_id, const BlockLocation& location) {
  std::lock_guard<std::mutex> l(mu_);
  pending_.removed.erase(block_id);
  pending_.added[block_id] = location;
}

void BlockHeartbeatReporter::Removed(BlockId block_id) {
  std::lock_guard<std::mutex> l(mu_);
  pending_.added.erase(block_id);
  pending_.removed.insert(block_id);
}

void BlockHeartbeatReporter::OnBlockCommitted(BlockId block_id, const BlockLocation& location) {
  Added(block_id, location);
}

void BlockHeartbeatReporter::OnBlockRemoved(BlockId block_id, const BlockLocation&, RemovalCause) {
  Removed(block_id);
}

void BlockHeartbeatReporter::OnBlockMoved(BlockId block_id, const BlockLocation&,
                                          const BlockLocation& to) {
  // The master keeps one location per worker and block: the new one replaces the old.
  Added(block_id, to);
}

void BlockHeartbeatReporter::OnBlockLost(BlockId block_id, const BlockLocation&) {
  Removed(block_id);
}

}  // namespace alluxio::worker
