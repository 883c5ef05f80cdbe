// SPDX-License-Identifier: Apache-2.0
// Concurrent sessions on one store with tiny quotas, so that eviction, moves, locks and removals
// constantly collide. Invariants checked while running: no dir's usage exceeds its quota, readers
// always see the full, correct content of a locked block, no operation reports corruption.
// Checked at the end: the accounting matches the files on disk, every block verifies, nothing is
// left in the temp folders, the listener's view matches the store, and a restart finds the same.
#include <atomic>
#include <filesystem>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "worker/block/block_store.h"
#include "worker/block/test_util.h"

namespace alluxio::worker {
namespace {

using testing::BlockContent;
using testing::DirSpec;
using testing::ReadFile;
using testing::TempFolder;
using testing::TierSpec;
using testing::WriteFile;

constexpr int kThreads = 6;
constexpr int kOpsPerThread = 400;
constexpr int kIdsPerThread = 40;

// Four blocks per file, sixteen files per thread: pinning a file pins a few blocks only.
BlockId IdFor(int thread, int k) {
  return ((static_cast<int64_t>(thread) * 16 + k / 4) << kContainerIdShift) | (k % 4);
}

// Tracks the live block set as the listener sees it.
class CountingListener : public BlockStoreListener {
 public:
  void OnBlockCommitted(BlockId id, const BlockLocation&) override { Change(id, true); }
  void OnBlockRemoved(BlockId id, const BlockLocation&, RemovalCause) override {
    Change(id, false);
  }
  void OnBlockLost(BlockId id, const BlockLocation&) override { Change(id, false); }
  std::set<BlockId> live() {
    std::lock_guard<std::mutex> l(mu_);
    return live_;
  }

 private:
  void Change(BlockId id, bool add) {
    std::lock_guard<std::mutex> l(mu_);
    if (add) {
      EXPECT_TRUE(live_.insert(id).second) << "committed twice without removal: " << id;
    } else {
      EXPECT_EQ(live_.erase(id), 1u) << "removed but not live: " << id;
    }
  }
  std::mutex mu_;
  std::set<BlockId> live_;
};

void CheckQuotas(const StoreMeta& meta) {
  for (const TierMeta& t : meta.tiers) {
    for (const DirMeta& d : t.dirs) {
      EXPECT_LE(d.used_bytes, d.capacity_bytes) << d.path;
      EXPECT_GE(d.committed_bytes, 0) << d.path;
      EXPECT_GE(d.reserved_bytes, 0) << d.path;
      EXPECT_EQ(d.used_bytes, d.committed_bytes + d.reserved_bytes) << d.path;
    }
  }
}

bool Expected(const Status& s, std::initializer_list<StatusCode> codes) {
  if (s.ok()) return true;
  for (StatusCode c : codes) {
    if (s.code() == c) return true;
  }
  ADD_FAILURE() << "unexpected: " << s.ToString();
  return false;
}

void RunSession(BlockStore* store, int thread) {
  std::mt19937 rng(static_cast<uint32_t>(thread) * 7919 + 1);
  const SessionId session = thread + 1;
  const char* tiers[] = {"ANY", "MEM", "SSD"};
  for (int op = 0; op < kOpsPerThread; op++) {
    int dice = static_cast<int>(rng() % 100);
    BlockId own = IdFor(thread, static_cast<int>(rng() % kIdsPerThread));
    BlockId any =
        IdFor(static_cast<int>(rng() % kThreads), static_cast<int>(rng() % kIdsPerThread));
    if (dice < 35) {  // write, in up to three chunks, reserving as it grows
      int64_t length = static_cast<int64_t>(rng() % 600);
      std::string content = BlockContent(own, length);
      int64_t first = length / (1 + static_cast<int64_t>(rng() % 3));
      Result<std::string> path = store->CreateBlock(session, own, {tiers[rng() % 3], ""}, first);
      if (!path.ok()) {
        Expected(path.status(), {StatusCode::kAlreadyExists, StatusCode::kResourceExhausted});
        continue;
      }
      Status s = store->RequestSpace(session, own, length - first);
      if (!s.ok()) {
        Expected(s, {StatusCode::kResourceExhausted});
        EXPECT_TRUE(store->AbortBlock(session, own).ok());
        continue;
      }
      WriteFile(*path, content);
      if (rng() % 10 == 0) {
        EXPECT_TRUE(store->AbortBlock(session, own).ok());
      } else {
        Status c = store->CommitBlock(session, own, rng() % 20 == 0);
        EXPECT_TRUE(c.ok()) << c.ToString();
      }
    } else if (dice < 60) {  // read through a lock
      Result<LockedBlock> lock = store->LockBlock(session, any);
      if (!lock.ok()) {
        Expected(lock.status(), {StatusCode::kNotFound});
        continue;
      }
      std::string data = ReadFile(lock->path);
      EXPECT_EQ(static_cast<int64_t>(data.size()), lock->length) << lock->path;
      EXPECT_TRUE(data == BlockContent(any, lock->length)) << "wrong content in " << lock->path;
      EXPECT_TRUE(store->AccessBlock(any).ok());  // held by our lock
      EXPECT_TRUE(store->UnlockBlock(lock->lock_id).ok());
    } else if (dice < 72) {
      Expected(store->RemoveBlock(own), {StatusCode::kNotFound, StatusCode::kFailedPrecondition});
    } else if (dice < 84) {
      Expected(
          store->MoveBlock(session, any, rng() % 2 ? "MEM" : "SSD").status(),
          {StatusCode::kNotFound, StatusCode::kFailedPrecondition, StatusCode::kResourceExhausted});
    } else if (dice < 90) {
      Expected(store->VerifyBlock(any).status(), {StatusCode::kNotFound});
    } else if (dice < 93) {
      store->SetPinnedFiles({FileIdOfBlock(own)});
    } else {
      CheckQuotas(store->GetStoreMeta());
    }
  }
}

TEST(BlockStoreStressTest, ConcurrentSessionsKeepTheAccountingExact) {
  TempFolder root;
  StoreOptions options =
      testing::MakeOptions(root, {TierSpec{"MEM", {DirSpec{"m0", 3000}, DirSpec{"m1", 3000}}},
                                  TierSpec{"SSD", {DirSpec{"s0", 6000}}}});
  options.free_ahead_bytes = 200;
  std::unique_ptr<BlockStore> store = *BlockStore::Open(options);
  CountingListener listener;
  store->AddListener(&listener);

  std::atomic<bool> done{false};
  std::thread checker([&] {
    while (!done.load()) CheckQuotas(store->GetStoreMeta());
  });
  std::vector<std::thread> sessions;
  for (int t = 0; t < kThreads; t++) sessions.emplace_back(RunSession, store.get(), t);
  for (std::thread& t : sessions) t.join();
  done = true;
  checker.join();
  for (int t = 0; t < kThreads; t++) store->CleanupSession(t + 1);

  StoreMeta meta = store->GetStoreMeta(true);
  CheckQuotas(meta);
  std::set<BlockId> all;
  for (const TierMeta& t : meta.tiers) {
    for (const DirMeta& d : t.dirs) {
      EXPECT_EQ(d.reserved_bytes, 0) << d.path;
      std::set<BlockId> on_disk;
      int64_t bytes = 0;
      for (const auto& e : std::filesystem::directory_iterator(d.data_dir)) {
        std::string name = e.path().filename().string();
        if (name == ".manifest" || name == ".tmp_blocks") continue;
        on_disk.insert(std::stoll(name));
        bytes += static_cast<int64_t>(e.file_size());
      }
      EXPECT_EQ(on_disk, std::set<BlockId>(d.block_ids.begin(), d.block_ids.end())) << d.path;
      EXPECT_EQ(bytes, d.committed_bytes) << d.path;
      for (const auto& e :
           std::filesystem::recursive_directory_iterator(d.data_dir + "/.tmp_blocks")) {
        EXPECT_FALSE(e.is_regular_file()) << "left behind: " << e.path();
      }
      all.insert(d.block_ids.begin(), d.block_ids.end());
    }
  }
  EXPECT_EQ(listener.live(), all);
  for (BlockId id : all) {
    Result<VerifyOutcome> v = store->VerifyBlock(id);
    EXPECT_TRUE(v.ok() && *v == VerifyOutcome::kVerified) << id << ": " << v.status().ToString();
  }
  BlockStoreCounters c = store->counters();
  EXPECT_GT(c.blocks_committed, 0);
  EXPECT_GT(c.blocks_evicted, 0);
  EXPECT_EQ(c.blocks_lost, 0);
  std::cout << "committed " << c.blocks_committed << ", evicted " << c.blocks_evicted << ", moved "
            << c.blocks_moved << ", removed " << c.blocks_removed << ", out of space "
            << c.out_of_space << ", live " << all.size() << "\n";

  // A restart finds exactly the same blocks, all with checksums.
  store.reset();
  store = *BlockStore::Open(options);
  StoreMeta reopened = store->GetStoreMeta(true);
  std::set<BlockId> after;
  for (const TierMeta& t : reopened.tiers) {
    for (const DirMeta& d : t.dirs) after.insert(d.block_ids.begin(), d.block_ids.end());
  }
  EXPECT_EQ(after, all);
  EXPECT_EQ(store->recovery_stats().verified, static_cast<int64_t>(all.size()));
  EXPECT_EQ(reopened.used_bytes, meta.used_bytes);
}

}  // namespace
}  // namespace alluxio::worker
