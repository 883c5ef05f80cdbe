// SPDX-License-Identifier: Apache-2.0
// FuseFileSystem (src/fuse/fuse_file_system.h) on an in-process cluster, without the kernel: the
// open-file states (sequential, clean, staged), commits at flush, append, random writes,
// truncation, overwrite, rename and unlink of open files, keep_cache decisions and errno values.
#include "fuse/fuse_file_system.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/minicluster/mini_cluster.h"
#include "tests/minicluster/test_util.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif

namespace alluxio {
namespace {

using fuse::FuseFileSystem;
using fuse::OpenFile;
using testing::MiniCluster;
using testing::RandomBytes;

class FuseFileSystemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::MiniClusterOptions o;
    o.num_workers = 1;
    o.worker_quota = "256MB";
    o.properties = {{"alluxio.user.block.size.bytes.default", "64KB"},
                    {"alluxio.user.file.writetype.default", "MUST_CACHE"}};
    auto c = MiniCluster::Start(o);
    ASSERT_TRUE(c.ok()) << c.status();
    cluster_ = std::move(*c);
    ASSERT_TRUE(cluster_->WaitForWorkers().ok());
    staging_ = cluster_->work_dir() + "/staging";
    std::filesystem::create_directories(staging_);
    ASSERT_TRUE(cluster_->client()->CreateDirectory("/m").ok());
    FuseFileSystem::Options fo;
    fo.alluxio_root = "/m";
    fo.staging_dir = staging_;
    fo.uid = ::getuid();
    fo.gid = ::getgid();
    fs_ = std::make_unique<FuseFileSystem>(cluster_->client(), fo);
    fs_->SetInvalidator([this](const std::string& p) { invalidated_.push_back(p); });
  }

  // What another client reads at mount path `path` ("" and ok=false if it cannot).
  std::string AlluxioRead(const std::string& path, bool* ok = nullptr) {
    auto in = cluster_->client()->Open("/m" + path);
    if (ok != nullptr) *ok = in.ok();
    if (!in.ok()) return "";
    std::string out(static_cast<size_t>((*in)->length()), '\0');
    auto n = (*in)->PositionedRead(0, out.data(), out.size());
    if (!n.ok()) return "";
    out.resize(*n);
    return out;
  }

  // Writes `data` as a new file through the mount (create, write in pieces, release).
  void CreateFile(const std::string& path, const std::string& data) {
    OpenFile* f = nullptr;
    ASSERT_EQ(fs_->Create(path, 0644, ::getuid(), ::getgid(), &f), 0);
    for (size_t pos = 0; pos < data.size(); pos += 10000) {
      size_t n = std::min<size_t>(10000, data.size() - pos);
      ASSERT_EQ(fs_->Write(f, data.data() + pos, n, static_cast<off_t>(pos)),
                static_cast<ssize_t>(n));
    }
    ASSERT_EQ(fs_->Flush(f), 0);
    ASSERT_EQ(fs_->Release(f), 0);
  }

  std::string ReadAll(OpenFile* f, size_t max = 1 << 20) {
    std::string out(max, '\0');
    ssize_t n = fs_->Read(f, out.data(), out.size(), 0);
    EXPECT_GE(n, 0);
    out.resize(n < 0 ? 0 : static_cast<size_t>(n));
    return out;
  }

  int64_t Size(const std::string& path) {
    struct stat st;
    EXPECT_EQ(fs_->GetAttr(path, &st, nullptr), 0);
    return st.st_size;
  }

  size_t StagingFiles() {
    size_t n = 0;
    for (auto& e : std::filesystem::directory_iterator(staging_)) {
      (void)e;
      ++n;
    }
    return n;
  }

  std::unique_ptr<MiniCluster> cluster_;
  std::string staging_;
  std::unique_ptr<FuseFileSystem> fs_;
  std::vector<std::string> invalidated_;
};

TEST_F(FuseFileSystemTest, SequentialWriteIsCompleteAtFlush) {
  std::string data = RandomBytes(300000, 1);
  OpenFile* f = nullptr;
  ASSERT_EQ(fs_->Create("/a", 0640, ::getuid(), ::getgid(), &f), 0);
  ASSERT_EQ(fs_->Write(f, data.data(), 200000, 0), 200000);
  EXPECT_EQ(Size("/a"), 200000);  // the writer's size while the master has none
  ASSERT_EQ(fs_->Write(f, data.data() + 200000, 100000, 200000), 100000);
  ASSERT_EQ(fs_->Flush(f), 0);
  EXPECT_EQ(AlluxioRead("/a"), data);  // before release: close(2) has returned
  ASSERT_EQ(fs_->Release(f), 0);
  struct stat st;
  ASSERT_EQ(fs_->GetAttr("/a", &st, nullptr), 0);
  EXPECT_EQ(st.st_size, 300000);
  EXPECT_EQ(st.st_mode, static_cast<mode_t>(S_IFREG | 0640));
}

TEST_F(FuseFileSystemTest, AppendAndRandomWritesGoThroughStaging) {
  std::string data = RandomBytes(150000, 2);
  CreateFile("/f", data);
  OpenFile* f = nullptr;
  bool keep = true;
  ASSERT_EQ(fs_->Open("/f", O_WRONLY | O_APPEND, &f, &keep), 0);
  EXPECT_FALSE(keep);
  ASSERT_EQ(fs_->Write(f, "tail", 4, 150000), 4);
  ASSERT_EQ(fs_->Write(f, "HEAD", 4, 0), 4);
  ASSERT_EQ(fs_->Write(f, "mid", 3, 70000), 3);
  EXPECT_EQ(Size("/f"), 150004);
  ASSERT_EQ(fs_->Flush(f), 0);
  std::string want = data + "tail";
  want.replace(0, 4, "HEAD");
  want.replace(70000, 3, "mid");
  EXPECT_EQ(AlluxioRead("/f"), want);
  // The same handle goes on after the commit (a dup'd descriptor).
  ASSERT_EQ(fs_->Write(f, "!", 1, 150004), 1);
  ASSERT_EQ(fs_->Release(f), 0);
  EXPECT_EQ(AlluxioRead("/f"), want + "!");
  EXPECT_EQ(StagingFiles(), 0u);  // anonymous files only
  // No temporary file is left next to it.
  auto list = cluster_->client()->ListStatus("/m");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 1u);
}

TEST_F(FuseFileSystemTest, ReadingAFileBeingWrittenCompletesItFirst) {
  OpenFile* w = nullptr;
  ASSERT_EQ(fs_->Create("/w", 0644, ::getuid(), ::getgid(), &w), 0);
  ASSERT_EQ(fs_->Write(w, "hello", 5, 0), 5);
  // The same handle reads back what it wrote (O_RDWR).
  EXPECT_EQ(ReadAll(w), "hello");
  ASSERT_EQ(fs_->Write(w, " world", 6, 5), 6);
  OpenFile* r = nullptr;
  bool keep = true;
  ASSERT_EQ(fs_->Open("/w", O_RDONLY, &r, &keep), 0);
  EXPECT_EQ(ReadAll(r), "hello world");
  ASSERT_EQ(fs_->Release(r), 0);
  ASSERT_EQ(fs_->Release(w), 0);
  EXPECT_EQ(AlluxioRead("/w"), "hello world");
}

TEST_F(FuseFileSystemTest, TruncateShrinksExtendsAndEmpties) {
  std::string data = RandomBytes(100000, 3);
  CreateFile("/t", data);
  ASSERT_EQ(fs_->Truncate("/t", 1000, nullptr), 0);
  EXPECT_EQ(AlluxioRead("/t"), data.substr(0, 1000));
  ASSERT_EQ(fs_->Truncate("/t", 3000, nullptr), 0);
  EXPECT_EQ(AlluxioRead("/t"), data.substr(0, 1000) + std::string(2000, '\0'));
  ASSERT_EQ(fs_->Truncate("/t", 0, nullptr), 0);
  EXPECT_EQ(AlluxioRead("/t"), "");
  EXPECT_EQ(Size("/t"), 0);
  EXPECT_EQ(fs_->Truncate("/missing", 0, nullptr), -ENOENT);
}

TEST_F(FuseFileSystemTest, OpenWithTruncReplacesTheFileAndKeepsItsMode) {
  CreateFile("/o", "old content");
  ASSERT_EQ(fs_->Chmod("/o", 0600), 0);
  OpenFile* f = nullptr;
  bool keep = true;
  ASSERT_EQ(fs_->Open("/o", O_WRONLY | O_TRUNC, &f, &keep), 0);
  ASSERT_EQ(fs_->Write(f, "new", 3, 0), 3);
  ASSERT_EQ(fs_->Release(f), 0);
  EXPECT_EQ(AlluxioRead("/o"), "new");
  struct stat st;
  ASSERT_EQ(fs_->GetAttr("/o", &st, nullptr), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
}

TEST_F(FuseFileSystemTest, RenameReplacesFilesAndFollowsOpenWriters) {
  CreateFile("/x1", "first");
  CreateFile("/x2", "second");
  EXPECT_EQ(fs_->Rename("/x1", "/x2", RENAME_NOREPLACE), -EEXIST);
  ASSERT_EQ(fs_->Rename("/x1", "/x2", 0), 0);
  EXPECT_EQ(AlluxioRead("/x2"), "first");

  OpenFile* f = nullptr;
  ASSERT_EQ(fs_->Create("/moving", 0644, ::getuid(), ::getgid(), &f), 0);
  ASSERT_EQ(fs_->Write(f, "abc", 3, 0), 3);
  ASSERT_EQ(fs_->Mkdir("/dir", 0755, ::getuid(), ::getgid()), 0);
  ASSERT_EQ(fs_->Rename("/moving", "/dir/moved", 0), 0);  // commits "abc" first
  ASSERT_EQ(fs_->Write(f, "def", 3, 3), 3);
  ASSERT_EQ(fs_->Release(f), 0);
  EXPECT_EQ(AlluxioRead("/dir/moved"), "abcdef");
  bool ok = true;
  AlluxioRead("/moving", &ok);
  EXPECT_FALSE(ok);
}

TEST_F(FuseFileSystemTest, UnlinkOfAnOpenWriterDropsItsData) {
  OpenFile* f = nullptr;
  ASSERT_EQ(fs_->Create("/gone", 0644, ::getuid(), ::getgid(), &f), 0);
  ASSERT_EQ(fs_->Write(f, "abc", 3, 0), 3);
  ASSERT_EQ(fs_->Unlink("/gone"), 0);
  EXPECT_EQ(fs_->Write(f, "def", 3, 3), 3);
  EXPECT_EQ(fs_->Flush(f), 0);
  EXPECT_EQ(fs_->Release(f), 0);
  bool ok = true;
  AlluxioRead("/gone", &ok);
  EXPECT_FALSE(ok);
}

TEST_F(FuseFileSystemTest, AClosedHandleDoesNotHideANewFileOfTheSamePath) {
  CreateFile("/r", "0123456789");
  OpenFile* f = nullptr;
  bool keep = false;
  ASSERT_EQ(fs_->Open("/r", O_WRONLY | O_APPEND, &f, &keep), 0);
  ASSERT_EQ(fs_->Write(f, "abc", 3, 10), 3);
  ASSERT_EQ(fs_->Flush(f), 0);  // close(2); the kernel's release comes later
  ASSERT_EQ(fs_->Unlink("/r"), 0);
  CreateFile("/r", "x");
  EXPECT_EQ(Size("/r"), 1);
  ASSERT_EQ(fs_->Release(f), 0);
  EXPECT_EQ(AlluxioRead("/r"), "x");
}

TEST_F(FuseFileSystemTest, KeepCacheOnlyWhileTheFileIsUnchanged) {
  CreateFile("/c", "v1");
  // The commit made the kernel's attributes (the times of the file as created) stale.
  EXPECT_EQ(invalidated_, std::vector<std::string>{"/c"});
  invalidated_.clear();
  auto open_keep = [&]() {
    OpenFile* f = nullptr;
    bool keep = false;
    EXPECT_EQ(fs_->Open("/c", O_RDONLY, &f, &keep), 0);
    EXPECT_EQ(fs_->Release(f), 0);
    return keep;
  };
  EXPECT_FALSE(open_keep());  // never seen: the kernel may hold anything
  EXPECT_TRUE(open_keep());
  EXPECT_TRUE(invalidated_.empty());
  // Another client replaces the file.
  client::fsopts::CreateFilePOptions o;
  o.set_overwrite(true);
  auto out = cluster_->client()->Create("/m/c", o);
  ASSERT_TRUE(out.ok());
  ASSERT_TRUE((*out)->Write("version 2").ok());
  ASSERT_TRUE((*out)->Close().ok());
  EXPECT_FALSE(open_keep());
  EXPECT_EQ(invalidated_, std::vector<std::string>{"/c"});
  EXPECT_TRUE(open_keep());
  // A commit through the mount drops the cache too.
  OpenFile* f = nullptr;
  bool keep = true;
  ASSERT_EQ(fs_->Open("/c", O_WRONLY | O_APPEND, &f, &keep), 0);
  ASSERT_EQ(fs_->Write(f, "!", 1, 9), 1);
  invalidated_.clear();
  ASSERT_EQ(fs_->Release(f), 0);
  EXPECT_EQ(invalidated_, std::vector<std::string>{"/c"});
  EXPECT_FALSE(open_keep());
}

TEST_F(FuseFileSystemTest, ThreadsShareAReadOnlyHandle) {
  std::string data = RandomBytes(1 << 20, 4);  // 16 blocks of 64 KiB
  CreateFile("/shared", data);
  OpenFile* f = nullptr;
  bool keep = false;
  ASSERT_EQ(fs_->Open("/shared", O_RDONLY, &f, &keep), 0);
  std::vector<std::thread> threads;
  std::atomic<int> bad{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(t);
      for (int i = 0; i < 200; ++i) {
        size_t off = rng() % data.size(), len = 1 + rng() % 20000;
        std::string buf(len, '\0');
        ssize_t n = fs_->Read(f, buf.data(), len, static_cast<off_t>(off));
        size_t want = std::min(len, data.size() - off);
        if (n != static_cast<ssize_t>(want) || buf.compare(0, want, data, off, want) != 0) ++bad;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(bad.load(), 0);
  ASSERT_EQ(fs_->Release(f), 0);
}

TEST_F(FuseFileSystemTest, ErrorsAreErrnos) {
  struct stat st;
  EXPECT_EQ(fs_->GetAttr("/nope", &st, nullptr), -ENOENT);
  ASSERT_EQ(fs_->Mkdir("/d", 0755, ::getuid(), ::getgid()), 0);
  EXPECT_EQ(fs_->Mkdir("/d", 0755, ::getuid(), ::getgid()), -EEXIST);
  CreateFile("/d/f", "x");
  EXPECT_EQ(fs_->Rmdir("/d"), -ENOTEMPTY);
  OpenFile* f = nullptr;
  bool keep = false;
  EXPECT_EQ(fs_->Open("/d", O_WRONLY, &f, &keep), -EISDIR);
  EXPECT_EQ(fs_->Open("/nope", O_RDONLY, &f, &keep), -ENOENT);
  EXPECT_EQ(fs_->Create("/d/f", 0644, ::getuid(), ::getgid(), &f), -EEXIST);
  ASSERT_EQ(fs_->Mkdir("/e", 0755, ::getuid(), ::getgid()), 0);
  ASSERT_EQ(fs_->Mkdir("/e/sub", 0755, ::getuid(), ::getgid()), 0);
  EXPECT_EQ(fs_->Rename("/d", "/e", 0), -ENOTEMPTY);  // the target directory is not empty
  ASSERT_EQ(fs_->Unlink("/d/f"), 0);
  EXPECT_EQ(fs_->Rmdir("/d"), 0);
}

TEST_F(FuseFileSystemTest, ReadDirListsTheAlluxioDirectory) {
  ASSERT_EQ(fs_->Mkdir("/sub", 0755, ::getuid(), ::getgid()), 0);
  CreateFile("/sub/one", "1");
  CreateFile("/sub/two", "22");
  std::map<std::string, int64_t> seen;
  ASSERT_EQ(fs_->ReadDir("/sub",
                         [&](const std::string& name, const struct stat& st) {
                           seen[name] = st.st_size;
                           return true;
                         }),
            0);
  EXPECT_EQ(seen, (std::map<std::string, int64_t>{{"one", 1}, {"two", 2}}));
  struct statvfs sv;
  ASSERT_EQ(fs_->StatFs(&sv), 0);
  EXPECT_GT(sv.f_blocks, 0u);
}

// Mount-root entries whose names start with ".alluxio-fuse-" (commit temporaries), by content.
std::map<std::string, std::string> HiddenFiles(MiniCluster* cluster) {
  std::map<std::string, std::string> out;
  auto list = cluster->client()->ListStatus("/m");
  if (!list.ok()) return out;
  for (const auto& info : *list) {
    if (info.name().rfind(".alluxio-fuse-", 0) != 0) continue;
    auto in = cluster->client()->Open(info.path());
    if (!in.ok()) continue;
    std::string data(static_cast<size_t>((*in)->length()), '\0');
    auto n = (*in)->PositionedRead(0, data.data(), data.size());
    data.resize(n.ok() ? *n : 0);
    out[info.name()] = data;
  }
  return out;
}

// Issue 1: the commit deleted the old file before renaming the new one into place, and deleted
// the new one when that rename failed.
TEST_F(FuseFileSystemTest, CommitKeepsTheOldFileWhenTheNewOneCannotBeRenamedIntoPlace) {
  CreateFile("/k", "old");
  bool fail = true;
  fs_->SetFaultInjectorForTest([&](std::string_view point) {
    return fail && point == "commit.rename_into_place" ? UnavailableError("injected") : Status();
  });
  OpenFile* f = nullptr;
  bool keep = false;
  ASSERT_EQ(fs_->Open("/k", O_WRONLY | O_APPEND, &f, &keep), 0);
  ASSERT_EQ(fs_->Write(f, "new", 3, 3), 3);
  EXPECT_EQ(fs_->Flush(f), -EIO);
  EXPECT_EQ(AlluxioRead("/k"), "old");  // put back
  EXPECT_TRUE(HiddenFiles(cluster_.get()).empty());
  // The staging copy is still dirty: the next flush commits it.
  fail = false;
  EXPECT_EQ(fs_->Flush(f), 0);
  EXPECT_EQ(AlluxioRead("/k"), "oldnew");
  EXPECT_EQ(fs_->Release(f), 0);
  EXPECT_TRUE(HiddenFiles(cluster_.get()).empty());
}

// Issues 1 and 2: when the old file cannot be put back either, both versions stay (hidden) and
// the handle fails from then on instead of writing into a detached copy.
TEST_F(FuseFileSystemTest, CommitThatCannotRestoreKeepsBothVersionsAndFailsTheHandle) {
  CreateFile("/k", "old");
  fs_->SetFaultInjectorForTest([](std::string_view point) {
    return point == "commit.rename_into_place" || point == "commit.restore"
               ? UnavailableError("injected")
               : Status();
  });
  OpenFile* f = nullptr;
  bool keep = false;
  ASSERT_EQ(fs_->Open("/k", O_WRONLY | O_APPEND, &f, &keep), 0);
  ASSERT_EQ(fs_->Write(f, "new", 3, 3), 3);
  EXPECT_EQ(fs_->Flush(f), -EIO);
  std::vector<std::string> contents;
  for (const auto& [name, data] : HiddenFiles(cluster_.get())) contents.push_back(data);
  std::sort(contents.begin(), contents.end());
  EXPECT_EQ(contents, (std::vector<std::string>{"old", "oldnew"}));
  EXPECT_EQ(fs_->Write(f, "more", 4, 6), -EIO);
  EXPECT_EQ(fs_->Fsync(f), -EIO);
  EXPECT_EQ(fs_->Flush(f), -EIO);
  EXPECT_EQ(fs_->Release(f), -EIO);
  EXPECT_EQ(HiddenFiles(cluster_.get()).size(), 2u);  // nothing deleted at release
}

// Issue 1: deleting the old contents after the new ones are in place is best effort.
TEST_F(FuseFileSystemTest, CommitSucceedsWhenTheOldContentsCannotBeDeleted) {
  CreateFile("/k", "old");
  fs_->SetFaultInjectorForTest([](std::string_view point) {
    return point == "commit.delete_aside" ? UnavailableError("injected") : Status();
  });
  OpenFile* f = nullptr;
  bool keep = false;
  ASSERT_EQ(fs_->Open("/k", O_WRONLY | O_APPEND, &f, &keep), 0);
  ASSERT_EQ(fs_->Write(f, "new", 3, 3), 3);
  EXPECT_EQ(fs_->Release(f), 0);
  EXPECT_EQ(AlluxioRead("/k"), "oldnew");
  auto hidden = HiddenFiles(cluster_.get());
  ASSERT_EQ(hidden.size(), 1u);
  EXPECT_EQ(hidden.begin()->second, "old");
}

// Issue 3: the temporary name was the file's name plus 31 bytes, too long for long names.
TEST_F(FuseFileSystemTest, FilesWithTheLongestNamesCanBeRewritten) {
  std::string path = "/" + std::string(255, 'n');
  CreateFile(path, "0123456789");
  OpenFile* f = nullptr;
  bool keep = false;
  ASSERT_EQ(fs_->Open(path, O_RDWR, &f, &keep), 0);
  ASSERT_EQ(fs_->Write(f, "ab", 2, 4), 2);
  EXPECT_EQ(fs_->Flush(f), 0);
  EXPECT_EQ(fs_->Release(f), 0);
  EXPECT_EQ(AlluxioRead(path), "0123ab6789");
}

// Issue 2: a failed completion detached the handle; later writes went to a staging copy and
// close returned 0 although the file was gone.
TEST_F(FuseFileSystemTest, AFailedCommitFailsLaterWritesAndCloses) {
  OpenFile* f = nullptr;
  ASSERT_EQ(fs_->Create("/s", 0644, ::getuid(), ::getgid(), &f), 0);
  ASSERT_EQ(fs_->Write(f, "abc", 3, 0), 3);
  client::fsopts::DeletePOptions del;
  ASSERT_TRUE(cluster_->client()->Delete("/m/s", del).ok());  // another client
  EXPECT_LT(fs_->Flush(f), 0);
  EXPECT_LT(fs_->Write(f, "def", 3, 3), 0);
  EXPECT_LT(fs_->Write(f, "x", 1, 0), 0);
  EXPECT_LT(fs_->Fsync(f), 0);
  EXPECT_LT(fs_->Flush(f), 0);
  EXPECT_LT(fs_->Release(f), 0);
}

// Issue 4: rename over a file open for writing left its handle attached, so its close wrote the
// stale contents over the renamed-in file.
TEST_F(FuseFileSystemTest, RenameOverAFileOpenForWritingDetachesIt) {
  CreateFile("/staged", "stale");
  OpenFile* staged = nullptr;
  bool keep = false;
  ASSERT_EQ(fs_->Open("/staged", O_WRONLY | O_APPEND, &staged, &keep), 0);
  ASSERT_EQ(fs_->Write(staged, "!", 1, 5), 1);
  OpenFile* sequential = nullptr;
  ASSERT_EQ(fs_->Create("/sequential", 0644, ::getuid(), ::getgid(), &sequential), 0);
  ASSERT_EQ(fs_->Write(sequential, "stale", 5, 0), 5);
  CreateFile("/a", "fresh a");
  CreateFile("/b", "fresh b");
  ASSERT_EQ(fs_->Rename("/a", "/staged", 0), 0);
  ASSERT_EQ(fs_->Rename("/b", "/sequential", 0), 0);
  EXPECT_EQ(fs_->Write(staged, "?", 1, 6), 1);  // as after unlink: written, then dropped
  EXPECT_EQ(fs_->Flush(staged), 0);
  EXPECT_EQ(fs_->Release(staged), 0);
  EXPECT_EQ(fs_->Release(sequential), 0);
  EXPECT_EQ(AlluxioRead("/staged"), "fresh a");
  EXPECT_EQ(AlluxioRead("/sequential"), "fresh b");
}

// Issue 6: ftruncate(0) of a sequential writer cancelled its stream; when the new one could not
// be created the handle kept a null stream, and the next write crashed.
TEST_F(FuseFileSystemTest, TruncateToZeroThatCannotRecreateTheFileFailsLaterWrites) {
  ASSERT_EQ(fs_->Mkdir("/dir", 0755, ::getuid(), ::getgid()), 0);
  OpenFile* f = nullptr;
  ASSERT_EQ(fs_->Create("/dir/f", 0644, ::getuid(), ::getgid(), &f), 0);
  ASSERT_EQ(fs_->Write(f, "abc", 3, 0), 3);
  client::fsopts::DeletePOptions del;
  del.set_recursive(true);
  ASSERT_TRUE(cluster_->client()->Delete("/m/dir", del).ok());  // another client
  EXPECT_EQ(fs_->Truncate("/dir/f", 0, f), -ENOENT);
  EXPECT_EQ(fs_->Write(f, "x", 1, 0), -ENOENT);
  EXPECT_EQ(fs_->Write(f, "y", 1, 1), -ENOENT);
  EXPECT_EQ(fs_->Flush(f), -ENOENT);
  EXPECT_EQ(fs_->Release(f), -ENOENT);
}

// Issue 7: an all-digit owner or group beyond 2^64 (chown through another client) threw out of
// stoul; beyond uid_t it wrapped around.
TEST_F(FuseFileSystemTest, NumericOwnersOutOfRangeShowTheMountsOwner) {
  CreateFile("/u", "x");
  for (const char* id : {"18446744073709551616", "99999999999999999999999", "4294967296"}) {
    client::fsopts::SetAttributePOptions o;
    o.set_owner(id);
    o.set_group(id);
    ASSERT_TRUE(cluster_->client()->SetAttribute("/m/u", o).ok()) << id;
    struct stat st;
    ASSERT_EQ(fs_->GetAttr("/u", &st, nullptr), 0) << id;
    EXPECT_EQ(st.st_uid, ::getuid()) << id;
    EXPECT_EQ(st.st_gid, ::getgid()) << id;
  }
  client::fsopts::SetAttributePOptions o;
  o.set_owner("4242");
  o.set_group("4343");
  ASSERT_TRUE(cluster_->client()->SetAttribute("/m/u", o).ok());
  struct stat st;
  ASSERT_EQ(fs_->GetAttr("/u", &st, nullptr), 0);
  EXPECT_EQ(st.st_uid, 4242u);
  EXPECT_EQ(st.st_gid, 4343u);
}

// Issue 11: create without O_EXCL of a file another client made (the kernel had a negative
// entry) returned EEXIST instead of opening it.
TEST_F(FuseFileSystemTest, CreateWithoutExclOpensAFileAnotherClientMade) {
  auto other = [&](const std::string& data) {
    client::fsopts::CreateFilePOptions o;
    o.set_overwrite(true);
    auto out = cluster_->client()->Create("/m/e", o);
    ASSERT_TRUE(out.ok());
    ASSERT_TRUE((*out)->Write(data).ok());
    ASSERT_TRUE((*out)->Close().ok());
  };
  other("theirs");
  OpenFile* f = nullptr;
  EXPECT_EQ(fs_->Create("/e", 0644, ::getuid(), ::getgid(), &f, O_WRONLY | O_CREAT | O_EXCL),
            -EEXIST);
  ASSERT_EQ(fs_->Create("/e", 0644, ::getuid(), ::getgid(), &f, O_RDWR | O_CREAT), 0);
  EXPECT_EQ(ReadAll(f), "theirs");
  ASSERT_EQ(fs_->Write(f, "THE", 3, 0), 3);
  ASSERT_EQ(fs_->Release(f), 0);
  EXPECT_EQ(AlluxioRead("/e"), "THEirs");
  other("theirs again");
  ASSERT_EQ(fs_->Create("/e", 0644, ::getuid(), ::getgid(), &f, O_WRONLY | O_CREAT | O_TRUNC), 0);
  ASSERT_EQ(fs_->Write(f, "mine", 4, 0), 4);
  ASSERT_EQ(fs_->Release(f), 0);
  EXPECT_EQ(AlluxioRead("/e"), "mine");
}

// truncate(2) by path went through any handle of the path, also one whose file had been deleted
// (or whose data was lost), leaving the file now at the path unchanged.
TEST_F(FuseFileSystemTest, TruncateByPathIgnoresHandlesOfADeletedFile) {
  CreateFile("/t", "old");
  OpenFile* f = nullptr;
  bool keep = false;
  ASSERT_EQ(fs_->Open("/t", O_WRONLY | O_APPEND, &f, &keep), 0);
  ASSERT_EQ(fs_->Write(f, "!", 1, 3), 1);
  ASSERT_EQ(fs_->Unlink("/t"), 0);
  CreateFile("/t", "0123456789");
  ASSERT_EQ(fs_->Truncate("/t", 4, nullptr), 0);
  EXPECT_EQ(AlluxioRead("/t"), "0123");
  EXPECT_EQ(fs_->Release(f), 0);
  EXPECT_EQ(AlluxioRead("/t"), "0123");
}

}  // namespace
}  // namespace alluxio
