// SPDX-License-Identifier: Apache-2.0
#include "worker/sync/block_heartbeat_reporter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace alluxio::worker {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

BlockLocation Loc(std::string alias) {
  BlockLocation l;
  l.tier_alias = alias;
  l.medium_type = alias;
  return l;
}

TEST(BlockHeartbeatReporterTest, LaterEventForABlockReplacesTheEarlierOne) {
  BlockHeartbeatReporter r;
  r.OnBlockCommitted(1, Loc("MEM"));
  r.OnBlockCommitted(2, Loc("MEM"));
  r.OnBlockRemoved(2, Loc("MEM"), RemovalCause::kEvicted);
  r.OnBlockMoved(1, Loc("MEM"), Loc("SSD"));
  r.OnBlockLost(3, Loc("HDD"));
  BlockHeartbeatReporter::Report rep = r.Take();
  ASSERT_EQ(rep.added.size(), 1u);
  EXPECT_EQ(rep.added.at(1).tier_alias, "SSD");
  EXPECT_THAT(rep.removed, ElementsAre(2, 3));
  EXPECT_TRUE(r.Take().empty());
}

TEST(BlockHeartbeatReporterTest, MergeBackKeepsNewerEvents) {
  BlockHeartbeatReporter r;
  r.OnBlockCommitted(1, Loc("MEM"));
  r.OnBlockCommitted(2, Loc("MEM"));
  r.OnBlockRemoved(5, Loc("MEM"), RemovalCause::kRemoved);
  r.OnBlockRemoved(6, Loc("MEM"), RemovalCause::kRemoved);
  BlockHeartbeatReporter::Report failed = r.Take();
  // After the failed heartbeat: 1 is removed, 5 is back.
  r.OnBlockRemoved(1, Loc("MEM"), RemovalCause::kRemoved);
  r.OnBlockCommitted(5, Loc("SSD"));
  r.MergeBack(std::move(failed));
  BlockHeartbeatReporter::Report rep = r.Take();
  EXPECT_THAT(rep.added, ElementsAre(Pair(2, ::testing::_), Pair(5, ::testing::_)));
  EXPECT_EQ(rep.added.at(5).tier_alias, "SSD");
  EXPECT_THAT(rep.removed, ElementsAre(1, 6));
}

TEST(BlockHeartbeatReporterTest, ClearForgetsEverything) {
  BlockHeartbeatReporter r;
  r.OnBlockCommitted(1, Loc("MEM"));
  r.OnBlockRemoved(2, Loc("MEM"), RemovalCause::kRemoved);
  r.Clear();
  BlockHeartbeatReporter::Report rep = r.Take();
  EXPECT_THAT(rep.added, IsEmpty());
  EXPECT_THAT(rep.removed, IsEmpty());
}

}  // namespace
}  // namespace alluxio::worker
