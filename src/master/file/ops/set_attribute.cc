// SPDX-License-Identifier: Apache-2.0
// SetAttribute: mode, owner, group (optionally recursive), pinned (recursive on directories, as
// Alluxio pins every file below), TTL and TTL action, persisted, extended attributes (added or
// replaced, on the target only).
#include <fmt/format.h>

#include "common/path.h"
#include "master/file/file_system_master.h"
#include "master/file/ops/op_util.h"

namespace alluxio::master {

namespace pj = ::alluxio::proto::journal;

Status FileSystemMaster::SetAttribute(const OperationContext& ctx, std::string_view raw_path,
                                      const grpc::file::SetAttributePOptions& options) {
  ASSIGN_OR_RETURN(std::string path, NormalizePath(raw_path));
  if (IsRetryOfCompletedOperation(ctx)) return Status();
  const std::string user = EffectiveUser(ctx);
  const auto& common = options.common_options();
  if (options.has_mode() && (options.mode() < 0 || options.mode() > 07777)) {
    return InvalidArgumentError(fmt::format("Invalid mode {:o} for {}", options.mode(), path));
  }
  int64_t sync = internal::SyncIntervalOf(common);
  RETURN_IF_ERROR(LoadMetadataIfNeeded(ctx, path, grpc::ONCE, sync, false));
  const bool changes_permissions = options.has_owner() || options.has_group() || options.has_mode();
  const bool recurse_permissions = changes_permissions && options.recursive();
  const bool recurse_pin = options.has_pinned();

  auto validate = [&](const ResolvedPath& r) -> Status {
    if (!r.found()) return internal::PathDoesNotExist(path);
    const Inode* t = r.target();
    if (options.has_owner() && !permissions_.IsSuperUser(user) && permissions_.enabled()) {
      return PermissionDeniedError(
          fmt::format("Permission denied: only the superuser can change the owner of {} (user={})",
                      path, user));
    }
    if (options.has_group() && permissions_.enabled() && !permissions_.IsSuperUser(user)) {
      RETURN_IF_ERROR(permissions_.CheckOwner(user, *t, path));
      std::vector<std::string> groups = permissions_.GroupsOf(user);
      if (std::find(groups.begin(), groups.end(), options.group()) == groups.end()) {
        return PermissionDeniedError(fmt::format(
            "Permission denied: user={} is not a member of group {}", user, options.group()));
      }
    }
    if (options.has_mode()) RETURN_IF_ERROR(permissions_.CheckOwner(user, *t, path));
    if (options.has_pinned() || common.has_ttl() || options.has_persisted() ||
        !options.xattr().empty()) {
      RETURN_IF_ERROR(permissions_.Check(user, *t, kModeWrite, path));
    }
    if (options.has_owner() && options.owner().empty()) {
      return InvalidArgumentError("The owner must not be empty");
    }
    return Status();
  };

  // Inodes to change, with their paths and whether the UFS holds them.
  struct Target {
    InodeId id;
    std::string path;
    std::string ufs_path;
    bool persisted;
  };
  std::vector<Target> targets;
  std::shared_ptr<ufs::UnderFileSystem> ufs;
  auto collect = [&](const ResolvedPath& r) {
    targets.clear();
    std::vector<std::pair<const Inode*, std::string>> stack{{r.target(), path}};
    while (!stack.empty()) {
      auto [inode, p] = std::move(stack.back());
      stack.pop_back();
      targets.push_back(Target{inode->id, p, "", inode->persisted()});
      if ((recurse_permissions || recurse_pin) && inode->is_directory) {
        for (const Inode* child : inode->children()) {
          stack.emplace_back(child, JoinPath(p, child->name));
        }
      }
    }
  };
  {
    SharedLock lock(state_mu_);
    ASSIGN_OR_RETURN(ResolvedPath r, ResolveChecked(ctx, path));
    RETURN_IF_ERROR(validate(r));
    collect(r);
    for (Target& t : targets) {
      MountResolution res = mount_table_.Resolve(t.path);
      t.ufs_path = res.ufs_path;
      if (!ufs) ufs = res.mount->ufs;
    }
  }
  // Permission changes of persisted inodes go to the UFS first (as in Alluxio).
  if (changes_permissions) {
    for (const Target& t : targets) {
      if (!t.persisted || (!recurse_permissions && t.path != path)) continue;
      if (options.has_mode()) RETURN_IF_ERROR(ufs->SetMode(t.ufs_path, options.mode()));
      if (options.has_owner() || options.has_group()) {
        Status s = ufs->SetOwner(t.ufs_path, options.owner(), options.group());
        // The UFS may not know the user (e.g. a name only Alluxio uses): keep Alluxio's view.
        if (!s.ok() && s.code() != StatusCode::kInvalidArgument) return s;
      }
    }
  }
  journal::SequenceNumber sn;
  {
    ExclusiveLock lock(state_mu_);
    ResolvedPath r = tree_.Resolve(path);
    RETURN_IF_ERROR(validate(r));
    collect(r);
    int64_t now = NowMs();
    std::vector<journal::JournalEntry> entries;
    for (const Target& t : targets) {
      bool is_target = t.path == path;
      journal::JournalEntry e;
      auto* u = e.mutable_update_inode();
      u->set_id(t.id);
      if (is_target || recurse_permissions) {
        if (options.has_owner()) u->set_owner(options.owner());
        if (options.has_group()) u->set_group(options.group());
        if (options.has_mode()) u->set_mode(options.mode());
      }
      if (options.has_pinned()) u->set_pinned(options.pinned());
      if (is_target) {
        if (common.has_ttl()) u->set_ttl(common.ttl());
        if (common.has_ttl_action()) {
          u->set_ttl_action(static_cast<pj::TtlAction>(common.ttl_action()));
        }
        if (options.has_persisted() && options.persisted()) u->set_persistence_state(pj::PERSISTED);
        *u->mutable_xattr() = options.xattr();
        u->set_last_modification_time_ms(now);
      }
      entries.push_back(std::move(e));
    }
    ASSIGN_OR_RETURN(sn, ApplyAndJournal(internal::Batch(std::move(entries)), ctx));
  }
  return WaitDurable(sn);
}

}  // namespace alluxio::master
