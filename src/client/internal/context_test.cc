// SPDX-License-Identifier: Apache-2.0
// Context's record of the blocks a client's streams are caching on this host's worker, which a
// stream whose locations list no copy waits for and reads (FileInStream::OpenBlock).
#include "client/internal/context.h"

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

namespace alluxio::client::internal {
namespace {

using Wait = Context::CachingWait;
using Clock = std::chrono::steady_clock;

Context MakeContext() { return Context(nullptr, DataOptions(), "localhost"); }

TEST(ContextCachingTest, OneStreamCachesABlockAndTheOthersReadItsCopy) {
  Context ctx = MakeContext();
  EXPECT_EQ(ctx.WaitForCaching(7, Clock::now()), Wait::kNotCaching);
  ASSERT_TRUE(ctx.TryBeginCaching(7));
  EXPECT_FALSE(ctx.TryBeginCaching(7)) << "a second stream would copy the block again";
  EXPECT_EQ(ctx.WaitForCaching(7, Clock::now()), Wait::kTimedOut);
  Wait waited = Wait::kNotCaching;
  std::thread waiter(
      [&] { waited = ctx.WaitForCaching(7, Clock::now() + std::chrono::minutes(1)); });
  ctx.EndCaching(7, /*cached=*/true);
  waiter.join();
  EXPECT_EQ(waited, Wait::kCached);
  EXPECT_EQ(ctx.WaitForCaching(7, Clock::now()), Wait::kCached) << "remembered once cached";
  EXPECT_TRUE(ctx.TryBeginCaching(8));
}

TEST(ContextCachingTest, AFailedCopyIsNotTakenForACachedBlock) {
  Context ctx = MakeContext();
  ASSERT_TRUE(ctx.TryBeginCaching(9));
  ctx.EndCaching(9, /*cached=*/false);
  EXPECT_EQ(ctx.WaitForCaching(9, Clock::now()), Wait::kNotCaching);
  EXPECT_TRUE(ctx.TryBeginCaching(9)) << "the next stream tries again";
}

TEST(ContextCachingTest, OnlyTheLatestCachedBlocksAreRemembered) {
  Context ctx = MakeContext();
  for (int64_t id = 1; id <= 1025; ++id) {
    ASSERT_TRUE(ctx.TryBeginCaching(id));
    ctx.EndCaching(id, /*cached=*/true);
  }
  EXPECT_EQ(ctx.WaitForCaching(1, Clock::now()), Wait::kNotCaching);  // the oldest, forgotten
  EXPECT_EQ(ctx.WaitForCaching(2, Clock::now()), Wait::kCached);
  EXPECT_EQ(ctx.WaitForCaching(1025, Clock::now()), Wait::kCached);
}

}  // namespace
}  // namespace alluxio::client::internal
