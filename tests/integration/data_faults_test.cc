// SPDX-License-Identifier: Apache-2.0
// Bad input and faults on the data path, end to end on an in-process cluster: block files damaged
// behind the worker's back (flipped bits, truncation) are detected when locked, dropped, and read
// again from the UFS (then cached again) when the file is persisted, or fail clearly when it is
// not; a worker stopped in the middle of a write leaves no visible file and no block behind.
// Each read case runs with short-circuit reads (OpenLocalBlock) and with ReadBlock streams.
// Store-level behaviour: src/worker/block/block_store_corruption_test.cc.
#include <fcntl.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "common/block_id.h"
#include "tests/minicluster/mini_cluster.h"
#include "tests/minicluster/test_util.h"

namespace alluxio {
namespace {

using ::alluxio::grpc::WritePType;
using client::FileSystem;
using testing::InAlluxioPercent;
using testing::MiniCluster;
using testing::RandomBytes;
using testing::ReadLocalFile;
using testing::WaitFor;
using testing::WriteLocalFile;

constexpr int64_t kBlockSize = 64 * 1024;

Status WriteFile(FileSystem* fs, const std::string& path, const std::string& data,
                 WritePType type) {
  client::fsopts::CreateFilePOptions o;
  o.set_write_type(type);
  o.set_block_size_bytes(kBlockSize);
  o.set_recursive(true);
  ASSIGN_OR_RETURN(auto out, fs->Create(path, o));
  RETURN_IF_ERROR(out->Write(data));
  return out->Close();
}

// Reads the whole file in 9000-byte pieces into `*out` (which keeps what was read before a
// failure, so a test can check that nothing wrong was returned).
Status ReadFile(FileSystem* fs, const std::string& path, std::string* out) {
  out->clear();
  ASSIGN_OR_RETURN(auto in, fs->Open(path, {}));
  std::string buf(9000, '\0');
  for (;;) {
    ASSIGN_OR_RETURN(size_t n, in->Read(buf.data(), buf.size()));
    if (n == 0) break;
    out->append(buf.data(), n);
  }
  if (static_cast<int64_t>(out->size()) != in->length()) return DataLossError("short read");
  return Status();
}

enum class Damage { kFlippedBits, kTruncated };

// Damages the bytes of a block in place, as a failing disk or a stray process would: the block's
// file, or its range of its file's packed container (where truncation also cuts off any later
// block). A same-size rewrite also gets an old mtime: the store notices a change by size or
// mtime, and a rewrite within the file system's timestamp granularity of the commit would
// otherwise keep it (block_store.h).
void DamageBlock(const worker::BlockInfo& block, Damage damage) {
  const std::string& path = block.path;
  if (damage == Damage::kTruncated) {
    std::filesystem::resize_file(path, static_cast<uintmax_t>(block.offset + block.length / 2));
    return;
  }
  std::string data = ReadLocalFile(path);
  ASSERT_GE(static_cast<int64_t>(data.size()), block.offset + block.length) << path;
  data[static_cast<size_t>(block.offset + block.length / 2)] ^= 0x20;
  WriteLocalFile(path, data);
  struct timespec times[2] = {{1'000'000, 0}, {1'000'000, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0) << path;
}

// The bytes of a cached block, wherever they are; empty when it is not cached.
std::string CachedBytes(worker::BlockStore* store, int64_t block_id) {
  auto info = store->GetBlockInfo(block_id);
  if (!info.ok()) return std::string();
  std::string data = ReadLocalFile(info->path);
  if (static_cast<int64_t>(data.size()) < info->offset + info->length) return std::string();
  return data.substr(static_cast<size_t>(info->offset), static_cast<size_t>(info->length));
}

class DataFaultsTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    testing::MiniClusterOptions o;
    o.num_workers = 1;
    o.worker_quota = "4MB";
    auto c = MiniCluster::Start(std::move(o));
    ASSERT_TRUE(c.ok()) << c.status();
    cluster_ = std::move(*c);
    // The parameter: short-circuit reads (the cluster is on this host) or ReadBlock streams.
    auto fs = cluster_->NewClient(
        {{"alluxio.user.short.circuit.enabled", GetParam() ? "true" : "false"}});
    ASSERT_TRUE(fs.ok()) << fs.status();
    fs_owner_ = std::move(*fs);
    fs_ = fs_owner_.get();
    store_ = cluster_->worker(0)->block_store();
  }
  int64_t BlockOf(const std::string& path, int index) {
    auto st = fs_->GetStatus(path);
    return st.ok() && st->block_ids_size() > index ? st->block_ids(index) : -1;
  }
  worker::BlockInfo CachedBlock(int64_t block_id) {
    auto info = store_->GetBlockInfo(block_id);
    EXPECT_TRUE(info.ok()) << info.status();
    return info.ok() ? *info : worker::BlockInfo{};
  }
  // A persisted file with one damaged block (its last, so that a truncated container cuts off
  // no other) reads back right (from the UFS), and the worker caches a good copy of the block
  // again.
  void DamagedBlockOfPersistedFileIsReadFromTheUfs(Damage damage) {
    const std::string path = "/faults/persisted";
    const std::string data = RandomBytes(3 * kBlockSize + 100, 21);
    ASSERT_TRUE(WriteFile(fs_, path, data, ::alluxio::grpc::CACHE_THROUGH).ok());
    ASSERT_EQ(InAlluxioPercent(fs_, path), 100);
    const int64_t block = BlockOf(path, 3);
    DamageBlock(CachedBlock(block), damage);

    std::string got;
    Status s = ReadFile(fs_, path, &got);
    ASSERT_TRUE(s.ok()) << s;
    EXPECT_TRUE(got == data) << "the read returned different bytes";
    EXPECT_EQ(store_->counters().blocks_lost, 1);

    // Cached again, correctly, and the master knows.
    const std::string expected = data.substr(3 * kBlockSize);
    EXPECT_TRUE(WaitFor([&] {
      return CachedBytes(store_, block) == expected && InAlluxioPercent(fs_, path) == 100;
    })) << "block "
        << block << " was not cached again";
    auto verified = store_->VerifyBlock(block);
    EXPECT_TRUE(verified.ok()) << verified.status();
    s = ReadFile(fs_, path, &got);
    ASSERT_TRUE(s.ok()) << s;
    EXPECT_TRUE(got == data);
    EXPECT_EQ(store_->counters().blocks_lost, 1);
  }

  std::unique_ptr<MiniCluster> cluster_;
  std::unique_ptr<FileSystem> fs_owner_;
  FileSystem* fs_ = nullptr;
  worker::BlockStore* store_ = nullptr;
};

INSTANTIATE_TEST_SUITE_P(Reads, DataFaultsTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& p) {
                           return p.param ? "ShortCircuit" : "Streamed";
                         });

TEST_P(DataFaultsTest, FlippedBitsInACachedBlockAreReadFromTheUfsAndCachedAgain) {
  DamagedBlockOfPersistedFileIsReadFromTheUfs(Damage::kFlippedBits);
}

TEST_P(DataFaultsTest, TruncatedCachedBlockIsReadFromTheUfsAndCachedAgain) {
  DamagedBlockOfPersistedFileIsReadFromTheUfs(Damage::kTruncated);
}

TEST_P(DataFaultsTest, DamagedBlockOfAFileOnlyInAlluxioFailsClearly) {
  const std::string path = "/faults/cached";
  const std::string data = RandomBytes(3 * kBlockSize, 23);
  ASSERT_TRUE(WriteFile(fs_, path, data, ::alluxio::grpc::MUST_CACHE).ok());
  const int64_t block = BlockOf(path, 1);
  DamageBlock(CachedBlock(block), Damage::kFlippedBits);

  std::string got;
  Status s = ReadFile(fs_, path, &got);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.code() == StatusCode::kDataLoss || s.code() == StatusCode::kUnavailable) << s;
  EXPECT_NE(s.message().find(std::to_string(block)), std::string::npos) << s;
  // What came before the failure is the first block, exactly.
  EXPECT_LE(got.size(), static_cast<size_t>(kBlockSize));
  EXPECT_TRUE(got == data.substr(0, got.size())) << "the read returned wrong bytes";

  // A positioned read of the damaged block fails too, and never returns its bytes.
  auto in = fs_->Open(path, {});
  ASSERT_TRUE(in.ok()) << in.status();
  std::string buf(100, '\0');
  auto n = (*in)->PositionedRead(kBlockSize + 1000, buf.data(), buf.size());
  EXPECT_FALSE(n.ok());

  // The worker dropped the block and the master forgets the copy.
  EXPECT_FALSE(store_->HasBlock(block));
  EXPECT_EQ(store_->counters().blocks_lost, 1);
  EXPECT_TRUE(WaitFor([&] { return InAlluxioPercent(fs_, path) < 100; }));
  auto info = cluster_->master()->block_master()->GetBlockInfo(block);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->locations_size(), 0);
}

// A block's commit runs while the next block is written; the stream waits for it at the next
// block boundary or at Close. A commit that fails on the worker (here the packed container was
// cut short behind its back) is reported by Close, which leaves no file and no block behind; a
// stream dropped while a commit is in flight leaves nothing either.
TEST_P(DataFaultsTest, FailedOrAbandonedCommitsLeaveNothing) {
  if (!GetParam()) GTEST_SKIP() << "the container is written by short-circuit writers only";
  client::fsopts::CreateFilePOptions o;
  o.set_write_type(::alluxio::grpc::MUST_CACHE);
  o.set_block_size_bytes(kBlockSize);
  o.set_recursive(true);
  const std::string data = RandomBytes(kBlockSize + 10, 31);
  auto leaves_nothing = [&](const std::string& path, int64_t file_id) {
    EXPECT_FALSE(*fs_->Exists(path)) << path;
    EXPECT_TRUE(WaitFor([&] {
      return !store_->HasBlock(BlockIdOfFile(file_id, 0)) &&
             !store_->HasBlock(BlockIdOfFile(file_id, 1)) && store_->GetStoreMeta().used_bytes == 0;
    })) << path;
  };

  const std::string failed = "/faults/commit-failed";
  auto out = fs_->Create(failed, o);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_TRUE((*out)->Write(std::string_view(data).substr(0, kBlockSize)).ok());
  auto st = fs_->GetStatus(failed);
  ASSERT_TRUE(st.ok()) << st.status();
  const int64_t file_id = st->file_id();
  std::string container;
  for (const auto& e : std::filesystem::recursive_directory_iterator(cluster_->worker_dir(0))) {
    if (e.path().filename() == std::to_string(file_id) &&
        e.path().parent_path().filename() == ".packed") {
      container = e.path().string();
    }
  }
  ASSERT_FALSE(container.empty()) << "no packed container for file " << file_id;
  std::filesystem::resize_file(container, kBlockSize / 2);
  Status s = (*out)->Close();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kDataLoss) << s;
  EXPECT_NE(s.message().find(std::to_string(BlockIdOfFile(file_id, 0))), std::string::npos) << s;
  leaves_nothing(failed, file_id);

  const std::string dropped = "/faults/commit-dropped";
  out = fs_->Create(dropped, o);
  ASSERT_TRUE(out.ok()) << out.status();
  // Crossing into block 1 starts block 0's commit; the stream goes before it is waited for.
  ASSERT_TRUE((*out)->Write(data).ok());
  st = fs_->GetStatus(dropped);
  ASSERT_TRUE(st.ok()) << st.status();
  out->reset();
  leaves_nothing(dropped, st->file_id());

  // The worker takes the next file as usual.
  ASSERT_TRUE(WriteFile(fs_, failed, data, ::alluxio::grpc::MUST_CACHE).ok());
  std::string got;
  ASSERT_TRUE(ReadFile(fs_, failed, &got).ok());
  EXPECT_TRUE(got == data);
}

// A worker stopped while a block is half written: the write fails with an error naming the
// block, the stream cancels the file (nothing visible), and after a restart the worker holds no
// block of it (temp blocks are dropped at Open, the committed one is freed as an orphan).
TEST_P(DataFaultsTest, WorkerStoppedMidWriteLeavesNoFileAndNoBlock) {
  // With short-circuit on, block data goes to the temp file directly; off, through WriteBlock.
  for (WritePType type : {::alluxio::grpc::MUST_CACHE, ::alluxio::grpc::CACHE_THROUGH}) {
    SCOPED_TRACE(::alluxio::grpc::WritePType_Name(type));
    const std::string path = "/faults/stopped-" + ::alluxio::grpc::WritePType_Name(type);
    const std::string data = RandomBytes(3 * kBlockSize, 29);
    client::fsopts::CreateFilePOptions o;
    o.set_write_type(type);
    o.set_block_size_bytes(kBlockSize);
    o.set_recursive(true);
    auto out = fs_->Create(path, o);
    ASSERT_TRUE(out.ok()) << out.status();
    const size_t half = kBlockSize + kBlockSize / 2;
    ASSERT_TRUE((*out)->Write(std::string_view(data).substr(0, half)).ok());
    auto st = fs_->GetStatus(path);
    ASSERT_TRUE(st.ok()) << st.status();
    EXPECT_FALSE(st->completed());
    const int64_t file_id = st->file_id();

    ASSERT_TRUE(cluster_->StopWorker(0).ok());
    Status s = (*out)->Write(std::string_view(data).substr(half));
    if (s.ok()) s = (*out)->Close();
    ASSERT_FALSE(s.ok()) << "the write survived its worker";
    // Unavailable (not Cancelled: the client did not give up), naming what was being written.
    EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s;
    EXPECT_TRUE(s.message().find("write block") != std::string::npos ||
                (s.message().find("write UFS file ") != std::string::npos &&
                 s.message().find(path) != std::string::npos))
        << s;
    // The stream cancelled itself: the file is gone, not left incomplete or complete.
    EXPECT_FALSE(*fs_->Exists(path)) << s;
    EXPECT_FALSE(std::filesystem::exists(cluster_->ufs_root() + path));

    ASSERT_TRUE(cluster_->StartWorker(0).ok());
    store_ = cluster_->worker(0)->block_store();
    for (int i = 0; i < 3; ++i) {
      const int64_t block = BlockIdOfFile(file_id, i);
      EXPECT_TRUE(WaitFor([&] { return !store_->HasBlock(block); })) << "block " << i;
      EXPECT_TRUE(WaitFor([&] {
        auto info = cluster_->master()->block_master()->GetBlockInfo(block);
        return !info.ok() || info->locations_size() == 0;
      })) << "block "
          << i;
    }
    EXPECT_TRUE(WaitFor([&] { return store_->GetStoreMeta().used_bytes == 0; }));
    // The worker is usable again.
    ASSERT_TRUE(WriteFile(fs_, path, data, type).ok());
    std::string got;
    ASSERT_TRUE(ReadFile(fs_, path, &got).ok());
    EXPECT_TRUE(got == data);
    ASSERT_TRUE(fs_->Delete(path, {}).ok());
    EXPECT_TRUE(WaitFor([&] { return store_->GetStoreMeta().used_bytes == 0; }));
  }
}

}  // namespace
}  // namespace alluxio
