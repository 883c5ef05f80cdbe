// SPDX-License-Identifier: Apache-2.0
#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <string>

#include "env/env.h"
#include "gtest/gtest.h"

namespace alluxio::env {
namespace {

class PosixEnvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "posix_env_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { ASSERT_TRUE(env_->RemoveDirRecursively(dir_).ok()); }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  Env* env_ = Env::Default();
  std::string dir_;
};

TEST_F(PosixEnvTest, WriteThenReadBack) {
  auto file = env_->NewWritableFile(Path("f"));
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  ASSERT_TRUE((*file)->Append("hello ").ok());
  std::string big(200 * 1024, 'x');  // Larger than the write buffer.
  ASSERT_TRUE((*file)->Append(big).ok());
  ASSERT_TRUE((*file)->Sync().ok());
  EXPECT_EQ((*file)->Size(), 6 + big.size());
  ASSERT_TRUE((*file)->Close().ok());
  ASSERT_TRUE((*file)->Close().ok());  // Twice is fine.
  auto data = ReadFileToString(env_, Path("f"));
  ASSERT_TRUE(data.ok());
  EXPECT_EQ(*data, "hello " + big);
  auto size = env_->GetFileSize(Path("f"));
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, 6 + big.size());
}

TEST_F(PosixEnvTest, AppendableFileKeepsContentAndReportsSize) {
  ASSERT_TRUE(WriteStringToFileSync(env_, Path("f"), "abc").ok());
  auto file = env_->NewAppendableFile(Path("f"));
  ASSERT_TRUE(file.ok());
  EXPECT_EQ((*file)->Size(), 3u);
  ASSERT_TRUE((*file)->Append("def").ok());
  ASSERT_TRUE((*file)->Close().ok());
  EXPECT_EQ(ReadFileToString(env_, Path("f")).value(), "abcdef");
}

TEST_F(PosixEnvTest, SequentialReadAndSkip) {
  ASSERT_TRUE(WriteStringToFileSync(env_, Path("f"), "0123456789").ok());
  auto file = env_->NewSequentialFile(Path("f"));
  ASSERT_TRUE(file.ok());
  char scratch[16];
  auto r = (*file)->Read(3, scratch);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "012");
  ASSERT_TRUE((*file)->Skip(4).ok());
  r = (*file)->Read(16, scratch);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "789");
  r = (*file)->Read(16, scratch);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

TEST_F(PosixEnvTest, MissingFileIsNotFound) {
  EXPECT_EQ(env_->NewSequentialFile(Path("nope")).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(env_->GetFileSize(Path("nope")).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(env_->RemoveFile(Path("nope")).code(), StatusCode::kNotFound);
  EXPECT_FALSE(env_->FileExists(Path("nope")));
}

TEST_F(PosixEnvTest, DirectoriesChildrenRenameTruncate) {
  ASSERT_TRUE(env_->CreateDirs(Path("a/b/c")).ok());
  ASSERT_TRUE(env_->CreateDirs(Path("a/b/c")).ok());  // Exists: OK.
  ASSERT_TRUE(WriteStringToFileSync(env_, Path("a/x"), "12345").ok());
  auto children = env_->GetChildren(Path("a"));
  ASSERT_TRUE(children.ok());
  std::sort(children->begin(), children->end());
  EXPECT_EQ(*children, (std::vector<std::string>{"b", "x"}));

  ASSERT_TRUE(env_->RenameFile(Path("a/x"), Path("a/b/y")).ok());
  EXPECT_FALSE(env_->FileExists(Path("a/x")));
  ASSERT_TRUE(env_->TruncateFile(Path("a/b/y"), 2).ok());
  EXPECT_EQ(ReadFileToString(env_, Path("a/b/y")).value(), "12");
  ASSERT_TRUE(env_->SyncDir(Path("a/b")).ok());

  ASSERT_TRUE(env_->RemoveDirRecursively(Path("a")).ok());
  EXPECT_FALSE(env_->FileExists(Path("a")));
  ASSERT_TRUE(env_->RemoveDirRecursively(Path("a")).ok());  // Missing: OK.
}

TEST_F(PosixEnvTest, WriteStringToFileSyncReplacesAtomically) {
  ASSERT_TRUE(WriteStringToFileSync(env_, Path("f"), "one").ok());
  ASSERT_TRUE(WriteStringToFileSync(env_, Path("f"), "two").ok());
  EXPECT_EQ(ReadFileToString(env_, Path("f")).value(), "two");
  EXPECT_EQ(env_->GetChildren(dir_).value(), std::vector<std::string>{"f"});  // No temp left.
}

TEST_F(PosixEnvTest, SecondLockInSameProcessFails) {
  auto lock = env_->LockFile(Path("LOCK"));
  ASSERT_TRUE(lock.ok()) << lock.status().ToString();
  auto second = env_->LockFile(Path("LOCK"));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(second.status().message().find("is locked by another process"), std::string::npos);
  EXPECT_NE(second.status().message().find(Path("LOCK")), std::string::npos);
  lock->reset();  // Releases.
  auto third = env_->LockFile(Path("LOCK"));
  EXPECT_TRUE(third.ok()) << third.status().ToString();
}

// The lock excludes other processes, both ways.
TEST_F(PosixEnvTest, LockExcludesOtherProcess) {
  auto lock = env_->LockFile(Path("LOCK"));
  ASSERT_TRUE(lock.ok());
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    int fd = ::open(Path("LOCK").c_str(), O_RDWR);
    int rc = ::flock(fd, LOCK_EX | LOCK_NB);
    ::_exit(rc != 0 && errno == EWOULDBLOCK ? 0 : 1);
  }
  int wstatus = 0;
  ASSERT_EQ(::waitpid(pid, &wstatus, 0), pid);
  EXPECT_TRUE(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) << "child could take the lock";
  lock->reset();

  // A child holds the lock; this process is refused.
  int to_parent[2];
  int to_child[2];
  ASSERT_EQ(::pipe(to_parent), 0);
  ASSERT_EQ(::pipe(to_child), 0);
  pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    int fd = ::open(Path("LOCK").c_str(), O_RDWR);
    char c = ::flock(fd, LOCK_EX | LOCK_NB) == 0 ? 'y' : 'n';
    if (::write(to_parent[1], &c, 1) != 1) ::_exit(2);
    if (::read(to_child[0], &c, 1) != 1) ::_exit(3);  // Hold until told.
    ::_exit(0);
  }
  char c = 0;
  ASSERT_EQ(::read(to_parent[0], &c, 1), 1);
  ASSERT_EQ(c, 'y');
  auto refused = env_->LockFile(Path("LOCK"));
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("is locked by another process"), std::string::npos);
  ASSERT_EQ(::write(to_child[1], "x", 1), 1);
  ASSERT_EQ(::waitpid(pid, &wstatus, 0), pid);
  for (int fd : {to_parent[0], to_parent[1], to_child[0], to_child[1]}) ::close(fd);
  EXPECT_TRUE(env_->LockFile(Path("LOCK")).ok());
}

TEST_F(PosixEnvTest, NowMillisIsWallClock) {
  int64_t now = env_->NowMillis();
  EXPECT_GT(now, int64_t{1'600'000'000'000});  // After 2020.
}

}  // namespace
}  // namespace alluxio::env
