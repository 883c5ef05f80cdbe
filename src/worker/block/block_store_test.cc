// SPDX-License-Identifier: Apache-2.0
// BlockStore behaviour on one open store: the block lifecycle, allocation, eviction, pinning,
// locking, moves, verification, sessions, lost storage and listener events. Restart:
// block_store_restart_test.cc; concurrency: block_store_stress_test.cc.
#include "worker/block/block_store.h"

#include <filesystem>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "env/testing/fault_injecting_env.h"
#include "worker/block/test_util.h"

namespace alluxio::worker {
namespace {

using testing::BlockContent;
using testing::DirSpec;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::ListDir;
using testing::ReadFile;
using testing::RecordingListener;
using testing::TempFolder;
using testing::TierSpec;
using testing::WriteBlock;
using testing::WriteFile;

constexpr SessionId kSession = 1;

class BlockStoreTest : public ::testing::Test {
 protected:
  void Open(const std::vector<TierSpec>& tiers,
            const std::function<void(StoreOptions*)>& tweak = nullptr, env::Env* env = nullptr) {
    options_ = testing::MakeOptions(root_, tiers);
    if (tweak) tweak(&options_);
    store_.reset();
    Result<std::unique_ptr<BlockStore>> s = BlockStore::Open(options_, env);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = *std::move(s);
    store_->AddListener(&events_);
  }
  // A single MEM dir with `quota` bytes.
  void OpenMem(int64_t quota, const std::function<void(StoreOptions*)>& tweak = nullptr) {
    Open({TierSpec{"MEM", {DirSpec{"mem", quota}}}}, tweak);
  }

  Status Write(BlockId id, int64_t length, BlockLocationHint hint = {}, bool pinned = false) {
    return WriteBlock(store_.get(), kSession, id, BlockContent(id, length), hint, pinned);
  }
  std::string TierOf(BlockId id) {
    Result<BlockInfo> info = store_->GetBlockInfo(id);
    return info.ok() ? info->location.tier_alias : "none";
  }
  std::vector<BlockId> Blocks() {
    std::vector<BlockId> ids;
    for (const TierMeta& t : store_->GetStoreMeta(true).tiers) {
      for (const DirMeta& d : t.dirs) ids.insert(ids.end(), d.block_ids.begin(), d.block_ids.end());
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  }
  std::string DataDir(std::string_view name) { return root_.Sub(name) + "/alluxioworker"; }

  TempFolder root_;
  env::FaultInjectingEnv env_{env::Env::Default()};  // outlives store_
  StoreOptions options_;
  std::unique_ptr<BlockStore> store_;
  RecordingListener events_;
};

// ---- Lifecycle ----

TEST_F(BlockStoreTest, CreateWriteCommitLockReadRemove) {
  OpenMem(1000);
  Result<std::string> tmp = store_->CreateBlock(kSession, 42, {}, 100);
  ASSERT_TRUE(tmp.ok()) << tmp.status().ToString();
  EXPECT_EQ(*tmp, DataDir("mem") + "/.tmp_blocks/1/1-2a");
  EXPECT_EQ(ReadFile(*tmp), "");                      // created empty
  EXPECT_EQ(store_->GetStoreMeta().used_bytes, 100);  // reserved
  EXPECT_FALSE(store_->HasBlock(42));

  WriteFile(*tmp, "hello block");
  ASSERT_TRUE(store_->CommitBlock(kSession, 42).ok());
  EXPECT_FALSE(std::filesystem::exists(*tmp));
  StoreMeta meta = store_->GetStoreMeta();
  EXPECT_EQ(meta.used_bytes, 11);  // unused reservation released
  EXPECT_EQ(meta.num_blocks, 1);

  Result<LockedBlock> lock = store_->LockBlock(7, 42);
  ASSERT_TRUE(lock.ok()) << lock.status().ToString();
  EXPECT_EQ(lock->path, DataDir("mem") + "/42");
  EXPECT_EQ(lock->length, 11);
  EXPECT_EQ(lock->location.tier_alias, "MEM");
  EXPECT_EQ(lock->location.dir_path, root_.Sub("mem"));
  EXPECT_EQ(ReadFile(lock->path), "hello block");
  EXPECT_EQ(store_->GetBlockInfo(42)->readers, 1);
  ASSERT_TRUE(store_->UnlockBlock(lock->lock_id).ok());
  EXPECT_EQ(store_->UnlockBlock(lock->lock_id).code(), StatusCode::kNotFound);

  ASSERT_TRUE(store_->RemoveBlock(42).ok());
  EXPECT_FALSE(store_->HasBlock(42));
  EXPECT_FALSE(std::filesystem::exists(DataDir("mem") + "/42"));
  EXPECT_EQ(store_->GetStoreMeta().used_bytes, 0);
  EXPECT_EQ(store_->RemoveBlock(42).code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->LockBlock(kSession, 42).status().message(), "BlockId 42 not found");
  EXPECT_THAT(events_.Take(), ElementsAre("commit 42 MEM", "remove 42 MEM"));
  BlockStoreCounters c = store_->counters();
  EXPECT_EQ(c.blocks_created, 1);
  EXPECT_EQ(c.blocks_committed, 1);
  EXPECT_EQ(c.blocks_removed, 1);
  EXPECT_EQ(c.locks, 1);
  EXPECT_EQ(c.failed_calls, 3);
}

// A writer that hashed what it wrote hands the checksum to the commit, which then checks only the
// length: the recorded checksum is the writer's (VerifyBlock holds the file to it).
TEST_F(BlockStoreTest, CommitTakesTheWritersChecksum) {
  OpenMem(1000);
  Result<std::string> tmp = store_->CreateBlock(kSession, 1, {}, 100);
  ASSERT_TRUE(tmp.ok());
  WriteFile(*tmp, "hello block");
  const ManifestEntry short_claim{5, BlockChecksum("hello")};
  Status s = store_->CommitBlock(kSession, 1, false, &short_claim);
  EXPECT_EQ(s.code(), StatusCode::kDataLoss) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr("holds 11 bytes but 5 were written"));
  EXPECT_FALSE(store_->HasBlock(1));  // the temp block stays writable
  const ManifestEntry right{11, BlockChecksum("hello block")};
  ASSERT_TRUE(store_->CommitBlock(kSession, 1, false, &right).ok());
  EXPECT_EQ(*store_->VerifyBlock(1), VerifyOutcome::kVerified);

  // A checksum that does not match the bytes is what the store records: verification catches it.
  tmp = store_->CreateBlock(kSession, 2, {}, 100);
  ASSERT_TRUE(tmp.ok());
  WriteFile(*tmp, "hello block");
  const ManifestEntry wrong{11, BlockChecksum("hello blocc")};
  ASSERT_TRUE(store_->CommitBlock(kSession, 2, false, &wrong).ok());
  EXPECT_EQ(store_->VerifyBlock(2).status().code(), StatusCode::kDataLoss);
}

TEST_F(BlockStoreTest, TempPathFollowsAlluxio) {
  OpenMem(1000);
  // <tmp>/<sessionId % 1024>/<"%x-%x" of sessionId, blockId>
  EXPECT_EQ(*store_->CreateBlock(1025, 0x1000000, {}, 0),
            DataDir("mem") + "/.tmp_blocks/1/401-1000000");
  EXPECT_EQ(*store_->CreateBlock(-5, 7, {}, 0),
            DataDir("mem") + "/.tmp_blocks/-5/fffffffffffffffb-7");
}

TEST_F(BlockStoreTest, AbortLeavesNothing) {
  OpenMem(1000);
  std::string tmp = *store_->CreateBlock(kSession, 1, {}, 500);
  WriteFile(tmp, "partial");
  ASSERT_TRUE(store_->AbortBlock(kSession, 1).ok());
  EXPECT_FALSE(std::filesystem::exists(tmp));
  EXPECT_THAT(ListDir(std::filesystem::path(tmp).parent_path()), IsEmpty());
  EXPECT_THAT(ListDir(DataDir("mem")), ElementsAre(".manifest", ".tmp_blocks"));
  EXPECT_EQ(store_->GetStoreMeta().used_bytes, 0);
  EXPECT_EQ(store_->AbortBlock(kSession, 1).code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->CommitBlock(kSession, 1).code(), StatusCode::kNotFound);
  EXPECT_FALSE(store_->HasBlock(1));
  EXPECT_THAT(events_.Take(), IsEmpty());
  // The id can be written again.
  ASSERT_TRUE(Write(1, 10).ok());
}

TEST_F(BlockStoreTest, BlockIdsAreExclusive) {
  OpenMem(1000);
  ASSERT_TRUE(store_->CreateBlock(kSession, 1, {}, 10).ok());
  Result<std::string> again = store_->CreateBlock(2, 1, {}, 10);
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(again.status().message()), HasSubstr("session 1 is already writing"));
  ASSERT_TRUE(Write(2, 10).ok());
  EXPECT_EQ(store_->CreateBlock(kSession, 2, {}, 10).status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->CommitBlock(kSession, 2).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->RemoveBlock(1).code(), StatusCode::kFailedPrecondition);  // being written
}

TEST_F(BlockStoreTest, TempBlocksBelongToTheirSession) {
  OpenMem(1000);
  ASSERT_TRUE(store_->CreateBlock(kSession, 1, {}, 10).ok());
  for (const Status& s :
       {store_->RequestSpace(2, 1, 10), store_->CommitBlock(2, 1), store_->AbortBlock(2, 1)}) {
    EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
    EXPECT_EQ(s.message(), "BlockId 1 is owned by sessionId 1, not 2");
  }
  EXPECT_EQ(store_->RequestSpace(kSession, 99, 10).code(), StatusCode::kNotFound);
}

TEST_F(BlockStoreTest, CommitNeedsTheSpaceReservedFirst) {
  OpenMem(1000);
  std::string tmp = *store_->CreateBlock(kSession, 1, {}, 4);
  WriteFile(tmp, "0123456789");
  Status s = store_->CommitBlock(kSession, 1);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("the temp file holds 10 bytes but only 4 bytes were reserved"));
  ASSERT_TRUE(store_->RequestSpace(kSession, 1, 6).ok());
  ASSERT_TRUE(store_->CommitBlock(kSession, 1).ok());
  EXPECT_EQ(store_->GetBlockInfo(1)->length, 10);
  EXPECT_EQ(store_->GetStoreMeta().used_bytes, 10);
}

TEST_F(BlockStoreTest, NegativeSizesAndBadHintsAreRejected) {
  Open({TierSpec{"MEM", {DirSpec{"mem", 100}}}, TierSpec{"HDD", {DirSpec{"hdd", 100}}}});
  EXPECT_EQ(store_->CreateBlock(kSession, 1, {}, -1).status().code(), StatusCode::kInvalidArgument);
  Result<std::string> r = store_->CreateBlock(kSession, 1, {"SSD", ""}, 1);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "Tier 'SSD' is not configured on this worker (tiers: MEM, HDD)");
  EXPECT_EQ(store_->CreateBlock(kSession, 1, {"ANY", "TAPE"}, 1).status().code(),
            StatusCode::kInvalidArgument);
  ASSERT_TRUE(store_->CreateBlock(kSession, 1, {}, 1).ok());
  EXPECT_EQ(store_->RequestSpace(kSession, 1, -1).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->MoveBlock(kSession, 1, "ANY").status().code(), StatusCode::kInvalidArgument);
}

// ---- Allocation ----

TEST_F(BlockStoreTest, MaxFreeAllocatorFillsTheFastestTierEmptiestDirFirst) {
  Open({TierSpec{"MEM", {DirSpec{"m0", 100}, DirSpec{"m1", 150}}},
        TierSpec{"SSD", {DirSpec{"s0", 1000}}}});
  ASSERT_TRUE(Write(1, 60).ok());  // m1 (150 free)
  ASSERT_TRUE(Write(2, 60).ok());  // m0 (100 free vs 90)
  ASSERT_TRUE(Write(3, 60).ok());  // m1 (90 free vs 40)
  ASSERT_TRUE(Write(4, 60).ok());  // no MEM dir has 60: SSD
  EXPECT_EQ(store_->GetBlockInfo(1)->location.dir_index, 1);
  EXPECT_EQ(store_->GetBlockInfo(2)->location.dir_index, 0);
  EXPECT_EQ(store_->GetBlockInfo(3)->location.dir_index, 1);
  EXPECT_EQ(TierOf(4), "SSD");
  EXPECT_EQ(store_->counters().blocks_evicted, 0);
}

TEST_F(BlockStoreTest, RoundRobinAllocatorAlternatesDirs) {
  Open({TierSpec{"MEM", {DirSpec{"m0", 100}, DirSpec{"m1", 100}, DirSpec{"m2", 100}}}},
       [](StoreOptions* o) { o->allocator = AllocatorType::kRoundRobin; });
  for (BlockId id = 1; id <= 4; id++) ASSERT_TRUE(Write(id, 10).ok());
  std::vector<int> dirs;
  for (BlockId id = 1; id <= 4; id++) dirs.push_back(store_->GetBlockInfo(id)->location.dir_index);
  EXPECT_THAT(dirs, ElementsAre(0, 1, 2, 0));
}

TEST_F(BlockStoreTest, GreedyAllocatorFillsTheFirstDir) {
  Open({TierSpec{"MEM", {DirSpec{"m0", 100}, DirSpec{"m1", 100}}}},
       [](StoreOptions* o) { o->allocator = AllocatorType::kGreedy; });
  for (BlockId id = 1; id <= 3; id++) ASSERT_TRUE(Write(id, 40).ok());
  std::vector<int> dirs;
  for (BlockId id = 1; id <= 3; id++) dirs.push_back(store_->GetBlockInfo(id)->location.dir_index);
  EXPECT_THAT(dirs, ElementsAre(0, 0, 1));
}

TEST_F(BlockStoreTest, HintsChooseTierAndMediumAndFallBackWithoutEvicting) {
  Open({TierSpec{"MEM", {DirSpec{"mem", 100}}},
        TierSpec{"SSD", {DirSpec{"s0", 100}, DirSpec{"s1", 100, "HDD"}}}});
  ASSERT_TRUE(Write(1, 50, {"SSD", ""}).ok());
  EXPECT_EQ(TierOf(1), "SSD");
  ASSERT_TRUE(Write(2, 10, {"ANY", "HDD"}).ok());
  EXPECT_EQ(store_->GetBlockInfo(2)->location.medium_type, "HDD");
  EXPECT_EQ(store_->GetBlockInfo(2)->location.dir_index, 1);
  ASSERT_TRUE(Write(3, 80, {"MEM", ""}).ok());
  EXPECT_EQ(TierOf(3), "MEM");
  // MEM is full: a MEM hint falls back to another tier instead of evicting.
  ASSERT_TRUE(Write(4, 80, {"MEM", ""}).ok());
  EXPECT_EQ(TierOf(4), "SSD");
  EXPECT_TRUE(store_->HasBlock(3));
  EXPECT_EQ(store_->counters().blocks_evicted, 0);
}

// ---- Eviction ----

TEST_F(BlockStoreTest, LruEvictionOrderWithTinyQuota) {
  OpenMem(300);
  for (BlockId id = 1; id <= 3; id++) ASSERT_TRUE(Write(id, 100).ok());
  ASSERT_TRUE(store_->AccessBlock(1).ok());
  events_.Take();
  ASSERT_TRUE(Write(4, 100).ok());  // evicts 2, the least recently used
  EXPECT_THAT(Blocks(), ElementsAre(1, 3, 4));
  ASSERT_TRUE(Write(5, 150).ok());  // needs two blocks: 3, then 1
  EXPECT_THAT(Blocks(), ElementsAre(4, 5));
  EXPECT_THAT(events_.Take(), ElementsAre("evict 2 MEM", "commit 4 MEM", "evict 3 MEM",
                                          "evict 1 MEM", "commit 5 MEM"));
  EXPECT_FALSE(std::filesystem::exists(DataDir("mem") + "/2"));
  BlockStoreCounters c = store_->counters();
  EXPECT_EQ(c.blocks_evicted, 3);
  EXPECT_EQ(c.bytes_evicted, 300);
  EXPECT_EQ(store_->GetStoreMeta().used_bytes, 250);
}

TEST_F(BlockStoreTest, LrfuKeepsAFrequentlyReadBlock) {
  OpenMem(300, [](StoreOptions* o) { o->annotator = AnnotatorType::kLrfu; });
  ASSERT_TRUE(Write(1, 100).ok());
  for (int i = 0; i < 4; i++) ASSERT_TRUE(store_->AccessBlock(1).ok());
  ASSERT_TRUE(Write(2, 100).ok());
  ASSERT_TRUE(Write(3, 100).ok());
  ASSERT_TRUE(Write(4, 100).ok());  // LRU would evict 1
  EXPECT_THAT(Blocks(), ElementsAre(1, 3, 4));
}

TEST_F(BlockStoreTest, EvictionSpansAllTiersInAnnotatorOrder) {
  Open({TierSpec{"MEM", {DirSpec{"mem", 100}}}, TierSpec{"SSD", {DirSpec{"ssd", 100}}}});
  ASSERT_TRUE(Write(1, 100).ok());  // MEM
  ASSERT_TRUE(Write(2, 100).ok());  // SSD
  ASSERT_TRUE(store_->AccessBlock(1).ok());
  ASSERT_TRUE(Write(3, 100).ok());  // evicts 2 (coldest, in SSD) and lands there
  EXPECT_THAT(Blocks(), ElementsAre(1, 3));
  EXPECT_EQ(TierOf(3), "SSD");
}

TEST_F(BlockStoreTest, RequestSpaceEvictsOnlyInTheBlocksDir) {
  Open({TierSpec{"MEM", {DirSpec{"m0", 100}, DirSpec{"m1", 100}}}},
       [](StoreOptions* o) { o->allocator = AllocatorType::kGreedy; });
  ASSERT_TRUE(Write(1, 100).ok());                              // m0
  ASSERT_TRUE(Write(2, 50).ok());                               // m1
  std::string tmp = *store_->CreateBlock(kSession, 3, {}, 50);  // m1
  ASSERT_TRUE(store_->AccessBlock(1).ok());
  ASSERT_TRUE(store_->AccessBlock(2).ok());  // 1 is the coldest, but it is in m0
  // m1 needs 30 more: block 2 goes, block 1 stays.
  ASSERT_TRUE(store_->RequestSpace(kSession, 3, 30).ok());
  EXPECT_THAT(Blocks(), ElementsAre(1));
  WriteFile(tmp, BlockContent(3, 80));
  ASSERT_TRUE(store_->CommitBlock(kSession, 3).ok());
  EXPECT_EQ(store_->GetBlockInfo(3)->location.dir_index, 1);
}

TEST_F(BlockStoreTest, FreeAheadEvictsExtraWhenItCan) {
  OpenMem(400, [](StoreOptions* o) { o->free_ahead_bytes = 100; });
  for (BlockId id = 1; id <= 4; id++) ASSERT_TRUE(Write(id, 100).ok());
  ASSERT_TRUE(Write(5, 100).ok());  // needs 100, frees 200
  EXPECT_THAT(Blocks(), ElementsAre(3, 4, 5));
  ASSERT_TRUE(Write(6, 100).ok());  // fits without eviction
  EXPECT_THAT(Blocks(), ElementsAre(3, 4, 5, 6));
}

TEST_F(BlockStoreTest, PinnedBlocksSurviveEviction) {
  OpenMem(300);
  const BlockId a = (int64_t{1} << 24) | 0;  // file 1
  const BlockId b = (int64_t{2} << 24) | 0;  // file 2
  const BlockId c = (int64_t{2} << 24) | 1;  // file 2
  ASSERT_TRUE(Write(a, 100, {}, /*pinned=*/true).ok());
  ASSERT_TRUE(Write(b, 100).ok());
  ASSERT_TRUE(Write(c, 100).ok());
  EXPECT_TRUE(store_->GetBlockInfo(a)->pinned);
  ASSERT_TRUE(Write(4, 100).ok());  // a is coldest but pinned: b goes
  EXPECT_THAT(Blocks(), ElementsAre(4, a, c));

  // The master's pin list replaces the set: now file 2 is pinned and file 1 is not.
  store_->SetPinnedFiles({FileIdOfBlock(c)});
  EXPECT_EQ(FileIdOfBlock(c), (int64_t{2} << 24) | 0xFFFFFF);
  EXPECT_FALSE(store_->GetBlockInfo(a)->pinned);
  ASSERT_TRUE(Write(5, 100).ok());
  EXPECT_THAT(Blocks(), ElementsAre(4, 5, c));
}

TEST_F(BlockStoreTest, NothingEvictableIsResourceExhaustedAndEvictsNothing) {
  OpenMem(300);
  // Three files (pinning is per file).
  const BlockId b1 = int64_t{1} << 24, b2 = int64_t{2} << 24, b3 = int64_t{3} << 24;
  ASSERT_TRUE(Write(b1, 100, {}, true).ok());
  ASSERT_TRUE(Write(b2, 100).ok());
  ASSERT_TRUE(Write(b3, 50).ok());
  Result<LockedBlock> lock = store_->LockBlock(9, b2);
  ASSERT_TRUE(lock.ok());
  events_.Take();
  Result<std::string> r = store_->CreateBlock(kSession, 4, {}, 120);
  ASSERT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(r.status().message(),
            "Cannot create block 4: not enough space in tier MEM for 120 bytes: 50 bytes "
            "available in the emptiest dir (" +
                root_.Sub("mem") +
                ", capacity 300), 50 bytes in the tier in all, and no evictable block can make "
                "room (blocks that cannot be evicted: 1 pinned, 1 locked by readers, 0 busy)");
  EXPECT_THAT(Blocks(), ElementsAre(b1, b2, b3));  // b3 was not evicted in vain
  EXPECT_THAT(events_.Take(), IsEmpty());
  EXPECT_EQ(store_->counters().out_of_space, 1);

  // RequestSpace names the tier, the bytes needed and the bytes available too.
  std::string tmp = *store_->CreateBlock(kSession, 5, {}, 0);
  Status s = store_->RequestSpace(kSession, 5, 200);
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("Cannot reserve 200 more bytes for block 5: not enough space in tier MEM "
                        "for 200 bytes: 50 bytes available"));
  ASSERT_TRUE(store_->UnlockBlock(lock->lock_id).ok());
  ASSERT_TRUE(store_->RequestSpace(kSession, 5, 150).ok());  // b2, the coldest evictable, goes
  EXPECT_THAT(Blocks(), ElementsAre(b1, b3));
}

// ---- Locks and removal ----

TEST_F(BlockStoreTest, LockedBlocksCannotBeRemovedOrMovedUntilUnlocked) {
  Open({TierSpec{"MEM", {DirSpec{"mem", 100}}}, TierSpec{"SSD", {DirSpec{"ssd", 100}}}});
  ASSERT_TRUE(Write(1, 10, {"SSD", ""}).ok());
  LockedBlock l1 = *store_->LockBlock(1, 1);
  LockedBlock l2 = *store_->LockBlock(2, 1);
  EXPECT_NE(l1.lock_id, l2.lock_id);
  Status s = store_->RemoveBlock(1);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(), "Block 1 is locked by 2 reader(s); remove it after they unlock it");
  EXPECT_EQ(store_->MoveBlock(kSession, 1, "MEM").status().code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(store_->UnlockBlock(l1.lock_id).ok());
  EXPECT_EQ(store_->RemoveBlock(1).code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(store_->UnlockBlock(l2.lock_id).ok());
  ASSERT_TRUE(store_->RemoveBlock(1).ok());
}

TEST_F(BlockStoreTest, CleanupSessionAbortsTempBlocksAndReleasesLocks) {
  OpenMem(1000);
  ASSERT_TRUE(Write(1, 10).ok());
  std::string t2 = *store_->CreateBlock(5, 2, {}, 100);
  std::string t3 = *store_->CreateBlock(5, 3, {}, 100);
  std::string other = *store_->CreateBlock(6, 4, {}, 100);
  ASSERT_TRUE(store_->LockBlock(5, 1).ok());
  ASSERT_TRUE(store_->LockBlock(5, 1).ok());
  LockedBlock kept = *store_->LockBlock(6, 1);
  store_->CleanupSession(5);
  EXPECT_FALSE(std::filesystem::exists(t2));
  EXPECT_FALSE(std::filesystem::exists(t3));
  EXPECT_TRUE(std::filesystem::exists(other));
  EXPECT_EQ(store_->GetBlockInfo(1)->readers, 1);
  EXPECT_EQ(store_->GetStoreMeta().used_bytes, 110);
  ASSERT_TRUE(store_->UnlockBlock(kept.lock_id).ok());
  ASSERT_TRUE(store_->RemoveBlock(1).ok());
  store_->CleanupSession(6);
  EXPECT_EQ(store_->GetStoreMeta().used_bytes, 0);
}

// ---- Moves ----

TEST_F(BlockStoreTest, PromotionMovesTheBlockUpAndEvictsThereIfNeeded) {
  Open({TierSpec{"MEM", {DirSpec{"mem", 100}}}, TierSpec{"SSD", {DirSpec{"ssd", 1000}}}});
  ASSERT_TRUE(Write(1, 60, {"SSD", ""}).ok());
  ASSERT_TRUE(Write(2, 80, {"MEM", ""}).ok());
  events_.Take();
  Result<BlockLocation> to = store_->MoveBlock(kSession, 1, "MEM");
  ASSERT_TRUE(to.ok()) << to.status().ToString();
  EXPECT_EQ(to->tier_alias, "MEM");
  EXPECT_EQ(TierOf(1), "MEM");
  EXPECT_FALSE(store_->HasBlock(2));  // evicted to make room
  EXPECT_FALSE(std::filesystem::exists(DataDir("ssd") + "/1"));
  EXPECT_EQ(ReadFile(DataDir("mem") + "/1"), BlockContent(1, 60));
  EXPECT_THAT(events_.Take(), ElementsAre("evict 2 MEM", "move 1 SSD->MEM"));
  StoreMeta meta = store_->GetStoreMeta();
  EXPECT_EQ(meta.tiers[0].used_bytes, 60);
  EXPECT_EQ(meta.tiers[1].used_bytes, 0);
  EXPECT_EQ(*store_->VerifyBlock(1), VerifyOutcome::kVerified);
  // Already there: nothing happens.
  EXPECT_EQ(store_->MoveBlock(kSession, 1, "MEM")->tier_alias, "MEM");
  // And down again.
  ASSERT_TRUE(store_->MoveBlock(kSession, 1, "SSD").ok());
  EXPECT_EQ(TierOf(1), "SSD");
  EXPECT_EQ(store_->counters().blocks_moved, 3);
}

TEST_F(BlockStoreTest, PromotionFailsClearlyWhenTheTopTierIsPinnedFull) {
  Open({TierSpec{"MEM", {DirSpec{"mem", 100}}}, TierSpec{"SSD", {DirSpec{"ssd", 1000}}}});
  ASSERT_TRUE(Write(1, 60, {"SSD", ""}).ok());
  ASSERT_TRUE(Write(2, 80, {"MEM", ""}, true).ok());
  Result<BlockLocation> r = store_->MoveBlock(kSession, 1, "MEM");
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("Cannot move block 1 to tier MEM: not enough space in tier MEM for 60 "
                        "bytes: 20 bytes available"));
  EXPECT_EQ(TierOf(1), "SSD");
  EXPECT_EQ(store_->MoveBlock(kSession, 1, "HDD").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->MoveBlock(kSession, 99, "MEM").status().code(), StatusCode::kNotFound);
}

// ---- Verification ----

TEST_F(BlockStoreTest, VerifyDetectsTruncationAndDropsTheBlock) {
  OpenMem(1000);
  ASSERT_TRUE(Write(1, 100).ok());
  EXPECT_EQ(*store_->VerifyBlock(1), VerifyOutcome::kVerified);
  std::filesystem::resize_file(DataDir("mem") + "/1", 60);
  events_.Take();
  Result<VerifyOutcome> r = store_->VerifyBlock(1);
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("is corrupt: expected 100 bytes with XXH64"));
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("found 60 bytes"));
  EXPECT_FALSE(store_->HasBlock(1));
  EXPECT_FALSE(std::filesystem::exists(DataDir("mem") + "/1"));
  EXPECT_THAT(events_.Take(), ElementsAre("lost 1 MEM"));
  EXPECT_EQ(store_->GetStoreMeta().used_bytes, 0);
  EXPECT_EQ(store_->counters().blocks_lost, 1);
}

TEST_F(BlockStoreTest, VerifyDetectsFlippedBits) {
  OpenMem(1000);
  ASSERT_TRUE(Write(1, 100).ok());
  std::string path = DataDir("mem") + "/1";
  std::string data = ReadFile(path);
  data[37] ^= 0x10;
  WriteFile(path, data);
  EXPECT_EQ(store_->VerifyBlock(1).status().code(), StatusCode::kDataLoss);
  EXPECT_FALSE(store_->HasBlock(1));
}

TEST_F(BlockStoreTest, VerifyOfAMissingFileDropsTheBlock) {
  OpenMem(1000);
  ASSERT_TRUE(Write(1, 100).ok());
  std::filesystem::remove(DataDir("mem") + "/1");
  Result<VerifyOutcome> r = store_->VerifyBlock(1);
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("is missing its file"));
  EXPECT_FALSE(store_->HasBlock(1));
  EXPECT_EQ(store_->VerifyBlock(1).status().code(), StatusCode::kNotFound);
}

TEST_F(BlockStoreTest, CorruptLockedBlockIsHiddenThenRemovedAtLastUnlock) {
  OpenMem(1000);
  ASSERT_TRUE(Write(1, 100).ok());
  LockedBlock reader = *store_->LockBlock(3, 1);
  WriteFile(reader.path, "garbage");
  EXPECT_EQ(store_->VerifyBlock(1).status().code(), StatusCode::kDataLoss);
  EXPECT_TRUE(std::filesystem::exists(reader.path));  // the reader still has it
  Result<LockedBlock> again = store_->LockBlock(4, 1);
  EXPECT_EQ(again.status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(events_.Take(), ElementsAre("commit 1 MEM"));
  ASSERT_TRUE(store_->UnlockBlock(reader.lock_id).ok());
  EXPECT_FALSE(std::filesystem::exists(reader.path));
  EXPECT_FALSE(store_->HasBlock(1));
  EXPECT_THAT(events_.Take(), ElementsAre("lost 1 MEM"));
}

TEST_F(BlockStoreTest, MoveDetectsCorruptionWhileCopying) {
  Open({TierSpec{"MEM", {DirSpec{"mem", 1000}}}, TierSpec{"SSD", {DirSpec{"ssd", 1000}}}});
  ASSERT_TRUE(Write(1, 100, {"SSD", ""}).ok());
  std::string data = ReadFile(DataDir("ssd") + "/1");
  data[0] ^= 1;
  WriteFile(DataDir("ssd") + "/1", data);
  Result<BlockLocation> r = store_->MoveBlock(kSession, 1, "MEM");
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_FALSE(store_->HasBlock(1));
  EXPECT_THAT(ListDir(DataDir("mem")), ElementsAre(".manifest", ".tmp_blocks"));
  EXPECT_EQ(store_->GetStoreMeta().used_bytes, 0);
}

// ---- Store meta, listener, lost storage ----

TEST_F(BlockStoreTest, StoreMetaReportsCapacityAndUsagePerTierAndDir) {
  Open({TierSpec{"MEM", {DirSpec{"mem", 100}}},
        TierSpec{"HDD", {DirSpec{"h0", 1000}, DirSpec{"h1", 2000}}}});
  ASSERT_TRUE(Write(1, 10).ok());
  ASSERT_TRUE(Write(2, 20, {"HDD", ""}).ok());
  ASSERT_TRUE(store_->CreateBlock(kSession, 3, {"HDD", ""}, 300).ok());
  StoreMeta meta = store_->GetStoreMeta(true);
  EXPECT_EQ(meta.capacity_bytes, 3100);
  EXPECT_EQ(meta.used_bytes, 330);
  EXPECT_EQ(meta.num_blocks, 2);
  ASSERT_EQ(meta.tiers.size(), 2u);
  EXPECT_EQ(meta.tiers[0].alias, "MEM");
  EXPECT_EQ(meta.tiers[0].used_bytes, 10);
  EXPECT_THAT(meta.tiers[0].dirs[0].block_ids, ElementsAre(1));
  const TierMeta& hdd = meta.tiers[1];
  EXPECT_EQ(hdd.capacity_bytes, 3000);
  ASSERT_EQ(hdd.dirs.size(), 2u);
  EXPECT_EQ(hdd.dirs[1].path, root_.Sub("h1"));
  EXPECT_EQ(hdd.dirs[1].data_dir, DataDir("h1"));
  EXPECT_EQ(hdd.dirs[1].committed_bytes, 20);
  EXPECT_EQ(hdd.dirs[1].reserved_bytes, 300);
  EXPECT_EQ(hdd.dirs[1].used_bytes, 320);
  EXPECT_THAT(hdd.dirs[1].block_ids, ElementsAre(2));
  EXPECT_THAT(hdd.dirs[0].block_ids, IsEmpty());
  EXPECT_TRUE(meta.lost_storage.empty());
  EXPECT_THAT(store_->GetStoreMeta(false).tiers[1].dirs[1].block_ids, IsEmpty());
}

TEST_F(BlockStoreTest, UnusableDirAtOpenIsLostStorageNotAnError) {
  WriteFile(root_.Sub("notadir"), "x");
  Open({TierSpec{"MEM", {DirSpec{"mem", 100}}},
        TierSpec{"SSD", {DirSpec{"notadir/ssd", 100}, DirSpec{"ssd", 100}}}});
  StoreMeta meta = store_->GetStoreMeta();
  EXPECT_THAT(meta.lost_storage.at("SSD"), ElementsAre(root_.Sub("notadir/ssd")));
  EXPECT_EQ(meta.capacity_bytes, 200);
  ASSERT_EQ(meta.tiers[1].dirs.size(), 1u);
  EXPECT_EQ(meta.tiers[1].dirs[0].dir_index, 1);
  EXPECT_EQ(store_->recovery_stats().dirs_lost, 1);
  ASSERT_TRUE(Write(1, 100, {"SSD", ""}).ok());
  EXPECT_EQ(store_->GetBlockInfo(1)->location.dir_index, 1);
}

TEST_F(BlockStoreTest, CheckStorageReportsADirThatDisappeared) {
  Open({TierSpec{"MEM", {DirSpec{"mem", 100}}}, TierSpec{"SSD", {DirSpec{"ssd", 100}}}});
  ASSERT_TRUE(Write(1, 10, {"SSD", ""}).ok());
  ASSERT_TRUE(Write(2, 10, {"MEM", ""}).ok());
  EXPECT_THAT(store_->CheckStorage(), IsEmpty());
  events_.Take();
  std::filesystem::remove_all(root_.Sub("ssd"));
  EXPECT_THAT(store_->CheckStorage(), ElementsAre(root_.Sub("ssd")));
  EXPECT_THAT(events_.Take(), ElementsAre("lost 1 SSD", "storage-lost SSD ssd"));
  StoreMeta meta = store_->GetStoreMeta();
  EXPECT_THAT(meta.lost_storage.at("SSD"), ElementsAre(root_.Sub("ssd")));
  EXPECT_EQ(meta.capacity_bytes, 100);
  EXPECT_EQ(meta.num_blocks, 1);
  EXPECT_FALSE(store_->HasBlock(1));
  EXPECT_THAT(store_->CheckStorage(), IsEmpty());  // reported once
  // New blocks avoid the lost dir.
  Result<std::string> r = store_->CreateBlock(kSession, 3, {"SSD", ""}, 50);
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(*r, HasSubstr("/mem/"));
}

TEST_F(BlockStoreTest, ListenerMayCallBackIntoTheStore) {
  OpenMem(100);
  struct Remover : BlockStoreListener {
    BlockStore* store = nullptr;
    std::vector<std::string> seen;
    void OnBlockCommitted(BlockId id, const BlockLocation&) override {
      seen.push_back(fmt::format("commit {}", id));
      if (id == 1) {
        EXPECT_TRUE(store->RemoveBlock(1).ok());
      }
    }
    void OnBlockRemoved(BlockId id, const BlockLocation&, RemovalCause) override {
      seen.push_back(fmt::format("remove {}", id));
    }
  } remover;
  remover.store = store_.get();
  store_->AddListener(&remover);
  ASSERT_TRUE(Write(1, 10).ok());
  EXPECT_THAT(remover.seen, ElementsAre("commit 1", "remove 1"));
  EXPECT_FALSE(store_->HasBlock(1));
}

// ---- Faults ----

TEST_F(BlockStoreTest, FailedRenameKeepsTheTempBlockWritable) {
  Open({TierSpec{"MEM", {DirSpec{"mem", 100}}}}, nullptr, &env_);
  std::string tmp = *store_->CreateBlock(kSession, 1, {}, 10);
  WriteFile(tmp, "0123456789");
  env_.FailNthCall(env::FaultOp::kRename, 1);
  Status s = store_->CommitBlock(kSession, 1);
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.message()), HasSubstr("Cannot commit block 1"));
  EXPECT_FALSE(store_->HasBlock(1));
  EXPECT_TRUE(std::filesystem::exists(tmp));
  ASSERT_TRUE(store_->CommitBlock(kSession, 1).ok());
  EXPECT_EQ(ReadFile(DataDir("mem") + "/1"), "0123456789");
}

TEST_F(BlockStoreTest, FailedDirSyncDiscardsTheBlock) {
  Open({TierSpec{"MEM", {DirSpec{"mem", 100}}}}, nullptr, &env_);
  std::string tmp = *store_->CreateBlock(kSession, 1, {}, 10);
  WriteFile(tmp, "0123456789");
  env_.FailNthCall(env::FaultOp::kSyncDir, 1);
  Status s = store_->CommitBlock(kSession, 1);
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.message()), HasSubstr("the block was discarded"));
  EXPECT_FALSE(store_->HasBlock(1));
  EXPECT_FALSE(std::filesystem::exists(DataDir("mem") + "/1"));
  EXPECT_EQ(store_->GetStoreMeta().used_bytes, 0);
  ASSERT_TRUE(Write(1, 10).ok());  // the id is free again
}

TEST_F(BlockStoreTest, FailedManifestWriteDoesNotFailTheCommit) {
  Open({TierSpec{"MEM", {DirSpec{"mem", 100}}}}, nullptr, &env_);
  std::string tmp = *store_->CreateBlock(kSession, 1, {}, 10);
  WriteFile(tmp, "0123456789");
  // Syncs in a commit: the block file, then the manifest record.
  env_.FailNthCall(env::FaultOp::kSync, 2);
  ASSERT_TRUE(store_->CommitBlock(kSession, 1).ok());
  EXPECT_EQ(*store_->VerifyBlock(1), VerifyOutcome::kVerified);  // checksum kept in memory
}

}  // namespace
}  // namespace alluxio::worker
