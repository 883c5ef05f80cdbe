// SPDX-License-Identifier: Apache-2.0
// FileSystemMaster with a BlockMaster: free, completing persisted and ASYNC_THROUGH files,
// scheduled persistence by workers, and block removal on delete.
#include <atomic>

#include <gtest/gtest.h>

#include "journal/memory/memory_journal.h"
#include "master/block/block_master.h"
#include "master/file/file_system_master.h"
#include "ufs/memory/memory_ufs.h"

namespace alluxio::master {
namespace {

namespace fo = ::alluxio::grpc::file;
namespace gb = ::alluxio::grpc::block;

constexpr int64_t kBlockSize = 10;
constexpr int64_t kInitialBackoff = 1000;
constexpr int64_t kMaxBackoff = 4000;
constexpr int64_t kMaxTotalWait = 60000;
constexpr int64_t kReportTimeout = 30000;

class DataPathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    authority_ = "dpt" + std::to_string(counter++);
    ufs_ = ufs::MemoryUfs::Shared(authority_);
    BlockMasterOptions bo;
    bo.worker_timeout_ms = 1'000'000'000;
    bo.clock = [this] { return now_.load(); };
    blocks_ = std::make_unique<BlockMaster>(std::move(bo));
    Start();
  }
  void TearDown() override {
    blocks_->SetFileBlockIndex(nullptr);
    master_->Stop();
  }

  FileSystemMasterOptions Options() {
    FileSystemMasterOptions o;
    o.root_ufs = "memory://" + authority_ + "/";
    o.superuser = "admin";
    o.clock = [this] { return now_.load(); };
    o.default_block_size = kBlockSize;                  // of files loaded from the UFS
    o.persistence_scheduler_interval_ms = 3600 * 1000;  // the tests run the scheduler
    o.persistence_initial_interval_ms = kInitialBackoff;
    o.persistence_max_interval_ms = kMaxBackoff;
    o.persistence_max_total_wait_ms = kMaxTotalWait;
    o.persist_report_timeout_ms = kReportTimeout;
    return o;
  }

  // (Re)starts the file system master on the same journal: replay rebuilds its state.
  void Start() {
    if (master_) {
      blocks_->SetFileBlockIndex(nullptr);
      master_->Stop();
      master_.reset();
    }
    auto m = FileSystemMaster::Create(Options(), &journal_, blocks_.get());
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    master_ = std::move(*m);
    ASSERT_TRUE(journal_.Start(master_.get()).ok());
    ASSERT_TRUE(master_->Initialize().ok());
    blocks_->SetFileBlockIndex(master_.get());
  }

  OperationContext Ctx() { return OperationContext{}; }

  // Creates a file (persist: CACHE_THROUGH/THROUGH; else MUST_CACHE/ASYNC_THROUGH) of blocks of
  // kBlockSize bytes.
  FileInfo Create(const std::string& path, bool persist) {
    fo::CreateFilePOptions o;
    o.set_recursive(true);
    o.set_persist(persist);
    o.set_block_size_bytes(kBlockSize);
    auto r = master_->CreateFile(Ctx(), path, o);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : FileInfo();
  }
  Status Complete(const std::string& path, int64_t length, bool async = false,
                  int64_t wait_ms = 0) {
    fo::CompleteFilePOptions o;
    o.set_ufs_length(length);
    if (async) o.mutable_async_persist_options()->set_persistence_wait_time(wait_ms);
    return master_->CompleteFile(Ctx(), path, o);
  }
  // An ASYNC_THROUGH file of `length` bytes.
  FileInfo AsyncFile(const std::string& path, int64_t length, int64_t wait_ms = 0) {
    FileInfo f = Create(path, false);
    EXPECT_TRUE(Complete(path, length, true, wait_ms).ok());
    return f;
  }
  FileInfo Stat(const std::string& path) {
    auto r = master_->GetStatus(Ctx(), path, fo::GetStatusPOptions());
    EXPECT_TRUE(r.ok()) << path << ": " << r.status().ToString();
    return r.ok() ? *r : FileInfo();
  }
  void WriteUfsFile(const std::string& path, const std::string& data) {
    auto out = ufs_->Create(path, ufs::CreateOptions());
    ASSERT_TRUE(out.ok());
    ASSERT_TRUE((*out)->Write(data).ok());
    ASSERT_TRUE((*out)->Close().ok());
  }
  // A PERSISTED file with `length` bytes, loaded from the UFS.
  FileInfo PersistedFile(const std::string& path, int64_t length) {
    WriteUfsFile(path, std::string(static_cast<size_t>(length), 'x'));
    return Stat(path);
  }
  Status SetPinned(const std::string& path, bool pinned) {
    fo::SetAttributePOptions o;
    o.set_pinned(pinned);
    return master_->SetAttribute(Ctx(), path, o);
  }
  Status Free(const std::string& path, bool recursive = false, bool forced = false) {
    fo::FreePOptions o;
    o.set_recursive(recursive);
    o.set_forced(forced);
    return master_->Free(Ctx(), path, o);
  }

  static std::vector<BlockId> BlocksOf(const FileInfo& f, int64_t n) {
    std::vector<BlockId> ids;
    for (int64_t i = 0; i < n; ++i) ids.push_back(BlockIdOf(f.file_id(), i));
    return ids;
  }
  WorkerId RegisterWorker(const std::string& host, const std::vector<BlockId>& blocks) {
    grpc::WorkerNetAddress a;
    a.set_host(host);
    a.set_rpc_port(29999);
    WorkerId id = blocks_->GetWorkerId(a);
    std::vector<gb::RegisterWorkerPRequest> msgs(1);
    msgs[0].set_worker_id(id);
    msgs[0].add_storage_tiers("MEM");
    (*msgs[0].mutable_total_bytes_on_tiers())["MEM"] = 1 << 20;
    auto* e = msgs[0].add_current_blocks();
    e->mutable_key()->set_tier_alias("MEM");
    for (BlockId b : blocks) e->add_value(b);
    EXPECT_TRUE(blocks_->RegisterWorker(msgs).ok());
    return id;
  }
  // The block ids the worker's next block heartbeat is told to free.
  std::vector<BlockId> FreedOn(WorkerId w) {
    gb::BlockHeartbeatPRequest req;
    req.set_worker_id(w);
    gb::Command c = blocks_->Heartbeat(req);
    return std::vector<BlockId>(c.data().begin(), c.data().end());
  }
  // The PersistFile commands of the worker's next file system heartbeat.
  std::vector<fo::PersistFile> PersistCommands(WorkerId w,
                                               std::vector<fo::PersistedFile> reports = {}) {
    auto r = master_->WorkerHeartbeat(w, reports);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return {};
    EXPECT_EQ(r->command_type(), r->persist_files_size() > 0 ? fo::FS_PERSIST : fo::FS_NOTHING);
    return std::vector<fo::PersistFile>(r->persist_files().begin(), r->persist_files().end());
  }
  static fo::PersistedFile Report(InodeId id, bool success, const std::string& fp_or_error) {
    fo::PersistedFile p;
    p.set_file_id(id);
    p.set_success(success);
    if (success) {
      p.set_ufs_fingerprint(fp_or_error);
    } else {
      p.set_error(fp_or_error);
    }
    return p;
  }

  std::string authority_;
  std::shared_ptr<ufs::MemoryUfs> ufs_;
  std::atomic<int64_t> now_{1'000'000};
  journal::MemoryJournal journal_;
  std::unique_ptr<BlockMaster> blocks_;
  std::unique_ptr<FileSystemMaster> master_;
};

// --- Free ---

TEST_F(DataPathTest, FreeRefusesFilesThatAreNotPersisted) {
  Create("/cached", false);
  ASSERT_TRUE(Complete("/cached", 5).ok());
  Status s = Free("/cached");
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(), "Cannot free file /cached which is not persisted");
  EXPECT_EQ(Free("/missing").code(), StatusCode::kNotFound);
}

TEST_F(DataPathTest, FreeOfANonEmptyDirectoryNeedsRecursive) {
  FileInfo a = PersistedFile("/d/a", 25);
  FileInfo b = PersistedFile("/d/e/b", 5);
  WorkerId w = RegisterWorker("h1", {BlocksOf(a, 3)[0], BlocksOf(a, 3)[2], BlocksOf(b, 1)[0]});
  Status s = Free("/d");
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(),
            "Cannot free directory /d which is not empty. Please set the \"recursive\" flag of "
            "free operation to true");
  EXPECT_TRUE(FreedOn(w).empty());
  ASSERT_TRUE(Free("/d", /*recursive=*/true).ok());
  std::vector<BlockId> expected{BlocksOf(a, 3)[0], BlocksOf(a, 3)[2], BlocksOf(b, 1)[0]};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(FreedOn(w), expected);
  // Metadata stays.
  EXPECT_EQ(Stat("/d/a").length(), 25);
}

TEST_F(DataPathTest, FreeOfAPinnedFileNeedsForcedWhichUnpins) {
  FileInfo f = PersistedFile("/p", 12);
  WorkerId w = RegisterWorker("h1", BlocksOf(f, 2));
  ASSERT_TRUE(SetPinned("/p", true).ok());
  EXPECT_EQ(master_->GetPinnedFileIds(), std::vector<InodeId>{f.file_id()});
  Status s = Free("/p");
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(),
            "Cannot free file /p which is pinned. Please unpin it first or set the \"forced\" flag "
            "of free operation to true");
  EXPECT_TRUE(FreedOn(w).empty());
  ASSERT_TRUE(Free("/p", false, /*forced=*/true).ok());
  EXPECT_FALSE(Stat("/p").pinned());
  EXPECT_TRUE(master_->GetPinnedFileIds().empty());
  EXPECT_EQ(FreedOn(w), BlocksOf(f, 2));
  // The unpin was journaled.
  Start();
  EXPECT_FALSE(Stat("/p").pinned());
}

// --- Deletion ---

TEST_F(DataPathTest, DeletingAFileFreesItsBlocksOnEveryWorker) {
  FileInfo f = Create("/dir/f", false);
  ASSERT_TRUE(Complete("/dir/f", 25).ok());
  FileInfo other = Create("/other", false);
  ASSERT_TRUE(Complete("/other", 5).ok());
  WorkerId w1 = RegisterWorker("h1", BlocksOf(f, 3));
  WorkerId w2 = RegisterWorker("h2", {BlocksOf(f, 3)[1], BlocksOf(other, 1)[0]});
  fo::DeletePOptions del;
  del.set_recursive(true);
  ASSERT_TRUE(master_->Delete(Ctx(), "/dir", del).ok());
  EXPECT_EQ(FreedOn(w1), BlocksOf(f, 3));
  EXPECT_EQ(FreedOn(w2), std::vector<BlockId>{BlocksOf(f, 3)[1]});
  EXPECT_EQ(blocks_->GetBlockInfo(BlocksOf(other, 1)[0])->locations_size(), 1);
}

TEST_F(DataPathTest, OverwritingAFileFreesTheOldBlocks) {
  FileInfo f = Create("/f", false);
  ASSERT_TRUE(Complete("/f", 5).ok());
  WorkerId w = RegisterWorker("h1", BlocksOf(f, 1));
  fo::CreateFilePOptions o;
  o.set_overwrite(true);
  o.set_persist(false);
  ASSERT_TRUE(master_->CreateFile(Ctx(), "/f", o).ok());
  EXPECT_EQ(FreedOn(w), BlocksOf(f, 1));
}

TEST_F(DataPathTest, RegisteredBlocksOfMissingFilesOrBeyondTheFileAreOrphans) {
  FileInfo f = Create("/f", false);
  ASSERT_TRUE(Complete("/f", 15).ok());  // 2 blocks
  BlockId gone = BlockIdOf(InodeIdForContainer(4242), 0);
  WorkerId w =
      RegisterWorker("h1", {BlocksOf(f, 3)[0], BlocksOf(f, 3)[1], BlocksOf(f, 3)[2], gone});
  std::vector<BlockId> expected{BlocksOf(f, 3)[2], gone};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(FreedOn(w), expected);
  FileInfo st = Stat("/f");
  blocks_->FillFileBlockInfos(&st);
  EXPECT_EQ(st.in_alluxio_percentage(), 100);
}

// --- CompleteFile ---

TEST_F(DataPathTest, CompletingAThroughWriteChecksTheUfsFile) {
  Create("/t", true);
  Status missing = Complete("/t", 5);
  EXPECT_EQ(missing.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(missing.message().find("does not exist in the under file system"), std::string::npos)
      << missing.message();
  WriteUfsFile("/t", "abc");
  Status short_file = Complete("/t", 5);
  EXPECT_EQ(short_file.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(short_file.message().find("has length 3"), std::string::npos) << short_file.message();
  EXPECT_FALSE(Stat("/t").completed());

  WriteUfsFile("/t", "abcde");
  ASSERT_TRUE(Complete("/t", 5).ok());
  FileInfo st = Stat("/t");
  EXPECT_TRUE(st.completed());
  EXPECT_EQ(st.persistence_state(), "PERSISTED");
  auto ufs_status = ufs_->GetStatus("/t");
  ASSERT_TRUE(ufs_status.ok());
  EXPECT_EQ(st.ufs_fingerprint(), FingerprintString(FingerprintHash(ufs_status->Fingerprint())));
  EXPECT_EQ(st.block_ids_size(), 1);
  EXPECT_EQ(master_->persist_queue_size(), 0u);
}

TEST_F(DataPathTest, CompletingAThroughWritePrefersTheWritersFingerprint) {
  Create("/t", true);
  WriteUfsFile("/t", "abcde");
  fo::CompleteFilePOptions o;
  o.set_ufs_length(5);
  o.set_content_hash("TYPE:FILE|LEN:5|writer");
  ASSERT_TRUE(master_->CompleteFile(Ctx(), "/t", o).ok());
  EXPECT_EQ(Stat("/t").ufs_fingerprint(),
            FingerprintString(FingerprintHash("TYPE:FILE|LEN:5|writer")));
}

TEST_F(DataPathTest, CompletingAnAsyncThroughFileQueuesIt) {
  AsyncFile("/dir/f", 15);
  FileInfo st = Stat("/dir/f");
  EXPECT_EQ(st.persistence_state(), "TO_BE_PERSISTED");
  EXPECT_EQ(Stat("/dir").persistence_state(), "NOT_PERSISTED");
  EXPECT_EQ(master_->persist_queue_size(), 1u);
  EXPECT_FALSE(ufs_->GetStatus("/dir/f").ok());
  // Replay rebuilds the queue.
  Start();
  EXPECT_EQ(master_->persist_queue_size(), 1u);
}

TEST_F(DataPathTest, CompletingAnEmptyAsyncThroughFilePersistsItAtOnce) {
  AsyncFile("/dir/empty", 0);
  EXPECT_EQ(Stat("/dir/empty").persistence_state(), "PERSISTED");
  EXPECT_EQ(Stat("/dir").persistence_state(), "PERSISTED");
  EXPECT_TRUE(ufs_->GetStatus("/dir/empty").ok());
  EXPECT_EQ(master_->persist_queue_size(), 0u);
}

// --- ScheduleAsyncPersistence ---

TEST_F(DataPathTest, ScheduleAsyncPersistenceQueuesACompletedFile) {
  Create("/f", false);
  fo::ScheduleAsyncPersistencePOptions o;
  Status incomplete = master_->ScheduleAsyncPersistence(Ctx(), "/f", o);
  EXPECT_EQ(incomplete.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(incomplete.message(), "Cannot persist an incomplete Alluxio file: /f");
  ASSERT_TRUE(Complete("/f", 5).ok());
  EXPECT_EQ(Stat("/f").persistence_state(), "NOT_PERSISTED");
  ASSERT_TRUE(master_->ScheduleAsyncPersistence(Ctx(), "/f", o).ok());
  EXPECT_EQ(Stat("/f").persistence_state(), "TO_BE_PERSISTED");
  EXPECT_EQ(master_->persist_queue_size(), 1u);
  // Asking again is harmless.
  ASSERT_TRUE(master_->ScheduleAsyncPersistence(Ctx(), "/f", o).ok());
  EXPECT_EQ(master_->persist_queue_size(), 1u);
  Start();
  EXPECT_EQ(Stat("/f").persistence_state(), "TO_BE_PERSISTED");
  EXPECT_EQ(master_->persist_queue_size(), 1u);
}

TEST_F(DataPathTest, ScheduleAsyncPersistenceOfAnEmptyFileWritesItNow) {
  Create("/e", false);
  ASSERT_TRUE(Complete("/e", 0).ok());
  ASSERT_TRUE(
      master_->ScheduleAsyncPersistence(Ctx(), "/e", fo::ScheduleAsyncPersistencePOptions()).ok());
  EXPECT_EQ(Stat("/e").persistence_state(), "PERSISTED");
  EXPECT_TRUE(ufs_->GetStatus("/e").ok());
  // A persisted file: nothing to do.
  EXPECT_TRUE(
      master_->ScheduleAsyncPersistence(Ctx(), "/e", fo::ScheduleAsyncPersistencePOptions()).ok());
}

// --- The persistence scheduler ---

TEST_F(DataPathTest, SchedulerHandsTheFileToAWorkerHoldingAllBlocks) {
  FileInfo f = AsyncFile("/dir/sub/f", 15);  // 2 blocks
  WorkerId partial = RegisterWorker("h1", {BlocksOf(f, 2)[0]});
  master_->RunPersistenceScheduler(now_);
  EXPECT_TRUE(PersistCommands(partial).empty());  // no worker holds both: it waits
  WorkerId full = RegisterWorker("h2", BlocksOf(f, 2));
  master_->RunPersistenceScheduler(now_);
  EXPECT_TRUE(PersistCommands(partial).empty());
  std::vector<fo::PersistFile> cmds = PersistCommands(full);
  ASSERT_EQ(cmds.size(), 1u);
  FileInfo st = Stat("/dir/sub/f");
  EXPECT_EQ(cmds[0].file_id(), f.file_id());
  EXPECT_EQ(std::vector<BlockId>(cmds[0].block_ids().begin(), cmds[0].block_ids().end()),
            BlocksOf(f, 2));
  EXPECT_EQ(cmds[0].ufs_path(), st.ufs_path());
  EXPECT_EQ(cmds[0].mount_id(), kRootMountId);
  EXPECT_EQ(cmds[0].length(), 15);
  EXPECT_EQ(cmds[0].owner(), st.owner());
  EXPECT_EQ(cmds[0].group(), st.group());
  EXPECT_EQ(cmds[0].mode(), st.mode());
  // Handed out once: the next pass and heartbeat bring nothing new.
  master_->RunPersistenceScheduler(now_);
  EXPECT_TRUE(PersistCommands(full).empty());

  // The worker reports success: the file and its new ancestors are PERSISTED, durably.
  EXPECT_TRUE(PersistCommands(full, {Report(f.file_id(), true, "TYPE:FILE|LEN:15|w")}).empty());
  EXPECT_EQ(Stat("/dir/sub/f").persistence_state(), "PERSISTED");
  EXPECT_EQ(Stat("/dir/sub/f").ufs_fingerprint(),
            FingerprintString(FingerprintHash("TYPE:FILE|LEN:15|w")));
  EXPECT_EQ(Stat("/dir/sub").persistence_state(), "PERSISTED");
  EXPECT_EQ(Stat("/dir").persistence_state(), "PERSISTED");
  EXPECT_EQ(master_->persist_queue_size(), 0u);
  Start();
  EXPECT_EQ(Stat("/dir").persistence_state(), "PERSISTED");
  EXPECT_EQ(master_->persist_queue_size(), 0u);
}

TEST_F(DataPathTest, FailedPersistIsRetriedWithExponentialBackoff) {
  FileInfo f = AsyncFile("/f", 5);
  WorkerId w = RegisterWorker("h1", BlocksOf(f, 1));
  master_->RunPersistenceScheduler(now_);
  ASSERT_EQ(PersistCommands(w).size(), 1u);
  int64_t backoff = kInitialBackoff;
  for (int attempt = 0; attempt < 4; ++attempt) {
    const int64_t failed_at = now_;
    EXPECT_TRUE(PersistCommands(w, {Report(f.file_id(), false, "disk full")}).empty());
    master_->RunPersistenceScheduler(failed_at + backoff - 1);
    EXPECT_TRUE(PersistCommands(w).empty()) << "attempt " << attempt;
    now_ = failed_at + backoff;
    master_->RunPersistenceScheduler(now_);
    ASSERT_EQ(PersistCommands(w).size(), 1u) << "attempt " << attempt;
    backoff = std::min(backoff * 2, kMaxBackoff);
  }
  EXPECT_EQ(Stat("/f").persistence_state(), "TO_BE_PERSISTED");
}

TEST_F(DataPathTest, SilentWorkerIsTimedOutAndTheFileRetried) {
  FileInfo f = AsyncFile("/f", 5);
  WorkerId w = RegisterWorker("h1", BlocksOf(f, 1));
  master_->RunPersistenceScheduler(now_);
  ASSERT_EQ(PersistCommands(w).size(), 1u);
  now_ += kReportTimeout + 1;
  master_->RunPersistenceScheduler(now_);  // times out: backoff starts
  EXPECT_TRUE(PersistCommands(w).empty());
  now_ += kInitialBackoff;
  master_->RunPersistenceScheduler(now_);
  EXPECT_EQ(PersistCommands(w).size(), 1u);
}

TEST_F(DataPathTest, SchedulerHonoursTheWaitTimeAndGivesUpAfterTheMaxTotalWait) {
  FileInfo f = AsyncFile("/f", 5, /*wait_ms=*/5000);
  WorkerId w = RegisterWorker("h1", {});
  master_->RunPersistenceScheduler(now_ + 4999);
  EXPECT_TRUE(PersistCommands(w).empty());
  // Ready, but no worker caches the block: it waits until the total wait runs out.
  master_->RunPersistenceScheduler(now_ + 5000);
  EXPECT_EQ(master_->persist_queue_size(), 1u);
  master_->RunPersistenceScheduler(now_ + kMaxTotalWait + 1);
  EXPECT_EQ(master_->persist_queue_size(), 0u);
  EXPECT_EQ(Stat("/f").persistence_state(), "TO_BE_PERSISTED");
}

TEST_F(DataPathTest, FileDeletedWhileQueuedIsDroppedAndNotHandedOut) {
  FileInfo f = AsyncFile("/f", 5);
  WorkerId w = RegisterWorker("h1", BlocksOf(f, 1));
  master_->RunPersistenceScheduler(now_);
  ASSERT_TRUE(master_->Delete(Ctx(), "/f", fo::DeletePOptions()).ok());
  EXPECT_EQ(master_->persist_queue_size(), 0u);
  EXPECT_TRUE(PersistCommands(w).empty());
  // A late success report for it changes nothing.
  EXPECT_TRUE(PersistCommands(w, {Report(f.file_id(), true, "fp")}).empty());
}

TEST_F(DataPathTest, FileRenamedWhilePersistingIsRetriedAtItsNewPath) {
  FileInfo f = AsyncFile("/f", 5);
  WorkerId w = RegisterWorker("h1", BlocksOf(f, 1));
  master_->RunPersistenceScheduler(now_);
  ASSERT_EQ(PersistCommands(w).size(), 1u);
  ASSERT_TRUE(master_->Rename(Ctx(), "/f", "/g", fo::RenamePOptions()).ok());
  EXPECT_TRUE(PersistCommands(w, {Report(f.file_id(), true, "fp")}).empty());
  EXPECT_EQ(Stat("/g").persistence_state(), "TO_BE_PERSISTED");
  now_ += kInitialBackoff;
  master_->RunPersistenceScheduler(now_);
  std::vector<fo::PersistFile> cmds = PersistCommands(w);
  ASSERT_EQ(cmds.size(), 1u);
  EXPECT_EQ(cmds[0].ufs_path(), Stat("/g").ufs_path());
}

// --- What workers ask ---

TEST_F(DataPathTest, WorkersGetUfsInfoFileInfoAndPinnedIds) {
  auto root = master_->GetUfsInfo(kRootMountId);
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(root->uri(), "memory://" + authority_ + "/");
  EXPECT_FALSE(root->properties().read_only());
  EXPECT_EQ(master_->GetUfsInfo(999).status().code(), StatusCode::kNotFound);

  FileInfo f = AsyncFile("/f", 5);
  auto info = master_->GetFileInfo(f.file_id());
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->path(), "/f");
  EXPECT_EQ(master_->GetFileInfo(12345).status().code(), StatusCode::kNotFound);

  ASSERT_TRUE(SetPinned("/f", true).ok());
  EXPECT_EQ(master_->GetPinnedFileIds(), std::vector<InodeId>{f.file_id()});
  Start();
  EXPECT_EQ(master_->GetPinnedFileIds(), std::vector<InodeId>{f.file_id()});
  ASSERT_TRUE(master_->Delete(Ctx(), "/f", fo::DeletePOptions()).ok());
  EXPECT_TRUE(master_->GetPinnedFileIds().empty());
}

}  // namespace
}  // namespace alluxio::master
