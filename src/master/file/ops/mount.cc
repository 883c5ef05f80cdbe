// SPDX-License-Identifier: Apache-2.0
// Mount and Unmount. A mount point is a directory inode plus a mount-table entry, journaled
// together in one batch.
#include <fmt/format.h>

#include "common/path.h"
#include "master/file/file_system_master.h"
#include "master/file/ops/op_util.h"

namespace alluxio::master {

namespace pj = ::alluxio::proto::journal;

Status FileSystemMaster::Mount(const OperationContext& ctx, std::string_view raw_path,
                               std::string_view ufs_uri_view,
                               const grpc::file::MountPOptions& options) {
  ASSIGN_OR_RETURN(std::string path, NormalizePath(raw_path));
  if (IsRetryOfCompletedOperation(ctx)) return Status();
  std::string ufs_uri(ufs_uri_view);
  if (ufs_uri.empty()) return InvalidArgumentError("The UFS path to mount must not be empty");
  if (path == "/") {
    return AlreadyExistsError(
        "Mount point target path / already exists in Alluxio namespace. Try mounting to another "
        "path.");
  }
  const std::string user = EffectiveUser(ctx);
  RETURN_IF_ERROR(LoadMetadataIfNeeded(ctx, path, grpc::ONCE, -1, false));

  auto validate = [&](const ResolvedPath& r) -> Status {
    if (r.found()) {
      return AlreadyExistsError(fmt::format(
          "Mount point target path {} already exists in Alluxio namespace. Try mounting to "
          "another path.",
          path));
    }
    if (r.inodes.size() != r.num_components || !r.last()->is_directory) {
      return NotFoundError(
          fmt::format("Cannot mount at {}: the parent {} does not exist", path, ParentPath(path)));
    }
    RETURN_IF_ERROR(mount_table_.CheckNewMount(path, ufs_uri));
    RETURN_IF_ERROR(CheckWritable(ParentPath(path)));
    return permissions_.Check(user, *r.last(), kModeWrite, path);
  };
  std::string shadowed_ufs_path;
  std::shared_ptr<ufs::UnderFileSystem> parent_ufs;
  {
    SharedLock lock(state_mu_);
    ASSIGN_OR_RETURN(ResolvedPath r, ResolveChecked(ctx, path));
    RETURN_IF_ERROR(validate(r));
    MountResolution parent = mount_table_.Resolve(path);
    shadowed_ufs_path = parent.ufs_path;
    parent_ufs = parent.mount->ufs;
  }
  // The mount would hide what the parent mount's UFS has at that path.
  if (auto exists = parent_ufs->Exists(shadowed_ufs_path); exists.ok() && *exists) {
    return InvalidArgumentError(
        fmt::format("Mount path {} shadows an existing path {} in the parent underlying filesystem",
                    path, shadowed_ufs_path));
  }
  ufs::UfsOptions ufs_options(options.properties().begin(), options.properties().end());
  ASSIGN_OR_RETURN(auto ufs, ufs::CreateUnderFileSystem(ufs_uri, ufs_options));
  auto st = ufs->GetStatus(ufs_uri);
  if (!st.ok()) {
    if (st.status().code() == StatusCode::kNotFound) {
      return NotFoundError(fmt::format("Ufs path {} does not exist", ufs_uri));
    }
    return st.status().WithContext("mount " + ufs_uri);
  }
  if (!st->is_directory) {
    return InvalidArgumentError(fmt::format("Ufs path {} does not exist", ufs_uri));
  }
  journal::SequenceNumber sn;
  {
    ExclusiveLock lock(state_mu_);
    ResolvedPath r = tree_.Resolve(path);
    RETURN_IF_ERROR(validate(r));
    int64_t now = NowMs();
    std::vector<journal::JournalEntry> entries;
    journal::JournalEntry dir = NewDirectoryEntry(
        tree_.NextInodeId(), r.last()->id, PathName(path), st->owner.empty() ? user : st->owner,
        st->group.empty() ? r.last()->group : st->group, st->mode != 0 ? st->mode : 0755, now);
    dir.mutable_inode_directory()->set_mount_point(true);
    dir.mutable_inode_directory()->set_persistence_state(pj::PERSISTED);
    entries.push_back(std::move(dir));
    journal::JournalEntry m;
    auto* am = m.mutable_add_mount_point();
    am->set_alluxio_path(path);
    am->set_ufs_path(ufs_uri);
    am->set_mount_id(mount_table_.NextMountId());
    am->set_read_only(options.read_only());
    am->set_shared(options.shared());
    for (const auto& [k, v] : ufs_options) {
      auto* p = am->add_properties();
      p->set_key(k);
      p->set_value(v);
    }
    entries.push_back(std::move(m));
    ASSIGN_OR_RETURN(sn, ApplyAndJournal(internal::Batch(std::move(entries)), ctx));
  }
  return WaitDurable(sn);
}

Status FileSystemMaster::Unmount(const OperationContext& ctx, std::string_view raw_path) {
  ASSIGN_OR_RETURN(std::string path, NormalizePath(raw_path));
  if (IsRetryOfCompletedOperation(ctx)) return Status();
  if (path == "/") {
    return InvalidArgumentError(
        "Failed to unmount /. Please ensure the path is an existing mount point and not root.");
  }
  const std::string user = EffectiveUser(ctx);
  auto validate = [&](const ResolvedPath& r) -> Status {
    if (!r.found()) {
      return NotFoundError(fmt::format("Failed to unmount: Path {} does not exist", path));
    }
    if (mount_table_.GetExact(path) == nullptr) {
      return InvalidArgumentError(fmt::format(
          "Failed to unmount {}. Please ensure the path is an existing mount point.", path));
    }
    for (const MountInfo* m : mount_table_.All()) {
      if (m->alluxio_path != path && PathHasPrefix(m->alluxio_path, path)) {
        return FailedPreconditionError(fmt::format(
            "Failed to unmount {}. Please ensure the path is an existing mount point and not "
            "root.",
            path));
      }
    }
    return permissions_.Check(user, *r.inodes[r.inodes.size() - 2], kModeWrite, path);
  };
  journal::SequenceNumber sn;
  {
    ExclusiveLock lock(state_mu_);
    ASSIGN_OR_RETURN(ResolvedPath r, ResolveChecked(ctx, path));
    RETURN_IF_ERROR(validate(r));
    std::vector<journal::JournalEntry> entries;
    journal::JournalEntry d;
    d.mutable_delete_file()->set_id(r.target()->id);
    d.mutable_delete_file()->set_recursive(true);
    d.mutable_delete_file()->set_op_time_ms(NowMs());
    entries.push_back(std::move(d));
    journal::JournalEntry m;
    m.mutable_delete_mount_point()->set_alluxio_path(path);
    entries.push_back(std::move(m));
    ASSIGN_OR_RETURN(sn, ApplyAndJournal(internal::Batch(std::move(entries)), ctx));
  }
  return WaitDurable(sn);
}

}  // namespace alluxio::master
