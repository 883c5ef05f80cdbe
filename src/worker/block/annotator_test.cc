// SPDX-License-Identifier: Apache-2.0
#include "worker/block/annotator.h"

#include <cmath>
#include <map>
#include <random>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace alluxio::worker {
namespace {

using ::testing::ElementsAre;

std::vector<BlockId> Order(const Annotator& a) {
  std::vector<BlockId> out;
  a.ForEachInEvictionOrder([&](BlockId id) {
    out.push_back(id);
    return true;
  });
  return out;
}

StoreOptions Lrfu(double step, double attenuation) {
  StoreOptions o;
  o.annotator = AnnotatorType::kLrfu;
  o.lrfu_step_factor = step;
  o.lrfu_attenuation_factor = attenuation;
  return o;
}

TEST(LruAnnotatorTest, EvictsLeastRecentlyUsedFirst) {
  auto a = NewAnnotator(StoreOptions{});
  EXPECT_EQ(a->name(), "alluxio.worker.block.annotator.LRUAnnotator");
  a->Insert(1);
  a->Insert(2);
  a->Insert(3);
  EXPECT_THAT(Order(*a), ElementsAre(1, 2, 3));
  a->Access(1);
  EXPECT_THAT(Order(*a), ElementsAre(2, 3, 1));
  a->Insert(2);  // re-insert counts as an access
  EXPECT_THAT(Order(*a), ElementsAre(3, 1, 2));
  a->Remove(3);
  a->Remove(42);  // unknown: no-op
  a->Access(42);
  EXPECT_THAT(Order(*a), ElementsAre(1, 2));
  EXPECT_EQ(a->size(), 2u);
}

TEST(LruAnnotatorTest, VisitCanStopEarly) {
  auto a = NewAnnotator(StoreOptions{});
  for (BlockId id = 1; id <= 5; id++) a->Insert(id);
  std::vector<BlockId> seen;
  a->ForEachInEvictionOrder([&](BlockId id) {
    seen.push_back(id);
    return seen.size() < 2;
  });
  EXPECT_THAT(seen, ElementsAre(1, 2));
}

TEST(LrfuAnnotatorTest, FrequentlyUsedBlockOutlivesNewerOnes) {
  // Block 1 is read four times, then 2 and 3 arrive. LRU would evict 1 first; LRFU with the
  // default factors (step 0.25, attenuation 2) keeps it: at clock 7 its CRF is
  // (1 + 2^-0.25 + 2^-0.5 + 2^-0.75 + 2^-1) * 2^-0.5 = 2.57 > 1 (block 3) > 2^-0.25 (block 2).
  auto lrfu = NewAnnotator(Lrfu(0.25, 2.0));
  auto lru = NewAnnotator(StoreOptions{});
  EXPECT_EQ(lrfu->name(), "alluxio.worker.block.annotator.LRFUAnnotator");
  for (Annotator* a : {lrfu.get(), lru.get()}) {
    a->Insert(1);
    for (int i = 0; i < 4; i++) a->Access(1);
    a->Insert(2);
    a->Insert(3);
  }
  EXPECT_THAT(Order(*lru), ElementsAre(1, 2, 3));
  EXPECT_THAT(Order(*lrfu), ElementsAre(2, 3, 1));
}

TEST(LrfuAnnotatorTest, StepZeroIsLfuWithOldestFirstOnTies) {
  auto a = NewAnnotator(Lrfu(0.0, 2.0));
  a->Insert(1);
  a->Insert(2);
  a->Insert(3);
  a->Access(1);
  a->Access(1);
  a->Access(3);
  EXPECT_THAT(Order(*a), ElementsAre(2, 3, 1));
  a->Insert(4);
  EXPECT_THAT(Order(*a), ElementsAre(2, 4, 3, 1));
}

// The model: CRF(now) = sum over accesses t of attenuation^(-step * (now - t)).
TEST(LrfuAnnotatorTest, MatchesBruteForceCrfOnRandomHistories) {
  for (double step : {0.0, 0.1, 0.25, 1.0}) {
    for (double attenuation : {2.0, 3.5}) {
      auto a = NewAnnotator(Lrfu(step, attenuation));
      std::mt19937 rng(static_cast<uint32_t>(step * 100 + attenuation));
      std::map<BlockId, std::vector<int64_t>> history;
      int64_t clock = 0;
      for (int op = 0; op < 400; op++) {
        BlockId id = static_cast<BlockId>(rng() % 25);
        int kind = static_cast<int>(rng() % 10);
        if (kind == 0) {
          a->Remove(id);
          history.erase(id);
        } else if (!history.contains(id)) {
          a->Insert(id);
          history[id].push_back(++clock);
        } else {
          a->Access(id);
          history[id].push_back(++clock);
        }
      }
      std::vector<std::pair<std::pair<double, int64_t>, BlockId>> expected;
      for (const auto& [id, times] : history) {
        double crf = 0;
        for (int64_t t : times)
          crf += std::pow(attenuation, -step * static_cast<double>(clock - t));
        expected.push_back({{crf, times.back()}, id});
      }
      std::sort(expected.begin(), expected.end());
      std::vector<BlockId> want;
      for (const auto& e : expected) want.push_back(e.second);
      EXPECT_EQ(Order(*a), want) << "step " << step << " attenuation " << attenuation;
      EXPECT_EQ(a->size(), history.size());
    }
  }
}

}  // namespace
}  // namespace alluxio::worker
