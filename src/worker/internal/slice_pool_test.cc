// SPDX-License-Identifier: Apache-2.0
#include "worker/internal/slice_pool.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace alluxio::worker::internal {
namespace {

TEST(SlicePoolTest, ADroppedSlicesBufferIsReused) {
  auto pool = SlicePool::Create(1024);
  uintptr_t first = 0;  // the buffer's address (the slice that showed it is gone)
  {
    ::grpc::Slice a = pool->Take(1024);
    std::memset(SlicePool::MutableData(a), 'a', a.size());
    first = reinterpret_cast<uintptr_t>(a.begin());
    EXPECT_EQ(pool->idle(), 0u);
  }
  EXPECT_EQ(pool->idle(), 1u);
  ::grpc::Slice b = pool->Take(10);  // a shorter slice over the same buffer
  EXPECT_EQ(b.size(), 10u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(b.begin()), first);
  EXPECT_EQ(pool->allocated(), 1u);
  ::grpc::Slice c = pool->Take(10);  // the buffer is in use: a new one
  EXPECT_NE(c.begin(), b.begin());
  EXPECT_EQ(pool->allocated(), 2u);
}

TEST(SlicePoolTest, SlicesKeepThePoolAliveAndCopiesShareTheBuffer) {
  ::grpc::Slice kept;
  {
    auto pool = SlicePool::Create(16);
    ::grpc::Slice s = pool->Take(5);
    std::memcpy(SlicePool::MutableData(s), "hello", 5);
    kept = s;  // another reference (as gRPC holds one while sending)
  }            // the pool's last shared_ptr outside the slices is gone
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(kept.begin()), kept.size()), "hello");
}

TEST(SlicePoolTest, AtMostMaxIdleBuffersAreKept) {
  auto pool = SlicePool::Create(16, /*max_idle=*/2);
  {
    std::vector<::grpc::Slice> slices;
    for (int i = 0; i < 5; ++i) slices.push_back(pool->Take(16));
  }
  EXPECT_EQ(pool->idle(), 2u);
  EXPECT_EQ(pool->allocated(), 5u);
}

}  // namespace
}  // namespace alluxio::worker::internal
