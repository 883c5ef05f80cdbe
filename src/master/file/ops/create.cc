// SPDX-License-Identifier: Apache-2.0
// CreateDirectory, CreateFile, CompleteFile.
#include <fmt/format.h>

#include "common/path.h"
#include "master/file/file_system_master.h"
#include "master/file/ops/op_util.h"

namespace alluxio::master {

namespace pj = ::alluxio::proto::journal;

using internal::Batch;
using internal::CheckAncestorsAreDirectories;

Status FileSystemMaster::CheckCreatable(const std::string& user, const ResolvedPath& r,
                                        const std::string& path, std::string_view kind,
                                        bool recursive) {
  if (r.found()) {
    return AlreadyExistsError(
        fmt::format("Not allowed to create {} because path already exists: {}", kind, path));
  }
  RETURN_IF_ERROR(CheckAncestorsAreDirectories(r, path));
  if (!recursive && r.inodes.size() < r.num_components) {
    return NotFoundError(fmt::format("File {} creation failed. Component {}({}) does not exist",
                                     path, r.inodes.size(),
                                     PathComponents(path)[r.inodes.size() - 1]));
  }
  RETURN_IF_ERROR(CheckWritable(path));
  return permissions_.Check(user, *r.last(), kModeWrite, path);
}

InodeId FileSystemMaster::AddMissingDirectories(const ResolvedPath& r, std::string_view path,
                                                bool include_last, const std::string& owner,
                                                const std::string& group, int32_t mode,
                                                bool persisted, int64_t now,
                                                std::vector<journal::JournalEntry>* entries) {
  std::vector<std::string_view> comps = PathComponents(path);
  size_t end = include_last ? comps.size() : comps.size() - 1;
  InodeId parent = r.last()->id;
  for (size_t i = r.inodes.size() - 1; i < end; ++i) {
    InodeId id = tree_.PeekInodeId(static_cast<int>(entries->size()));
    journal::JournalEntry e = NewDirectoryEntry(id, parent, comps[i], owner, group, mode, now);
    if (persisted) e.mutable_inode_directory()->set_persistence_state(pj::PERSISTED);
    // A directory created by Alluxio has no UFS children to load.
    e.mutable_inode_directory()->set_direct_children_loaded(true);
    entries->push_back(std::move(e));
    parent = id;
  }
  return parent;
}

Status FileSystemMaster::CreateDirectory(const OperationContext& ctx, std::string_view raw_path,
                                         const grpc::file::CreateDirectoryPOptions& options) {
  ASSIGN_OR_RETURN(std::string path, NormalizePath(raw_path));
  if (IsRetryOfCompletedOperation(ctx)) return Status();
  const std::string user = EffectiveUser(ctx);
  // Let a directory that exists only in the UFS be known first (load type ONCE).
  RETURN_IF_ERROR(LoadMetadataIfNeeded(ctx, path, grpc::ONCE,
                                       internal::SyncIntervalOf(options.common_options()), false));
  auto validate = [&](const ResolvedPath& r) -> Status {
    if (r.found()) {
      if (options.allow_exists() && r.target()->is_directory) return Status();
      if (path == "/") return AlreadyExistsError("Not allowed to create existing root path: /");
    }
    return CheckCreatable(user, r, path, "directory", options.recursive());
  };

  std::string ufs_path;
  std::shared_ptr<ufs::UnderFileSystem> ufs;
  {
    SharedLock lock(state_mu_);
    ASSIGN_OR_RETURN(ResolvedPath r, ResolveChecked(ctx, path));
    RETURN_IF_ERROR(validate(r));
    if (r.found()) return Status();  // allow_exists
    MountResolution res = mount_table_.Resolve(path);
    ufs_path = res.ufs_path;
    ufs = res.mount->ufs;
  }
  int32_t mode = options.has_mode() ? options.mode() : (0777 & ~options_.umask);
  if (options.persist()) {
    ufs::CreateOptions co;
    co.mode = mode;
    Status s = ufs->Mkdirs(ufs_path, /*parents=*/true, co);
    if (s.code() == StatusCode::kAlreadyExists) {
      auto st = ufs->GetStatus(ufs_path);
      if (st.ok() && st->is_directory) s = Status();
    }
    RETURN_IF_ERROR(s.WithContext("create directory in the UFS"));
  }

  // Group lookups may ask the name service: not under the state lock.
  const std::vector<std::string> groups = permissions_.GroupsOf(user);
  journal::SequenceNumber sn;
  {
    ExclusiveLock lock(state_mu_);
    ResolvedPath r = tree_.Resolve(path);
    RETURN_IF_ERROR(validate(r));
    if (r.found()) return Status();
    const std::string group = groups.empty() ? r.last()->group : groups[0];
    int64_t now = NowMs();
    std::vector<journal::JournalEntry> entries;
    AddMissingDirectories(r, path, /*include_last=*/true, user, group, mode, options.persist(), now,
                          &entries);
    journal::JournalEntry touch_parent;
    touch_parent.mutable_update_inode()->set_id(r.last()->id);
    touch_parent.mutable_update_inode()->set_last_modification_time_ms(now);
    entries.push_back(std::move(touch_parent));
    ASSIGN_OR_RETURN(sn, ApplyAndJournal(Batch(std::move(entries)), ctx));
  }
  return WaitDurable(sn);
}

Result<FileInfo> FileSystemMaster::CreateFile(const OperationContext& ctx,
                                              std::string_view raw_path,
                                              const grpc::file::CreateFilePOptions& options) {
  ASSIGN_OR_RETURN(std::string path, NormalizePath(raw_path));
  if (IsRetryOfCompletedOperation(ctx)) {
    return GetStatus(ctx, path, grpc::file::GetStatusPOptions());
  }
  if (path == "/") {
    return AlreadyExistsError("Not allowed to create existing root path: /");
  }
  const std::string user = EffectiveUser(ctx);
  RETURN_IF_ERROR(LoadMetadataIfNeeded(ctx, path, grpc::ONCE,
                                       internal::SyncIntervalOf(options.common_options()), false));
  if (options.overwrite()) {
    grpc::file::DeletePOptions del;
    del.set_recursive(false);
    Status s = Delete(OperationContext{ctx.user, {0, 0}}, path, del);
    if (!s.ok() && s.code() != StatusCode::kNotFound) return s;
  }
  auto validate = [&](const ResolvedPath& r) -> Status {
    return CheckCreatable(user, r, path, "file", options.recursive());
  };
  std::string parent_ufs_path;
  std::shared_ptr<ufs::UnderFileSystem> ufs;
  bool parents_missing = false;
  {
    SharedLock lock(state_mu_);
    ASSIGN_OR_RETURN(ResolvedPath r, ResolveChecked(ctx, path));
    RETURN_IF_ERROR(validate(r));
    parents_missing = r.inodes.size() < r.num_components;
    MountResolution res = mount_table_.Resolve(ParentPath(path));
    parent_ufs_path = res.ufs_path;
    ufs = res.mount->ufs;
  }
  int32_t dir_mode = 0777 & ~options_.umask;
  if (options.persist() && parents_missing) {
    ufs::CreateOptions co;
    co.mode = dir_mode;
    Status s = ufs->Mkdirs(parent_ufs_path, true, co);
    if (s.code() == StatusCode::kAlreadyExists) s = Status();
    RETURN_IF_ERROR(s.WithContext("create parent directories in the UFS"));
  }
  // Group lookups may ask the name service: not under the state lock.
  const std::vector<std::string> groups = permissions_.GroupsOf(user);
  journal::SequenceNumber sn;
  FileInfo info;
  {
    ExclusiveLock lock(state_mu_);
    ResolvedPath r = tree_.Resolve(path);
    RETURN_IF_ERROR(validate(r));
    const std::string group = groups.empty() ? r.last()->group : groups[0];
    int64_t now = NowMs();
    std::vector<journal::JournalEntry> entries;
    InodeId parent = AddMissingDirectories(r, path, /*include_last=*/false, user, group, dir_mode,
                                           options.persist(), now, &entries);
    InodeId id = tree_.PeekInodeId(static_cast<int>(entries.size()));
    journal::JournalEntry fe;
    auto* f = fe.mutable_inode_file();
    f->set_id(id);
    f->set_parent_id(parent);
    f->set_name(std::string(PathName(path)));
    f->set_owner(user);
    f->set_group(group);
    f->set_mode(options.has_mode() ? options.mode() : (0666 & ~options_.umask));
    f->set_creation_time_ms(now);
    f->set_last_modification_time_ms(now);
    f->set_block_size_bytes(options.block_size_bytes() > 0 ? options.block_size_bytes()
                                                           : options_.default_block_size);
    f->set_persistence_state(options.persist() ? pj::TO_BE_PERSISTED : pj::NOT_PERSISTED);
    f->set_cacheable(true);
    const auto& common = options.common_options();
    f->set_ttl(common.has_ttl() ? common.ttl() : -1);
    f->set_ttl_action(static_cast<pj::TtlAction>(common.ttl_action()));
    entries.push_back(std::move(fe));
    journal::JournalEntry touch_parent;
    touch_parent.mutable_update_inode()->set_id(r.last()->id);
    touch_parent.mutable_update_inode()->set_last_modification_time_ms(now);
    entries.push_back(std::move(touch_parent));
    ASSIGN_OR_RETURN(sn, ApplyAndJournal(Batch(std::move(entries)), ctx));
    info = ToFileInfo(*tree_.Get(id), path);
  }
  RETURN_IF_ERROR(WaitDurable(sn));
  return info;
}

Status FileSystemMaster::CompleteFile(const OperationContext& ctx, std::string_view raw_path,
                                      const grpc::file::CompleteFilePOptions& options) {
  ASSIGN_OR_RETURN(std::string path, NormalizePath(raw_path));
  if (IsRetryOfCompletedOperation(ctx)) return Status();
  const std::string user = EffectiveUser(ctx);
  auto validate = [&](const ResolvedPath& r) -> Status {
    if (!r.found()) return internal::PathDoesNotExist(path);
    const Inode* f = r.target();
    if (f->is_directory) {
      return InvalidArgumentError(fmt::format("Path \"{}\" must be a file.", path));
    }
    if (f->completed) {
      return FailedPreconditionError(fmt::format("File {} has already been completed.", path));
    }
    return permissions_.Check(user, *f, kModeWrite, path);
  };
  int64_t length = options.has_ufs_length() ? options.ufs_length() : 0;
  bool persist_now = false;
  std::string ufs_path;
  std::shared_ptr<ufs::UnderFileSystem> ufs;
  int32_t mode = 0644;
  std::string owner, group;
  {
    SharedLock lock(state_mu_);
    ASSIGN_OR_RETURN(ResolvedPath r, ResolveChecked(ctx, path));
    RETURN_IF_ERROR(validate(r));
    const Inode* f = r.target();
    if (length < 0)
      return InvalidArgumentError(fmt::format("Invalid length {} for {}", length, path));
    // The data path persists files with data; an empty file needs no data, only the UFS file.
    persist_now = f->persistence_state == pj::TO_BE_PERSISTED && length == 0;
    MountResolution res = mount_table_.Resolve(path);
    ufs_path = res.ufs_path;
    ufs = res.mount->ufs;
    mode = f->mode;
    owner = f->owner;
    group = f->group;
  }
  std::string fingerprint;
  if (persist_now) {
    ufs::CreateOptions co;
    co.mode = mode;
    co.owner = owner;
    co.group = group;
    ASSIGN_OR_RETURN(auto out, ufs->Create(ufs_path, co));
    RETURN_IF_ERROR(out->Close().WithContext("create empty file in the UFS"));
    auto st = ufs->GetStatus(ufs_path);
    if (st.ok()) fingerprint = st->Fingerprint();
  }
  journal::SequenceNumber sn;
  {
    ExclusiveLock lock(state_mu_);
    ResolvedPath r = tree_.Resolve(path);
    RETURN_IF_ERROR(validate(r));
    std::vector<journal::JournalEntry> entries;
    journal::JournalEntry ce;
    auto* c = ce.mutable_complete_file();
    c->set_id(r.target()->id);
    c->set_length(length);
    c->set_op_time_ms(NowMs());
    if (!fingerprint.empty()) c->set_ufs_fingerprint(fingerprint);
    entries.push_back(std::move(ce));
    if (persist_now) {
      journal::JournalEntry pe;
      pe.mutable_update_inode()->set_id(r.target()->id);
      pe.mutable_update_inode()->set_persistence_state(pj::PERSISTED);
      entries.push_back(std::move(pe));
    }
    ASSIGN_OR_RETURN(sn, ApplyAndJournal(Batch(std::move(entries)), ctx));
  }
  return WaitDurable(sn);
}

}  // namespace alluxio::master
