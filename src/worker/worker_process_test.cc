// SPDX-License-Identifier: Apache-2.0
// WorkerProcess end to end against a FakeMaster: registration and heartbeats, master commands,
// the BlockWorker data service (store reads, UFS read-through and caching, writes, short-circuit
// streams), persistence, and the heartbeat timeout. A real worker on temp dirs with a 64 KB MEM
// tier and a local-directory UFS; clients are plain gRPC stubs.
#include "worker/worker_process.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "alluxio/grpc/block_worker.grpc.pb.h"
#include "rpc/channel.h"
#include "rpc/grpc_status.h"
#include "ufs/local/local_ufs.h"
#include "ufs/memory/memory_ufs.h"
#include "worker/block/test_util.h"
#include "worker/testing/fake_master.h"
#include "worker/ufs_io/ufs_block_cacher.h"
#include "worker/ufs_io/ufs_manager.h"

namespace alluxio::worker {
namespace {

namespace gb = grpc::block;
namespace gf = grpc::file;
namespace k = conf::keys;
using testing::FakeMaster;
using ::testing::HasSubstr;
using testing::ListDir;
using ::testing::Not;
using testing::ReadFile;
using testing::TempFolder;
using testing::WriteFile;

constexpr int64_t kMountId = 7;
constexpr int64_t kQuota = 64 * 1024;
constexpr int64_t kMaxChunk = 4096;

#define ASSERT_OK(expr)                    \
  do {                                     \
    const ::alluxio::Status _s = (expr);   \
    ASSERT_TRUE(_s.ok()) << _s.ToString(); \
  } while (0)

BlockId Block(int64_t container, int64_t index) { return (container << kContainerIdShift) | index; }

std::string Content(int64_t n, char seed) {
  std::string s(static_cast<size_t>(n), '\0');
  for (size_t i = 0; i < s.size(); ++i) s[i] = static_cast<char>(seed + (i * 31) % 97);
  return s;
}

struct ReadResult {
  Status status;
  std::string data;
  std::vector<size_t> chunks;
};

class WorkerProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto fake = FakeMaster::Start();
    ASSERT_TRUE(fake.ok()) << fake.status().ToString();
    fake_ = *std::move(fake);
    ufs_root_ = root_.Sub("ufs");
    std::filesystem::create_directories(ufs_root_);
    fake_->AddMount(kMountId, ufs_root_);
    ASSERT_NO_FATAL_FAILURE(StartWorker());
  }
  void TearDown() override {
    stub_.reset();
    worker_.reset();
    fake_.reset();
  }

  conf::Configuration Conf() {
    conf::Configuration c;
    auto set = [&](const conf::PropertyKey& key, const std::string& v) {
      Status s = c.Set(key, v);
      EXPECT_TRUE(s.ok()) << key.name << ": " << s.ToString();
    };
    set(k::kWorkerTieredstoreLevels, "1");
    set(k::kWorkerTieredstoreLevel0Alias, "MEM");
    set(k::kWorkerTieredstoreLevel0DirsPath, root_.Sub("mem"));
    set(k::kWorkerTieredstoreLevel0DirsMediumtype, "MEM");
    set(k::kWorkerTieredstoreLevel0DirsQuota, std::to_string(kQuota));
    set(k::kWorkerHostname, "localhost");
    set(k::kWorkerBindHost, "127.0.0.1");
    set(k::kWorkerRpcPort, "0");
    set(k::kMasterHostname, "127.0.0.1");
    set(k::kMasterRpcPort, std::to_string(fake_->port()));
    set(k::kWorkerBlockHeartbeatInterval, "50ms");
    set(k::kWorkerRegisterStreamBatchSize, "2");
    set(k::kWorkerNetworkReaderMaxChunkSizeBytes, std::to_string(kMaxChunk));
    return c;
  }

  void StartWorker(const std::function<void(conf::Configuration*)>& tweak = nullptr,
                   std::function<void(const Status&)> on_fatal = nullptr) {
    stub_.reset();
    worker_.reset();
    conf::Configuration c = Conf();
    if (tweak) tweak(&c);
    auto w = WorkerProcess::Create(c);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    worker_ = *std::move(w);
    if (on_fatal) worker_->SetFatalErrorHandler(std::move(on_fatal));
    ASSERT_OK(worker_->Start());
    ASSERT_OK(worker_->WaitRegistered(10000));
    stub_ = gb::BlockWorker::NewStub(
        rpc::CreateChannel("127.0.0.1:" + std::to_string(worker_->rpc_port())));
  }

  BlockStore* store() { return worker_->block_store(); }

  // ---- Client calls ----

  Status WriteBlock(BlockId id, const std::string& data, int64_t reserve, bool commit = true,
                    size_t chunk = 1000) {
    ::grpc::ClientContext ctx;
    auto stream = stub_->WriteBlock(&ctx);
    gb::WriteRequest req;
    req.mutable_command()->set_type(gb::ALLUXIO_BLOCK);
    req.mutable_command()->set_id(id);
    req.mutable_command()->set_tier(0);
    req.mutable_command()->set_space_to_reserve(reserve);
    stream->Write(req);
    for (size_t pos = 0; pos < data.size(); pos += chunk) {
      gb::WriteRequest c;
      c.mutable_chunk()->set_data(data.substr(pos, chunk));
      if (!stream->Write(c)) break;
    }
    if (commit) {
      gb::WriteRequest c;
      c.mutable_command()->set_type(gb::ALLUXIO_BLOCK);
      c.mutable_command()->set_id(id);
      c.mutable_command()->set_commit(true);
      stream->Write(c);
    }
    stream->WritesDone();
    gb::WriteResponse resp;
    bool got = stream->Read(&resp);
    Status s = rpc::FromGrpcStatus(stream->Finish());
    if (s.ok() && (!got || resp.offset() != static_cast<int64_t>(data.size()))) {
      return InternalError("commit not acknowledged with the written length");
    }
    return s;
  }

  ReadResult Read(const gb::ReadRequest& req) {
    ::grpc::ClientContext ctx;
    auto stream = stub_->ReadBlock(&ctx);
    stream->Write(req);
    stream->WritesDone();
    ReadResult r;
    gb::ReadResponse resp;
    while (stream->Read(&resp)) {
      r.chunks.push_back(resp.chunk().data().size());
      r.data += resp.chunk().data();
    }
    r.status = rpc::FromGrpcStatus(stream->Finish());
    return r;
  }

  ReadResult ReadRange(BlockId id, int64_t offset, int64_t length, int64_t chunk = 1000) {
    gb::ReadRequest req;
    req.set_block_id(id);
    req.set_offset(offset);
    req.set_length(length);
    req.set_chunk_size(chunk);
    return Read(req);
  }

  Status RemoveBlock(BlockId id) {
    ::grpc::ClientContext ctx;
    gb::RemoveBlockRequest req;
    req.set_block_id(id);
    gb::RemoveBlockResponse resp;
    return rpc::FromGrpcStatus(stub_->RemoveBlock(&ctx, req, &resp));
  }

  // A UFS file and the read options of its block `index` of `block_size` bytes.
  gb::OpenUfsBlockOptions UfsBlock(const std::string& name, int64_t index, int64_t block_size,
                                   int64_t file_length) {
    gb::OpenUfsBlockOptions o;
    o.set_ufs_path(ufs_root_ + "/" + name);
    o.set_offset_in_file(index * block_size);
    o.set_block_size(std::min(block_size, file_length - index * block_size));
    o.set_mount_id(kMountId);
    return o;
  }

  std::string UfsFingerprint(const std::string& path) {
    ufs::LocalUfs ufs;
    Result<ufs::UfsStatus> st = ufs.GetStatus(path);
    return st.ok() ? st->Fingerprint() : "";
  }

  bool WaitFor(const std::function<bool()>& pred) { return fake_->WaitFor(pred, 10000); }

  TempFolder root_;
  std::string ufs_root_;
  std::unique_ptr<FakeMaster> fake_;
  std::unique_ptr<WorkerProcess> worker_;
  std::unique_ptr<gb::BlockWorker::Stub> stub_;
};

// ---- Registration and heartbeats ----

TEST_F(WorkerProcessTest, RegistersTiersAndAddress) {
  std::vector<FakeMaster::Registration> regs = fake_->registrations();
  ASSERT_FALSE(regs.empty());
  const gb::RegisterWorkerPRequest& first = regs.back().first;
  EXPECT_EQ(regs.back().worker_id, worker_->worker_id());
  EXPECT_NE(worker_->worker_id(), 0);
  ASSERT_EQ(first.storage_tiers_size(), 1);
  EXPECT_EQ(first.storage_tiers(0), "MEM");
  EXPECT_EQ(first.total_bytes_on_tiers().at("MEM"), kQuota);
  EXPECT_EQ(first.address().host(), "localhost");
  EXPECT_EQ(first.address().rpc_port(), worker_->rpc_port());
  EXPECT_FALSE(first.build_version().empty());
  EXPECT_EQ(worker_->hostname(), "localhost");
}

TEST_F(WorkerProcessTest, RestartedWorkerKeepsAndReportsItsBlocksInBatches) {
  for (int i = 0; i < 3; ++i) ASSERT_OK(WriteBlock(Block(1, i), Content(100, 'a'), 100));
  ASSERT_NO_FATAL_FAILURE(StartWorker());  // a new process on the same dirs
  ASSERT_TRUE(store()->HasBlock(Block(1, 2)));
  FakeMaster::Registration last = fake_->registrations().back();
  EXPECT_EQ(last.blocks.size(), 3u);
  EXPECT_EQ(last.blocks.at(Block(1, 0)), "MEM");
  EXPECT_EQ(last.messages, 2);  // batch size 2
  EXPECT_EQ(last.first.used_bytes_on_tiers().at("MEM"), 300);
}

TEST_F(WorkerProcessTest, HeartbeatReportsAddedAndRemovedBlocks) {
  const BlockId id = Block(2, 0);
  ASSERT_OK(WriteBlock(id, Content(500, 'b'), 500));
  auto added = [&] {
    for (const auto& hb : fake_->heartbeats()) {
      for (const auto& e : hb.added_blocks()) {
        for (int64_t b : e.value()) {
          if (b == id && e.key().tier_alias() == "MEM")
            return hb.used_bytes_on_tiers().at("MEM") >= 500;
        }
      }
    }
    return false;
  };
  worker_->HeartbeatNow();
  EXPECT_TRUE(WaitFor(added));
  ASSERT_OK(RemoveBlock(id));
  worker_->HeartbeatNow();
  EXPECT_TRUE(WaitFor([&] {
    for (const auto& hb : fake_->heartbeats()) {
      for (int64_t b : hb.removed_block_ids()) {
        if (b == id) return true;
      }
    }
    return false;
  }));
}

TEST_F(WorkerProcessTest, RegisterCommandMakesTheWorkerRegisterAgain) {
  ASSERT_OK(WriteBlock(Block(3, 0), Content(10, 'c'), 10));
  size_t before = fake_->registrations().size();
  int64_t id_calls = fake_->get_worker_id_calls();
  fake_->ForgetWorkers();  // the next heartbeat is answered with Register
  ASSERT_TRUE(WaitFor([&] { return fake_->registrations().size() > before; }));
  EXPECT_GT(fake_->get_worker_id_calls(), id_calls);
  EXPECT_TRUE(fake_->registrations().back().blocks.contains(Block(3, 0)));
}

TEST_F(WorkerProcessTest, ReRegistersAfterAMasterRestart) {
  ASSERT_OK(WriteBlock(Block(4, 0), Content(10, 'd'), 10));
  const int port = fake_->port();
  fake_.reset();
  // The worker keeps trying while the master is away.
  Result<std::unique_ptr<FakeMaster>> restarted = FakeMaster::Start(port);
  ASSERT_TRUE(restarted.ok()) << restarted.status().ToString();
  fake_ = *std::move(restarted);
  ASSERT_OK(worker_->WaitRegistered(10000));
  ASSERT_FALSE(fake_->registrations().empty());
  EXPECT_TRUE(fake_->registrations().back().blocks.contains(Block(4, 0)));
}

TEST_F(WorkerProcessTest, FreeCommandRemovesBlocksAndRetriesOnesHeldByReaders) {
  const BlockId a = Block(5, 0), b = Block(5, 1);
  ASSERT_OK(WriteBlock(a, Content(10, 'e'), 10));
  ASSERT_OK(WriteBlock(b, Content(10, 'f'), 10));
  // A short-circuit reader holds b.
  ::grpc::ClientContext ctx;
  auto local = stub_->OpenLocalBlock(&ctx);
  gb::OpenLocalBlockRequest req;
  req.set_block_id(b);
  ASSERT_TRUE(local->Write(req));
  gb::OpenLocalBlockResponse resp;
  ASSERT_TRUE(local->Read(&resp));

  gb::Command free;
  free.set_command_type(gb::Free);
  free.add_data(a);
  free.add_data(b);
  fake_->QueueBlockCommand(free);
  ASSERT_TRUE(WaitFor([&] { return !store()->HasBlock(a); }));
  worker_->HeartbeatNow();
  worker_->HeartbeatNow();
  EXPECT_TRUE(store()->HasBlock(b));  // locked: kept for a later heartbeat

  local->WritesDone();
  ASSERT_OK(rpc::FromGrpcStatus(local->Finish()));
  EXPECT_TRUE(WaitFor([&] { return !store()->HasBlock(b); }));
}

TEST_F(WorkerProcessTest, PinListFromTheMasterReachesTheStore) {
  const BlockId id = Block(6, 0);
  ASSERT_OK(WriteBlock(id, Content(10, 'g'), 10));
  fake_->SetPinnedFileIds({FileIdOfBlock(id)});
  worker_->HeartbeatNow();
  EXPECT_TRUE(WaitFor([&] {
    Result<BlockInfo> info = store()->GetBlockInfo(id);
    return info.ok() && info->pinned;
  }));
}

TEST_F(WorkerProcessTest, HeartbeatTimeoutCallsTheFatalHandler) {
  std::atomic<bool> fatal{false};
  std::string message;
  std::mutex mu;
  ASSERT_NO_FATAL_FAILURE(StartWorker(
      [](conf::Configuration* c) { ASSERT_OK(c->Set(k::kWorkerBlockHeartbeatTimeout, "300ms")); },
      [&](const Status& s) {
        std::lock_guard<std::mutex> l(mu);
        message = std::string(s.message());
        fatal = true;
      }));
  fake_->Stop();
  ASSERT_TRUE(WaitFor([&] { return fatal.load(); }));
  std::lock_guard<std::mutex> l(mu);
  EXPECT_THAT(message, HasSubstr("Master heartbeat timeout exceeded"));
}

// ---- ReadBlock from the store ----

TEST_F(WorkerProcessTest, ReadBlockWholePartialAndChunked) {
  const BlockId id = Block(10, 0);
  const std::string data = Content(10000, 'h');
  ASSERT_OK(WriteBlock(id, data, 10000));

  ReadResult whole = ReadRange(id, 0, 10000, 1000);
  ASSERT_OK(whole.status);
  EXPECT_EQ(whole.data, data);
  EXPECT_EQ(whole.chunks, std::vector<size_t>(10, 1000));

  ReadResult part = ReadRange(id, 1234, 100, 1000);
  ASSERT_OK(part.status);
  EXPECT_EQ(part.data, data.substr(1234, 100));

  // Chunks are capped by alluxio.worker.network.reader.max.chunk.size.bytes.
  ReadResult big = ReadRange(id, 0, 10000, 1 << 20);
  ASSERT_OK(big.status);
  EXPECT_EQ(big.data, data);
  EXPECT_EQ(big.chunks, (std::vector<size_t>{4096, 4096, 1808}));

  // No length: to the end.
  gb::ReadRequest tail;
  tail.set_block_id(id);
  tail.set_offset(9000);
  ReadResult rest = Read(tail);
  ASSERT_OK(rest.status);
  EXPECT_EQ(rest.data, data.substr(9000));
}

TEST_F(WorkerProcessTest, ReadBlockErrors) {
  const BlockId id = Block(11, 0);
  ASSERT_OK(WriteBlock(id, Content(100, 'i'), 100));
  EXPECT_EQ(ReadRange(id, 50, 51).status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadRange(id, 101, 0).status.code(), StatusCode::kInvalidArgument);
  ReadResult missing = ReadRange(Block(11, 1), 0, 10);
  EXPECT_EQ(missing.status.code(), StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.status.message()),
              HasSubstr(fmt::format("Block {} is not available in the worker", Block(11, 1))));
}

TEST_F(WorkerProcessTest, TierHintPromoteAndMoveByMedium) {
  ASSERT_NO_FATAL_FAILURE(StartWorker([&](conf::Configuration* c) {
    ASSERT_OK(c->Set(k::kWorkerTieredstoreLevels, "2"));
    ASSERT_OK(c->Set(k::kWorkerTieredstoreLevel1Alias, "SSD"));
    ASSERT_OK(c->Set(k::kWorkerTieredstoreLevel1DirsPath, root_.Sub("ssd")));
    ASSERT_OK(c->Set(k::kWorkerTieredstoreLevel1DirsMediumtype, "SSD"));
    ASSERT_OK(c->Set(k::kWorkerTieredstoreLevel1DirsQuota, std::to_string(kQuota)));
  }));
  const BlockId id = Block(18, 0);
  const std::string data = Content(300, 'C');
  {
    ::grpc::ClientContext ctx;
    auto stream = stub_->WriteBlock(&ctx);
    gb::WriteRequest req;
    req.mutable_command()->set_type(gb::ALLUXIO_BLOCK);
    req.mutable_command()->set_id(id);
    req.mutable_command()->set_tier(1);  // SSD
    req.mutable_command()->set_space_to_reserve(300);
    stream->Write(req);
    gb::WriteRequest chunk;
    chunk.mutable_chunk()->set_data(data);
    stream->Write(chunk);
    gb::WriteRequest commit;
    commit.mutable_command()->set_commit(true);
    stream->Write(commit);
    stream->WritesDone();
    gb::WriteResponse done;
    ASSERT_TRUE(stream->Read(&done));  // gRPC: read everything before Finish
    EXPECT_EQ(done.offset(), 300);
    ASSERT_OK(rpc::FromGrpcStatus(stream->Finish()));
  }
  EXPECT_EQ(store()->GetBlockInfo(id)->location.tier_alias, "SSD");
  EXPECT_EQ(fake_->commits().back().tier_alias(), "SSD");

  gb::ReadRequest req;
  req.set_block_id(id);
  req.set_offset(0);
  req.set_length(300);
  req.set_promote(true);
  ReadResult r = Read(req);
  ASSERT_OK(r.status);
  EXPECT_EQ(r.data, data);
  EXPECT_EQ(store()->GetBlockInfo(id)->location.tier_alias, "MEM");

  ::grpc::ClientContext ctx;
  gb::MoveBlockRequest move;
  move.set_block_id(id);
  move.set_medium_type("SSD");
  gb::MoveBlockResponse resp;
  ASSERT_OK(rpc::FromGrpcStatus(stub_->MoveBlock(&ctx, move, &resp)));
  EXPECT_EQ(store()->GetBlockInfo(id)->location.tier_alias, "SSD");
  // The move reaches the master as the block's new location.
  worker_->HeartbeatNow();
  EXPECT_TRUE(WaitFor([&] {
    for (const auto& hb : fake_->heartbeats()) {
      for (const auto& e : hb.added_blocks()) {
        for (int64_t b : e.value()) {
          if (b == id && e.key().tier_alias() == "SSD") return true;
        }
      }
    }
    return false;
  }));
}

TEST_F(WorkerProcessTest, FreeWorkerRemovesEveryBlock) {
  ASSERT_OK(WriteBlock(Block(19, 0), Content(10, 'D'), 10));
  ASSERT_OK(WriteBlock(Block(19, 1), Content(10, 'E'), 10));
  ::grpc::ClientContext ctx;
  gb::FreeWorkerResponse resp;
  ASSERT_OK(rpc::FromGrpcStatus(stub_->FreeWorker(&ctx, gb::FreeWorkerRequest(), &resp)));
  EXPECT_EQ(store()->GetStoreMeta().num_blocks, 0);
}

// ---- ReadBlock through the UFS ----

TEST_F(WorkerProcessTest, WholeUfsReadStreamsAndCachesTheBlock) {
  const std::string file = Content(3000, 'j');
  WriteFile(ufs_root_ + "/f", file);
  const BlockId id = Block(12, 1);  // second block of 2000-byte blocks: bytes 2000..2999
  gb::ReadRequest req;
  req.set_block_id(id);
  req.set_offset(0);
  req.set_length(1000);
  req.set_chunk_size(300);
  *req.mutable_open_ufs_block_options() = UfsBlock("f", 1, 2000, 3000);
  ReadResult r = Read(req);
  ASSERT_OK(r.status);
  EXPECT_EQ(r.data, file.substr(2000));
  ASSERT_TRUE(store()->HasBlock(id));  // committed before the stream ended
  // Now served from the store, even with the UFS file gone.
  std::filesystem::remove(ufs_root_ + "/f");
  ReadResult cached = ReadRange(id, 0, 1000);
  ASSERT_OK(cached.status);
  EXPECT_EQ(cached.data, file.substr(2000));
}

TEST_F(WorkerProcessTest, PartialUfsReadCachesTheWholeBlockInTheBackground) {
  const std::string file = Content(5000, 'k');
  WriteFile(ufs_root_ + "/g", file);
  const BlockId id = Block(13, 0);
  gb::ReadRequest req;
  req.set_block_id(id);
  req.set_offset(100);
  req.set_length(200);
  *req.mutable_open_ufs_block_options() = UfsBlock("g", 0, 5000, 5000);
  ReadResult r = Read(req);
  ASSERT_OK(r.status);
  EXPECT_EQ(r.data, file.substr(100, 200));
  ASSERT_TRUE(WaitFor([&] { return store()->HasBlock(id); }));
  ReadResult cached = ReadRange(id, 0, 5000);
  ASSERT_OK(cached.status);
  EXPECT_EQ(cached.data, file);
}

TEST_F(WorkerProcessTest, NoCacheUfsReadDoesNotCache) {
  const std::string file = Content(1000, 'l');
  WriteFile(ufs_root_ + "/h", file);
  const BlockId id = Block(14, 0);
  gb::ReadRequest req;
  req.set_block_id(id);
  req.set_offset(0);
  req.set_length(1000);
  *req.mutable_open_ufs_block_options() = UfsBlock("h", 0, 1000, 1000);
  req.mutable_open_ufs_block_options()->set_no_cache(true);
  ReadResult r = Read(req);
  ASSERT_OK(r.status);
  EXPECT_EQ(r.data, file);
  EXPECT_FALSE(store()->HasBlock(id));
  EXPECT_EQ(store()->counters().blocks_created, 0);
}

TEST_F(WorkerProcessTest, StaleUfsFingerprintIsRefused) {
  const std::string path = ufs_root_ + "/s";
  WriteFile(path, Content(100, 'm'));
  const std::string full = UfsFingerprint(path);
  gb::ReadRequest req;
  req.set_block_id(Block(15, 0));
  req.set_offset(0);
  req.set_length(100);
  *req.mutable_open_ufs_block_options() = UfsBlock("s", 0, 100, 100);
  req.mutable_open_ufs_block_options()->set_no_cache(true);
  // The master's hashed form of the current fingerprint is accepted.
  req.mutable_open_ufs_block_options()->set_ufs_fingerprint(FingerprintHashString(full));
  ASSERT_OK(Read(req).status);

  // The file is rewritten behind Alluxio's back (same length).
  std::filesystem::remove(path);
  WriteFile(path, Content(100, 'n'));
  req.mutable_open_ufs_block_options()->set_no_cache(false);
  ReadResult r = Read(req);
  EXPECT_EQ(r.status.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(r.status.message()), HasSubstr("changed"));
  EXPECT_TRUE(r.data.empty());
  EXPECT_FALSE(store()->HasBlock(Block(15, 0)));
}

TEST_F(WorkerProcessTest, AsyncCacheRpcCachesTheBlock) {
  const std::string file = Content(800, 'A');
  WriteFile(ufs_root_ + "/ac", file);
  const BlockId id = Block(16, 0);
  ::grpc::ClientContext ctx;
  gb::AsyncCacheRequest req;
  req.set_block_id(id);
  *req.mutable_open_ufs_block_options() = UfsBlock("ac", 0, 800, 800);
  gb::AsyncCacheResponse resp;
  ASSERT_OK(rpc::FromGrpcStatus(stub_->AsyncCache(&ctx, req, &resp)));
  ASSERT_TRUE(WaitFor([&] { return store()->HasBlock(id); }));
  EXPECT_EQ(ReadRange(id, 0, 800).data, file);
}

// One copy of a block is cached at a time: whoever holds the claim caches, others read through.
TEST_F(WorkerProcessTest, CacheClaimsKeepASecondCacherOut) {
  const std::string file = Content(600, 'B');
  WriteFile(ufs_root_ + "/cl", file);
  const BlockId id = Block(17, 0);
  UfsManager ufs(nullptr);
  UfsBlockCacher cacher(store(), &ufs, 1, 4, /*packed_files=*/true);
  gb::OpenUfsBlockOptions o = UfsBlock("cl", 0, 600, 600);
  o.clear_mount_id();  // resolved from the path
  ASSERT_TRUE(cacher.TryClaim(id));
  EXPECT_FALSE(cacher.TryClaim(id));
  EXPECT_FALSE(cacher.Submit(id, o));  // a reader is caching it
  cacher.Release(id);
  ASSERT_TRUE(cacher.Submit(id, o));
  ASSERT_TRUE(WaitFor([&] { return store()->HasBlock(id); }));
  EXPECT_FALSE(cacher.Submit(id, o));  // cached already
  EXPECT_TRUE(cacher.CacheNow(id, o).ok());
  EXPECT_EQ(ReadRange(id, 0, 600).data, file);
  cacher.Stop();
}

// The copy goes piece by piece, the UFS read of one piece overlapping the write of the last:
// every byte lands where it belongs, and a UFS file shorter than the block leaves nothing.
TEST_F(WorkerProcessTest, CacheCopiesInPiecesAndDropsABlockTheUfsCannotFill) {
  const std::string file = Content(10500, 'P');  // 10 whole pieces of 1000 bytes and 500
  WriteFile(ufs_root_ + "/pc", file);
  UfsManager ufs(nullptr);
  UfsBlockCacher cacher(store(), &ufs, 1, 4, /*packed_files=*/true, /*piece_bytes=*/1000);
  gb::OpenUfsBlockOptions o = UfsBlock("pc", 0, 10500, 10500);
  o.clear_mount_id();
  ASSERT_OK(cacher.CacheNow(Block(50, 0), o));
  EXPECT_EQ(ReadRange(Block(50, 0), 0, 10500).data, file);
  // The checksum the copy recorded (hashed piece by piece as it wrote) is the block's.
  Result<VerifyOutcome> verified = store()->VerifyBlock(Block(50, 0));
  ASSERT_OK(verified.status());
  EXPECT_EQ(*verified, VerifyOutcome::kVerified);

  const int64_t used = store()->GetStoreMeta().used_bytes;
  WriteFile(ufs_root_ + "/short", file.substr(0, 7300));
  gb::OpenUfsBlockOptions s = UfsBlock("short", 0, 10500, 10500);
  s.clear_mount_id();
  Status st = cacher.CacheNow(Block(51, 0), s);
  EXPECT_EQ(st.code(), StatusCode::kDataLoss) << st.ToString();
  EXPECT_THAT(std::string(st.message()), HasSubstr("ends at 7300 bytes"));
  EXPECT_FALSE(store()->HasBlock(Block(51, 0)));
  EXPECT_EQ(store()->GetStoreMeta().used_bytes, used);  // the temp block's space is back
  cacher.Stop();
}

// A UFS file's blocks cached by the worker are ranges of the file's packed container, at index x
// block size, as blocks written through short-circuit are: one file on the tier that holds the
// whole UFS file (what lets a FUSE mount hand the file to the kernel). Without packed files, or
// for options that do not describe a file of equal blocks, each is a file of its own.
TEST_F(WorkerProcessTest, BlocksCachedFromTheUfsArePackedByFile) {
  const std::string file = Content(2500, 'K');  // blocks of 1000: 1000, 1000, 500
  WriteFile(ufs_root_ + "/pk", file);
  UfsManager ufs(nullptr);
  UfsBlockCacher cacher(store(), &ufs, 1, 4, /*packed_files=*/true);
  std::string container;
  for (int64_t i = 0; i < 3; ++i) {
    gb::OpenUfsBlockOptions o = UfsBlock("pk", i, 1000, 2500);
    o.clear_mount_id();
    ASSERT_OK(cacher.CacheNow(Block(60, i), o));
    Result<BlockInfo> info = store()->GetBlockInfo(Block(60, i));
    ASSERT_OK(info.status());
    EXPECT_EQ(info->offset, i * 1000) << i;
    EXPECT_EQ(info->length, i < 2 ? 1000 : 500) << i;
    if (i == 0) container = info->path;
    EXPECT_EQ(info->path, container) << i;
    EXPECT_EQ(ReadRange(Block(60, i), 0, info->length).data, file.substr(i * 1000, 1000)) << i;
  }
  EXPECT_THAT(container, HasSubstr("/.packed/"));
  std::ifstream in(container, std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), file);
  cacher.Stop();

  UfsBlockCacher unpacked(store(), &ufs, 1, 4, /*packed_files=*/false);
  gb::OpenUfsBlockOptions o = UfsBlock("pk", 1, 1000, 2500);
  o.clear_mount_id();
  ASSERT_OK(unpacked.CacheNow(Block(61, 1), o));
  Result<BlockInfo> own = store()->GetBlockInfo(Block(61, 1));
  ASSERT_OK(own.status());
  EXPECT_EQ(own->offset, 0);
  EXPECT_THAT(own->path, Not(HasSubstr("/.packed/")));
  EXPECT_EQ(ReadRange(Block(61, 1), 0, 1000).data, file.substr(1000, 1000));
  unpacked.Stop();
}

// Where the UFS reads a file fastest as one stream, copies of the file's blocks take turns in
// block order and pass the stream on: the copy of block 2 waits while block 1's runs, then reads
// on with block 1's stream; block 0, asked for after block 1's copy started (a reader after its
// prefetches), does not wait for it. Where the UFS reads ranges as fast in parallel (S3), nothing
// waits and each copy opens its own stream.
TEST_F(WorkerProcessTest, CopiesOfOneFileTakeTurnsInBlockOrder) {
  std::shared_ptr<ufs::MemoryUfs> mem = ufs::MemoryUfs::Shared("turns");
  const std::string content = Content(3000, 'T');
  for (bool sequential : {true, false}) {
    SCOPED_TRACE(sequential ? "sequential reads fastest" : "parallel reads");
    const std::string path = sequential ? "memory://turns/seq" : "memory://turns/par";
    {
      auto out = mem->Create(path, {});
      ASSERT_OK(out.status());
      ASSERT_OK((*out)->Write(content));
      ASSERT_OK((*out)->Close());
    }
    ufs::UfsCapabilities caps;
    caps.sequential_reads_fastest = sequential;
    mem->SetCapabilitiesForTest(caps);
    std::mutex mu;
    std::condition_variable cv;
    bool hold = true;
    std::vector<std::pair<int64_t, const void*>> reads;  // offset, stream
    mem->SetReadHookForTest([&](const std::string&, int64_t offset, const void* stream) {
      std::unique_lock<std::mutex> l(mu);
      reads.emplace_back(offset, stream);
      if (offset == 1000) cv.wait(l, [&] { return !hold; });  // block 1's first piece
    });
    auto read_at = [&](int64_t offset) -> const void* {
      std::lock_guard<std::mutex> l(mu);
      for (const auto& [at, stream] : reads) {
        if (at == offset) return stream;
      }
      return nullptr;
    };
    auto options = [&](int64_t index) {
      gb::OpenUfsBlockOptions o;
      o.set_ufs_path(path);
      o.set_offset_in_file(index * 1000);
      o.set_block_size(1000);
      return o;
    };
    const int64_t file = sequential ? 70 : 71;
    UfsManager ufs(nullptr);
    UfsBlockCacher cacher(store(), &ufs, 1, 4, /*packed_files=*/true, /*piece_bytes=*/500);

    Status s1 = InternalError("not run"), s2 = InternalError("not run");
    std::thread t1([&] { s1 = cacher.CacheNow(Block(file, 1), options(1)); });
    ASSERT_TRUE(WaitFor([&] { return read_at(1000) != nullptr; }));
    std::thread t2([&] { s2 = cacher.CacheNow(Block(file, 2), options(2)); });
    if (sequential) {
      ASSERT_TRUE(WaitFor([&] { return cacher.waiting_for_turn() == 1; }));
    } else {
      ASSERT_TRUE(WaitFor([&] { return read_at(2000) != nullptr; }));  // beside block 1
    }
    ASSERT_OK(cacher.CacheNow(Block(file, 0), options(0)));  // block 1 is still held
    if (sequential) {
      EXPECT_EQ(read_at(2000), nullptr);  // block 2 still waits for block 1
      EXPECT_EQ(cacher.waiting_for_turn(), 1);
      // A copy that must not wait past its deadline gives up its turn (a Cache call's).
      Status late = cacher.CacheNow(Block(file, 2), options(2), std::chrono::system_clock::now());
      EXPECT_EQ(late.code(), StatusCode::kDeadlineExceeded) << late.ToString();
      EXPECT_EQ(read_at(2000), nullptr);
    }
    {
      std::lock_guard<std::mutex> l(mu);
      hold = false;
    }
    cv.notify_all();
    t1.join();
    t2.join();
    ASSERT_OK(s1);
    ASSERT_OK(s2);
    EXPECT_EQ(cacher.waiting_for_turn(), 0);
    if (sequential) {
      EXPECT_EQ(read_at(2000), read_at(1000));  // block 1's stream, read on
      EXPECT_EQ(read_at(2500), read_at(1500));
    } else {
      EXPECT_NE(read_at(2000), read_at(1000));
    }
    EXPECT_NE(read_at(0), read_at(1000));  // block 0 ran beside block 1
    for (int64_t i = 0; i < 3; ++i) {
      EXPECT_EQ(ReadRange(Block(file, i), 0, 1000).data, content.substr(i * 1000, 1000)) << i;
      Result<VerifyOutcome> verified = store()->VerifyBlock(Block(file, i));
      ASSERT_OK(verified.status());
      EXPECT_EQ(*verified, VerifyOutcome::kVerified) << i;
    }
    mem->SetReadHookForTest(nullptr);
    cacher.Stop();
  }
  mem->SetCapabilitiesForTest({});
}

TEST(PackBlockSizeTest, TheFileBlockSizeOrZero) {
  auto options = [](int64_t offset, int64_t length) {
    gb::OpenUfsBlockOptions o;
    o.set_offset_in_file(offset);
    o.set_block_size(length);
    return o;
  };
  EXPECT_EQ(PackBlockSize(Block(1, 0), options(0, 1000)), 1000);  // first of several, or only
  EXPECT_EQ(PackBlockSize(Block(1, 1), options(1000, 1000)), 1000);
  EXPECT_EQ(PackBlockSize(Block(1, 2), options(2000, 500)), 1000);  // the last, shorter
  EXPECT_EQ(PackBlockSize(Block(1, 2), options(2001, 500)), 0);     // not index x size
  EXPECT_EQ(PackBlockSize(Block(1, 1), options(1000, 1500)), 0);    // longer than its file's
  EXPECT_EQ(PackBlockSize(Block(1, 0), options(5, 1000)), 0);       // block 0 not at 0
  EXPECT_EQ(PackBlockSize(Block(1, 0), options(0, 0)), 0);          // nothing to pack
  EXPECT_EQ(PackBlockSize(Block(1, 1), options(-1000, 1000)), 0);
}

// A Cache request for a block a background task is caching (a client's prefetch) waits for that
// task instead of failing; one a reader is caching while it streams fails fast (Aborted); the
// wait ends at the deadline or when the cacher stops.
TEST_F(WorkerProcessTest, CacheWaitsForABackgroundCopyOnly) {
  const std::string file = Content(3000, 'W');
  WriteFile(ufs_root_ + "/cw", file);
  UfsManager ufs(nullptr);
  UfsBlockCacher cacher(store(), &ufs, 1, 4, /*packed_files=*/true);
  const auto forever = std::chrono::system_clock::time_point::max();
  gb::OpenUfsBlockOptions o = UfsBlock("cw", 0, 3000, 3000);
  o.clear_mount_id();
  const BlockId id = Block(52, 0);

  ASSERT_TRUE(cacher.TryClaim(id, UfsBlockCacher::Claimant::kReader));
  EXPECT_EQ(cacher.CacheWaiting(id, o, forever).code(), StatusCode::kAborted);
  cacher.Release(id);

  // The background task stands for itself here: it holds the claim, then gives up without
  // caching (as a failed copy does), and the waiter caches the block.
  ASSERT_TRUE(cacher.TryClaim(id, UfsBlockCacher::Claimant::kBackground));
  Status waited = InternalError("not run");
  std::thread t([&] { waited = cacher.CacheWaiting(id, o, forever); });
  ASSERT_TRUE(WaitFor([&] { return cacher.waiting() == 1; }));
  EXPECT_FALSE(store()->HasBlock(id));
  cacher.Release(id);
  t.join();
  ASSERT_OK(waited);
  EXPECT_EQ(ReadRange(id, 0, 3000).data, file);
  EXPECT_EQ(cacher.waiting(), 0);

  const BlockId other = Block(53, 0);
  ASSERT_TRUE(cacher.TryClaim(other, UfsBlockCacher::Claimant::kBackground));
  EXPECT_EQ(cacher.CacheWaiting(other, o, std::chrono::system_clock::now()).code(),
            StatusCode::kDeadlineExceeded);
  std::thread stopped([&] { waited = cacher.CacheWaiting(other, o, forever); });
  ASSERT_TRUE(WaitFor([&] { return cacher.waiting() == 1; }));
  cacher.Stop();
  stopped.join();
  EXPECT_EQ(waited.code(), StatusCode::kUnavailable);
  EXPECT_FALSE(store()->HasBlock(other));
}

// ---- WriteBlock ----

TEST_F(WorkerProcessTest, CommittedWriteIsReadableAndCommittedOnTheMaster) {
  const BlockId id = Block(20, 0);
  const std::string data = Content(2500, 'o');
  ASSERT_OK(WriteBlock(id, data, 1000));  // grows past the reservation
  ASSERT_OK(ReadRange(id, 0, 2500).status);
  EXPECT_EQ(ReadRange(id, 0, 2500).data, data);
  std::vector<gb::CommitBlockPRequest> commits = fake_->commits();
  ASSERT_EQ(commits.size(), 1u);
  EXPECT_EQ(commits[0].block_id(), id);
  EXPECT_EQ(commits[0].length(), 2500);
  EXPECT_EQ(commits[0].worker_id(), worker_->worker_id());
  EXPECT_EQ(commits[0].tier_alias(), "MEM");
  EXPECT_EQ(commits[0].medium_type(), "MEM");
  EXPECT_EQ(commits[0].used_bytes_on_tier(), 2500);
}

TEST_F(WorkerProcessTest, WriteEndedWithoutCommitLeavesNoBlock) {
  const BlockId id = Block(21, 0);
  Status s = WriteBlock(id, Content(500, 'p'), 500, /*commit=*/false);
  EXPECT_FALSE(s.ok());
  EXPECT_FALSE(store()->HasBlock(id));
  EXPECT_EQ(store()->counters().blocks_aborted, 1);
  EXPECT_EQ(store()->GetStoreMeta().used_bytes, 0);
  EXPECT_TRUE(fake_->commits().empty());
}

TEST_F(WorkerProcessTest, CancelledWriteLeavesNoBlock) {
  const BlockId id = Block(22, 0);
  {
    ::grpc::ClientContext ctx;
    auto stream = stub_->WriteBlock(&ctx);
    gb::WriteRequest req;
    req.mutable_command()->set_type(gb::ALLUXIO_BLOCK);
    req.mutable_command()->set_id(id);
    req.mutable_command()->set_space_to_reserve(1000);
    ASSERT_TRUE(stream->Write(req));
    gb::WriteRequest chunk;
    chunk.mutable_chunk()->set_data(Content(1000, 'q'));
    ASSERT_TRUE(stream->Write(chunk));
    // Cancel once the worker has started the block (earlier, there is nothing to abort).
    ASSERT_TRUE(WaitFor([&] { return store()->counters().blocks_created == 1; }));
    ctx.TryCancel();
    EXPECT_FALSE(stream->Finish().ok());
  }
  ASSERT_TRUE(WaitFor([&] { return store()->counters().blocks_aborted == 1; }));
  EXPECT_FALSE(store()->HasBlock(id));
  EXPECT_EQ(store()->GetStoreMeta().used_bytes, 0);
}

TEST_F(WorkerProcessTest, OutOfSpaceIsResourceExhausted) {
  Status reserve = WriteBlock(Block(23, 0), "x", 2 * kQuota);
  EXPECT_EQ(reserve.code(), StatusCode::kResourceExhausted) << reserve.ToString();
  Status grow = WriteBlock(Block(23, 1), Content(kQuota + 1000, 'r'), 1000, true, 4000);
  EXPECT_EQ(grow.code(), StatusCode::kResourceExhausted) << grow.ToString();
  EXPECT_FALSE(store()->HasBlock(Block(23, 1)));
  EXPECT_EQ(store()->GetStoreMeta().used_bytes, 0);
}

// ---- UFS_FILE writes ----

class UfsFileWrite {
 public:
  UfsFileWrite(gb::BlockWorker::Stub* stub, const std::string& path) {
    stream_ = stub->WriteBlock(&ctx_);
    gb::WriteRequest req;
    req.mutable_command()->set_type(gb::UFS_FILE);
    req.mutable_command()->mutable_create_ufs_file_options()->set_ufs_path(path);
    req.mutable_command()->mutable_create_ufs_file_options()->set_mode(0640);
    req.mutable_command()->mutable_create_ufs_file_options()->set_mount_id(kMountId);
    stream_->Write(req);
  }
  bool Chunk(const std::string& data) {
    gb::WriteRequest req;
    req.mutable_chunk()->set_data(data);
    return stream_->Write(req);
  }
  Result<gb::WriteResponse> Commit() {
    gb::WriteRequest req;
    req.mutable_command()->set_type(gb::UFS_FILE);
    req.mutable_command()->set_commit(true);
    stream_->Write(req);
    stream_->WritesDone();
    gb::WriteResponse resp;
    bool got = stream_->Read(&resp);
    Status s = rpc::FromGrpcStatus(stream_->Finish());
    if (!s.ok()) return s;
    if (!got) return InternalError("no response");
    return resp;
  }
  ::grpc::Status Cancel() {
    ctx_.TryCancel();
    return stream_->Finish();
  }

 private:
  ::grpc::ClientContext ctx_;
  std::unique_ptr<::grpc::ClientReaderWriter<gb::WriteRequest, gb::WriteResponse>> stream_;
};

TEST_F(WorkerProcessTest, UfsFileAppearsOnlyAtCommit) {
  const std::string path = ufs_root_ + "/dir/sub/out";
  UfsFileWrite w(stub_.get(), path);
  ASSERT_TRUE(w.Chunk("hello "));
  ASSERT_TRUE(w.Chunk("world"));
  // Wait until the worker has the chunks (it made the directory and the hidden temp file).
  ASSERT_TRUE(WaitFor([&] { return !ListDir(ufs_root_ + "/dir/sub").empty(); }));
  EXPECT_FALSE(std::filesystem::exists(path));
  Result<gb::WriteResponse> resp = w.Commit();
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(resp->offset(), 11);
  EXPECT_EQ(ReadFile(path), "hello world");
  EXPECT_EQ(resp->content_hash(), UfsFingerprint(path));
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::all,
            static_cast<std::filesystem::perms>(0640));
  EXPECT_EQ(ListDir(ufs_root_ + "/dir/sub"), std::vector<std::string>{"out"});
}

TEST_F(WorkerProcessTest, CancelledUfsFileWriteLeavesNothing) {
  const std::string path = ufs_root_ + "/c/out";
  {
    UfsFileWrite w(stub_.get(), path);
    ASSERT_TRUE(w.Chunk("partial"));
    ASSERT_TRUE(WaitFor([&] { return !ListDir(ufs_root_ + "/c").empty(); }));
    EXPECT_FALSE(w.Cancel().ok());
  }
  ASSERT_TRUE(WaitFor([&] { return ListDir(ufs_root_ + "/c").empty(); }));
  EXPECT_FALSE(std::filesystem::exists(path));
}

// ---- Short-circuit ----

TEST_F(WorkerProcessTest, OpenLocalBlockHoldsTheLockUntilTheStreamEnds) {
  const BlockId id = Block(30, 0);
  const std::string data = Content(700, 's');
  ASSERT_OK(WriteBlock(id, data, 700));
  ::grpc::ClientContext ctx;
  auto stream = stub_->OpenLocalBlock(&ctx);
  gb::OpenLocalBlockRequest req;
  req.set_block_id(id);
  ASSERT_TRUE(stream->Write(req));
  gb::OpenLocalBlockResponse resp;
  ASSERT_TRUE(stream->Read(&resp));
  EXPECT_EQ(resp.length(), 700);
  EXPECT_EQ(ReadFile(resp.path()), data);
  EXPECT_EQ(RemoveBlock(id).code(), StatusCode::kFailedPrecondition);
  stream->WritesDone();
  ASSERT_OK(rpc::FromGrpcStatus(stream->Finish()));
  ASSERT_OK(RemoveBlock(id));
  EXPECT_FALSE(store()->HasBlock(id));
}

TEST_F(WorkerProcessTest, OpenLocalBlockOfAMissingBlockIsNotFound) {
  ::grpc::ClientContext ctx;
  auto stream = stub_->OpenLocalBlock(&ctx);
  gb::OpenLocalBlockRequest req;
  req.set_block_id(Block(31, 0));
  stream->Write(req);
  stream->WritesDone();
  gb::OpenLocalBlockResponse resp;
  EXPECT_FALSE(stream->Read(&resp));
  EXPECT_EQ(rpc::FromGrpcStatus(stream->Finish()).code(), StatusCode::kNotFound);
}

TEST_F(WorkerProcessTest, CreateLocalBlockWriteReserveAndCommit) {
  const BlockId id = Block(32, 0);
  const std::string data = Content(1500, 't');
  ::grpc::ClientContext ctx;
  auto stream = stub_->CreateLocalBlock(&ctx);
  gb::CreateLocalBlockRequest req;
  req.set_block_id(id);
  req.set_tier(0);
  req.set_space_to_reserve(1000);
  ASSERT_TRUE(stream->Write(req));
  gb::CreateLocalBlockResponse resp;
  ASSERT_TRUE(stream->Read(&resp));
  const std::string path = resp.path();
  ASSERT_FALSE(path.empty());
  gb::CreateLocalBlockRequest more;
  more.set_block_id(id);
  more.set_space_to_reserve(500);
  ASSERT_TRUE(stream->Write(more));
  ASSERT_TRUE(stream->Read(&resp));
  EXPECT_EQ(resp.path(), path);
  WriteFile(path, data);
  gb::CreateLocalBlockRequest commit;
  commit.set_block_id(id);
  commit.set_commit(true);
  ASSERT_TRUE(stream->Write(commit));
  ASSERT_TRUE(stream->Read(&resp));
  stream->WritesDone();
  ASSERT_OK(rpc::FromGrpcStatus(stream->Finish()));
  EXPECT_EQ(ReadRange(id, 0, 1500).data, data);
  ASSERT_EQ(fake_->commits().size(), 1u);
  EXPECT_EQ(fake_->commits()[0].length(), 1500);
}

TEST_F(WorkerProcessTest, CreateLocalBlockWithoutCommitIsAborted) {
  const BlockId id = Block(33, 0);
  {
    ::grpc::ClientContext ctx;
    auto stream = stub_->CreateLocalBlock(&ctx);
    gb::CreateLocalBlockRequest req;
    req.set_block_id(id);
    req.set_space_to_reserve(1000);
    ASSERT_TRUE(stream->Write(req));
    gb::CreateLocalBlockResponse resp;
    ASSERT_TRUE(stream->Read(&resp));
    WriteFile(resp.path(), "abc");
    stream->WritesDone();
    EXPECT_FALSE(stream->Finish().ok());
  }
  EXPECT_FALSE(store()->HasBlock(id));
  EXPECT_EQ(store()->GetStoreMeta().used_bytes, 0);
}

// The failure paths of a short-circuit write each end the stream with the store's error and leave
// nothing reserved; a first request that already commits creates and commits at once.
TEST_F(WorkerProcessTest, CreateLocalBlockFailuresLeaveNothingReserved) {
  auto open = [&](::grpc::ClientContext* ctx, BlockId id, int64_t reserve) {
    auto stream = stub_->CreateLocalBlock(ctx);
    gb::CreateLocalBlockRequest req;
    req.set_block_id(id);
    req.set_space_to_reserve(reserve);
    EXPECT_TRUE(stream->Write(req));
    return stream;
  };
  gb::CreateLocalBlockResponse resp;
  {  // no room for the first reservation
    ::grpc::ClientContext ctx;
    auto stream = open(&ctx, Block(34, 0), 2 * kQuota);
    EXPECT_FALSE(stream->Read(&resp));
    Status s = rpc::FromGrpcStatus(stream->Finish());
    EXPECT_EQ(s.code(), StatusCode::kResourceExhausted) << s.ToString();
  }
  {  // no room to grow: the temp block goes with the error
    ::grpc::ClientContext ctx;
    auto stream = open(&ctx, Block(34, 1), 1000);
    ASSERT_TRUE(stream->Read(&resp));
    gb::CreateLocalBlockRequest more;
    more.set_block_id(Block(34, 1));
    more.set_space_to_reserve(2 * kQuota);
    ASSERT_TRUE(stream->Write(more));
    EXPECT_FALSE(stream->Read(&resp));
    Status s = rpc::FromGrpcStatus(stream->Finish());
    EXPECT_EQ(s.code(), StatusCode::kResourceExhausted) << s.ToString();
    EXPECT_FALSE(store()->HasBlock(Block(34, 1)));
  }
  {  // the client cancels while it writes
    ::grpc::ClientContext ctx;
    auto stream = open(&ctx, Block(34, 2), 1000);
    ASSERT_TRUE(stream->Read(&resp));
    WriteFile(resp.path(), "abc");
    ctx.TryCancel();
    EXPECT_FALSE(stream->Finish().ok());
  }
  EXPECT_TRUE(WaitFor([&] { return store()->GetStoreMeta().used_bytes == 0; }));
  EXPECT_FALSE(store()->HasBlock(Block(34, 2)));
  {  // create and commit in one request: an empty block
    ::grpc::ClientContext ctx;
    auto stream = stub_->CreateLocalBlock(&ctx);
    gb::CreateLocalBlockRequest req;
    req.set_block_id(Block(34, 3));
    req.set_commit(true);
    ASSERT_TRUE(stream->Write(req));
    ASSERT_TRUE(stream->Read(&resp));
    stream->WritesDone();
    ASSERT_OK(rpc::FromGrpcStatus(stream->Finish()));
    EXPECT_TRUE(store()->HasBlock(Block(34, 3)));
  }
}

// Packed blocks through the short-circuit stream: the client gives the file's block size, writes
// at the offset it is given and tells the length at commit; OpenLocalBlock gives the offset to a
// client that accepts one and refuses a packed block at a non-zero offset to one that does not
// (it reads through ReadBlock, which reads at the offset too).
TEST_F(WorkerProcessTest, PackedBlocksThroughTheShortCircuitStreams) {
  constexpr int64_t kB = 1000;
  auto write = [&](BlockId id, const std::string& data, bool send_length) -> Status {
    ::grpc::ClientContext ctx;
    auto stream = stub_->CreateLocalBlock(&ctx);
    gb::CreateLocalBlockRequest req;
    req.set_block_id(id);
    req.set_space_to_reserve(static_cast<int64_t>(data.size()));
    req.set_pack_block_size(kB);
    gb::CreateLocalBlockResponse resp;
    if (!stream->Write(req) || !stream->Read(&resp)) return rpc::FromGrpcStatus(stream->Finish());
    EXPECT_EQ(resp.offset(), (id & kMaxBlockIndex) * kB);
    int fd = ::open(resp.path().c_str(), O_WRONLY);
    EXPECT_EQ(::pwrite(fd, data.data(), data.size(), resp.offset()),
              static_cast<ssize_t>(data.size()));
    ::close(fd);
    gb::CreateLocalBlockRequest commit;
    commit.set_block_id(id);
    commit.set_commit(true);
    if (send_length) commit.set_length(static_cast<int64_t>(data.size()));
    stream->Write(commit);
    stream->Read(&resp);
    stream->WritesDone();
    return rpc::FromGrpcStatus(stream->Finish());
  };
  const std::string b0 = Content(kB, 'a'), b1 = Content(700, 'b');
  ASSERT_OK(write(Block(35, 0), b0, true));
  ASSERT_OK(write(Block(35, 1), b1, true));
  EXPECT_EQ(store()->GetBlockInfo(Block(35, 1))->offset, kB);
  Status no_length = write(Block(35, 2), b1, false);
  EXPECT_EQ(no_length.code(), StatusCode::kInvalidArgument) << no_length;
  EXPECT_FALSE(store()->HasBlock(Block(35, 2)));

  auto open_local = [&](bool accepts_offset, gb::OpenLocalBlockResponse* resp) {
    ::grpc::ClientContext ctx;
    auto stream = stub_->OpenLocalBlock(&ctx);
    gb::OpenLocalBlockRequest req;
    req.set_block_id(Block(35, 1));
    req.set_accepts_offset(accepts_offset);
    stream->Write(req);
    bool got = stream->Read(resp);
    stream->WritesDone();
    Status s = rpc::FromGrpcStatus(stream->Finish());
    return got ? s : (s.ok() ? InternalError("no response") : s);
  };
  gb::OpenLocalBlockResponse resp;
  ASSERT_OK(open_local(true, &resp));
  EXPECT_EQ(resp.offset(), kB);
  EXPECT_EQ(resp.length(), 700);
  std::string bytes(700, '\0');
  int fd = ::open(resp.path().c_str(), O_RDONLY);
  ASSERT_EQ(::pread(fd, bytes.data(), bytes.size(), resp.offset()), 700);
  ::close(fd);
  EXPECT_EQ(bytes, b1);
  Status old_client = open_local(false, &resp);
  EXPECT_EQ(old_client.code(), StatusCode::kFailedPrecondition) << old_client;
  EXPECT_EQ(ReadRange(Block(35, 1), 0, 700).data, b1);
  EXPECT_EQ(ReadRange(Block(35, 0), 0, kB).data, b0);
}

// ---- Persistence ----

TEST_F(WorkerProcessTest, PersistCommandWritesTheUfsFileAndReportsSuccess) {
  const std::string b0 = Content(1000, 'u'), b1 = Content(300, 'v');
  const BlockId id0 = Block(40, 0), id1 = Block(40, 1);
  ASSERT_OK(WriteBlock(id0, b0, 1000));
  ASSERT_OK(WriteBlock(id1, b1, 300));
  gf::PersistFile p;
  p.set_file_id(FileIdOfBlock(id0));
  p.add_block_ids(id0);
  p.add_block_ids(id1);
  p.set_ufs_path(ufs_root_ + "/p/q/file");
  p.set_mount_id(kMountId);
  p.set_length(1300);
  p.set_mode(0644);
  fake_->QueuePersist(p);
  ASSERT_TRUE(WaitFor([&] { return !fake_->persisted_files().empty(); }));
  gf::PersistedFile out = fake_->persisted_files()[0];
  EXPECT_EQ(out.file_id(), FileIdOfBlock(id0));
  ASSERT_TRUE(out.success()) << out.error();
  EXPECT_EQ(ReadFile(ufs_root_ + "/p/q/file"), b0 + b1);
  EXPECT_EQ(out.ufs_fingerprint(), UfsFingerprint(ufs_root_ + "/p/q/file"));
  EXPECT_EQ(ListDir(ufs_root_ + "/p/q/.alluxio_ufs_persistence"), std::vector<std::string>{});
}

TEST_F(WorkerProcessTest, PersistOfAFileNotCachedHereReportsFailureAndLeavesNothing) {
  const BlockId id0 = Block(41, 0);
  ASSERT_OK(WriteBlock(id0, Content(100, 'w'), 100));
  gf::PersistFile p;
  p.set_file_id(FileIdOfBlock(id0));
  p.add_block_ids(id0);
  p.add_block_ids(Block(41, 1));  // not on this worker
  p.set_ufs_path(ufs_root_ + "/r/file");
  p.set_mount_id(kMountId);
  p.set_length(200);
  fake_->QueuePersist(p);
  ASSERT_TRUE(WaitFor([&] { return !fake_->persisted_files().empty(); }));
  gf::PersistedFile out = fake_->persisted_files()[0];
  EXPECT_FALSE(out.success());
  EXPECT_THAT(out.error(), HasSubstr("not cached on this worker"));
  EXPECT_FALSE(std::filesystem::exists(ufs_root_ + "/r/file"));
  EXPECT_EQ(ListDir(ufs_root_ + "/r/.alluxio_ufs_persistence"), std::vector<std::string>{});
}

TEST_F(WorkerProcessTest, PersistFailingAtRenameLeavesNoTempFile) {
  const BlockId id0 = Block(42, 0);
  ASSERT_OK(WriteBlock(id0, Content(100, 'x'), 100));
  WriteFile(ufs_root_ + "/exists", "old");  // Rename never replaces a file
  gf::PersistFile p;
  p.set_file_id(FileIdOfBlock(id0));
  p.add_block_ids(id0);
  p.set_ufs_path(ufs_root_ + "/exists");
  p.set_mount_id(kMountId);
  p.set_length(100);
  fake_->QueuePersist(p);
  ASSERT_TRUE(WaitFor([&] { return !fake_->persisted_files().empty(); }));
  EXPECT_FALSE(fake_->persisted_files()[0].success());
  EXPECT_EQ(ReadFile(ufs_root_ + "/exists"), "old");
  EXPECT_EQ(ListDir(ufs_root_ + "/.alluxio_ufs_persistence"), std::vector<std::string>{});
}

// alluxio.worker.network.async.cache.manager.{threads,queue}.max: Alluxio's keys, checked when set.
TEST(WorkerProcessCreateTest, RejectsBadAsyncCacheManagerSettings) {
  conf::Configuration c;
  for (const char* bad : {"0", "-1", "4097", "many"}) {
    Status s = c.Set(k::kWorkerNetworkAsyncCacheManagerThreadsMax, bad);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(std::string(s.message()),
                HasSubstr("alluxio.worker.network.async.cache.manager.threads.max"))
        << bad;
  }
  EXPECT_EQ(c.Set(k::kWorkerNetworkAsyncCacheManagerQueueMax, "-1").code(),
            StatusCode::kInvalidArgument);
  ASSERT_OK(c.Set(k::kWorkerNetworkAsyncCacheManagerThreadsMax, "3"));
  ASSERT_OK(c.Set(k::kWorkerNetworkAsyncCacheManagerQueueMax, "0"));
}

TEST(WorkerProcessCreateTest, RejectsBadConfiguration) {
  conf::Configuration c;
  ASSERT_TRUE(c.Set(k::kWorkerTieredstoreLevel0DirsPath, "relative/dir").ok());
  Result<std::unique_ptr<WorkerProcess>> w = WorkerProcess::Create(c);
  EXPECT_EQ(w.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace alluxio::worker
