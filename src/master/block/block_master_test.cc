// SPDX-License-Identifier: Apache-2.0
#include "master/block/block_master.h"

#include <atomic>
#include <set>

#include <gtest/gtest.h>

#include "master/file/inode.h"

namespace alluxio::master {
namespace {

namespace gb = ::alluxio::grpc::block;

// A namespace that knows which blocks are orphans (everything else belongs to a file).
class FakeFileBlockIndex : public FileBlockIndex {
 public:
  std::vector<BlockId> FindOrphanBlocks(const std::vector<BlockId>& ids) override {
    std::vector<BlockId> out;
    for (BlockId b : ids) {
      if (orphans.contains(b)) out.push_back(b);
    }
    return out;
  }
  Result<int64_t> BlockLength(BlockId id) override {
    if (orphans.contains(id)) return NotFoundError("orphan");
    return int64_t{100};
  }
  std::set<BlockId> orphans;
};

// File `c` (container c) and its i-th block.
InodeId File(int64_t c) { return InodeIdForContainer(c); }
BlockId Block(int64_t c, int64_t i) { return BlockIdOf(File(c), i); }

class BlockMasterTest : public ::testing::Test {
 protected:
  BlockMasterTest() {
    BlockMasterOptions o;
    o.worker_timeout_ms = 1000;
    o.lost_worker_detection_interval_ms = 3600 * 1000;  // tests call DetectLostWorkers
    o.lost_worker_deletion_timeout_ms = 5000;
    o.clock = [this] { return now_.load(); };
    master_ = std::make_unique<BlockMaster>(std::move(o));
    master_->SetFileBlockIndex(&index_);
  }

  static grpc::WorkerNetAddress Address(const std::string& host, int port = 29999) {
    grpc::WorkerNetAddress a;
    a.set_host(host);
    a.set_rpc_port(port);
    a.set_data_port(port);
    return a;
  }

  // Gets an id for `host` and registers it with `blocks` on tier `tier`.
  WorkerId Register(const std::string& host, const std::vector<BlockId>& blocks,
                    const std::string& tier = "MEM", int64_t capacity = 1000, int64_t used = 0) {
    WorkerId id = master_->GetWorkerId(Address(host));
    EXPECT_TRUE(Reregister(id, host, blocks, tier, capacity, used).ok());
    return id;
  }
  Status Reregister(WorkerId id, const std::string& host, const std::vector<BlockId>& blocks,
                    const std::string& tier = "MEM", int64_t capacity = 1000, int64_t used = 0) {
    std::vector<gb::RegisterWorkerPRequest> msgs(2);
    msgs[0].set_worker_id(id);
    *msgs[0].mutable_address() = Address(host);
    msgs[0].add_storage_tiers(tier);
    (*msgs[0].mutable_total_bytes_on_tiers())[tier] = capacity;
    (*msgs[0].mutable_used_bytes_on_tiers())[tier] = used;
    // Split the blocks over two messages, as a streamed registration does.
    for (size_t i = 0; i < blocks.size(); ++i) {
      auto& m = msgs[i % 2];
      if (m.current_blocks_size() == 0) {
        m.add_current_blocks()->mutable_key()->set_tier_alias(tier);
        m.mutable_current_blocks(0)->mutable_key()->set_medium_type(tier == "MEM" ? "MEM" : "SSD");
      }
      m.mutable_current_blocks(0)->add_value(blocks[i]);
    }
    return master_->RegisterWorker(msgs);
  }
  gb::Command Heartbeat(WorkerId id, const std::vector<BlockId>& added = {},
                        const std::vector<BlockId>& removed = {}, const std::string& tier = "MEM") {
    gb::BlockHeartbeatPRequest req;
    req.set_worker_id(id);
    if (!added.empty()) {
      auto* e = req.add_added_blocks();
      e->mutable_key()->set_tier_alias(tier);
      e->mutable_key()->set_medium_type(tier);
      for (BlockId b : added) e->add_value(b);
    }
    for (BlockId b : removed) req.add_removed_block_ids(b);
    return master_->Heartbeat(req);
  }
  std::vector<WorkerId> Holders(BlockId b) {
    std::vector<WorkerId> out;
    auto info = master_->GetBlockInfo(b);
    if (!info.ok()) return out;
    for (const auto& l : info->locations()) out.push_back(l.worker_id());
    std::sort(out.begin(), out.end());
    return out;
  }
  static std::vector<int64_t> Data(const gb::Command& c) {
    return std::vector<int64_t>(c.data().begin(), c.data().end());
  }

  std::atomic<int64_t> now_{1'000'000};
  FakeFileBlockIndex index_;
  std::unique_ptr<BlockMaster> master_;
};

TEST_F(BlockMasterTest, WorkerIdIsStablePerAddress) {
  WorkerId a = master_->GetWorkerId(Address("h1"));
  EXPECT_GT(a, 0);
  EXPECT_EQ(master_->GetWorkerId(Address("h1")), a);
  EXPECT_NE(master_->GetWorkerId(Address("h1", 30000)), a);
  EXPECT_NE(master_->GetWorkerId(Address("h2")), a);
}

TEST_F(BlockMasterTest, RegisterReplacesTheWorkersLocations) {
  WorkerId w = Register("h1", {Block(1, 0), Block(1, 1)});
  EXPECT_EQ(Holders(Block(1, 0)), std::vector<WorkerId>{w});
  ASSERT_TRUE(Reregister(w, "h1", {Block(1, 1), Block(2, 0)}).ok());
  EXPECT_TRUE(Holders(Block(1, 0)).empty());
  EXPECT_EQ(Holders(Block(1, 1)), std::vector<WorkerId>{w});
  EXPECT_EQ(Holders(Block(2, 0)), std::vector<WorkerId>{w});
  auto report = master_->GetWorkerReport(gb::GetWorkerReportPOptions());
  ASSERT_EQ(report.size(), 1u);
  EXPECT_EQ(report[0].block_count(), 2);
}

TEST_F(BlockMasterTest, RegisterQueuesFreeForOrphans) {
  index_.orphans = {Block(7, 0), Block(7, 3)};
  WorkerId w = Register("h1", {Block(1, 0), Block(7, 0), Block(7, 3)});
  EXPECT_TRUE(Holders(Block(7, 0)).empty());
  EXPECT_EQ(Holders(Block(1, 0)), std::vector<WorkerId>{w});
  gb::Command c = Heartbeat(w);
  EXPECT_EQ(c.command_type(), gb::Free);
  EXPECT_EQ(Data(c), (std::vector<int64_t>{Block(7, 0), Block(7, 3)}));
  // The queue is emptied by the reply.
  EXPECT_EQ(Heartbeat(w).command_type(), gb::Nothing);
}

TEST_F(BlockMasterTest, UnknownOrUnregisteredWorkerIsToldToRegister) {
  EXPECT_EQ(Heartbeat(424242).command_type(), gb::Register);
  WorkerId w = master_->GetWorkerId(Address("h1"));
  EXPECT_EQ(Heartbeat(w).command_type(), gb::Register);
  ASSERT_TRUE(Reregister(w, "h1", {}).ok());
  EXPECT_EQ(Heartbeat(w).command_type(), gb::Nothing);
}

TEST_F(BlockMasterTest, RegisterAdoptsAnIdFromAPreviousMasterButNotATakenAddress) {
  // A worker that got id 77 from a master that has since restarted.
  ASSERT_TRUE(Reregister(77, "h9", {Block(1, 0)}).ok());
  EXPECT_EQ(master_->GetWorkerId(Address("h9")), 77);
  EXPECT_EQ(Holders(Block(1, 0)), std::vector<WorkerId>{77});
  Status s = Reregister(78, "h9", {});
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "Could not find worker id: 78 for register.");
}

TEST_F(BlockMasterTest, HeartbeatAppliesUsageAndBlockDeltas) {
  WorkerId w = Register("h1", {Block(1, 0)});
  gb::BlockHeartbeatPRequest req;
  req.set_worker_id(w);
  (*req.mutable_used_bytes_on_tiers())["MEM"] = 300;
  req.add_removed_block_ids(Block(1, 0));
  auto* e = req.add_added_blocks();
  e->mutable_key()->set_tier_alias("SSD");
  e->mutable_key()->set_medium_type("SSD");
  e->add_value(Block(2, 0));
  EXPECT_EQ(master_->Heartbeat(req).command_type(), gb::Nothing);
  EXPECT_TRUE(Holders(Block(1, 0)).empty());
  auto info = master_->GetBlockInfo(Block(2, 0));
  ASSERT_TRUE(info.ok());
  ASSERT_EQ(info->locations_size(), 1);
  EXPECT_EQ(info->locations(0).tier_alias(), "SSD");
  EXPECT_EQ(info->locations(0).worker_address().host(), "h1");
  gb::BlockMasterInfo bm = master_->GetBlockMasterInfo();
  EXPECT_EQ(bm.used_bytes(), 300);
  EXPECT_EQ(bm.capacity_bytes(), 1000);
  EXPECT_EQ(bm.free_bytes(), 700);
  EXPECT_EQ(bm.live_worker_num(), 1);
  EXPECT_EQ(bm.used_bytes_on_tiers().at("MEM"), 300);
}

TEST_F(BlockMasterTest, HeartbeatFreesAddedOrphans) {
  WorkerId w = Register("h1", {});
  index_.orphans = {Block(5, 0)};
  EXPECT_EQ(Heartbeat(w, {Block(5, 0), Block(6, 0)}).command_type(), gb::Nothing);
  EXPECT_TRUE(Holders(Block(5, 0)).empty());
  EXPECT_EQ(Holders(Block(6, 0)), std::vector<WorkerId>{w});
  gb::Command c = Heartbeat(w);
  EXPECT_EQ(c.command_type(), gb::Free);
  EXPECT_EQ(Data(c), std::vector<int64_t>{Block(5, 0)});
}

TEST_F(BlockMasterTest, CommitBlockRecordsLocationAndLengthIdempotently) {
  WorkerId w = Register("h1", {});
  gb::CommitBlockPRequest req;
  req.set_worker_id(w);
  req.set_block_id(Block(3, 0));
  req.set_length(42);
  req.set_tier_alias("MEM");
  req.set_medium_type("MEM");
  req.set_used_bytes_on_tier(42);
  ASSERT_TRUE(master_->CommitBlock(req).ok());
  ASSERT_TRUE(master_->CommitBlock(req).ok());
  auto info = master_->GetBlockInfo(Block(3, 0));
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->length(), 42);
  EXPECT_EQ(info->locations_size(), 1);
  EXPECT_EQ(master_->GetBlockMasterInfo().used_bytes(), 42);

  req.set_worker_id(999);
  Status s = master_->CommitBlock(req);
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "No worker with workerId 999 is found");
}

TEST_F(BlockMasterTest, CommitOfABlockWhoseFileIsGoneIsFreed) {
  WorkerId w = Register("h1", {});
  index_.orphans = {Block(3, 0)};
  gb::CommitBlockPRequest req;
  req.set_worker_id(w);
  req.set_block_id(Block(3, 0));
  req.set_length(1);
  req.set_tier_alias("MEM");
  ASSERT_TRUE(master_->CommitBlock(req).ok());
  EXPECT_TRUE(Holders(Block(3, 0)).empty());
  EXPECT_EQ(Data(Heartbeat(w)), std::vector<int64_t>{Block(3, 0)});
}

TEST_F(BlockMasterTest, SilentWorkerIsLostAndMustRegisterAgain) {
  WorkerId w1 = Register("h1", {Block(1, 0)});
  WorkerId w2 = Register("h2", {Block(1, 0)});
  now_ += 600;
  EXPECT_EQ(Heartbeat(w2).command_type(), gb::Nothing);  // w2 stays in contact
  now_ += 600;                                           // w1: 1200 ms > 1000 ms timeout
  EXPECT_EQ(master_->DetectLostWorkers(now_), 1);
  EXPECT_FALSE(master_->IsWorkerLive(w1));
  EXPECT_TRUE(master_->IsWorkerLive(w2));
  EXPECT_EQ(Holders(Block(1, 0)), std::vector<WorkerId>{w2});

  gb::GetWorkerReportPOptions lost;
  lost.set_worker_range(gb::LOST);
  auto report = master_->GetWorkerReport(lost);
  ASSERT_EQ(report.size(), 1u);
  EXPECT_EQ(report[0].id(), w1);
  EXPECT_EQ(report[0].state(), "Out of Service");
  EXPECT_EQ(report[0].last_contact_sec(), 1);
  gb::BlockMasterInfo bm = master_->GetBlockMasterInfo();
  EXPECT_EQ(bm.live_worker_num(), 1);
  EXPECT_EQ(bm.lost_worker_num(), 1);

  // It comes back: told to register, then live again with its blocks.
  EXPECT_EQ(Heartbeat(w1).command_type(), gb::Register);
  ASSERT_TRUE(Reregister(w1, "h1", {Block(1, 0)}).ok());
  EXPECT_TRUE(master_->IsWorkerLive(w1));
  EXPECT_EQ(Holders(Block(1, 0)), (std::vector<WorkerId>{std::min(w1, w2), std::max(w1, w2)}));
  EXPECT_EQ(master_->DetectLostWorkers(now_), 0);
}

TEST_F(BlockMasterTest, LostWorkersAreForgottenAfterTheDeletionTimeout) {
  WorkerId w = Register("h1", {Block(1, 0)});
  now_ += 1200;
  EXPECT_EQ(master_->DetectLostWorkers(now_), 1);
  gb::GetWorkerReportPOptions all;
  all.set_worker_range(gb::ALL);
  EXPECT_EQ(master_->GetWorkerReport(all).size(), 1u);
  now_ += 4000;  // lost for 5200 ms > 5000 ms
  master_->DetectLostWorkers(now_);
  EXPECT_TRUE(master_->GetWorkerReport(all).empty());
  EXPECT_EQ(master_->GetBlockMasterInfo().lost_worker_num(), 0);
  // If it comes back it is unknown: told to register, under a new id.
  EXPECT_EQ(Heartbeat(w).command_type(), gb::Register);
  EXPECT_NE(master_->GetWorkerId(Address("h1")), w);
}

TEST_F(BlockMasterTest, DetectionThreadFindsLostWorkers) {
  BlockMasterOptions o;
  o.worker_timeout_ms = 1;
  o.lost_worker_detection_interval_ms = 10;
  BlockMaster m(std::move(o));
  grpc::WorkerNetAddress a = Address("h1");
  WorkerId w = m.GetWorkerId(a);
  std::vector<gb::RegisterWorkerPRequest> msgs(1);
  msgs[0].set_worker_id(w);
  ASSERT_TRUE(m.RegisterWorker(msgs).ok());
  m.Start();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (m.IsWorkerLive(w) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  EXPECT_FALSE(m.IsWorkerLive(w));
  m.Stop();
}

TEST_F(BlockMasterTest, RemoveBlocksQueuesFreeOnEveryHolder) {
  WorkerId w1 = Register("h1", {Block(1, 0), Block(1, 1)});
  WorkerId w2 = Register("h2", {Block(1, 0), Block(2, 0)});
  master_->RemoveBlocks({Block(1, 0), Block(9, 9)});
  EXPECT_EQ(Data(Heartbeat(w1)), std::vector<int64_t>{Block(1, 0)});
  EXPECT_EQ(Data(Heartbeat(w2)), std::vector<int64_t>{Block(1, 0)});
  // The copies are listed until each worker reports them removed.
  EXPECT_EQ(Holders(Block(1, 0)).size(), 2u);
  EXPECT_EQ(Heartbeat(w1, {}, {Block(1, 0)}).command_type(), gb::Nothing);
  EXPECT_EQ(Holders(Block(1, 0)), std::vector<WorkerId>{w2});
  EXPECT_EQ(Heartbeat(w2, {}, {Block(1, 0)}).command_type(), gb::Nothing);
  EXPECT_TRUE(Holders(Block(1, 0)).empty());
  EXPECT_EQ(Holders(Block(1, 1)), std::vector<WorkerId>{w1});
}

TEST_F(BlockMasterTest, RemoveBlocksOfFilesTakesEveryIndex) {
  WorkerId w = Register("h1", {Block(1, 0), Block(1, 5), Block(2, 0), Block(3, 0)});
  master_->RemoveBlocksOfFiles({File(1), File(2)});
  EXPECT_EQ(Data(Heartbeat(w)), (std::vector<int64_t>{Block(1, 0), Block(1, 5), Block(2, 0)}));
  EXPECT_EQ(Holders(Block(3, 0)), std::vector<WorkerId>{w});
}

TEST_F(BlockMasterTest, ABlockQueuedForFreeIsNotReAddedByRegister) {
  WorkerId w = Register("h1", {Block(1, 0)});
  master_->RemoveBlocks({Block(1, 0)});
  ASSERT_TRUE(Reregister(w, "h1", {Block(1, 0)}).ok());
  EXPECT_TRUE(Holders(Block(1, 0)).empty());
  EXPECT_EQ(Data(Heartbeat(w)), std::vector<int64_t>{Block(1, 0)});
}

// A heartbeat may report a block committed just before it was freed: the pending Free wins.
TEST_F(BlockMasterTest, AHeartbeatAddedBlockDoesNotCancelAPendingFree) {
  WorkerId w = Register("h1", {});
  gb::CommitBlockPRequest commit;
  commit.set_worker_id(w);
  commit.set_block_id(Block(1, 0));
  commit.set_length(10);
  commit.set_tier_alias("MEM");
  commit.set_medium_type("MEM");
  ASSERT_TRUE(master_->CommitBlock(commit).ok());
  master_->RemoveBlocks({Block(1, 0)});
  // The heartbeat carries the commit the worker made before the Free.
  gb::Command c = Heartbeat(w, {Block(1, 0)});
  EXPECT_EQ(c.command_type(), gb::Free);
  EXPECT_EQ(Data(c), std::vector<int64_t>{Block(1, 0)});
  // The worker removes it and says so.
  EXPECT_EQ(Heartbeat(w, {}, {Block(1, 0)}).command_type(), gb::Nothing);
  EXPECT_TRUE(Holders(Block(1, 0)).empty());
  // A copy cached again after the Free reached the worker is kept.
  EXPECT_EQ(Heartbeat(w, {Block(1, 0)}).command_type(), gb::Nothing);
  EXPECT_EQ(Holders(Block(1, 0)), std::vector<WorkerId>{w});
}

grpc::FileInfo FileOfLength(int64_t c, int64_t length, int64_t block_size) {
  grpc::FileInfo f;
  f.set_file_id(File(c));
  f.set_length(length);
  f.set_block_size_bytes(block_size);
  f.set_completed(true);
  return f;
}

TEST_F(BlockMasterTest, FillFileBlockInfosDerivesLengthsAndOffsets) {
  constexpr int64_t B = 10;
  struct Case {
    int64_t length;
    std::vector<int64_t> lengths;
  };
  for (const Case& c : std::vector<Case>{
           {0, {}}, {1, {1}}, {B - 1, {B - 1}}, {B, {B}}, {B + 1, {B, 1}}, {3 * B, {B, B, B}}}) {
    grpc::FileInfo f = FileOfLength(1, c.length, B);
    master_->FillFileBlockInfos(&f);
    ASSERT_EQ(f.file_block_infos_size(), static_cast<int>(c.lengths.size())) << c.length;
    ASSERT_EQ(f.block_ids_size(), static_cast<int>(c.lengths.size()));
    for (size_t i = 0; i < c.lengths.size(); ++i) {
      const auto& fbi = f.file_block_infos(static_cast<int>(i));
      EXPECT_EQ(fbi.offset(), static_cast<int64_t>(i) * B);
      EXPECT_EQ(fbi.block_info().block_id(), Block(1, static_cast<int64_t>(i)));
      EXPECT_EQ(fbi.block_info().length(), c.lengths[i]) << c.length << " block " << i;
      EXPECT_EQ(f.block_ids(static_cast<int>(i)), Block(1, static_cast<int64_t>(i)));
    }
    // Nothing cached: only an empty file is wholly in Alluxio.
    EXPECT_EQ(f.in_alluxio_percentage(), c.length == 0 ? 100 : 0);
  }
}

TEST_F(BlockMasterTest, FillFileBlockInfosComputesPercentagesPerTier) {
  constexpr int64_t B = 10;
  Register("h1", {Block(1, 0)}, "MEM");
  WorkerId w2 = Register("h2", {}, "SSD");
  grpc::FileInfo f = FileOfLength(1, 25, B);  // blocks of 10, 10, 5
  master_->FillFileBlockInfos(&f);
  EXPECT_EQ(f.in_alluxio_percentage(), 40);
  EXPECT_EQ(f.in_memory_percentage(), 40);
  ASSERT_EQ(f.file_block_infos(0).block_info().locations_size(), 1);
  EXPECT_EQ(f.file_block_infos(0).block_info().locations(0).tier_alias(), "MEM");
  EXPECT_EQ(f.file_block_infos(0).block_info().locations(0).worker_address().host(), "h1");

  Heartbeat(w2, {Block(1, 2)}, {}, "SSD");
  f = FileOfLength(1, 25, B);
  master_->FillFileBlockInfos(&f);
  EXPECT_EQ(f.in_alluxio_percentage(), 60);
  EXPECT_EQ(f.in_memory_percentage(), 40);

  Heartbeat(w2, {Block(1, 1)}, {}, "SSD");
  std::vector<grpc::FileInfo> batch{FileOfLength(1, 25, B), FileOfLength(2, 5, B)};
  batch.emplace_back();
  batch.back().set_folder(true);
  master_->FillFileBlockInfos(&batch);
  EXPECT_EQ(batch[0].in_alluxio_percentage(), 100);
  EXPECT_EQ(batch[0].in_memory_percentage(), 40);
  EXPECT_EQ(batch[1].in_alluxio_percentage(), 0);
  EXPECT_EQ(batch[2].file_block_infos_size(), 0);
}

TEST_F(BlockMasterTest, IncompleteFileListsItsCommittedBlocks) {
  WorkerId w = Register("h1", {});
  gb::CommitBlockPRequest req;
  req.set_worker_id(w);
  req.set_block_id(Block(4, 0));
  req.set_length(10);
  req.set_tier_alias("MEM");
  ASSERT_TRUE(master_->CommitBlock(req).ok());
  grpc::FileInfo f = FileOfLength(4, 0, 10);
  f.set_completed(false);
  master_->FillFileBlockInfos(&f);
  ASSERT_EQ(f.file_block_infos_size(), 1);
  EXPECT_EQ(f.file_block_infos(0).block_info().length(), 10);
  EXPECT_EQ(f.file_block_infos(0).block_info().locations_size(), 1);
}

TEST_F(BlockMasterTest, GetBlockInfoOfAnUnknownBlockIsNotFound) {
  index_.orphans = {Block(8, 0)};
  auto info = master_->GetBlockInfo(Block(8, 0));
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(info.status().message(), fmt::format("Block {} does not exist.", Block(8, 0)));
  // Not cached but part of a file: known, no locations, length from the file.
  auto known = master_->GetBlockInfo(Block(1, 0));
  ASSERT_TRUE(known.ok());
  EXPECT_EQ(known->length(), 100);
  EXPECT_EQ(known->locations_size(), 0);
}

TEST_F(BlockMasterTest, WorkerReportSelectsByRangeAndHost) {
  WorkerId w1 = Register("b-host", {Block(1, 0)}, "MEM", 100, 10);
  Register("a-host", {}, "SSD", 200, 20);
  master_->GetWorkerId(Address("never-registered"));
  auto all = master_->GetWorkerReport(gb::GetWorkerReportPOptions());
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].address().host(), "a-host");  // sorted by address
  EXPECT_EQ(all[1].state(), "In Service");
  EXPECT_EQ(all[1].capacity_bytes(), 100);
  EXPECT_EQ(all[1].used_bytes(), 10);
  EXPECT_EQ(all[1].capacity_bytes_on_tiers().at("MEM"), 100);
  EXPECT_EQ(all[1].block_count(), 1);
  EXPECT_EQ(all[1].start_time_ms(), now_.load());
  gb::GetWorkerReportPOptions spec;
  spec.set_worker_range(gb::SPECIFIED);
  spec.add_addresses("b-host");
  auto one = master_->GetWorkerReport(spec);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].id(), w1);
  EXPECT_EQ(master_->LiveWorkerAddresses().size(), 2u);
}

TEST_F(BlockMasterTest, FindsALiveWorkerWithAllBlocks) {
  WorkerId w1 = Register("h1", {Block(1, 0)});
  WorkerId w2 = Register("h2", {Block(1, 0), Block(1, 1)});
  EXPECT_EQ(master_->FindWorkerWithAllBlocks({Block(1, 0), Block(1, 1)}), w2);
  EXPECT_FALSE(master_->FindWorkerWithAllBlocks({Block(1, 2)}).has_value());
  EXPECT_TRUE(master_->FindWorkerWithAllBlocks({Block(1, 0)}).has_value());
  now_ += 2000;
  Heartbeat(w1);
  master_->DetectLostWorkers(now_);
  EXPECT_FALSE(master_->FindWorkerWithAllBlocks({Block(1, 0), Block(1, 1)}).has_value());
}

}  // namespace
}  // namespace alluxio::master
