// SPDX-License-Identifier: Apache-2.0
// Delete (rm): removes an inode (and, with recursive, its subtree) from Alluxio and, unless
// alluxio_only, the persisted data from the UFS first.
#include <fmt/format.h>

#include "common/path.h"
#include "master/file/file_system_master.h"
#include "master/file/ops/op_util.h"

namespace alluxio::master {

Status FileSystemMaster::Delete(const OperationContext& ctx, std::string_view raw_path,
                                const grpc::file::DeletePOptions& options) {
  ASSIGN_OR_RETURN(std::string path, NormalizePath(raw_path));
  if (IsRetryOfCompletedOperation(ctx)) return Status();
  if (path == "/") return InvalidArgumentError("Cannot delete the root directory");
  const std::string user = EffectiveUser(ctx);
  int64_t sync = internal::SyncIntervalOf(options.common_options());
  RETURN_IF_ERROR(LoadMetadataIfNeeded(ctx, path, grpc::ONCE, sync, /*list_children=*/true));

  auto validate = [&](const ResolvedPath& r) -> Status {
    if (!r.found()) return internal::PathDoesNotExist(path);
    const Inode* t = r.target();
    if (t->is_directory && t->child_count() > 0 && !options.recursive()) {
      return FailedPreconditionError(fmt::format(
          "Cannot delete non-empty directory {} because recursive is set to false", t->name));
    }
    if (t->mount_point) {
      return FailedPreconditionError(
          fmt::format("{} is a mount point. Unmount it instead of deleting it", path));
    }
    for (const MountInfo* m : mount_table_.All()) {
      if (m->alluxio_path != "/" && PathHasPrefix(m->alluxio_path, path)) {
        return FailedPreconditionError(
            fmt::format("Cannot delete {}: it contains the mount point {}. Unmount it first", path,
                        m->alluxio_path));
      }
    }
    if (!options.alluxio_only()) RETURN_IF_ERROR(CheckWritable(path));
    return permissions_.Check(user, *r.inodes[r.inodes.size() - 2], kModeWrite, path);
  };

  bool delete_in_ufs = false;
  bool is_dir = false;
  std::string ufs_path;
  std::shared_ptr<ufs::UnderFileSystem> ufs;
  {
    SharedLock lock(state_mu_);
    ASSIGN_OR_RETURN(ResolvedPath r, ResolveChecked(ctx, path));
    RETURN_IF_ERROR(validate(r));
    const Inode* t = r.target();
    is_dir = t->is_directory;
    delete_in_ufs = !options.alluxio_only() && t->persisted();
    MountResolution res = mount_table_.Resolve(path);
    ufs_path = res.ufs_path;
    ufs = res.mount->ufs;
  }
  if (delete_in_ufs) {
    Status s =
        is_dir ? ufs->DeleteDirectory(ufs_path, /*recursive=*/true) : ufs->DeleteFile(ufs_path);
    if (!s.ok() && s.code() != StatusCode::kNotFound) {
      // Alluxio's DELETE_FAILED_UFS, with "<uri> (<reason>)" as its argument.
      return Status(s.code(), fmt::format("Failed to delete {} ({}) from the under file system",
                                          path, s.message()));
    }
  }
  journal::SequenceNumber sn;
  {
    ExclusiveLock lock(state_mu_);
    ResolvedPath r = tree_.Resolve(path);
    RETURN_IF_ERROR(validate(r));
    journal::JournalEntry e;
    e.mutable_delete_file()->set_id(r.target()->id);
    e.mutable_delete_file()->set_recursive(options.recursive());
    e.mutable_delete_file()->set_op_time_ms(NowMs());
    ASSIGN_OR_RETURN(sn, ApplyAndJournal(std::move(e), ctx));
  }
  return WaitDurable(sn);
}

}  // namespace alluxio::master
