// SPDX-License-Identifier: Apache-2.0
// Rename (mv): atomic within one mount; the UFS is renamed first for persisted inodes.
#include <fmt/format.h>

#include "common/path.h"
#include "master/file/file_system_master.h"
#include "master/file/ops/op_util.h"

namespace alluxio::master {

Status FileSystemMaster::Rename(const OperationContext& ctx, std::string_view raw_src,
                                std::string_view raw_dst,
                                const grpc::file::RenamePOptions& options) {
  ASSIGN_OR_RETURN(std::string src, NormalizePath(raw_src));
  ASSIGN_OR_RETURN(std::string dst, NormalizePath(raw_dst));
  if (IsRetryOfCompletedOperation(ctx)) return Status();
  if (src == "/") return InvalidArgumentError("The root directory cannot be renamed");
  if (dst == "/") return InvalidArgumentError("Cannot rename a path to the root directory");
  if (src != dst && PathHasPrefix(dst, src)) {
    return InvalidArgumentError(
        fmt::format("Cannot rename because {} is a prefix of {}", src, dst));
  }
  const std::string user = EffectiveUser(ctx);
  int64_t sync = internal::SyncIntervalOf(options.common_options());
  RETURN_IF_ERROR(LoadMetadataIfNeeded(ctx, src, grpc::ONCE, sync, false));
  RETURN_IF_ERROR(LoadMetadataIfNeeded(ctx, dst, grpc::ONCE, sync, false));

  auto validate = [&](const ResolvedPath& s, const ResolvedPath& d) -> Status {
    if (!s.found()) return internal::PathDoesNotExist(src);
    if (src == dst) return Status();
    if (d.found()) {
      return AlreadyExistsError(fmt::format(
          "Cannot rename because destination already exists. src: {} dst: {}", src, dst));
    }
    if (d.inodes.size() != d.num_components) return internal::PathDoesNotExist(ParentPath(dst));
    if (!d.last()->is_directory) {
      return InvalidArgumentError(fmt::format("{} does not have a valid parent", dst));
    }
    if (s.target()->mount_point) {
      return InvalidArgumentError(fmt::format("{} is a mount point and cannot be renamed", src));
    }
    MountResolution ms = mount_table_.Resolve(src), md = mount_table_.Resolve(dst);
    if (ms.mount != md.mount) {
      return InvalidArgumentError(
          fmt::format("Renaming {} to {} is a cross mount operation", src, dst));
    }
    RETURN_IF_ERROR(CheckWritable(src));
    RETURN_IF_ERROR(permissions_.Check(user, *s.inodes[s.inodes.size() - 2], kModeWrite, src));
    return permissions_.Check(user, *d.last(), kModeWrite, dst);
  };

  bool rename_in_ufs = false;
  std::string ufs_src, ufs_dst, ufs_dst_parent;
  std::shared_ptr<ufs::UnderFileSystem> ufs;
  {
    SharedLock lock(state_mu_);
    ASSIGN_OR_RETURN(ResolvedPath s, ResolveChecked(ctx, src));
    ASSIGN_OR_RETURN(ResolvedPath d, ResolveChecked(ctx, dst));
    RETURN_IF_ERROR(validate(s, d));
    if (src == dst) return Status();
    rename_in_ufs = s.target()->persisted();
    MountResolution ms = mount_table_.Resolve(src);
    ufs = ms.mount->ufs;
    ufs_src = ms.ufs_path;
    ufs_dst = mount_table_.Resolve(dst).ufs_path;
    ufs_dst_parent = mount_table_.Resolve(ParentPath(dst)).ufs_path;
  }
  if (rename_in_ufs) {
    ufs::CreateOptions co;
    co.mode = 0777 & ~options_.umask;
    Status m = ufs->Mkdirs(ufs_dst_parent, true, co);
    if (!m.ok() && m.code() != StatusCode::kAlreadyExists) return m;
    RETURN_IF_ERROR(
        ufs->Rename(ufs_src, ufs_dst)
            .WithContext(fmt::format("Failed to rename {} to {} in the under file system", ufs_src,
                                     ufs_dst)));
  }
  journal::SequenceNumber sn;
  {
    ExclusiveLock lock(state_mu_);
    ResolvedPath s = tree_.Resolve(src);
    ResolvedPath d = tree_.Resolve(dst);
    RETURN_IF_ERROR(validate(s, d));
    journal::JournalEntry e;
    auto* re = e.mutable_rename();
    re->set_id(s.target()->id);
    re->set_new_parent_id(d.last()->id);
    re->set_new_name(std::string(PathName(dst)));
    re->set_op_time_ms(NowMs());
    ASSIGN_OR_RETURN(sn, ApplyAndJournal(std::move(e), ctx));
  }
  return WaitDurable(sn);
}

}  // namespace alluxio::master
