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
    *f->mutable_xattr() = options.xattr();
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
  if (length < 0)
    return InvalidArgumentError(fmt::format("Invalid length {} for {}", length, path));
  const bool async_persist = options.has_async_persist_options();
  // What completing does to the UFS:
  //   kCreateEmpty: an empty file to persist (persist=true, or ASYNC_THROUGH) is created here;
  //   kCheckWritten: a CACHE_THROUGH/THROUGH writer had a worker write the UFS file: check it;
  //   kQueue: ASYNC_THROUGH with data: TO_BE_PERSISTED, a worker persists it later;
  //   kNone: MUST_CACHE.
  enum class Persist { kNone, kCreateEmpty, kCheckWritten, kQueue };
  auto decide = [&](const Inode& f) {
    if (f.persistence_state == pj::TO_BE_PERSISTED) {
      return length == 0 ? Persist::kCreateEmpty : Persist::kCheckWritten;
    }
    if (async_persist && f.persistence_state == pj::NOT_PERSISTED) {
      return length == 0 ? Persist::kCreateEmpty : Persist::kQueue;
    }
    return Persist::kNone;
  };
  Persist persist = Persist::kNone;
  std::string ufs_path, parent_ufs_path;
  std::shared_ptr<ufs::UnderFileSystem> ufs;
  int32_t mode = 0644;
  std::string owner, group;
  {
    SharedLock lock(state_mu_);
    ASSIGN_OR_RETURN(ResolvedPath r, ResolveChecked(ctx, path));
    RETURN_IF_ERROR(validate(r));
    const Inode* f = r.target();
    persist = decide(*f);
    MountResolution res = mount_table_.Resolve(path);
    ufs_path = res.ufs_path;
    parent_ufs_path = mount_table_.Resolve(ParentPath(path)).ufs_path;
    ufs = res.mount->ufs;
    mode = f->mode;
    owner = f->owner;
    group = f->group;
  }
  // UFS work, without locks.
  std::string fingerprint;
  if (persist == Persist::kCreateEmpty) {
    ASSIGN_OR_RETURN(fingerprint, CreateEmptyUfsFile(ufs.get(), parent_ufs_path, ufs_path, mode,
                                                     owner, group, 0777 & ~options_.umask));
  } else if (persist == Persist::kCheckWritten) {
    Result<ufs::UfsStatus> st = ufs->GetStatus(ufs_path);
    if (!st.ok()) {
      if (st.status().code() != StatusCode::kNotFound) {
        return st.status().WithContext(fmt::format("Cannot complete {}", path));
      }
      return FailedPreconditionError(
          fmt::format("Cannot complete {}: its file {} does not exist in the under file system",
                      path, ufs_path));
    }
    if (st->is_directory || st->length != length) {
      return FailedPreconditionError(fmt::format(
          "Cannot complete {} with length {}: its file {} in the under file system has length {}",
          path, length, ufs_path, st->is_directory ? -1 : st->length));
    }
    fingerprint = options.content_hash().empty() ? st->Fingerprint() : options.content_hash();
  }
  journal::SequenceNumber sn;
  {
    ExclusiveLock lock(state_mu_);
    ResolvedPath r = tree_.Resolve(path);
    RETURN_IF_ERROR(validate(r));
    const Inode* f = r.target();
    if (decide(*f) != persist) {
      return AbortedError(fmt::format("{} changed while it was being completed; retry", path));
    }
    std::vector<journal::JournalEntry> entries;
    journal::JournalEntry ce;
    auto* c = ce.mutable_complete_file();
    c->set_id(f->id);
    c->set_length(length);
    const int64_t bs = f->block_size_bytes;
    const int64_t blocks = (length > 0 && bs > 0) ? (length + bs - 1) / bs : 0;
    for (int64_t i = 0; i < blocks; ++i) c->add_block_ids(BlockIdOf(f->id, i));
    c->set_op_time_ms(NowMs());
    if (!fingerprint.empty()) c->set_ufs_fingerprint(fingerprint);
    entries.push_back(std::move(ce));
    if (persist == Persist::kCreateEmpty || persist == Persist::kCheckWritten) {
      AppendPersistedEntries(*f, fingerprint, &entries);
    } else if (persist == Persist::kQueue) {
      journal::JournalEntry pe;
      pe.mutable_update_inode()->set_id(f->id);
      pe.mutable_update_inode()->set_persistence_state(pj::TO_BE_PERSISTED);
      entries.push_back(std::move(pe));
    }
    const InodeId id = f->id;
    ASSIGN_OR_RETURN(sn, ApplyAndJournal(Batch(std::move(entries)), ctx));
    if (persist == Persist::kQueue) {
      TimePersistJob(id, options.async_persist_options().has_persistence_wait_time()
                             ? options.async_persist_options().persistence_wait_time()
                             : 0);
    }
  }
  return WaitDurable(sn);
}

}  // namespace alluxio::master
