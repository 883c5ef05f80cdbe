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
// Thread-safety: thread-safe. Lock order: state_mu_ before retry_mu_ / sync_mu_.
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
#include "master/file/inode_tree.h"
#include "master/file/mount_table.h"
#include "master/file/permission_checker.h"

namespace alluxio::master {

using FileInfo = ::alluxio::grpc::FileInfo;
using OperationId = std::pair<int64_t, int64_t>;  // (most, least) significant bits; (0,0) = none

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
  std::function<int64_t()> clock;  // wall-clock ms; defaults to the system clock

  static Result<FileSystemMasterOptions> FromConfiguration(const conf::Configuration& conf);
};

class FileSystemMaster : public journal::Journaled {
 public:
  // `journal` must outlive the master. Call journal->Start(master) and then Initialize().
  static Result<std::unique_ptr<FileSystemMaster>> Create(FileSystemMasterOptions options,
                                                          journal::Journal* journal);
  ~FileSystemMaster() override;

  // After replay: creates the root inode and the cluster id on a fresh journal, starts the TTL
  // checker.
  Status Initialize();
  // Stops background threads. Idempotent.
  void Stop();

  // --- Namespace operations (thread-safe; block until durable) ---
  Status CreateDirectory(const OperationContext& ctx, std::string_view path,
                         const grpc::file::CreateDirectoryPOptions& options);
  Result<FileInfo> CreateFile(const OperationContext& ctx, std::string_view path,
                              const grpc::file::CreateFilePOptions& options);
  Status CompleteFile(const OperationContext& ctx, std::string_view path,
                      const grpc::file::CompleteFilePOptions& options);
  Result<FileInfo> GetStatus(const OperationContext& ctx, std::string_view path,
                             const grpc::file::GetStatusPOptions& options);
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

  // Runs one TTL pass at `now_ms` (the checker thread calls this; tests call it directly).
  Status CheckTtl(int64_t now_ms);

  size_t inode_count();
  std::string cluster_id();
  int64_t NowMs() const { return options_.clock(); }

  // --- journal::Journaled ---
  Status Apply(const journal::JournalEntry& entry) override;
  void Reset() override;
  std::unique_ptr<journal::StateSnapshot> Snapshot(journal::Journal* journal) override;

  // Batch size of streamed listings.
  static constexpr size_t kListBatchSize = 1000;

 private:
  FileSystemMaster(FileSystemMasterOptions options, journal::Journal* journal);

  using SharedLock = std::shared_lock<std::shared_mutex>;
  using ExclusiveLock = std::unique_lock<std::shared_mutex>;

  // Applies `entry` and appends it to the journal; returns its sequence number.
  // REQUIRES: state_mu_ held exclusively.
  Result<journal::SequenceNumber> ApplyAndJournal(journal::JournalEntry entry,
                                                  const OperationContext& ctx);
  // Waits until `sn` is durable.
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

  std::mutex ttl_mu_;
  std::condition_variable ttl_cv_;
  bool stopping_ = false;  // GUARDED_BY(ttl_mu_)
  std::thread ttl_thread_;
};

}  // namespace alluxio::master
