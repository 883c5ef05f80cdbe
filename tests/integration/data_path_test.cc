// SPDX-License-Identifier: Apache-2.0
// The data path end to end on an in-process cluster (master + real workers on loopback): every
// write type x read type, file sizes around block boundaries, UFS read-through, free, delete,
// eviction order, pinning, worker and master restarts, lost workers and worker failures mid-read.
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "alluxio/grpc/block_master.grpc.pb.h"
#include "alluxio/grpc/block_worker.grpc.pb.h"
#include "common/block_id.h"
#include "tests/minicluster/mini_cluster.h"
#include "tests/minicluster/test_util.h"

namespace alluxio {
namespace {

using ::alluxio::grpc::ReadPType;
using ::alluxio::grpc::WritePType;
using client::FileSystem;
using testing::InAlluxioPercent;
using testing::MiniCluster;
using testing::RandomBytes;
using testing::ReadLocalFile;
using testing::WaitFor;

constexpr int64_t kBlockSize = 64 * 1024;

Status WriteFile(FileSystem* fs, const std::string& path, const std::string& data, WritePType type,
                 int64_t block_size = kBlockSize) {
  client::fsopts::CreateFilePOptions o;
  o.set_write_type(type);
  o.set_block_size_bytes(block_size);
  o.set_recursive(true);
  ASSIGN_OR_RETURN(auto out, fs->Create(path, o));
  // Uneven pieces, so that writes straddle block boundaries.
  size_t pos = 0, step = 7000;
  while (pos < data.size()) {
    size_t n = std::min(step, data.size() - pos);
    RETURN_IF_ERROR(out->Write(std::string_view(data).substr(pos, n)));
    pos += n;
    step = step * 3 % 50000 + 1;
  }
  return out->Close();
}

Result<std::string> ReadFile(FileSystem* fs, const std::string& path,
                             ReadPType type = ::alluxio::grpc::CACHE) {
  client::fsopts::OpenFilePOptions o;
  o.set_read_type(type);
  ASSIGN_OR_RETURN(auto in, fs->Open(path, o));
  std::string out(static_cast<size_t>(in->length()), '\0');
  size_t pos = 0;
  while (pos < out.size()) {
    ASSIGN_OR_RETURN(size_t n,
                     in->Read(out.data() + pos, std::min<size_t>(9000, out.size() - pos)));
    if (n == 0) return DataLossError("short read");
    pos += n;
  }
  char extra;
  ASSIGN_OR_RETURN(size_t n, in->Read(&extra, 1));
  if (n != 0) return DataLossError("read past the end");
  return out;
}

// Index of the minicluster worker holding block `index` of `path`, or -1.
int HolderOf(MiniCluster* c, const std::string& path, int index = 0) {
  auto st = c->client()->GetStatus(path);
  if (!st.ok() || st->file_block_infos_size() <= index) return -1;
  const auto& locs = st->file_block_infos(index).block_info().locations();
  if (locs.empty()) return -1;
  for (int i = 0; i < c->num_workers(); ++i) {
    if (c->worker(i) && c->worker(i)->rpc_port() == locs[0].worker_address().rpc_port()) return i;
  }
  return -1;
}

const char* Name(WritePType t) { return ::alluxio::grpc::WritePType_Name(t).c_str(); }
const char* Name(ReadPType t) { return ::alluxio::grpc::ReadPType_Name(t).c_str(); }

class DataPathTest : public ::testing::Test {
 protected:
  void StartCluster(testing::MiniClusterOptions o) {
    auto c = MiniCluster::Start(std::move(o));
    ASSERT_TRUE(c.ok()) << c.status();
    cluster_ = std::move(*c);
    fs_ = cluster_->client();
    ASSERT_NE(fs_, nullptr);
  }
  std::string UfsPath(const std::string& path) { return cluster_->ufs_root() + path; }

  std::unique_ptr<MiniCluster> cluster_;
  FileSystem* fs_ = nullptr;
};

// Every write type x read type, with sizes 0, 1, block-1, block, block+1 and several blocks.
TEST_F(DataPathTest, EveryWriteTypeAndReadTypeRoundTrips) {
  testing::MiniClusterOptions o;
  o.num_workers = 1;
  StartCluster(std::move(o));
  const std::vector<WritePType> writes = {::alluxio::grpc::MUST_CACHE,
                                          ::alluxio::grpc::CACHE_THROUGH, ::alluxio::grpc::THROUGH,
                                          ::alluxio::grpc::ASYNC_THROUGH};
  const std::vector<ReadPType> reads = {::alluxio::grpc::NO_CACHE, ::alluxio::grpc::CACHE,
                                        ::alluxio::grpc::CACHE_PROMOTE};
  const std::vector<int64_t> sizes = {
      0, 1, kBlockSize - 1, kBlockSize, kBlockSize + 1, 3 * kBlockSize + 7};
  uint32_t seed = 1;
  for (WritePType w : writes) {
    for (int64_t size : sizes) {
      std::string path = fmt::format("/matrix/{}/f{}", Name(w), size);
      std::string data = RandomBytes(static_cast<size_t>(size), seed++);
      ASSERT_TRUE(WriteFile(fs_, path, data, w).ok()) << path;
      auto st = fs_->GetStatus(path);
      ASSERT_TRUE(st.ok()) << st.status();
      EXPECT_TRUE(st->completed());
      EXPECT_EQ(st->length(), size);
      EXPECT_EQ(st->block_ids_size(), (size + kBlockSize - 1) / kBlockSize) << path;
      if (w == ::alluxio::grpc::MUST_CACHE) {
        EXPECT_FALSE(std::filesystem::exists(UfsPath(path))) << path;
        EXPECT_EQ(st->persistence_state(), "NOT_PERSISTED");
      } else if (w == ::alluxio::grpc::ASYNC_THROUGH) {
        ASSERT_TRUE(WaitFor([&] {
          auto s = fs_->GetStatus(path);
          return s.ok() && s->persisted();
        })) << path
            << " was never persisted";
        EXPECT_EQ(ReadLocalFile(UfsPath(path)), data) << path;
      } else {
        EXPECT_TRUE(st->persisted()) << path;
        EXPECT_EQ(ReadLocalFile(UfsPath(path)), data) << path;
      }
      if (size > 0) {
        int expected_cached = w == ::alluxio::grpc::THROUGH ? 0 : 100;
        EXPECT_EQ(st->in_alluxio_percentage(), expected_cached) << path;
      }
      for (ReadPType r : reads) {
        auto got = ReadFile(fs_, path, r);
        ASSERT_TRUE(got.ok()) << path << " " << Name(r) << ": " << got.status();
        EXPECT_TRUE(*got == data) << path << " read with " << Name(r) << " differs";
      }
    }
  }
  // A THROUGH file read with CACHE ends up cached.
  std::string through = fmt::format("/matrix/THROUGH/f{}", 3 * kBlockSize + 7);
  EXPECT_TRUE(WaitFor([&] { return InAlluxioPercent(fs_, through) == 100; }));
}

TEST_F(DataPathTest, PositionedReadsAndSeeksCrossBlocks) {
  testing::MiniClusterOptions o;
  o.num_workers = 1;
  StartCluster(std::move(o));
  std::string data = RandomBytes(5 * kBlockSize + 123, 7);
  ASSERT_TRUE(WriteFile(fs_, "/p", data, ::alluxio::grpc::CACHE_THROUGH).ok());
  auto in = fs_->Open("/p");
  ASSERT_TRUE(in.ok()) << in.status();
  std::mt19937 rng(3);
  for (int i = 0; i < 200; ++i) {
    int64_t pos = rng() % data.size();
    size_t n = rng() % (2 * kBlockSize);
    std::string buf(n, '\0');
    auto got = (*in)->PositionedRead(pos, buf.data(), n);
    ASSERT_TRUE(got.ok()) << got.status();
    size_t expect = std::min<size_t>(n, data.size() - pos);
    ASSERT_EQ(*got, expect);
    ASSERT_TRUE(std::string_view(buf.data(), *got) == std::string_view(data).substr(pos, *got));
  }
  ASSERT_TRUE((*in)->Seek(kBlockSize - 3).ok());
  std::string buf(10, '\0');
  ASSERT_EQ(*(*in)->Read(buf.data(), 10), 10u);
  EXPECT_EQ(buf, data.substr(kBlockSize - 3, 10));
  EXPECT_EQ((*in)->position(), kBlockSize + 7);
  EXPECT_FALSE((*in)->Seek(static_cast<int64_t>(data.size()) + 1).ok());
}

// WholeFileDescriptor (the FUSE mount's kernel passthrough): a file this host's worker holds as
// one file on disk has one — one block, or blocks packed in one container, written here or cached
// from the UFS by reading the file — and reading it gives exactly the file. Files not wholly
// cached here do not.
TEST_F(DataPathTest, WholeLocalFilesHaveAWholeFileDescriptor) {
  testing::MiniClusterOptions o;
  o.num_workers = 1;
  StartCluster(std::move(o));
  const std::string data = RandomBytes(kBlockSize - 5, 11);
  const std::string many = RandomBytes(3 * kBlockSize + 7, 12);
  ASSERT_TRUE(WriteFile(fs_, "/one", data, ::alluxio::grpc::MUST_CACHE).ok());
  ASSERT_TRUE(WriteFile(fs_, "/many", many, ::alluxio::grpc::MUST_CACHE).ok());
  ASSERT_TRUE(WriteFile(fs_, "/empty", "", ::alluxio::grpc::MUST_CACHE).ok());
  ASSERT_TRUE(WriteFile(fs_, "/ufs-only", data, ::alluxio::grpc::THROUGH).ok());
  ASSERT_TRUE(WriteFile(fs_, "/from-ufs", many, ::alluxio::grpc::THROUGH).ok());
  ASSERT_TRUE(ReadFile(fs_, "/from-ufs", ::alluxio::grpc::CACHE).ok());
  ASSERT_TRUE(WaitFor([&] { return InAlluxioPercent(fs_, "/from-ufs") == 100; }));

  for (const auto& [path, content] : {std::pair<std::string, std::string>{"/one", data},
                                      std::pair<std::string, std::string>{"/many", many},
                                      std::pair<std::string, std::string>{"/from-ufs", many}}) {
    auto in = fs_->Open(path);
    ASSERT_TRUE(in.ok()) << in.status();
    Result<int> fd = (*in)->WholeFileDescriptor();
    ASSERT_TRUE(fd.ok()) << path << fd.status();
    std::string got(content.size() + 10, '\0');
    ssize_t n = ::pread(*fd, got.data(), got.size(), 0);
    ASSERT_EQ(n, static_cast<ssize_t>(content.size())) << path;
    got.resize(static_cast<size_t>(n));
    EXPECT_TRUE(got == content) << path;
    Result<int> again = (*in)->WholeFileDescriptor();
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, *fd);
    // The stream still reads as usual next to it.
    std::string head(4, '\0');
    ASSERT_EQ(*(*in)->Read(head.data(), 4), 4u);
    EXPECT_EQ(head, content.substr(0, 4));
  }

  for (const char* path : {"/empty", "/ufs-only"}) {
    auto other = fs_->Open(path);
    ASSERT_TRUE(other.ok()) << other.status();
    Result<int> none = (*other)->WholeFileDescriptor();
    EXPECT_EQ(none.status().code(), StatusCode::kFailedPrecondition) << path << none.status();
  }
}

int ThreadsOfThisProcess() {
  int n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/task")) ++n;
  return n;
}

// A block held open for short-circuit reads (a FUSE passthrough file holds its block for as long as
// it is open) costs the worker no thread; closing the stream releases it for deletion.
TEST_F(DataPathTest, HeldLocalBlocksCostNoWorkerThreads) {
  testing::MiniClusterOptions o;
  o.num_workers = 1;
  StartCluster(std::move(o));
  constexpr int kFiles = 120;
  for (int i = 0; i < kFiles; ++i) {
    ASSERT_TRUE(WriteFile(fs_, fmt::format("/held/f{}", i), RandomBytes(100, i),
                          ::alluxio::grpc::MUST_CACHE)
                    .ok());
  }
  std::vector<std::unique_ptr<client::FileInStream>> held;
  for (int i = 0; i < 3; ++i) {  // warm up gRPC's own threads
    auto in = fs_->Open(fmt::format("/held/f{}", i));
    ASSERT_TRUE(in.ok());
    ASSERT_TRUE((*in)->WholeFileDescriptor().ok());
    held.push_back(std::move(*in));
  }
  const int before = ThreadsOfThisProcess();
  for (int i = 3; i < kFiles; ++i) {
    auto in = fs_->Open(fmt::format("/held/f{}", i));
    ASSERT_TRUE(in.ok()) << in.status();
    ASSERT_TRUE((*in)->WholeFileDescriptor().ok()) << i;
    held.push_back(std::move(*in));
  }
  EXPECT_LT(ThreadsOfThisProcess() - before, 20) << "threads grew with the blocks held";
  const int64_t block = fs_->GetStatus("/held/f7")->block_ids(0);
  worker::BlockStore* store = cluster_->worker(0)->block_store();
  held.clear();  // every stream ends: every lock is released
  client::fsopts::DeletePOptions d;
  d.set_recursive(true);
  ASSERT_TRUE(fs_->Delete("/held", d).ok());
  EXPECT_TRUE(WaitFor([&] { return !store->HasBlock(block); }));
}

// Files being written through short-circuit (a FUSE mount keeps one per file open for writing)
// hold a temp block each, and cost the worker no thread meanwhile; each commits with its data.
TEST_F(DataPathTest, LocalWritesInProgressCostNoWorkerThreads) {
  testing::MiniClusterOptions o;
  o.num_workers = 1;
  StartCluster(std::move(o));
  constexpr int kFiles = 120;
  ASSERT_TRUE(fs_->CreateDirectory("/writing").ok());
  client::fsopts::CreateFilePOptions co;
  co.set_write_type(::alluxio::grpc::MUST_CACHE);
  co.set_block_size_bytes(kBlockSize);  // each reserves a block: all fit in the MEM tier
  std::vector<std::unique_ptr<client::FileOutStream>> open;
  auto open_one = [&](int i) {
    auto out = fs_->Create(fmt::format("/writing/f{}", i), co);
    ASSERT_TRUE(out.ok()) << out.status();
    Status w = (*out)->Write(RandomBytes(1000, i));  // the block is created now
    ASSERT_TRUE(w.ok()) << i << w;
    open.push_back(std::move(*out));
  };
  for (int i = 0; i < 3; ++i) open_one(i);  // warm up gRPC's own threads
  const int before = ThreadsOfThisProcess();
  for (int i = 3; i < kFiles; ++i) open_one(i);
  ASSERT_EQ(open.size(), static_cast<size_t>(kFiles));
  EXPECT_LT(ThreadsOfThisProcess() - before, 20) << "threads grew with the blocks being written";
  EXPECT_EQ(cluster_->worker(0)->block_store()->GetStoreMeta().num_blocks, 0)
      << "nothing is committed before the files are closed";
  for (int i = 0; i < kFiles; ++i) {
    ASSERT_TRUE(open[i]->Write(RandomBytes(10, kFiles + i)).ok());
    ASSERT_TRUE(open[i]->Close().ok()) << i;
  }
  for (int i = 0; i < kFiles; i += 17) {
    auto got = ReadFile(fs_, fmt::format("/writing/f{}", i), ::alluxio::grpc::CACHE);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_TRUE(*got == RandomBytes(1000, i) + RandomBytes(10, kFiles + i)) << i;
  }
  EXPECT_EQ(cluster_->worker(0)->block_store()->GetStoreMeta().num_blocks, kFiles);
}

TEST_F(DataPathTest, UfsOnlyFilesAreReadThroughAndCached) {
  testing::MiniClusterOptions o;
  o.num_workers = 1;
  StartCluster(std::move(o));
  std::string data = RandomBytes(3 * kBlockSize + 5, 11);
  std::filesystem::create_directories(UfsPath("/ufs"));
  for (const char* name : {"a", "b", "c"}) {
    std::ofstream(UfsPath(std::string("/ufs/") + name), std::ios::binary) << data;
  }
  // Loaded files get alluxio.user.block.size.bytes.default (64MB): one block here. A whole read
  // caches it.
  auto got = ReadFile(fs_, "/ufs/a", ::alluxio::grpc::CACHE);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_TRUE(*got == data);
  EXPECT_TRUE(WaitFor([&] { return InAlluxioPercent(fs_, "/ufs/a") == 100; }));
  // NO_CACHE leaves nothing behind.
  got = ReadFile(fs_, "/ufs/b", ::alluxio::grpc::NO_CACHE);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_TRUE(*got == data);
  EXPECT_EQ(InAlluxioPercent(fs_, "/ufs/b"), 0);
  // A partial read caches the whole block in the background.
  auto in = fs_->Open("/ufs/c");
  ASSERT_TRUE(in.ok()) << in.status();
  char buf[16];
  ASSERT_EQ(*(*in)->PositionedRead(1000, buf, sizeof(buf)), sizeof(buf));
  EXPECT_EQ(std::string(buf, sizeof(buf)), data.substr(1000, sizeof(buf)));
  EXPECT_TRUE(WaitFor([&] { return InAlluxioPercent(fs_, "/ufs/c") == 100; }));
}

// A whole sequential read of a file only in the UFS has this host's worker cache each block
// before it is read, and cache the next two meanwhile (prefetch, asked for before the reader
// waits for the block it needs, so that the copies overlap): once block 0 is being read,
// blocks 1 and 2 get cached while block 3 waits until block 1 is read. A UFS file shorter than
// the file's blocks fails the read (no hang, no partial block cached) after the prefetches of
// the missing blocks failed in the background.
TEST_F(DataPathTest, SequentialColdReadsPrefetchTheNextBlock) {
  testing::MiniClusterOptions o;
  o.num_workers = 1;
  StartCluster(std::move(o));
  constexpr int64_t kBig = 1 << 20;  // blocks this large are cached before they are read
  const std::string data = RandomBytes(5 * kBig, 12);
  ASSERT_TRUE(WriteFile(fs_, "/pf", data, ::alluxio::grpc::THROUGH, kBig).ok());
  ASSERT_EQ(InAlluxioPercent(fs_, "/pf"), 0);
  {
    auto in = fs_->Open("/pf");
    ASSERT_TRUE(in.ok()) << in.status();
    char c = 0;
    ASSERT_EQ(*(*in)->Read(&c, 1), 1u);
    EXPECT_EQ(c, data[0]);
    // Blocks 0, 1 and 2 of 5: 60%.
    EXPECT_TRUE(WaitFor([&] { return InAlluxioPercent(fs_, "/pf") >= 60; }));
    EXPECT_EQ(InAlluxioPercent(fs_, "/pf"), 60);  // nothing asked for block 3 yet
    std::string rest(data.size() - 1, '\0');
    size_t pos = 0;
    while (pos < rest.size()) {
      auto n = (*in)->Read(rest.data() + pos, std::min<size_t>(300000, rest.size() - pos));
      ASSERT_TRUE(n.ok()) << n.status();
      ASSERT_GT(*n, 0u);
      pos += *n;
    }
    EXPECT_TRUE(rest == data.substr(1));
  }
  EXPECT_TRUE(WaitFor([&] { return InAlluxioPercent(fs_, "/pf") == 100; }));

  ASSERT_TRUE(WriteFile(fs_, "/cut", data, ::alluxio::grpc::THROUGH, kBig).ok());
  std::filesystem::resize_file(UfsPath("/cut"), kBig + kBig / 2);  // ends inside block 1
  auto got = ReadFile(fs_, "/cut");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kDataLoss) << got.status();
  auto st = fs_->GetStatus("/cut");
  ASSERT_TRUE(st.ok()) << st.status();
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(cluster_->worker(0)->block_store()->HasBlock(BlockIdOfFile(st->file_id(), i)), i == 0)
        << "block " << i;
  }
}

// A positioned read that says the caller scans the file (a FUSE mount's parallel readahead) has
// this host's worker cache the whole block before reading it, at any offset, as Read does from a
// block's start: the block is cached when the read returns, and the next blocks are prefetched.
// Another stream of the same client then reads that copy. Without the hint a positioned read
// streams its range.
TEST_F(DataPathTest, ScanningPositionedReadsCacheTheWholeBlockFirst) {
  testing::MiniClusterOptions o;
  o.num_workers = 1;
  StartCluster(std::move(o));
  constexpr int64_t kBig = 2 << 20;  // blocks this large are cached before they are read
  const std::string data = RandomBytes(4 * kBig, 17);
  ASSERT_TRUE(WriteFile(fs_, "/scan", data, ::alluxio::grpc::THROUGH, kBig).ok());
  auto st = fs_->GetStatus("/scan");
  ASSERT_TRUE(st.ok()) << st.status();
  worker::BlockStore* store = cluster_->worker(0)->block_store();
  auto first = fs_->Open("/scan");
  auto second = fs_->Open("/scan");
  ASSERT_TRUE(first.ok() && second.ok());
  std::string buf(4096, '\0');
  const int64_t pos = kBig + 1000;  // inside block 1
  ASSERT_EQ(*(*first)->PositionedRead(pos, buf.data(), buf.size(), /*scanning=*/true), buf.size());
  EXPECT_EQ(buf, data.substr(pos, buf.size()));
  EXPECT_TRUE(store->HasBlock(st->block_ids(1))) << "block 1 was not cached before the read";
  EXPECT_TRUE(WaitFor([&] {
    return store->HasBlock(st->block_ids(2)) && store->HasBlock(st->block_ids(3));
  })) << "blocks 2 and 3 were not prefetched";
  // The other stream's locations (from its open) list no copy: it reads the one made here.
  const int64_t pos2 = kBig + 300000;
  ASSERT_EQ(*(*second)->PositionedRead(pos2, buf.data(), buf.size(), /*scanning=*/true),
            buf.size());
  EXPECT_EQ(buf, data.substr(pos2, buf.size()));
  // Block 0, read without the hint at an offset: the range is streamed, right.
  ASSERT_EQ(*(*second)->PositionedRead(5000, buf.data(), buf.size()), buf.size());
  EXPECT_EQ(buf, data.substr(5000, buf.size()));
}

// The worker prefetching for a reader stops (with its prefetches queued or running): the read
// goes on through the other worker and returns the file's bytes, and the stop does not hang.
TEST_F(DataPathTest, ColdReadSurvivesTheLossOfThePrefetchingWorker) {
  testing::MiniClusterOptions o;
  o.num_workers = 2;
  StartCluster(std::move(o));
  constexpr int64_t kBig = 1 << 20;
  const std::string data = RandomBytes(4 * kBig, 14);
  ASSERT_TRUE(WriteFile(fs_, "/pl", data, ::alluxio::grpc::THROUGH, kBig).ok());
  auto in = fs_->Open("/pl");
  ASSERT_TRUE(in.ok()) << in.status();
  std::string got(data.size(), '\0');
  ASSERT_EQ(*(*in)->Read(got.data(), 10), 10u);
  int holder = -1;
  ASSERT_TRUE(WaitFor([&] { return (holder = HolderOf(cluster_.get(), "/pl", 0)) >= 0; }));
  ASSERT_TRUE(cluster_->StopWorker(holder).ok());
  size_t pos = 10;
  while (pos < data.size()) {
    auto n = (*in)->Read(got.data() + pos, std::min<size_t>(300000, data.size() - pos));
    ASSERT_TRUE(n.ok()) << n.status();
    ASSERT_GT(*n, 0u);
    pos += *n;
  }
  EXPECT_TRUE(got == data);
  EXPECT_TRUE(WaitFor([&] { return HolderOf(cluster_.get(), "/pl", 3) == 1 - holder; }));
}

TEST_F(DataPathTest, FreeAndDeleteRemoveCachedBlocks) {
  testing::MiniClusterOptions o;
  o.num_workers = 1;
  StartCluster(std::move(o));
  std::string data = RandomBytes(2 * kBlockSize, 5);
  ASSERT_TRUE(WriteFile(fs_, "/d/persisted", data, ::alluxio::grpc::CACHE_THROUGH).ok());
  ASSERT_TRUE(WriteFile(fs_, "/d/cached", data, ::alluxio::grpc::MUST_CACHE).ok());
  auto st = fs_->GetStatus("/d/persisted");
  ASSERT_TRUE(st.ok());
  const int64_t block0 = st->block_ids(0);
  worker::BlockStore* store = cluster_->worker(0)->block_store();
  EXPECT_TRUE(store->HasBlock(block0));

  ASSERT_TRUE(fs_->Free("/d/persisted").ok());
  // The master lists the copies until the worker reports them gone.
  EXPECT_TRUE(WaitFor([&] { return !store->HasBlock(block0); }));
  EXPECT_TRUE(WaitFor([&] { return InAlluxioPercent(fs_, "/d/persisted") == 0; }));
  // Still readable, from the UFS.
  auto got = ReadFile(fs_, "/d/persisted");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_TRUE(*got == data);

  // A file that exists only in Alluxio cannot be freed.
  Status s = fs_->Free("/d/cached");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("not persisted"), std::string::npos) << s;
  EXPECT_EQ(InAlluxioPercent(fs_, "/d/cached"), 100);

  // Deleting a file removes its blocks from the workers.
  auto cached = fs_->GetStatus("/d/cached");
  ASSERT_TRUE(cached.ok());
  const int64_t cached_block = cached->block_ids(1);
  ASSERT_TRUE(store->HasBlock(cached_block));
  ASSERT_TRUE(fs_->Delete("/d/cached").ok());
  EXPECT_TRUE(WaitFor([&] { return !store->HasBlock(cached_block); }));
}

TEST_F(DataPathTest, WorkerRestartKeepsBlocksAndMasterRestartRelearnsThem) {
  testing::MiniClusterOptions o;
  o.num_workers = 1;
  StartCluster(std::move(o));
  std::string data = RandomBytes(3 * kBlockSize + 1, 9);
  ASSERT_TRUE(WriteFile(fs_, "/r", data, ::alluxio::grpc::MUST_CACHE).ok());

  ASSERT_TRUE(cluster_->RestartWorker(0).ok());
  EXPECT_TRUE(WaitFor([&] { return InAlluxioPercent(fs_, "/r") == 100; }));
  auto got = ReadFile(fs_, "/r");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_TRUE(*got == data);

  // The master forgets locations on restart; the worker registers again by itself.
  ASSERT_TRUE(cluster_->RestartMaster().ok());
  ASSERT_TRUE(cluster_->WaitForWorkers(1).ok());
  EXPECT_TRUE(WaitFor([&] { return InAlluxioPercent(fs_, "/r") == 100; }));
  got = ReadFile(fs_, "/r");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_TRUE(*got == data);
}

TEST_F(DataPathTest, LostWorkersAreDetectedAndReadsFallBackToTheUfs) {
  testing::MiniClusterOptions o;
  o.num_workers = 2;
  o.properties["alluxio.master.worker.timeout"] = "1sec";
  o.properties["alluxio.master.lost.worker.detection.interval"] = "100ms";
  StartCluster(std::move(o));
  std::string data = RandomBytes(4 * kBlockSize, 13);
  ASSERT_TRUE(WriteFile(fs_, "/lost/persisted", data, ::alluxio::grpc::CACHE_THROUGH).ok());
  ASSERT_TRUE(WriteFile(fs_, "/lost/cached", data, ::alluxio::grpc::MUST_CACHE).ok());
  int holder = HolderOf(cluster_.get(), "/lost/persisted");
  ASSERT_GE(holder, 0);
  ASSERT_EQ(HolderOf(cluster_.get(), "/lost/cached"), holder);

  // Start reading, then lose the worker: the read goes on from the UFS through the other worker.
  auto in = fs_->Open("/lost/persisted", {});
  ASSERT_TRUE(in.ok()) << in.status();
  std::string got(data.size(), '\0');
  ASSERT_EQ(*(*in)->Read(got.data(), kBlockSize + 10), static_cast<size_t>(kBlockSize + 10));
  ASSERT_TRUE(cluster_->StopWorker(holder).ok());
  size_t pos = kBlockSize + 10;
  while (pos < data.size()) {
    auto n = (*in)->Read(got.data() + pos, data.size() - pos);
    ASSERT_TRUE(n.ok()) << n.status();
    ASSERT_GT(*n, 0u);
    pos += *n;
  }
  EXPECT_TRUE(got == data);

  // The master notices and drops the worker's locations.
  ASSERT_TRUE(WaitFor([&] {
    ::alluxio::grpc::block::GetWorkerReportPOptions r;
    r.set_worker_range(::alluxio::grpc::block::LOST);
    auto lost = fs_->GetWorkerReport(r);
    return lost.ok() && lost->size() == 1;
  }));
  // A file only in the lost worker's cache is unavailable, and says so.
  auto lost_read = ReadFile(fs_, "/lost/cached");
  ASSERT_FALSE(lost_read.ok());
  EXPECT_NE(lost_read.status().message().find("unavailable"), std::string::npos)
      << lost_read.status();
}

TEST_F(DataPathTest, EvictionFollowsLruAndSparesPinnedFiles) {
  testing::MiniClusterOptions o;
  o.num_workers = 1;
  o.worker_quota = "1MB";
  StartCluster(std::move(o));
  const int64_t block = 256 * 1024;
  std::string data = RandomBytes(block, 17);
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(
        WriteFile(fs_, fmt::format("/e/f{}", i), data, ::alluxio::grpc::CACHE_THROUGH, block).ok());
  }
  // f0 becomes the most recently used; f1 is now the coldest.
  ASSERT_TRUE(ReadFile(fs_, "/e/f0").ok());
  ASSERT_TRUE(WriteFile(fs_, "/e/f4", data, ::alluxio::grpc::CACHE_THROUGH, block).ok());
  EXPECT_TRUE(WaitFor([&] { return InAlluxioPercent(fs_, "/e/f1") == 0; }));
  EXPECT_EQ(InAlluxioPercent(fs_, "/e/f0"), 100);
  EXPECT_EQ(InAlluxioPercent(fs_, "/e/f4"), 100);

  // Pinned files are never evicted, even when cold.
  client::fsopts::SetAttributePOptions pin;
  pin.set_pinned(true);
  for (const char* f : {"/e/f2", "/e/f3", "/e/f0", "/e/f4"}) {
    ASSERT_TRUE(fs_->SetAttribute(f, pin).ok());
  }
  // Let the worker learn the pin list.
  cluster_->worker(0)->HeartbeatNow();
  // Nothing can be evicted: a write fails clearly and leaves no file behind.
  Status s = WriteFile(fs_, "/e/full", data, ::alluxio::grpc::MUST_CACHE, block);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted) << s;
  EXPECT_FALSE(*fs_->Exists("/e/full"));
  for (const char* f : {"/e/f2", "/e/f3", "/e/f0", "/e/f4"}) {
    EXPECT_EQ(InAlluxioPercent(fs_, f), 100) << f;
  }
}

TEST_F(DataPathTest, CancelledWritesLeaveNothingVisible) {
  testing::MiniClusterOptions o;
  o.num_workers = 1;
  StartCluster(std::move(o));
  std::string data = RandomBytes(2 * kBlockSize + 100, 19);
  int64_t file_id = 0;
  {
    client::fsopts::CreateFilePOptions co;
    co.set_write_type(::alluxio::grpc::CACHE_THROUGH);
    co.set_block_size_bytes(kBlockSize);
    auto out = fs_->Create("/cancelled", co);
    ASSERT_TRUE(out.ok()) << out.status();
    ASSERT_TRUE((*out)->Write(data).ok());
    file_id = fs_->GetStatus("/cancelled")->file_id();
    // Destroyed without Close(): cancelled.
  }
  EXPECT_FALSE(*fs_->Exists("/cancelled"));
  EXPECT_FALSE(std::filesystem::exists(UfsPath("/cancelled")));
  worker::BlockStore* store = cluster_->worker(0)->block_store();
  for (int i = 0; i < 3; ++i) {
    int64_t block = ((file_id >> 24) << 24) | i;
    EXPECT_TRUE(WaitFor([&] { return !store->HasBlock(block); })) << "block " << i;
  }
  // No temp files remain in the UFS directory either.
  for (const auto& e : std::filesystem::directory_iterator(cluster_->ufs_root())) {
    EXPECT_EQ(e.path().filename().string().find("cancelled"), std::string::npos) << e.path();
  }
}

TEST_F(DataPathTest, UfsChangesAreSeenWithASyncInterval) {
  testing::MiniClusterOptions o;
  o.num_workers = 1;
  StartCluster(std::move(o));
  ASSERT_TRUE(WriteFile(fs_, "/sync/f", "old content", ::alluxio::grpc::CACHE_THROUGH).ok());
  ASSERT_EQ(*ReadFile(fs_, "/sync/f"), "old content");
  { std::ofstream(UfsPath("/sync/f"), std::ios::binary | std::ios::trunc) << "new content!"; }
  auto syncing = cluster_->NewClient({{"alluxio.user.file.metadata.sync.interval", "0"}});
  ASSERT_TRUE(syncing.ok());
  auto got = ReadFile(syncing->get(), "/sync/f");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, "new content!");
}

// Safe mode (alluxio.master.worker.connect.wait.time): right after the master starts, the worker
// list is refused with Alluxio's message, so a client's first write waits (retrying) instead of
// picking among the workers registered so far; then everything works as usual.
TEST(SafeModeTest, WorkerListIsRefusedUntilTheWaitTimeEnds) {
  testing::MiniClusterOptions o;
  o.num_workers = 1;
  auto c = MiniCluster::Start(o);
  ASSERT_TRUE(c.ok()) << c.status();
  MiniCluster* cluster = c->get();
  // A restart with Alluxio's default wait (the test cluster has none).
  ASSERT_TRUE(cluster->StopMaster().ok());
  ASSERT_TRUE(cluster->StartMaster({{"alluxio.master.worker.connect.wait.time", "5sec"}}).ok());
  EXPECT_TRUE(cluster->master()->GetMasterInfo().safe_mode());
  auto channel = ::grpc::CreateChannel(fmt::format("127.0.0.1:{}", cluster->master()->rpc_port()),
                                       ::grpc::InsecureChannelCredentials());
  auto stub = ::alluxio::grpc::block::BlockMasterClientService::NewStub(channel);
  ::grpc::ClientContext ctx;
  ::alluxio::grpc::block::GetWorkerReportPOptions req;
  ::alluxio::grpc::block::GetWorkerInfoListPResponse resp;
  ::grpc::Status s = stub->GetWorkerReport(&ctx, req, &resp);
  EXPECT_EQ(s.error_code(), ::grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(s.error_message(), "Alluxio master is in safe mode. Please try again later.");
  // The client retries through safe mode: the write succeeds.
  std::string data = RandomBytes(100000, 7);
  ASSERT_TRUE(
      WriteFile(cluster->client(), "/after-safe-mode", data, ::alluxio::grpc::MUST_CACHE).ok());
  EXPECT_FALSE(cluster->master()->GetMasterInfo().safe_mode());
  auto back = ReadFile(cluster->client(), "/after-safe-mode");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, data);
}

// Passive caching (AsyncCache with a source worker, Alluxio's way of copying a block a client
// read remotely into its local worker): the other worker copies the block from the source with
// ReadBlock, reports it, and serves it once the source is gone. Requests without a source port or
// length are refused.
TEST_F(DataPathTest, AsyncCacheCopiesABlockFromAnotherWorker) {
  testing::MiniClusterOptions o;
  o.num_workers = 2;
  StartCluster(std::move(o));
  std::string data = RandomBytes(kBlockSize + 1000, 9);
  ASSERT_TRUE(WriteFile(fs_, "/p/f", data, ::alluxio::grpc::MUST_CACHE).ok());
  const int holder = HolderOf(cluster_.get(), "/p/f", 0);
  ASSERT_GE(holder, 0);
  const int other = 1 - holder;
  auto st = fs_->GetStatus("/p/f");
  ASSERT_TRUE(st.ok());
  const int64_t block = st->block_ids(0);
  auto stub = ::alluxio::grpc::block::BlockWorker::NewStub(
      ::grpc::CreateChannel(fmt::format("127.0.0.1:{}", cluster_->worker(other)->rpc_port()),
                            ::grpc::InsecureChannelCredentials()));
  ::alluxio::grpc::block::AsyncCacheRequest req;
  req.set_block_id(block);
  req.set_source_host("127.0.0.1");
  {
    ::grpc::ClientContext ctx;
    ::alluxio::grpc::block::AsyncCacheResponse resp;
    EXPECT_EQ(stub->AsyncCache(&ctx, req, &resp).error_code(),
              ::grpc::StatusCode::INVALID_ARGUMENT);
  }
  req.set_source_port(cluster_->worker(holder)->rpc_port());
  req.set_length(kBlockSize);
  {
    ::grpc::ClientContext ctx;
    ::alluxio::grpc::block::AsyncCacheResponse resp;
    ASSERT_TRUE(stub->AsyncCache(&ctx, req, &resp).ok());
  }
  worker::BlockStore* store = cluster_->worker(other)->block_store();
  ASSERT_TRUE(WaitFor([&] { return store->HasBlock(block); }, 20000));
  // The master learns of the copy; with the source gone the block is read from the copy.
  ASSERT_TRUE(WaitFor(
      [&] {
        auto info = fs_->GetBlockInfo(block);
        return info.ok() && info->locations_size() == 2;
      },
      20000));
  ASSERT_TRUE(cluster_->StopWorker(holder).ok());
  client::fsopts::OpenFilePOptions no_cache;
  no_cache.set_read_type(::alluxio::grpc::NO_CACHE);
  // Block 1 was only on the stopped worker (MUST_CACHE): reading it fails, but block 0 is whole.
  auto in = fs_->Open("/p/f", no_cache);
  ASSERT_TRUE(in.ok()) << in.status();
  std::string first(static_cast<size_t>(kBlockSize), '\0');
  size_t pos = 0;
  while (pos < first.size()) {
    auto n = (*in)->Read(first.data() + pos, first.size() - pos);
    ASSERT_TRUE(n.ok()) << n.status();
    ASSERT_GT(*n, 0u);
    pos += *n;
  }
  EXPECT_TRUE(first == data.substr(0, static_cast<size_t>(kBlockSize)));
}

// The longest file name (255 bytes) is written through to the local UFS: the worker's
// temporary UFS name stays within NAME_MAX.
TEST_F(DataPathTest, LongestNamesAreWrittenThrough) {
  testing::MiniClusterOptions o;
  o.num_workers = 1;
  StartCluster(std::move(o));
  const std::string name(255, 'n');
  std::string data = RandomBytes(1000, 3);
  Status s = WriteFile(fs_, "/long/" + name, data, ::alluxio::grpc::CACHE_THROUGH);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_TRUE(std::filesystem::exists(cluster_->ufs_root() + "/long/" + name));
  auto back = ReadFile(fs_, "/long/" + name);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, data);
}

}  // namespace
}  // namespace alluxio
