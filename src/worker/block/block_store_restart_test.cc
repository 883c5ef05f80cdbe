// SPDX-License-Identifier: Apache-2.0
// BlockStore::Open on existing tier directories: committed blocks survive, temp blocks and
// foreign files go, damaged or oversized blocks are dropped without failing, manifests are
// trusted only as far as they check out, and a golden directory stays readable.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "env/testing/fault_injecting_env.h"
#include "worker/block/block_manifest.h"
#include "worker/block/block_store.h"
#include "worker/block/test_util.h"

namespace alluxio::worker {
namespace {

using testing::BlockContent;
using testing::DirSpec;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::ListDir;
using testing::ReadFile;
using testing::SetMtime;
using testing::TempFolder;
using testing::TierSpec;
using testing::WriteBlock;
using testing::WriteFile;

constexpr SessionId kSession = 1;

class BlockStoreRestartTest : public ::testing::Test {
 protected:
  void SetTiers(std::vector<TierSpec> tiers) { tiers_ = std::move(tiers); }
  void Open(const std::function<void(StoreOptions*)>& tweak = nullptr, env::Env* env = nullptr) {
    store_.reset();
    StoreOptions o = testing::MakeOptions(root_, tiers_);
    if (tweak) tweak(&o);
    Result<std::unique_ptr<BlockStore>> s = BlockStore::Open(o, env);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = *std::move(s);
  }
  Status Write(BlockId id, int64_t length, std::string tier = "ANY") {
    return WriteBlock(store_.get(), kSession, id, BlockContent(id, length), {tier, ""});
  }
  std::string DataDir(std::string_view name) { return root_.Sub(name) + "/alluxioworker"; }
  std::vector<BlockId> Blocks() {
    std::vector<BlockId> ids;
    for (const TierMeta& t : store_->GetStoreMeta(true).tiers) {
      for (const DirMeta& d : t.dirs) ids.insert(ids.end(), d.block_ids.begin(), d.block_ids.end());
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  TempFolder root_;
  std::vector<TierSpec> tiers_ = {TierSpec{"MEM", {DirSpec{"mem", 1000}}},
                                  TierSpec{"SSD", {DirSpec{"ssd", 1000}}}};
  env::FaultInjectingEnv env_{env::Env::Default()};  // outlives store_
  std::unique_ptr<BlockStore> store_;
};

TEST_F(BlockStoreRestartTest, CommittedBlocksSurviveAndTempBlocksDoNot) {
  Open();
  ASSERT_TRUE(Write(1, 100, "MEM").ok());
  ASSERT_TRUE(Write(2, 200, "SSD").ok());
  ASSERT_TRUE(Write(3, 0, "SSD").ok());
  std::string tmp = *store_->CreateBlock(kSession, 4, {}, 100);
  WriteFile(tmp, "half a block");
  Open();  // the worker restarts (no CleanupSession, no abort)

  EXPECT_THAT(Blocks(), ElementsAre(1, 2, 3));
  EXPECT_EQ(store_->GetBlockInfo(1)->location.tier_alias, "MEM");
  EXPECT_EQ(store_->GetBlockInfo(2)->location.tier_alias, "SSD");
  EXPECT_EQ(store_->GetBlockInfo(2)->length, 200);
  EXPECT_EQ(ReadFile(store_->GetBlockInfo(2)->path), BlockContent(2, 200));
  RecoveryStats stats = store_->recovery_stats();
  EXPECT_EQ(stats.blocks, 3);
  EXPECT_EQ(stats.bytes, 300);
  EXPECT_EQ(stats.verified, 3);
  EXPECT_EQ(stats.unverified, 0);
  for (BlockId id : {1, 2, 3}) EXPECT_EQ(*store_->VerifyBlock(id), VerifyOutcome::kVerified);
  EXPECT_FALSE(std::filesystem::exists(tmp));
  EXPECT_THAT(ListDir(DataDir("mem") + "/.tmp_blocks"), IsEmpty());
  EXPECT_EQ(store_->GetStoreMeta().used_bytes, 300);
  EXPECT_FALSE(store_->HasBlock(4));
  ASSERT_TRUE(Write(4, 10).ok());
}

TEST_F(BlockStoreRestartTest, ForeignFilesAndDirectoriesAreDeleted) {
  Open();
  ASSERT_TRUE(Write(1, 10, "MEM").ok());
  store_.reset();
  std::string dir = DataDir("mem");
  for (const char* name : {"foo", "007", "+7", "12abc", "99999999999999999999", ".manifest.tmp"}) {
    WriteFile(dir + "/" + name, "junk");
  }
  WriteFile(dir + "/sub/deeper/5", "junk");
  WriteFile(dir + "/.tmp_blocks/3/3-9", "junk");
  std::filesystem::create_symlink(dir + "/1", dir + "/99");
  Open();
  EXPECT_THAT(ListDir(dir), ElementsAre(".manifest", ".tmp_blocks", "1"));
  EXPECT_THAT(ListDir(dir + "/.tmp_blocks"), IsEmpty());
  EXPECT_EQ(store_->recovery_stats().garbage_removed, 8);
  EXPECT_THAT(Blocks(), ElementsAre(1));
}

TEST_F(BlockStoreRestartTest, StaleOversizedBlockIsDroppedNotFatal) {  // Alluxio #15171
  SetTiers({TierSpec{"MEM", {DirSpec{"mem", 100}}}});
  WriteFile(DataDir("mem") + "/5", std::string(160, 'x'));
  Open();
  EXPECT_FALSE(store_->HasBlock(5));
  EXPECT_FALSE(std::filesystem::exists(DataDir("mem") + "/5"));
  EXPECT_EQ(store_->recovery_stats().dropped_over_quota, 1);
  EXPECT_EQ(store_->GetStoreMeta().used_bytes, 0);
  ASSERT_TRUE(Write(6, 100).ok());
}

TEST_F(BlockStoreRestartTest, QuotaKeepsTheOldestBlocksAndTheyEvictOldestFirst) {
  SetTiers({TierSpec{"MEM", {DirSpec{"mem", 100}}}});
  for (BlockId id : {1, 2, 3}) {
    WriteFile(DataDir("mem") + "/" + std::to_string(id), std::string(40, 'z'));
  }
  SetMtime(DataDir("mem") + "/1", 1'700'000'300);
  SetMtime(DataDir("mem") + "/2", 1'700'000'100);
  SetMtime(DataDir("mem") + "/3", 1'700'000'200);
  Open();
  EXPECT_THAT(Blocks(), ElementsAre(2, 3));  // 1 is the newest and does not fit
  EXPECT_EQ(store_->recovery_stats().dropped_over_quota, 1);
  EXPECT_EQ(store_->recovery_stats().unverified, 2);  // no manifest yet
  ASSERT_TRUE(Write(4, 40).ok());                     // evicts 2, the oldest
  EXPECT_THAT(Blocks(), ElementsAre(3, 4));
}

TEST_F(BlockStoreRestartTest, TruncatedBlockIsDroppedAtOpen) {
  Open();
  ASSERT_TRUE(Write(1, 100, "MEM").ok());
  ASSERT_TRUE(Write(2, 100, "MEM").ok());
  store_.reset();
  std::filesystem::resize_file(DataDir("mem") + "/1", 50);
  Open();
  EXPECT_THAT(Blocks(), ElementsAre(2));
  EXPECT_EQ(store_->recovery_stats().dropped_corrupt, 1);
  EXPECT_FALSE(std::filesystem::exists(DataDir("mem") + "/1"));
}

TEST_F(BlockStoreRestartTest, FlippedBitsAreCaughtByVerifyOrByAFullCheckAtOpen) {
  Open();
  ASSERT_TRUE(Write(1, 100, "MEM").ok());
  ASSERT_TRUE(Write(2, 100, "MEM").ok());
  store_.reset();
  for (BlockId id : {1, 2}) {
    std::string path = DataDir("mem") + "/" + std::to_string(id);
    std::string data = ReadFile(path);
    data[10] ^= 0x04;
    WriteFile(path, data);
  }
  Open();  // size checks only: both are kept
  EXPECT_THAT(Blocks(), ElementsAre(1, 2));
  EXPECT_EQ(store_->VerifyBlock(1).status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(Blocks(), ElementsAre(2));
  Open([](StoreOptions* o) { o->verify_checksums_on_open = true; });
  EXPECT_THAT(Blocks(), IsEmpty());
  EXPECT_EQ(store_->recovery_stats().dropped_corrupt, 1);
}

TEST_F(BlockStoreRestartTest, BlockWithoutARecordIsUnverifiedUntilVerified) {
  Open();
  ASSERT_TRUE(Write(1, 100, "MEM").ok());
  store_.reset();
  std::filesystem::remove(DataDir("mem") + "/.manifest");
  // A block copied in by hand (like alluxio-start.sh -c restoring a ramdisk) is adopted too.
  WriteFile(DataDir("mem") + "/2", BlockContent(2, 30));
  Open();
  EXPECT_THAT(Blocks(), ElementsAre(1, 2));
  EXPECT_EQ(store_->recovery_stats().unverified, 2);
  EXPECT_FALSE(store_->GetBlockInfo(1)->has_checksum);
  EXPECT_EQ(*store_->VerifyBlock(1), VerifyOutcome::kChecksumRecorded);
  EXPECT_TRUE(store_->GetBlockInfo(1)->has_checksum);
  EXPECT_EQ(*store_->VerifyBlock(1), VerifyOutcome::kVerified);
  Open();
  EXPECT_EQ(store_->recovery_stats().verified, 1);
  EXPECT_EQ(store_->recovery_stats().unverified, 1);
  EXPECT_EQ(*store_->VerifyBlock(1), VerifyOutcome::kVerified);
}

TEST_F(BlockStoreRestartTest, DamagedManifestIsRewrittenAndIntactRecordsKept) {
  Open();
  for (BlockId id : {1, 2, 3}) ASSERT_TRUE(Write(id, 10 * id, "MEM").ok());
  store_.reset();
  std::string manifest = DataDir("mem") + "/.manifest";
  std::string data = ReadFile(manifest);
  ASSERT_EQ(data.size(), kManifestHeaderSize + 3 * kManifestRecordSize);
  data[kManifestHeaderSize + kManifestRecordSize + 9] ^= 1;  // block 2's record
  data += "torn";
  WriteFile(manifest, data);
  Open();
  EXPECT_THAT(Blocks(), ElementsAre(1, 2, 3));
  EXPECT_EQ(store_->recovery_stats().verified, 2);
  EXPECT_FALSE(store_->GetBlockInfo(2)->has_checksum);
  ParsedManifest p = ParseManifest(ReadFile(manifest));
  EXPECT_FALSE(p.damaged());
  EXPECT_EQ(p.records, 2);

  // An unreadable header: everything is unverified, and the manifest starts over.
  store_.reset();
  WriteFile(manifest, "not a manifest at all, but long enough for a header");
  Open();
  EXPECT_EQ(store_->recovery_stats().unverified, 3);
  EXPECT_FALSE(ParseManifest(ReadFile(manifest)).damaged());
}

TEST_F(BlockStoreRestartTest, ManifestStaysSmallUnderChurn) {
  SetTiers({TierSpec{"MEM", {DirSpec{"mem", 1 << 20}}}});
  Open();
  ASSERT_TRUE(Write(1'000'000, 5).ok());   // one block that stays
  for (BlockId id = 1; id <= 700; id++) {  // 1400 records: more than the slack of 1024
    ASSERT_TRUE(Write(id, 1).ok());
    ASSERT_TRUE(store_->RemoveBlock(id).ok());
  }
  store_.reset();  // flushes buffered removal records
  uint64_t size = std::filesystem::file_size(DataDir("mem") + "/.manifest");
  EXPECT_LE(size, kManifestHeaderSize + (2 * 1 + 1024 + 2) * kManifestRecordSize);
  Open();
  EXPECT_THAT(Blocks(), ElementsAre(1'000'000));
  EXPECT_EQ(store_->recovery_stats().verified, 1);
}

TEST_F(BlockStoreRestartTest, InterruptedMoveKeepsTheFasterCopy) {
  Open();
  ASSERT_TRUE(Write(1, 100, "SSD").ok());
  store_.reset();
  // A crash after the copy reached MEM but before the SSD file was deleted.
  std::filesystem::copy_file(DataDir("ssd") + "/1", DataDir("mem") + "/1");
  Open();
  EXPECT_EQ(store_->GetBlockInfo(1)->location.tier_alias, "MEM");
  EXPECT_EQ(store_->recovery_stats().dropped_duplicate, 1);
  EXPECT_FALSE(std::filesystem::exists(DataDir("ssd") + "/1"));
  EXPECT_EQ(store_->GetStoreMeta().tiers[1].used_bytes, 0);
  EXPECT_EQ(ReadFile(store_->GetBlockInfo(1)->path), BlockContent(1, 100));
}

TEST_F(BlockStoreRestartTest, FailedCommitLeavesNothingAfterRestart) {
  Open(nullptr, &env_);
  std::string tmp = *store_->CreateBlock(kSession, 1, {}, 10);
  WriteFile(tmp, "0123456789");
  env_.FailNthCall(env::FaultOp::kRename, 1);
  EXPECT_FALSE(store_->CommitBlock(kSession, 1).ok());
  Open();  // crash and restart
  EXPECT_FALSE(store_->HasBlock(1));
  EXPECT_THAT(Blocks(), IsEmpty());
}

TEST_F(BlockStoreRestartTest, LostDirAtRestartKeepsTheOtherDirs) {
  Open();
  ASSERT_TRUE(Write(1, 10, "MEM").ok());
  ASSERT_TRUE(Write(2, 10, "SSD").ok());
  store_.reset();
  std::filesystem::remove_all(root_.Sub("ssd"));
  WriteFile(root_.Sub("ssd"), "a file where the dir was");
  Open();
  EXPECT_THAT(Blocks(), ElementsAre(1));
  StoreMeta meta = store_->GetStoreMeta();
  EXPECT_THAT(meta.lost_storage.at("SSD"), ElementsAre(root_.Sub("ssd")));
  EXPECT_EQ(meta.capacity_bytes, 1000);
}

// The version-1 golden manifest (block_manifest_test.cc) in a real data dir: every block it
// describes is verified, the one it records as removed is adopted unverified, and the manifest is
// rewritten in the current version with what it knew.
TEST_F(BlockStoreRestartTest, GoldenDataDirOpensVerified) {
  SetTiers({TierSpec{"MEM", {DirSpec{"mem", 1 << 20}}}});
  std::string dir = DataDir("mem");
  WriteFile(dir + "/.manifest",
            ReadFile(std::string(ALLUXIO_SOURCE_DIR) + "/src/worker/block/testdata/manifest_v1"));
  WriteFile(dir + "/16777216", "hello");
  WriteFile(dir + "/16777217", std::string(1000, 'a'));
  WriteFile(dir + "/-5", "abc");
  WriteFile(dir + "/33554432", "");
  Open();
  EXPECT_THAT(Blocks(), ElementsAre(-5, 16777216, 16777217, 33554432));
  EXPECT_EQ(store_->recovery_stats().verified, 3);
  EXPECT_EQ(store_->recovery_stats().unverified, 1);
  for (BlockId id : {-5, 16777216, 16777217}) {
    EXPECT_EQ(*store_->VerifyBlock(id), VerifyOutcome::kVerified) << id;
  }
  EXPECT_EQ(*store_->VerifyBlock(33554432), VerifyOutcome::kChecksumRecorded);
  ParsedManifest rewritten = ParseManifest(ReadFile(dir + "/.manifest"));
  EXPECT_EQ(rewritten.version, kManifestVersion);
  EXPECT_FALSE(rewritten.damaged());
  EXPECT_EQ(rewritten.entries.at(16777216), (ManifestEntry{5, BlockChecksum("hello")}));
  EXPECT_EQ(rewritten.entries.size(), 4u);  // with the checksum VerifyBlock just recorded
}

// Writes `n` one-byte block files (and, if asked, a manifest for them) without the store.
void MakeBlockFiles(const std::string& data_dir, int64_t n, bool manifest) {
  std::filesystem::create_directories(data_dir);
  std::vector<std::pair<BlockId, ManifestEntry>> entries;
  for (BlockId id = 0; id < n; id++) {
    std::string path = data_dir + "/" + std::to_string(id);
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    ASSERT_GE(fd, 0) << path;
    ASSERT_EQ(::write(fd, "x", 1), 1);
    ::close(fd);
    if (manifest) entries.emplace_back(id, ManifestEntry{1, BlockChecksum("x")});
  }
  if (manifest) {
    ASSERT_TRUE(ManifestWriter::Create(env::Env::Default(), data_dir, entries).ok());
  }
}

TEST_F(BlockStoreRestartTest, ManyBlocksOpen) {
  SetTiers({TierSpec{"MEM", {DirSpec{"mem", 1 << 30}}}});
  MakeBlockFiles(DataDir("mem"), 5'000, /*manifest=*/true);
  Open();
  EXPECT_EQ(store_->recovery_stats().blocks, 5'000);
  EXPECT_EQ(store_->recovery_stats().verified, 5'000);
  EXPECT_EQ(store_->GetStoreMeta().used_bytes, 5'000);
}

// The goal: a worker with 1M cached blocks serves them again within seconds. Run with
// --gtest_also_run_disabled_tests (creating the files takes a while).
TEST_F(BlockStoreRestartTest, DISABLED_OneMillionBlocksOpenInSeconds) {
  SetTiers({TierSpec{"MEM", {DirSpec{"mem", int64_t{1} << 40}}}});
  MakeBlockFiles(DataDir("mem"), 1'000'000, /*manifest=*/true);
  auto start = std::chrono::steady_clock::now();
  Open();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  start)
                .count();
  EXPECT_EQ(store_->recovery_stats().verified, 1'000'000);
  std::cout << "Opened 1,000,000 blocks in " << ms << " ms\n";
  EXPECT_LT(ms, 10'000);
}

}  // namespace
}  // namespace alluxio::worker
