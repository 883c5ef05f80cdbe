// SPDX-License-Identifier: Apache-2.0
#include "worker/block/allocator.h"

#include <map>

namespace alluxio::worker {
namespace {

class MaxFreeAllocator final : public Allocator {
 public:
  std::optional<DirChoice> Allocate(const std::vector<TierSpace>& tiers, int64_t bytes) override {
    for (const TierSpace& tier : tiers) {
      const DirSpace* best = nullptr;
      for (const DirSpace& dir : tier.dirs) {
        if (best == nullptr || dir.available_bytes > best->available_bytes) best = &dir;
      }
      if (best != nullptr && best->available_bytes >= bytes) {
        return DirChoice{tier.tier_level, best->dir_index};
      }
    }
    return std::nullopt;
  }
  std::string_view name() const override { return AllocatorClassName(AllocatorType::kMaxFree); }
};

class RoundRobinAllocator final : public Allocator {
 public:
  std::optional<DirChoice> Allocate(const std::vector<TierSpace>& tiers, int64_t bytes) override {
    for (const TierSpace& tier : tiers) {
      auto last = last_dir_.find(tier.tier_level);
      int after = last == last_dir_.end() ? -1 : last->second;
      const DirSpace* chosen = nullptr;
      // The first dir past the last choice with room, else the first with room from the start.
      for (const DirSpace& dir : tier.dirs) {
        if (dir.dir_index > after && dir.available_bytes >= bytes) {
          chosen = &dir;
          break;
        }
      }
      if (chosen == nullptr) {
        for (const DirSpace& dir : tier.dirs) {
          if (dir.dir_index > after) break;
          if (dir.available_bytes >= bytes) {
            chosen = &dir;
            break;
          }
        }
      }
      if (chosen != nullptr) {
        last_dir_[tier.tier_level] = chosen->dir_index;
        return DirChoice{tier.tier_level, chosen->dir_index};
      }
    }
    return std::nullopt;
  }
  std::string_view name() const override { return AllocatorClassName(AllocatorType::kRoundRobin); }

 private:
  std::map<int, int> last_dir_;  // tier level -> dir index chosen last
};

class GreedyAllocator final : public Allocator {
 public:
  std::optional<DirChoice> Allocate(const std::vector<TierSpace>& tiers, int64_t bytes) override {
    for (const TierSpace& tier : tiers) {
      for (const DirSpace& dir : tier.dirs) {
        if (dir.available_bytes >= bytes) return DirChoice{tier.tier_level, dir.dir_index};
      }
    }
    return std::nullopt;
  }
  std::string_view name() const override { return AllocatorClassName(AllocatorType::kGreedy); }
};

}  // namespace

std::unique_ptr<Allocator> NewAllocator(AllocatorType type) {
  switch (type) {
    case AllocatorType::kMaxFree:
      return std::make_unique<MaxFreeAllocator>();
    case AllocatorType::kRoundRobin:
      return std::make_unique<RoundRobinAllocator>();
    case AllocatorType::kGreedy:
      return std::make_unique<GreedyAllocator>();
  }
  return std::make_unique<MaxFreeAllocator>();
}

}  // namespace alluxio::worker
