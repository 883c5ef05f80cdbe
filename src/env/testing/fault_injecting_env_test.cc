// SPDX-License-Identifier: Apache-2.0
#include "env/testing/fault_injecting_env.h"

#include <cstdlib>
#include <string>

#include "gtest/gtest.h"

namespace alluxio::env {
namespace {

class FaultInjectingEnvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "fault_env_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { ASSERT_TRUE(Env::Default()->RemoveDirRecursively(dir_).ok()); }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  FaultInjectingEnv env_{Env::Default()};
  std::string dir_;
};

TEST_F(FaultInjectingEnvTest, FailsOnlyTheNthCall) {
  auto file = env_.NewWritableFile(Path("f"));
  ASSERT_TRUE(file.ok());
  env_.FailNthCall(FaultOp::kAppend, 2, DataLossError("boom"));
  EXPECT_TRUE((*file)->Append("a").ok());
  Status s = (*file)->Append("b");
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_EQ(s.message(), "boom");
  EXPECT_TRUE((*file)->Append("c").ok());
  ASSERT_TRUE((*file)->Close().ok());
  EXPECT_EQ(ReadFileToString(&env_, Path("f")).value(), "ac");  // The failed call wrote nothing.
  EXPECT_EQ(env_.CallCount(FaultOp::kAppend), 3);
}

TEST_F(FaultInjectingEnvTest, StickyFaultKeepsFailingUntilCleared) {
  env_.FailNthCall(FaultOp::kRename, 1, InternalError("no rename"), /*sticky=*/true);
  ASSERT_TRUE(WriteStringToFileSync(Env::Default(), Path("a"), "x").ok());
  EXPECT_FALSE(env_.RenameFile(Path("a"), Path("b")).ok());
  EXPECT_FALSE(env_.RenameFile(Path("a"), Path("b")).ok());
  env_.ClearFaults();
  EXPECT_TRUE(env_.RenameFile(Path("a"), Path("b")).ok());
}

TEST_F(FaultInjectingEnvTest, DropUnsyncedDataTruncatesToLastSync) {
  auto file = env_.NewWritableFile(Path("f"));
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->Append("durable").ok());
  ASSERT_TRUE((*file)->Sync().ok());
  ASSERT_TRUE((*file)->Append("-lost").ok());
  ASSERT_TRUE((*file)->Close().ok());
  EXPECT_EQ(ReadFileToString(&env_, Path("f")).value(), "durable-lost");
  ASSERT_TRUE(env_.DropUnsyncedData().ok());
  EXPECT_EQ(ReadFileToString(&env_, Path("f")).value(), "durable");
}

TEST_F(FaultInjectingEnvTest, InactiveFilesystemRefusesMutationsAndDropKeepsSynced) {
  auto file = env_.NewWritableFile(Path("f"));
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->Append("abc").ok());
  ASSERT_TRUE((*file)->Sync().ok());
  ASSERT_TRUE((*file)->Append("def").ok());  // Written, never synced.
  env_.SetFilesystemActive(false);
  EXPECT_EQ((*file)->Append("ghi").code(), StatusCode::kUnavailable);
  EXPECT_EQ((*file)->Sync().code(), StatusCode::kUnavailable);
  EXPECT_EQ(env_.RenameFile(Path("f"), Path("g")).code(), StatusCode::kUnavailable);
  EXPECT_EQ(env_.NewWritableFile(Path("h")).status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(env_.SyncDir(dir_).code(), StatusCode::kUnavailable);
  ASSERT_TRUE((*file)->Close().ok());
  EXPECT_EQ(ReadFileToString(&env_, Path("f")).value(), "abcdef");  // Reads still work.
  ASSERT_TRUE(env_.DropUnsyncedData().ok());
  EXPECT_EQ(ReadFileToString(&env_, Path("f")).value(), "abc");
  env_.SetFilesystemActive(true);
  EXPECT_TRUE(env_.RenameFile(Path("f"), Path("g")).ok());
}

TEST_F(FaultInjectingEnvTest, RenameMovesTheRememberedState) {
  auto file = env_.NewWritableFile(Path("f"));
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->Append("abc").ok());
  ASSERT_TRUE((*file)->Sync().ok());
  ASSERT_TRUE((*file)->Append("def").ok());
  ASSERT_TRUE((*file)->Close().ok());
  ASSERT_TRUE(env_.RenameFile(Path("f"), Path("g")).ok());
  auto never_synced = env_.NewWritableFile(Path("h"));
  ASSERT_TRUE(never_synced.ok());
  ASSERT_TRUE((*never_synced)->Append("zzz").ok());
  ASSERT_TRUE((*never_synced)->Close().ok());
  ASSERT_TRUE(env_.DropUnsyncedData().ok());
  EXPECT_EQ(ReadFileToString(&env_, Path("g")).value(), "abc");
  EXPECT_EQ(ReadFileToString(&env_, Path("h")).value(), "");
}

TEST_F(FaultInjectingEnvTest, SeededDropKeepsAPrefixOfUnsyncedBytes) {
  for (uint64_t seed = 1; seed <= 20; seed++) {
    auto file = env_.NewWritableFile(Path("f"));
    ASSERT_TRUE(file.ok());
    ASSERT_TRUE((*file)->Append("0123").ok());
    ASSERT_TRUE((*file)->Sync().ok());
    ASSERT_TRUE((*file)->Append("456789").ok());
    ASSERT_TRUE((*file)->Close().ok());
    ASSERT_TRUE(env_.DropUnsyncedData(seed).ok());
    std::string data = ReadFileToString(&env_, Path("f")).value();
    EXPECT_GE(data.size(), 4u);
    EXPECT_EQ(data, std::string("0123456789").substr(0, data.size()));
  }
}

TEST_F(FaultInjectingEnvTest, FailedSyncDoesNotAdvanceDurableSize) {
  auto file = env_.NewWritableFile(Path("f"));
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->Append("abc").ok());
  env_.FailNthCall(FaultOp::kSync, 1);
  EXPECT_FALSE((*file)->Sync().ok());
  ASSERT_TRUE((*file)->Close().ok());
  ASSERT_TRUE(env_.DropUnsyncedData().ok());
  EXPECT_EQ(ReadFileToString(&env_, Path("f")).value(), "");
}

}  // namespace
}  // namespace alluxio::env
