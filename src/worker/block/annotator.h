// SPDX-License-Identifier: Apache-2.0
// Annotator: the eviction order of committed blocks (Alluxio 2.3+ BlockAnnotator; CacheLib navy's
// EvictionPolicy). It only orders: the BlockStore decides which blocks may go (not pinned, not
// locked, in the right dir) and walks candidates coldest first. One order spans all tiers.
//
// Alluxio's two (alluxio.worker.block.annotator.class):
//   LRU   (default) least recently inserted or accessed first.
//   LRFU  combined recency and frequency. A logical clock ticks on every insert and access. Each
//         block has a CRF (combined recency-frequency) value; an access at clock t updates
//           crf = crf_last * F(t - t_last) + 1,   F(x) = (1 / attenuation) ^ (step * x)
//         and a new block starts at crf = 1. Blocks are evicted in increasing order of their CRF
//         at the current clock, crf * F(now - t_last). step = 0 gives LFU; a large step, LRU.
//         Because F is exponential the order does not change as the clock advances, so it is
//         kept sorted by ln(crf) + step * ln(attenuation) * t_last (equal orders), O(log n).
//
// Thread-safety: externally synchronized (the BlockStore's metadata lock).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string_view>

#include "worker/block/block_types.h"
#include "worker/block/store_options.h"

namespace alluxio::worker {

class Annotator {
 public:
  virtual ~Annotator() = default;

  // A block was committed (or found at restart): it becomes the most recently used. Inserting a
  // tracked block counts as an access.
  virtual void Insert(BlockId id) = 0;
  // A block was read. No-op for an untracked block.
  virtual void Access(BlockId id) = 0;
  // A block left the store. No-op for an untracked block.
  virtual void Remove(BlockId id) = 0;
  // Calls `visit` on tracked blocks, the first to evict first, until it returns false. `visit`
  // must not call back into the annotator.
  virtual void ForEachInEvictionOrder(const std::function<bool(BlockId)>& visit) const = 0;
  virtual size_t size() const = 0;
  // Alluxio's class name, e.g. "alluxio.worker.block.annotator.LRUAnnotator".
  virtual std::string_view name() const = 0;
};

// REQUIRES: options.Validate() is OK (the LRFU factors are in range).
std::unique_ptr<Annotator> NewAnnotator(const StoreOptions& options);

}  // namespace alluxio::worker
