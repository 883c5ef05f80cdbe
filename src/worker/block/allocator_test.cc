// SPDX-License-Identifier: Apache-2.0
#include "worker/block/allocator.h"

#include <gtest/gtest.h>

namespace alluxio::worker {
namespace {

// MEM with dirs of 10 and 30 free bytes; SSD with 100, 50, 100.
std::vector<TierSpace> View() {
  return {TierSpace{0, {DirSpace{0, 10}, DirSpace{1, 30}}},
          TierSpace{1, {DirSpace{0, 100}, DirSpace{1, 50}, DirSpace{2, 100}}}};
}

TEST(AllocatorTest, MaxFreeTakesTheEmptiestDirOfTheFastestTierWithRoom) {
  auto a = NewAllocator(AllocatorType::kMaxFree);
  EXPECT_EQ(a->name(), "alluxio.worker.block.allocator.MaxFreeAllocator");
  EXPECT_EQ(a->Allocate(View(), 5), (DirChoice{0, 1}));
  EXPECT_EQ(a->Allocate(View(), 30), (DirChoice{0, 1}));
  EXPECT_EQ(a->Allocate(View(), 31), (DirChoice{1, 0}));  // tie between 0 and 2: lowest index
  EXPECT_EQ(a->Allocate(View(), 101), std::nullopt);
  EXPECT_EQ(a->Allocate({}, 0), std::nullopt);
}

TEST(AllocatorTest, GreedyTakesTheFirstDirWithRoom) {
  auto a = NewAllocator(AllocatorType::kGreedy);
  EXPECT_EQ(a->name(), "alluxio.worker.block.allocator.GreedyAllocator");
  EXPECT_EQ(a->Allocate(View(), 5), (DirChoice{0, 0}));
  EXPECT_EQ(a->Allocate(View(), 20), (DirChoice{0, 1}));
  EXPECT_EQ(a->Allocate(View(), 60), (DirChoice{1, 0}));
  EXPECT_EQ(a->Allocate(View(), 1000), std::nullopt);
}

TEST(AllocatorTest, RoundRobinCyclesThroughTheDirsOfATier) {
  auto a = NewAllocator(AllocatorType::kRoundRobin);
  EXPECT_EQ(a->name(), "alluxio.worker.block.allocator.RoundRobinAllocator");
  std::vector<TierSpace> ssd_only = {View()[1]};
  EXPECT_EQ(a->Allocate(ssd_only, 10), (DirChoice{1, 0}));
  EXPECT_EQ(a->Allocate(ssd_only, 10), (DirChoice{1, 1}));
  EXPECT_EQ(a->Allocate(ssd_only, 10), (DirChoice{1, 2}));
  EXPECT_EQ(a->Allocate(ssd_only, 10), (DirChoice{1, 0}));
  // Dirs without room are skipped; the cycle continues after the one chosen.
  EXPECT_EQ(a->Allocate(ssd_only, 60), (DirChoice{1, 2}));
  EXPECT_EQ(a->Allocate(ssd_only, 60), (DirChoice{1, 0}));
  // The fastest tier with room wins; each tier keeps its own position.
  EXPECT_EQ(a->Allocate(View(), 10), (DirChoice{0, 0}));
  EXPECT_EQ(a->Allocate(View(), 10), (DirChoice{0, 1}));
  EXPECT_EQ(a->Allocate(View(), 40), (DirChoice{1, 1}));
  EXPECT_EQ(a->Allocate(View(), 1000), std::nullopt);
}

TEST(AllocatorTest, RoundRobinWorksOnFilteredDirLists) {
  auto a = NewAllocator(AllocatorType::kRoundRobin);
  // Only dirs 0 and 2 are candidates (e.g. filtered by medium).
  std::vector<TierSpace> view = {TierSpace{1, {DirSpace{0, 100}, DirSpace{2, 100}}}};
  EXPECT_EQ(a->Allocate(view, 1), (DirChoice{1, 0}));
  EXPECT_EQ(a->Allocate(view, 1), (DirChoice{1, 2}));
  EXPECT_EQ(a->Allocate(view, 1), (DirChoice{1, 0}));
}

}  // namespace
}  // namespace alluxio::worker
