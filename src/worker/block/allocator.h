// SPDX-License-Identifier: Apache-2.0
// Allocator: picks the tier directory a new block (or a block being moved) goes to, among dirs
// that the caller has already filtered by location hint and medium. A separate strategy from the
// eviction order (annotator.h), as CacheLib navy separates allocation from eviction. It never
// evicts: the BlockStore frees space first and asks again.
//
// Alluxio's three (alluxio.worker.allocator.class):
//   MaxFree     (default) the fastest tier that has room, and in it the dir with the most free
//               space (ties: lowest dir index).
//   RoundRobin  the fastest tier that has room, and in it the next dir after the one this tier
//               chose last time that has room (wrapping around).
//   Greedy      the first dir with room, fastest tier first, in dir order.
//
// Thread-safety: externally synchronized (the BlockStore calls it under its metadata lock);
// RoundRobin keeps state between calls.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "worker/block/store_options.h"

namespace alluxio::worker {

// Free space of one candidate dir.
struct DirSpace {
  int dir_index = 0;  // index of the dir within its tier
  int64_t available_bytes = 0;
};

// The candidate dirs of one tier, in dir-index order.
struct TierSpace {
  int tier_level = 0;
  std::vector<DirSpace> dirs;
};

struct DirChoice {
  int tier_level = 0;
  int dir_index = 0;
  friend bool operator==(const DirChoice&, const DirChoice&) = default;
};

class Allocator {
 public:
  virtual ~Allocator() = default;

  // Chooses a dir with at least `bytes` available among `tiers` (fastest first). nullopt when no
  // candidate has room. `bytes` >= 0.
  virtual std::optional<DirChoice> Allocate(const std::vector<TierSpace>& tiers, int64_t bytes) = 0;

  // Alluxio's class name, e.g. "alluxio.worker.block.allocator.MaxFreeAllocator".
  virtual std::string_view name() const = 0;
};

std::unique_ptr<Allocator> NewAllocator(AllocatorType type);

}  // namespace alluxio::worker
