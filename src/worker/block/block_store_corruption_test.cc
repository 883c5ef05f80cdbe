// SPDX-License-Identifier: Apache-2.0
// Corruption caught on the read path: LockBlock stats the block file and, when its size or mtime
// differ from what the store recorded, verifies it before handing it out (block_store.h,
// "Corruption"; docs/formats/worker-block-store.md). Explicit VerifyBlock: block_store_test.cc.
#include <filesystem>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "worker/block/block_store.h"
#include "worker/block/test_util.h"

namespace alluxio::worker {
namespace {

using testing::BlockContent;
using testing::DirSpec;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::ReadFile;
using testing::RecordingListener;
using testing::SetMtime;
using testing::TempFolder;
using testing::TierSpec;
using testing::WriteBlock;
using testing::WriteFile;

constexpr SessionId kSession = 1;
// A modification time no block written by a test has (the tests run long after 1970).
constexpr int64_t kOldMtime = 1'000'000;

class BlockStoreCorruptionTest : public ::testing::Test {
 protected:
  void Open() {
    store_.reset();
    Result<std::unique_ptr<BlockStore>> s = BlockStore::Open(options_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = *std::move(s);
    store_->AddListener(&events_);
  }
  void SetUp() override {
    options_ = testing::MakeOptions(
        root_, {TierSpec{"MEM", {DirSpec{"mem", 1000}}}, TierSpec{"SSD", {DirSpec{"ssd", 1000}}}});
    Open();
  }
  Status Write(BlockId id, int64_t length, BlockLocationHint hint = {}) {
    return WriteBlock(store_.get(), kSession, id, BlockContent(id, length), hint);
  }
  std::string PathOf(BlockId id) { return store_->GetBlockInfo(id)->path; }
  int64_t Verifications() { return store_->counters().verifications; }
  // Locks and unlocks block `id`; the lock's status.
  Status LockOnce(BlockId id) {
    Result<LockedBlock> l = store_->LockBlock(kSession, id);
    if (!l.ok()) return l.status();
    return store_->UnlockBlock(l->lock_id);
  }

  TempFolder root_;
  StoreOptions options_;
  std::unique_ptr<BlockStore> store_;
  RecordingListener events_;
};

TEST_F(BlockStoreCorruptionTest, UntouchedBlockIsNeverReadOnLock) {
  ASSERT_TRUE(Write(1, 100).ok());
  for (int i = 0; i < 20; i++) ASSERT_TRUE(LockOnce(1).ok());
  EXPECT_EQ(Verifications(), 0);
  // Nor after a move (the new file's stamp is recorded) or a restart (stamps of adopted files).
  ASSERT_TRUE(store_->MoveBlock(kSession, 1, "SSD").ok());
  ASSERT_TRUE(LockOnce(1).ok());
  EXPECT_EQ(Verifications(), 0);
  Open();
  ASSERT_TRUE(LockOnce(1).ok());
  EXPECT_EQ(Verifications(), 0);
  EXPECT_EQ(store_->counters().blocks_lost, 0);
}

TEST_F(BlockStoreCorruptionTest, TruncatedFileFailsTheLockAndTheBlockIsDropped) {
  ASSERT_TRUE(Write(1, 100).ok());
  std::string path = PathOf(1);
  std::filesystem::resize_file(path, 60);
  events_.Take();
  Result<LockedBlock> r = store_->LockBlock(kSession, 1);
  ASSERT_EQ(r.status().code(), StatusCode::kDataLoss) << r.status().ToString();
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("Block 1 at " + path + " is corrupt"));
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("found 60 bytes"));
  EXPECT_EQ(Verifications(), 1);
  EXPECT_FALSE(store_->HasBlock(1));
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_THAT(events_.Take(), ElementsAre("lost 1 MEM"));
  EXPECT_EQ(store_->counters().blocks_lost, 1);
  EXPECT_EQ(store_->GetStoreMeta().used_bytes, 0);
  EXPECT_EQ(store_->LockBlock(kSession, 1).status().code(), StatusCode::kNotFound);
  // The id is free again: the block can be cached anew (from the UFS, say).
  ASSERT_TRUE(Write(1, 100).ok());
  EXPECT_TRUE(LockOnce(1).ok());
}

TEST_F(BlockStoreCorruptionTest, FlippedBitsWithANewMtimeFailTheLock) {
  ASSERT_TRUE(Write(1, 100).ok());
  std::string path = PathOf(1);
  std::string data = ReadFile(path);
  data[42] ^= 0x04;
  WriteFile(path, data);
  SetMtime(path, kOldMtime);  // a rewrite within the timestamp granularity would keep the mtime
  events_.Take();
  Result<LockedBlock> r = store_->LockBlock(kSession, 1);
  ASSERT_EQ(r.status().code(), StatusCode::kDataLoss) << r.status().ToString();
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("expected 100 bytes with XXH64"));
  EXPECT_THAT(std::string(r.status().message()), HasSubstr(path));
  EXPECT_FALSE(store_->HasBlock(1));
  EXPECT_THAT(events_.Take(), ElementsAre("lost 1 MEM"));
}

TEST_F(BlockStoreCorruptionTest, IdenticalRewriteVerifiesOnceAndRecordsTheNewMtime) {
  ASSERT_TRUE(Write(1, 100).ok());
  std::string path = PathOf(1);
  WriteFile(path, BlockContent(1, 100));
  SetMtime(path, kOldMtime);
  events_.Take();
  ASSERT_TRUE(LockOnce(1).ok());
  EXPECT_EQ(Verifications(), 1);
  ASSERT_TRUE(LockOnce(1).ok());  // the new mtime was recorded: no second read
  EXPECT_EQ(Verifications(), 1);
  EXPECT_TRUE(store_->HasBlock(1));
  EXPECT_THAT(events_.Take(), IsEmpty());
  // Touched again (mtime only): verified again, still fine.
  SetMtime(path, kOldMtime + 1);
  ASSERT_TRUE(LockOnce(1).ok());
  EXPECT_EQ(Verifications(), 2);
}

TEST_F(BlockStoreCorruptionTest, MissingFileFailsTheLock) {
  ASSERT_TRUE(Write(1, 100).ok());
  std::filesystem::remove(PathOf(1));
  Result<LockedBlock> r = store_->LockBlock(kSession, 1);
  ASSERT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("Block 1 is missing its file"));
  EXPECT_FALSE(store_->HasBlock(1));
}

TEST_F(BlockStoreCorruptionTest, CorruptionFoundWhileOthersReadHidesTheBlockUntilTheyUnlock) {
  ASSERT_TRUE(Write(1, 100).ok());
  LockedBlock reader = *store_->LockBlock(3, 1);
  std::filesystem::resize_file(reader.path, 10);
  events_.Take();
  EXPECT_EQ(store_->LockBlock(4, 1).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(store_->LockBlock(5, 1).status().code(), StatusCode::kDataLoss);  // hidden, doomed
  EXPECT_EQ(Verifications(), 1);
  EXPECT_TRUE(std::filesystem::exists(reader.path));  // the first reader still has it
  EXPECT_THAT(events_.Take(), IsEmpty());
  ASSERT_TRUE(store_->UnlockBlock(reader.lock_id).ok());
  EXPECT_FALSE(std::filesystem::exists(reader.path));
  EXPECT_FALSE(store_->HasBlock(1));
  EXPECT_THAT(events_.Take(), ElementsAre("lost 1 MEM"));
}

TEST_F(BlockStoreCorruptionTest, FailedLockLeavesNoLockBehind) {
  ASSERT_TRUE(Write(1, 100).ok());
  ASSERT_TRUE(Write(2, 100).ok());
  std::filesystem::resize_file(PathOf(1), 99);
  EXPECT_EQ(store_->LockBlock(kSession, 1).status().code(), StatusCode::kDataLoss);
  // Session cleanup finds nothing of block 1 to release; block 2 is unaffected.
  store_->CleanupSession(kSession);
  EXPECT_TRUE(LockOnce(2).ok());
  EXPECT_EQ(store_->GetBlockInfo(2)->readers, 0);
  EXPECT_EQ(store_->GetStoreMeta().used_bytes, 100);
}

TEST_F(BlockStoreCorruptionTest, AdoptedBlocksAreCheckedBySizeAndMtime) {
  ASSERT_TRUE(Write(1, 100).ok());
  ASSERT_TRUE(Write(2, 100).ok());
  ASSERT_TRUE(Write(3, 100).ok());
  std::string dir = std::filesystem::path(PathOf(1)).parent_path().string();
  Open();
  // Changed while the store is open: adopted with the manifest's checksum, so a flip is caught.
  std::string data = ReadFile(dir + "/1");
  data[0] ^= 1;
  WriteFile(dir + "/1", data);
  SetMtime(dir + "/1", kOldMtime);
  EXPECT_EQ(LockOnce(1).code(), StatusCode::kDataLoss);
  std::filesystem::resize_file(dir + "/2", 50);
  EXPECT_EQ(LockOnce(2).code(), StatusCode::kDataLoss);
  EXPECT_TRUE(LockOnce(3).ok());
  EXPECT_EQ(Verifications(), 2);
}

TEST_F(BlockStoreCorruptionTest, AdoptedBlocksWithoutAChecksumFailOnlyOnASizeChange) {
  ASSERT_TRUE(Write(1, 100).ok());
  ASSERT_TRUE(Write(2, 100).ok());
  std::string dir = std::filesystem::path(PathOf(1)).parent_path().string();
  store_.reset();
  std::filesystem::remove(dir + "/.manifest");
  Open();
  ASSERT_FALSE(store_->GetBlockInfo(1)->has_checksum);
  // Same size, new mtime: nothing to compare the content with; its checksum is recorded now.
  WriteFile(dir + "/1", BlockContent(7, 100));
  SetMtime(dir + "/1", kOldMtime);
  EXPECT_TRUE(LockOnce(1).ok());
  EXPECT_TRUE(store_->GetBlockInfo(1)->has_checksum);
  // A size change is corruption even without a checksum.
  std::filesystem::resize_file(dir + "/2", 101);
  Result<LockedBlock> r = store_->LockBlock(kSession, 2);
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("expected 100 bytes, found 101"));
  EXPECT_FALSE(store_->HasBlock(2));
}

}  // namespace
}  // namespace alluxio::worker
