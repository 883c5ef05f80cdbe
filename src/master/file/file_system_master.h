// SPDX-License-Identifier: Apache-2.0
// FileSystemMaster: the namespace service of the master. It owns the inode tree and the mount
// table, runs every namespace operation (ops/ holds one file per operation family), loads and
// syncs metadata from the UFS, checks permissions, expires TTLs, and is the Journaled state that
// the journal replays.
//
// How an operation runs (see docs/design/master-metadata.md):
//   1. shared state lock: resolve and validate the path, check permissions; release.
//   2. no lock: UFS calls (mkdir, delete, rename in the UFS; metadata loads).
//   3. exclusive state lock: validate again (state may have changed), build journal entries,
//      Apply them (the same Apply replay uses) and Append them to the journal; release.
//   4. wait for the journal to make them durable, then reply. Acknowledged means on disk.
// Never waits on the UFS or the journal while holding the state lock.
//
// Block data (docs/design/data-path.md): the master keeps no block state here. Applying a delete
// hands the removed files to the BlockMaster (RemoveBlocksOfFiles), Free does the same, and the
// persistence scheduler (ops/persist.cc) hands files TO_BE_PERSISTED to a worker that caches all
// their blocks, through that worker's file system heartbeat. The block master asks back which
// blocks are orphans through FileBlockIndex.
//
// Thread-safety: thread-safe. Lock order: state_mu_ before persist_mu_ before the BlockMaster's
// mutex; state_mu_ before retry_mu_ / sync_mu_.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include "alluxio/grpc/file_system_master.pb.h"
#include "common/conf/configuration.h"
#include "journal/journal.h"
#include "master/block/block_master.h"
#include "master/file/inode_tree.h"
#include "master/file/mount_table.h"
#include "master/file/permission_checker.h"

namespace alluxio::master {

using FileInfo = ::alluxio::grpc::FileInfo;
using OperationId = std::pair<int64_t, int64_t>;  // (most, least) significant bits; (0,0) = none

// The number of blocks of a file: ceil(length / block size) once complete (files loaded from the
// UFS carry no block ids in the journal), else the blocks recorded so far.
inline int64_t FileBlockCount(const InodeAttributes& f) {
  if (f.is_directory) return 0;
  if (!f.completed) return f.block_count;
  if (f.length <= 0 || f.block_size_bytes <= 0) return 0;
  return (f.length + f.block_size_bytes - 1) / f.block_size_bytes;
}

// Who is calling and which operation this is.
struct OperationContext {
  std::string user;         // empty: the master's own user (internal operations)
  OperationId op_id{0, 0};  // set by clients on mutating calls
};

struct FileSystemMasterOptions {
  std::string root_ufs;
  ufs::UfsOptions root_ufs_options;
  bool root_readonly = false;
  bool root_shared = false;
  bool permission_enabled = true;
  std::string superuser;  // the user running the master
  std::string supergroup = "supergroup";
  int32_t umask = 022;
  int64_t ttl_checker_interval_ms = 3600 * 1000;
  int64_t default_block_size = 64 << 20;
  // Persistence of TO_BE_PERSISTED files by workers (alluxio.master.persistence.*).
  int64_t persistence_scheduler_interval_ms = 1000;
  int64_t persistence_initial_interval_ms = 1000;
  int64_t persistence_max_interval_ms = 3600 * 1000;
  int64_t persistence_max_total_wait_ms = 24 * 3600 * 1000;
  // A worker that was handed a file and reported nothing for this long has failed it (no key:
  // Alluxio bounds this through its job service).
  int64_t persist_report_timeout_ms = 30 * 60 * 1000;
  std::function<int64_t()> clock;  // wall-clock ms; defaults to the system clock
  // Arena slots (inodes) a Snapshot copies per hold of the state lock (see Snapshot()), and, for
  // tests, a function Snapshot calls between two steps without the lock (it may run operations).
  size_t snapshot_step_slots = 16384;
  std::function<void()> between_snapshot_steps;

  static Result<FileSystemMasterOptions> FromConfiguration(const conf::Configuration& conf);
};

// While one is alive on a thread, FileSystemMaster operations called on that thread do not wait
// for their journal entries to be durable: they remember the last sequence number they would have
// waited for (sn(), -1 for none), and the caller acknowledges its client only once
// FileSystemMaster::WhenDurable(sn) says so. An RPC server that finishes calls asynchronously
// uses this to keep no thread blocked in the group commit. Not nestable.
class DeferDurability {
 public:
  DeferDurability();
  ~DeferDurability();
  DeferDurability(const DeferDurability&) = delete;
  DeferDurability& operator=(const DeferDurability&) = delete;
  journal::SequenceNumber sn() const { return sn_; }

 private:
  friend class FileSystemMaster;
  journal::SequenceNumber sn_ = -1;
};

class FileSystemMaster : public journal::Journaled, public FileBlockIndex {
 public:
  // `journal` (and `block_master`, if not null) must outlive the master. Call
  // journal->Start(master) and then Initialize(). Without a block master, deletes and Free touch
  // no block state and nothing is persisted by workers.
  static Result<std::unique_ptr<FileSystemMaster>> Create(FileSystemMasterOptions options,
                                                          journal::Journal* journal,
                                                          BlockMaster* block_master = nullptr);
  ~FileSystemMaster() override;

  // After replay: creates the root inode and the cluster id on a fresh journal, starts the TTL
  // checker and the persistence scheduler.
  Status Initialize();
  // Stops background threads. Idempotent.
  void Stop();

  // Calls done(status) once `sn` (a DeferDurability's sn()) is durable, or the journal says it
  // never will be; see journal::Journal::OnDurable. Call it on the thread that ran the operation.
  void WhenDurable(journal::SequenceNumber sn, std::function<void(Status)> done) {
    journal_->OnDurable(sn, std::move(done));
  }

  // --- Namespace operations (thread-safe; block until durable) ---
  Status CreateDirectory(const OperationContext& ctx, std::string_view path,
                         const grpc::file::CreateDirectoryPOptions& options);
  Result<FileInfo> CreateFile(const OperationContext& ctx, std::string_view path,
                              const grpc::file::CreateFilePOptions& options);
  Status CompleteFile(const OperationContext& ctx, std::string_view path,
                      const grpc::file::CompleteFilePOptions& options);
  Result<FileInfo> GetStatus(const OperationContext& ctx, std::string_view path,
                             const grpc::file::GetStatusPOptions& options);
  // Whether GetStatus (Exists) of `path` would first ask the under-store (to load or sync its
  // metadata): such calls may wait on a slow store, the others are answered from memory. A
  // concurrent change can make the answer stale; it is a scheduling hint only.
  bool GetStatusNeedsUfs(std::string_view path, const grpc::file::GetStatusPOptions& options);
  bool ExistsNeedsUfs(std::string_view path, const grpc::file::ExistsPOptions& options);
  // Whether a create (`creates_in_ufs`: with persist) or a change of `path` may write to the
  // under-store: a persisted create, or a path that is persisted or a directory (which may hold
  // persisted files). A scheduling hint too.
  bool MutationNeedsUfs(std::string_view path, bool creates_in_ufs);
  Result<bool> Exists(const OperationContext& ctx, std::string_view path,
                      const grpc::file::ExistsPOptions& options);
  // Streams the listing in batches to `consumer` (called without locks held). A file lists as
  // itself. A non-OK status from the consumer stops the listing and is returned.
  Status ListStatus(const OperationContext& ctx, std::string_view path,
                    const grpc::file::ListStatusPOptions& options,
                    const std::function<Status(std::vector<FileInfo>&&)>& consumer);
  Status Delete(const OperationContext& ctx, std::string_view path,
                const grpc::file::DeletePOptions& options);
  Status Rename(const OperationContext& ctx, std::string_view src, std::string_view dst,
                const grpc::file::RenamePOptions& options);
  Status SetAttribute(const OperationContext& ctx, std::string_view path,
                      const grpc::file::SetAttributePOptions& options);
  Status Mount(const OperationContext& ctx, std::string_view alluxio_path,
               std::string_view ufs_path, const grpc::file::MountPOptions& options);
  Status Unmount(const OperationContext& ctx, std::string_view alluxio_path);
  std::vector<std::pair<std::string, ::alluxio::grpc::MountPointInfo>> GetMountTable();
  // Drops the cached blocks of a file, or of every file below a directory (`recursive`), from
  // every worker; the metadata stays. Alluxio's checks: FailedPrecondition for a non-empty
  // directory without recursive, a file that is not persisted, a pinned file without `forced`
  // (forced unpins it, journaled). Not journaled otherwise.
  Status Free(const OperationContext& ctx, std::string_view path,
              const grpc::file::FreePOptions& options);
  // Makes a completed NOT_PERSISTED file TO_BE_PERSISTED (journaled) and queues it for a worker
  // after options.persistence_wait_time (-1: only when asked again). A persisted file is left
  // alone; an empty file is created in the UFS at once. InvalidArgument for an incomplete file.
  Status ScheduleAsyncPersistence(const OperationContext& ctx, std::string_view path,
                                  const grpc::file::ScheduleAsyncPersistencePOptions& options);

  // --- What workers ask (FileSystemMasterWorkerService) ---

  // The UFS of a mount: uri, options, read-only and shared. NotFound for an unknown id.
  Result<grpc::file::UfsInfo> GetUfsInfo(int64_t mount_id);
  // Ids of the pinned files, ascending.
  std::vector<InodeId> GetPinnedFileIds();
  // FileInfo of an inode by id (no block locations). NotFound "inodeId <id> does not exist".
  Result<FileInfo> GetFileInfo(InodeId id);
  // Takes a worker's persist outcomes (success: the file and its NOT_PERSISTED ancestor
  // directories become PERSISTED, journaled, durable before the reply; failure: retry with
  // backoff) and returns the PersistFile commands waiting for that worker.
  Result<grpc::file::FileSystemCommand> WorkerHeartbeat(
      int64_t worker_id, const std::vector<grpc::file::PersistedFile>& persisted_files);
  // One pass of the persistence scheduler at `now_ms`: gives up files waiting for longer than
  // the max total wait, retries files whose worker was lost or silent, and hands ready files to
  // a live worker caching all their blocks. The scheduler thread calls this; tests call it.
  void RunPersistenceScheduler(int64_t now_ms);
  // Files queued for persistence (TO_BE_PERSISTED, complete, not empty).
  size_t persist_queue_size();

  // --- FileBlockIndex (called by the block master without its mutex) ---
  std::vector<BlockId> FindOrphanBlocks(const std::vector<BlockId>& block_ids) override;
  Result<int64_t> BlockLength(BlockId block_id) override;

  // Runs one TTL pass at `now_ms` (the checker thread calls this; tests call it directly).
  Status CheckTtl(int64_t now_ms);

  size_t inode_count();
  std::string cluster_id();
  // Makes the next access to "/" sync its children with the UFS, durably (journaled): used after
  // the journal was initialised from a backup, whose UFS may have changed since.
  Status MarkRootForMetadataSync();
  int64_t NowMs() const { return options_.clock(); }

  // --- journal::Journaled ---
  Status Apply(const journal::JournalEntry& entry) override;
  void Reset() override;
  std::unique_ptr<journal::StateSnapshot> Snapshot(journal::Journal* journal) override;

  // Batch size of streamed listings.
  static constexpr size_t kListBatchSize = 1000;

 private:
  FileSystemMaster(FileSystemMasterOptions options, journal::Journal* journal,
                   BlockMaster* block_master);

  using SharedLock = std::shared_lock<std::shared_mutex>;
  using ExclusiveLock = std::unique_lock<std::shared_mutex>;

  // Apply without taking state_mu_. REQUIRES: state_mu_ held exclusively (or nothing else runs).
  Status ApplyEntry(const journal::JournalEntry& entry);
  // Applies `entry` and appends it to the journal; returns its sequence number.
  // REQUIRES: state_mu_ held exclusively.
  Result<journal::SequenceNumber> ApplyAndJournal(journal::JournalEntry entry,
                                                  const OperationContext& ctx);
  // Waits until `sn` is durable (or, under a DeferDurability, records it).
  Status WaitDurable(journal::SequenceNumber sn);
  // True (after waiting for durability of everything journaled so far) if the operation already
  // ran: a retry of an acknowledged request.
  bool IsRetryOfCompletedOperation(const OperationContext& ctx);

  // REQUIRES: state_mu_ held (either mode).
  FileInfo ToFileInfo(const Inode& inode, std::string path) const;
  std::string EffectiveUser(const OperationContext& ctx) const;
  // Resolves and checks traversal permission.
  Result<ResolvedPath> ResolveChecked(const OperationContext& ctx, const std::string& path);
  // InvalidArgument/PermissionDenied for writes under a read-only mount.
  Status CheckWritable(std::string_view path) const;

  // Metadata loading / sync from the UFS (ops/metadata_sync.cc). Called without locks.
  struct MetadataProbe {
    std::string alluxio_path;  // empty: the marker "list the target's children"
    std::string ufs_path;
  };
  struct MetadataLoadPlan {
    std::vector<MetadataProbe> probes;  // components to stat, first missing one to the target
    std::shared_ptr<ufs::UnderFileSystem> ufs;
    bool target_known = false;
  };
  // What LoadMetadataIfNeeded asks the UFS, decided under the shared lock; false when nothing
  // needs loading at all.
  bool PlanMetadataLoad(const std::string& path, grpc::LoadMetadataPType load_type, bool sync,
                        bool list_children, MetadataLoadPlan* plan);
  bool MetadataLoadNeedsUfs(std::string_view path, grpc::LoadMetadataPType load_type,
                            int64_t sync_interval_ms);
  Status LoadMetadataIfNeeded(const OperationContext& ctx, const std::string& path,
                              grpc::LoadMetadataPType load_type, int64_t sync_interval_ms,
                              bool list_children);
  Status LoadMetadataRecursive(const OperationContext& ctx, const std::string& path,
                               grpc::LoadMetadataPType load_type, int64_t sync_interval_ms);
  bool SyncDue(const std::string& path, int64_t sync_interval_ms);
  void RecordSync(const std::string& path);

  // Why `path` (a "file" or "directory", resolved to `r`) cannot be created, if it cannot.
  // REQUIRES: state_mu_ held.
  Status CheckCreatable(const std::string& user, const ResolvedPath& r, const std::string& path,
                        std::string_view kind, bool recursive);
  // Appends entries creating the directories of `path` missing from `r` (all of them with
  // `include_last`, else all but the last component); returns the id of the deepest directory.
  // REQUIRES: state_mu_ held exclusively.
  InodeId AddMissingDirectories(const ResolvedPath& r, std::string_view path, bool include_last,
                                const std::string& owner, const std::string& group, int32_t mode,
                                bool persisted, int64_t now,
                                std::vector<journal::JournalEntry>* entries);
  // Builds the entry for a new inode. REQUIRES: state_mu_ held.
  journal::JournalEntry NewDirectoryEntry(InodeId id, InodeId parent, std::string_view name,
                                          const std::string& owner, const std::string& group,
                                          int32_t mode, int64_t now) const;

  void TtlLoop();
  void PersistLoop();

  // Keeps pinned_files_ and persist_jobs_ in step with an inode just added or changed.
  // REQUIRES: state_mu_ held exclusively (or replay).
  void OnInodeChanged(InodeId id);
  // Ids of the files in the subtree of `id` (itself included). REQUIRES: state_mu_ held.
  std::vector<InodeId> FilesInSubtree(InodeId id) const;
  // Appends entries marking `file` PERSISTED with `fingerprint` and its not-persisted ancestor
  // directories (up to its mount point) PERSISTED. REQUIRES: state_mu_ held.
  void AppendPersistedEntries(const Inode& file, const std::string& fingerprint,
                              std::vector<journal::JournalEntry>* entries) const;
  // Creates an empty file (and its parent directories) in the UFS; returns its fingerprint.
  // Called without locks.
  static Result<std::string> CreateEmptyUfsFile(ufs::UnderFileSystem* ufs,
                                                const std::string& parent_ufs_path,
                                                const std::string& ufs_path, int32_t mode,
                                                const std::string& owner, const std::string& group,
                                                int32_t dir_mode);
  // (Re)starts the persistence clock of a queued file: ready after `wait_ms` (-1: never on its
  // own). REQUIRES: state_mu_ held exclusively.
  void TimePersistJob(InodeId id, int64_t wait_ms);

  FileSystemMasterOptions options_;
  journal::Journal* const journal_;
  PermissionChecker permissions_;

  mutable std::shared_mutex state_mu_;
  InodeTree tree_;          // GUARDED_BY(state_mu_)
  MountTable mount_table_;  // GUARDED_BY(state_mu_)
  std::string cluster_id_;  // GUARDED_BY(state_mu_)

  // Recently completed operation ids (bounded, oldest evicted first). Rebuilt by replay and
  // carried in checkpoints.
  static constexpr size_t kRetryCacheCapacity = 100000;
  std::mutex retry_mu_;
  absl::flat_hash_set<OperationId> retry_ids_;  // GUARDED_BY(retry_mu_)
  std::deque<OperationId> retry_order_;         // GUARDED_BY(retry_mu_)
  void RememberOperation(OperationId id);

  // Last UFS sync time per path (in memory only, as in Alluxio).
  std::mutex sync_mu_;
  absl::flat_hash_map<std::string, int64_t> last_sync_ms_;  // GUARDED_BY(sync_mu_)

  BlockMaster* const block_master_;            // may be null
  absl::flat_hash_set<InodeId> pinned_files_;  // GUARDED_BY(state_mu_); maintained by Apply

  // Files waiting to be persisted by a worker. Which files is deterministic (Apply adds a file
  // when it becomes TO_BE_PERSISTED, complete and non-empty, and removes it when it stops being
  // so or is deleted; replay rebuilds it); the timing is wall-clock and in memory only.
  struct PersistJob {
    int64_t ready_at_ms = 0;      // no attempt before
    int64_t first_queued_ms = 0;  // 0: not yet seen by the scheduler (e.g. replayed)
    int64_t backoff_ms = 0;       // last retry delay; 0 before the first failure
    WorkerId worker = 0;          // in flight on this worker (0: none)
    int64_t assigned_ms = 0;
    std::string ufs_path;  // where the worker was told to write it
  };
  std::mutex persist_mu_;
  absl::flat_hash_map<InodeId, PersistJob> persist_jobs_;  // GUARDED_BY(persist_mu_)
  // Commands for the next file system heartbeat of each worker.
  absl::flat_hash_map<WorkerId, std::vector<grpc::file::PersistFile>> pending_persists_;
  // GUARDED_BY(persist_mu_)
  // REQUIRES: persist_mu_. The job failed: retry after the next backoff step.
  void BackOff(PersistJob* job, int64_t now_ms);

  std::mutex ttl_mu_;  // also guards the persistence thread's stop flag
  std::condition_variable ttl_cv_;
  bool stopping_ = false;  // GUARDED_BY(ttl_mu_)
  std::thread ttl_thread_;
  std::thread persist_thread_;
};

}  // namespace alluxio::master
