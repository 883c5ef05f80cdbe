// SPDX-License-Identifier: Apache-2.0
// Packed blocks (BlockStore::CreateBlockFile with a pack block size): a file's blocks as ranges of
// one container file, block i at i x B. Their lifecycle, reads at offsets, eviction and removal
// by punching, the last block deleting the container, moves out of it, and corruption found by
// the container check. Format page, "Packed files".
#include <fcntl.h>
#include <unistd.h>

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
using ::testing::HasSubstr;
using testing::SetMtime;
using testing::TempFolder;
using testing::TierSpec;

constexpr SessionId kSession = 1;
constexpr int64_t kB = 4096;                             // the file's block size
constexpr FileId kFile = (int64_t{5} << 24) | 0xFFFFFF;  // blocks (5 << 24) | i
BlockId Block(int64_t index) { return BlockIdOfFile(kFile, index); }

BlockLocationHint Packed(int64_t block_size = kB) {
  BlockLocationHint hint;
  hint.pack_block_size = block_size;
  return hint;
}

// pwrite of `data` at `offset` of `path` (as a short-circuit writer does).
void PWrite(const std::string& path, int64_t offset, std::string_view data) {
  int fd = ::open(path.c_str(), O_WRONLY);
  ASSERT_GE(fd, 0) << path;
  ASSERT_EQ(::pwrite(fd, data.data(), data.size(), offset), static_cast<ssize_t>(data.size()));
  ::close(fd);
}

std::string PRead(const std::string& path, int64_t offset, int64_t length) {
  std::string out(static_cast<size_t>(length), '\0');
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return "<missing>";
  ssize_t n = ::pread(fd, out.data(), out.size(), offset);
  ::close(fd);
  out.resize(n < 0 ? 0 : static_cast<size_t>(n));
  return out;
}

// Whether [offset, offset + length) of `path` holds no data (a hole, or past the end).
bool IsHole(const std::string& path, int64_t offset, int64_t length) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return true;
  off_t data = ::lseek(fd, offset, SEEK_DATA);
  ::close(fd);
  return data < 0 || data >= offset + length;
}

class BlockStorePackedTest : public ::testing::Test {
 protected:
  void Open(int64_t mem_quota, int64_t ssd_quota = 0) {
    std::vector<TierSpec> tiers = {TierSpec{"MEM", {DirSpec{"mem", mem_quota}}}};
    if (ssd_quota > 0) tiers.push_back(TierSpec{"SSD", {DirSpec{"ssd", ssd_quota}}});
    options_ = testing::MakeOptions(root_, tiers);
    Reopen();
  }
  // Opens the store again on the same dirs, as a restarted worker (or one that crashed: the old
  // store is dropped without cleaning anything up).
  void Reopen() {
    store_.reset();
    Result<std::unique_ptr<BlockStore>> s = BlockStore::Open(options_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = *std::move(s);
  }
  std::string Container() {
    return root_.Sub("mem") + "/alluxioworker/.packed/" + std::to_string(kFile);
  }

  // Creates, writes and commits block `index` of kFile with `length` bytes, packed with `b`.
  Result<TempBlockFile> WritePacked(int64_t index, int64_t length, int64_t b = kB) {
    const BlockId id = Block(index);
    ASSIGN_OR_RETURN(TempBlockFile f, store_->CreateBlockFile(kSession, id, Packed(b), length));
    std::string data = BlockContent(id, length);
    PWrite(f.path, f.offset, data);
    const ManifestEntry written{length, BlockChecksum(data)};
    RETURN_IF_ERROR(store_->CommitBlock(kSession, id, false, &written));
    return f;
  }

  TempFolder root_;
  StoreOptions options_;
  std::unique_ptr<BlockStore> store_;
};

TEST_F(BlockStorePackedTest, AFilesBlocksAreRangesOfOneContainer) {
  Open(1 << 20);
  for (int64_t i : {0, 2, 1}) {  // in any order
    Result<TempBlockFile> f = WritePacked(i, i == 2 ? 1000 : kB);
    ASSERT_TRUE(f.ok()) << f.status();
    EXPECT_TRUE(f->packed);
    EXPECT_EQ(f->path, Container());
    EXPECT_EQ(f->offset, i * kB);
  }
  EXPECT_EQ(std::filesystem::file_size(Container()), static_cast<uint64_t>(2 * kB + 1000));
  StoreMeta meta = store_->GetStoreMeta();
  EXPECT_EQ(meta.num_blocks, 3);
  EXPECT_EQ(meta.used_bytes, 2 * kB + 1000);
  for (int64_t i = 0; i < 3; ++i) {
    Result<LockedBlock> lock = store_->LockBlock(7, Block(i));
    ASSERT_TRUE(lock.ok()) << lock.status();
    EXPECT_EQ(lock->path, Container());
    EXPECT_EQ(lock->offset, i * kB);
    EXPECT_EQ(PRead(lock->path, lock->offset, lock->length), BlockContent(Block(i), lock->length));
    EXPECT_EQ(store_->GetBlockInfo(Block(i))->offset, i * kB);
    EXPECT_EQ(*store_->VerifyBlock(Block(i)), VerifyOutcome::kVerified);
    ASSERT_TRUE(store_->UnlockBlock(lock->lock_id).ok());
  }
  EXPECT_EQ(store_->counters().verifications, 3);  // the three VerifyBlock calls, no lock check
}

TEST_F(BlockStorePackedTest, RemovalPunchesAndTheLastBlockDeletesTheContainer) {
  Open(1 << 20);
  for (int64_t i = 0; i < 3; ++i) ASSERT_TRUE(WritePacked(i, kB).ok());
  ASSERT_TRUE(store_->RemoveBlock(Block(1)).ok());
  EXPECT_TRUE(IsHole(Container(), kB, kB));
  EXPECT_FALSE(IsHole(Container(), 0, kB));
  EXPECT_EQ(PRead(Container(), 2 * kB, kB), BlockContent(Block(2), kB));
  EXPECT_EQ(store_->GetStoreMeta().used_bytes, 2 * kB);
  ASSERT_TRUE(store_->RemoveBlock(Block(0)).ok());
  ASSERT_TRUE(std::filesystem::exists(Container()));
  ASSERT_TRUE(store_->RemoveBlock(Block(2)).ok());
  EXPECT_FALSE(std::filesystem::exists(Container()));
  // A new block of the file starts a new container.
  ASSERT_TRUE(WritePacked(1, kB).ok());
  EXPECT_EQ(PRead(Container(), kB, kB), BlockContent(Block(1), kB));
  EXPECT_TRUE(IsHole(Container(), 0, kB));
}

TEST_F(BlockStorePackedTest, EvictionPunchesTheColdestBlocks) {
  Open(3 * kB);
  for (int64_t i = 0; i < 3; ++i) ASSERT_TRUE(WritePacked(i, kB).ok());
  ASSERT_TRUE(WritePacked(3, kB).ok());  // evicts block 0, the coldest, in the container's dir
  EXPECT_FALSE(store_->HasBlock(Block(0)));
  EXPECT_TRUE(IsHole(Container(), 0, kB));
  EXPECT_EQ(PRead(Container(), 3 * kB, kB), BlockContent(Block(3), kB));
  EXPECT_EQ(store_->GetStoreMeta().used_bytes, 3 * kB);
}

TEST_F(BlockStorePackedTest, AbortedAndAbandonedTempBlocksLeaveHoles) {
  Open(1 << 20);
  ASSERT_TRUE(WritePacked(0, kB).ok());
  Result<TempBlockFile> f = store_->CreateBlockFile(kSession, Block(1), Packed(), kB);
  ASSERT_TRUE(f.ok());
  PWrite(f->path, f->offset, std::string(kB, 'x'));
  ASSERT_TRUE(store_->AbortBlock(kSession, Block(1)).ok());
  EXPECT_TRUE(IsHole(Container(), kB, kB));
  f = store_->CreateBlockFile(9, Block(2), Packed(), kB);
  ASSERT_TRUE(f.ok());
  PWrite(f->path, f->offset, std::string(100, 'y'));
  store_->CleanupSession(9);
  EXPECT_TRUE(IsHole(Container(), 2 * kB, kB));
  EXPECT_EQ(store_->GetStoreMeta().used_bytes, kB);
  ASSERT_TRUE(store_->RemoveBlock(Block(0)).ok());
  EXPECT_FALSE(std::filesystem::exists(Container()));
}

TEST_F(BlockStorePackedTest, BadRequestsAreRefused) {
  Open(1 << 20);
  BlockLocationHint hint = Packed();
  EXPECT_EQ(store_->CreateBlock(kSession, Block(0), hint, 10).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->CreateBlockFile(kSession, Block(0), Packed(-1), 10).status().code(),
            StatusCode::kInvalidArgument);
  Result<TempBlockFile> f = store_->CreateBlockFile(kSession, Block(0), Packed(), 100);
  ASSERT_TRUE(f.ok());
  // Past the file's block size it would overwrite the next block.
  Status grow = store_->RequestSpace(kSession, Block(0), kB);
  EXPECT_EQ(grow.code(), StatusCode::kFailedPrecondition) << grow;
  EXPECT_THAT(grow.message(), HasSubstr("block size"));
  ASSERT_TRUE(store_->RequestSpace(kSession, Block(0), kB - 100).ok());
  // Without the written length the store cannot tell where the block ends.
  Status commit = store_->CommitBlock(kSession, Block(0));
  EXPECT_EQ(commit.code(), StatusCode::kInvalidArgument) << commit;
  // The container must hold what the writer says it wrote.
  const ManifestEntry claimed{kB, 0};
  Status short_file = store_->CommitBlock(kSession, Block(0), false, &claimed);
  EXPECT_EQ(short_file.code(), StatusCode::kDataLoss) << short_file;
  std::string data = BlockContent(Block(0), kB);
  PWrite(f->path, f->offset, data);
  const ManifestEntry written{kB, BlockChecksum(data)};
  ASSERT_TRUE(store_->CommitBlock(kSession, Block(0), false, &written).ok());
}

TEST_F(BlockStorePackedTest, BlocksThatCannotBePackedGetTheirOwnFiles) {
  Open(1 << 20);
  ASSERT_TRUE(WritePacked(0, kB).ok());
  // Larger than the pack size, or a different block size for the same file: own files.
  Result<TempBlockFile> big = store_->CreateBlockFile(kSession, Block(1), Packed(), kB + 1);
  ASSERT_TRUE(big.ok());
  EXPECT_FALSE(big->packed);
  EXPECT_EQ(big->offset, 0);
  Result<TempBlockFile> other = store_->CreateBlockFile(kSession, Block(2), Packed(2 * kB), 10);
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->packed);
  EXPECT_NE(other->path, Container());
}

TEST_F(BlockStorePackedTest, MovingTakesABlockOutOfItsContainer) {
  Open(1 << 20, 1 << 20);
  for (int64_t i = 0; i < 2; ++i) ASSERT_TRUE(WritePacked(i, kB).ok());
  Result<BlockLocation> moved = store_->MoveBlock(kSession, Block(1), "SSD");
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(moved->tier_alias, "SSD");
  EXPECT_TRUE(IsHole(Container(), kB, kB));
  Result<LockedBlock> lock = store_->LockBlock(7, Block(1));
  ASSERT_TRUE(lock.ok());
  EXPECT_EQ(lock->offset, 0);
  EXPECT_EQ(lock->path, root_.Sub("ssd") + "/alluxioworker/" + std::to_string(Block(1)));
  EXPECT_EQ(PRead(lock->path, 0, kB + 1), BlockContent(Block(1), kB));
  ASSERT_TRUE(store_->UnlockBlock(lock->lock_id).ok());
  ASSERT_TRUE(store_->RemoveBlock(Block(0)).ok());
  EXPECT_FALSE(std::filesystem::exists(Container()));  // its last user moved out before
}

// A change to the container behind the store's back (while none of its blocks is being written)
// makes every block in it checked at its next lock: the damaged one is dropped, the others pass.
TEST_F(BlockStorePackedTest, AChangedContainerIsCheckedBlockByBlock) {
  Open(1 << 20);
  for (int64_t i = 0; i < 3; ++i) ASSERT_TRUE(WritePacked(i, kB).ok());
  const int64_t before = store_->counters().verifications;
  Result<LockedBlock> lock = store_->LockBlock(7, Block(0));
  ASSERT_TRUE(lock.ok());
  ASSERT_TRUE(store_->UnlockBlock(lock->lock_id).ok());
  EXPECT_EQ(store_->counters().verifications, before) << "an untouched container is not read";
  PWrite(Container(), kB + 10, "X");  // changes a byte of block 1
  SetMtime(Container(), 1'000'000);   // as a write after the timestamp granularity would
  Result<LockedBlock> damaged = store_->LockBlock(7, Block(1));
  EXPECT_EQ(damaged.status().code(), StatusCode::kDataLoss) << damaged.status();
  EXPECT_FALSE(store_->HasBlock(Block(1)));
  for (int64_t i : {0, 2}) {
    Result<LockedBlock> ok = store_->LockBlock(7, Block(i));
    ASSERT_TRUE(ok.ok()) << i << ok.status();
    ASSERT_TRUE(store_->UnlockBlock(ok->lock_id).ok());
  }
  EXPECT_EQ(store_->counters().verifications, before + 3);
  // Once checked, the blocks are cheap to lock again.
  Result<LockedBlock> again = store_->LockBlock(7, Block(2));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(store_->counters().verifications, before + 3);
}

// Blocks being written into the container move its mtime: that is not taken for damage.
TEST_F(BlockStorePackedTest, WritersInTheContainerDoNotMakeItsBlocksSuspect) {
  Open(1 << 20);
  ASSERT_TRUE(WritePacked(0, kB).ok());
  Result<TempBlockFile> f = store_->CreateBlockFile(kSession, Block(1), Packed(), kB);
  ASSERT_TRUE(f.ok());
  std::string data = BlockContent(Block(1), kB);
  PWrite(f->path, f->offset, data);
  const int64_t before = store_->counters().verifications;
  Result<LockedBlock> lock = store_->LockBlock(7, Block(0));
  ASSERT_TRUE(lock.ok());
  ASSERT_TRUE(store_->UnlockBlock(lock->lock_id).ok());
  const ManifestEntry written{kB, BlockChecksum(data)};
  ASSERT_TRUE(store_->CommitBlock(kSession, Block(1), false, &written).ok());
  for (int64_t i = 0; i < 2; ++i) {
    Result<LockedBlock> l = store_->LockBlock(7, Block(i));
    ASSERT_TRUE(l.ok());
    ASSERT_TRUE(store_->UnlockBlock(l->lock_id).ok());
  }
  EXPECT_EQ(store_->counters().verifications, before);
}

// The store's own punches (removal, eviction, an abort) change the container's mtime too: that
// is not taken for damage either, so the other blocks are not read again at their next lock.
TEST_F(BlockStorePackedTest, OwnPunchesDoNotMakeTheOtherBlocksSuspect) {
  Open(4 * kB);
  for (int64_t i = 0; i < 4; ++i) ASSERT_TRUE(WritePacked(i, kB).ok());
  auto lock_all = [&](std::vector<int64_t> indexes) {
    for (int64_t i : indexes) {
      Result<LockedBlock> l = store_->LockBlock(7, Block(i));
      ASSERT_TRUE(l.ok()) << i << l.status();
      ASSERT_TRUE(store_->UnlockBlock(l->lock_id).ok());
    }
  };
  const int64_t before = store_->counters().verifications;
  ASSERT_TRUE(WritePacked(4, kB).ok());  // evicts block 0, the coldest
  ASSERT_FALSE(store_->HasBlock(Block(0)));
  lock_all({1, 2, 3, 4});
  ASSERT_TRUE(store_->RemoveBlock(Block(1)).ok());
  lock_all({2, 3, 4});
  Result<TempBlockFile> f = store_->CreateBlockFile(kSession, Block(5), Packed(), kB);
  ASSERT_TRUE(f.ok()) << f.status();
  PWrite(f->path, f->offset, "partial");
  ASSERT_TRUE(store_->AbortBlock(kSession, Block(5)).ok());
  lock_all({2, 3, 4});
  EXPECT_EQ(store_->counters().verifications, before);
}

// ---- Restart ----

TEST_F(BlockStorePackedTest, PackedBlocksSurviveARestart) {
  Open(1 << 20);
  for (int64_t i = 0; i < 3; ++i) ASSERT_TRUE(WritePacked(i, i == 2 ? 100 : kB).ok());
  Reopen();
  RecoveryStats r = store_->recovery_stats();
  EXPECT_EQ(r.blocks, 3);
  EXPECT_EQ(r.verified, 3);
  EXPECT_EQ(r.dropped_corrupt, 0);
  EXPECT_EQ(store_->GetStoreMeta().used_bytes, 2 * kB + 100);
  for (int64_t i = 0; i < 3; ++i) {
    Result<LockedBlock> lock = store_->LockBlock(7, Block(i));
    ASSERT_TRUE(lock.ok()) << lock.status();
    EXPECT_EQ(lock->offset, i * kB);
    EXPECT_EQ(PRead(lock->path, lock->offset, lock->length),
              BlockContent(Block(i), i == 2 ? 100 : kB));
    ASSERT_TRUE(store_->UnlockBlock(lock->lock_id).ok());
    EXPECT_EQ(*store_->VerifyBlock(Block(i)), VerifyOutcome::kVerified);
  }
  // The container goes on: the next block lands in its place, and removals still punch.
  Result<TempBlockFile> next = WritePacked(3, kB);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->offset, 3 * kB);
  ASSERT_TRUE(store_->RemoveBlock(Block(0)).ok());
  EXPECT_TRUE(IsHole(Container(), 0, kB));
}

// A crash while a packed block is written leaves bytes with no record: the restart punches them,
// and neighbours are untouched.
TEST_F(BlockStorePackedTest, ACrashLeavesNoPartialPackedBlock) {
  Open(1 << 20);
  ASSERT_TRUE(WritePacked(0, kB).ok());
  Result<TempBlockFile> f = store_->CreateBlockFile(kSession, Block(1), Packed(), kB);
  ASSERT_TRUE(f.ok());
  PWrite(f->path, f->offset, std::string(kB, 'p'));
  Reopen();
  EXPECT_FALSE(store_->HasBlock(Block(1)));
  EXPECT_TRUE(IsHole(Container(), kB, kB));
  EXPECT_EQ(PRead(Container(), 0, kB), BlockContent(Block(0), kB));
  EXPECT_EQ(store_->GetStoreMeta().used_bytes, kB);
}

// A block whose bytes were punched while its COMMIT stayed in the manifest (a removal whose record
// was lost) is not adopted as a block of zeros.
TEST_F(BlockStorePackedTest, APunchedBlockIsNotAdopted) {
  Open(1 << 20);
  for (int64_t i = 0; i < 2; ++i) ASSERT_TRUE(WritePacked(i, kB).ok());
  store_.reset();
  int fd = ::open(Container().c_str(), O_WRONLY);
  ASSERT_EQ(::fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, kB, kB), 0);
  ::close(fd);
  Reopen();
  EXPECT_TRUE(store_->HasBlock(Block(0)));
  EXPECT_FALSE(store_->HasBlock(Block(1)));
  EXPECT_EQ(store_->recovery_stats().dropped_corrupt, 1);
}

// Packed blocks exist only through their records: without a manifest their container goes.
TEST_F(BlockStorePackedTest, AContainerWithoutRecordsIsDeleted) {
  Open(1 << 20);
  ASSERT_TRUE(WritePacked(0, kB).ok());
  store_.reset();
  std::filesystem::remove(root_.Sub("mem") + "/alluxioworker/.manifest");
  Reopen();
  EXPECT_FALSE(store_->HasBlock(Block(0)));
  EXPECT_FALSE(std::filesystem::exists(Container()));
  EXPECT_EQ(store_->GetStoreMeta().used_bytes, 0);
}

// With only block 0 found the block size is unknown: the next writer's is taken when block 0
// fits in it.
TEST_F(BlockStorePackedTest, AfterARestartWithBlockZeroOnlyTheNextBlockSizeIsTaken) {
  Open(1 << 20);
  ASSERT_TRUE(WritePacked(0, 1000).ok());
  Reopen();
  Result<TempBlockFile> small =
      store_->CreateBlockFile(kSession, Block(1), Packed(500), 10);  // block 0 would not fit
  ASSERT_TRUE(small.ok());
  EXPECT_FALSE(small->packed);
  ASSERT_TRUE(store_->AbortBlock(kSession, Block(1)).ok());
  Result<TempBlockFile> next = WritePacked(1, kB);
  ASSERT_TRUE(next.ok());
  EXPECT_TRUE(next->packed);
  EXPECT_EQ(next->offset, kB);
}

}  // namespace
}  // namespace alluxio::worker
