// SPDX-License-Identifier: Apache-2.0
// Loading metadata from the UFS (alluxio.user.file.metadata.load.type) and syncing it
// (alluxio.user.file.metadata.sync.interval). A load only adds what Alluxio does not know yet; a
// sync also removes persisted inodes that disappeared from the UFS and replaces files whose UFS
// fingerprint changed. All loaded inodes of one call are journaled as one batch (never one entry
// per inode: Alluxio #11827). Also the predicates that tell the RPC layer whether an operation
// may wait on the UFS (MetadataLoadNeedsUfs, MutationNeedsUfs).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/path.h"
#include "master/file/file_system_master.h"
#include "master/file/ops/op_util.h"

namespace alluxio::master {

namespace pj = ::alluxio::proto::journal;

namespace {

journal::JournalEntry EntryFromUfs(InodeId id, InodeId parent, const ufs::UfsStatus& st,
                                   int64_t now, int64_t block_size) {
  journal::JournalEntry entry;
  if (st.is_directory) {
    auto* d = entry.mutable_inode_directory();
    d->set_id(id);
    d->set_parent_id(parent);
    d->set_name(st.name);
    d->set_owner(st.owner);
    d->set_group(st.group);
    d->set_mode(st.mode);
    d->set_creation_time_ms(now);
    d->set_last_modification_time_ms(st.last_modified_ms);
    d->set_persistence_state(pj::PERSISTED);
    d->set_ttl(-1);
    d->set_ufs_fingerprint(st.Fingerprint());
  } else {
    auto* f = entry.mutable_inode_file();
    f->set_id(id);
    f->set_parent_id(parent);
    f->set_name(st.name);
    f->set_owner(st.owner);
    f->set_group(st.group);
    f->set_mode(st.mode);
    f->set_creation_time_ms(now);
    f->set_last_modification_time_ms(st.last_modified_ms);
    f->set_persistence_state(pj::PERSISTED);
    f->set_ttl(-1);
    f->set_length(st.length);
    f->set_block_size_bytes(block_size);
    f->set_completed(true);
    f->set_cacheable(true);
    f->set_ufs_fingerprint(st.Fingerprint());
  }
  return entry;
}

// True when the UFS object no longer matches what Alluxio recorded for the persisted file.
bool FileChanged(const Inode& inode, const ufs::UfsStatus& st) {
  if (inode.is_directory != st.is_directory) return true;
  if (inode.is_directory) return false;
  if (inode.ufs_fingerprint != 0) return inode.ufs_fingerprint != FingerprintHash(st.Fingerprint());
  return inode.length != st.length;
}

journal::JournalEntry DeleteEntry(InodeId id, int64_t now) {
  journal::JournalEntry e;
  e.mutable_delete_file()->set_id(id);
  e.mutable_delete_file()->set_recursive(true);
  e.mutable_delete_file()->set_op_time_ms(now);
  return e;
}

}  // namespace

bool FileSystemMaster::SyncDue(const std::string& path, int64_t sync_interval_ms) {
  if (sync_interval_ms < 0) return false;
  if (sync_interval_ms == 0) return true;
  std::lock_guard<std::mutex> l(sync_mu_);
  auto it = last_sync_ms_.find(path);
  return it == last_sync_ms_.end() || NowMs() - it->second >= sync_interval_ms;
}

void FileSystemMaster::RecordSync(const std::string& path) {
  std::lock_guard<std::mutex> l(sync_mu_);
  last_sync_ms_[path] = NowMs();
}

bool FileSystemMaster::PlanMetadataLoad(const std::string& path, grpc::LoadMetadataPType load_type,
                                        bool sync, bool list_children, MetadataLoadPlan* plan) {
  std::vector<MetadataProbe>& probes = plan->probes;
  SharedLock lock(state_mu_);
  ResolvedPath r = tree_.Resolve(path);
  if (r.inodes.empty()) return false;
  if (r.found()) {
    const Inode* t = r.target();
    plan->target_known = true;
    bool need_children = list_children && t->is_directory && load_type != grpc::NEVER &&
                         (!t->direct_children_loaded || load_type == grpc::ALWAYS);
    if (!sync && !need_children) return false;
    if (sync && t != tree_.root()) probes.push_back({path, ""});
  } else {
    if (!sync) {
      if (load_type == grpc::NEVER) return false;
      const Inode* last = r.last();
      if (!last->is_directory) return false;
      if (load_type == grpc::ONCE && last->direct_children_loaded) return false;
    }
    std::vector<std::string_view> comps = PathComponents(path);
    std::string p = tree_.PathOf(r.last());
    for (size_t i = r.inodes.size() - 1; i < comps.size(); ++i) {
      p = JoinPath(p, comps[i]);
      probes.push_back({p, ""});
    }
  }
  for (MetadataProbe& pr : probes) pr.ufs_path = mount_table_.Resolve(pr.alluxio_path).ufs_path;
  MountResolution res = mount_table_.Resolve(path);
  plan->ufs = res.mount->ufs;
  if (list_children) probes.push_back({"", res.ufs_path});  // marker: list the target
  return true;
}

bool FileSystemMaster::MetadataLoadNeedsUfs(std::string_view raw_path,
                                            grpc::LoadMetadataPType load_type,
                                            int64_t sync_interval_ms) {
  Result<std::string> path = NormalizePath(raw_path);
  if (!path.ok()) return false;  // answered at once with the error
  MetadataLoadPlan plan;
  return PlanMetadataLoad(*path, load_type, SyncDue(*path, sync_interval_ms),
                          /*list_children=*/false, &plan) &&
         !plan.probes.empty();
}

bool FileSystemMaster::MutationNeedsUfs(std::string_view raw_path, bool creates_in_ufs) {
  if (creates_in_ufs) return true;
  Result<std::string> path = NormalizePath(raw_path);
  if (!path.ok()) return false;  // answered at once with the error
  SharedLock lock(state_mu_);
  ResolvedPath r = tree_.Resolve(*path);
  if (!r.found()) return false;
  const Inode* target = r.target();
  return target->is_directory || target->persisted();
}

Status FileSystemMaster::LoadMetadataIfNeeded(const OperationContext& ctx, const std::string& path,
                                              grpc::LoadMetadataPType load_type,
                                              int64_t sync_interval_ms, bool list_children) {
  const bool sync = SyncDue(path, sync_interval_ms);
  // Phase 1: decide what to ask the UFS, under the shared lock.
  MetadataLoadPlan plan;
  if (!PlanMetadataLoad(path, load_type, sync, list_children, &plan)) return Status();
  const std::vector<MetadataProbe>& probes = plan.probes;
  const std::shared_ptr<ufs::UnderFileSystem>& ufs = plan.ufs;
  const bool target_known = plan.target_known;

  // Phase 2: ask the UFS, without locks.
  std::vector<ufs::UfsStatus> statuses;  // for probes (excluding the listing marker)
  bool target_in_ufs = true;
  std::vector<ufs::UfsStatus> children;
  bool listed = false;
  for (const MetadataProbe& pr : probes) {
    if (pr.alluxio_path.empty()) {
      if (!target_in_ufs) break;
      auto ls = ufs->ListStatus(pr.ufs_path);
      if (ls.ok()) {
        children = std::move(*ls);
        listed = true;
      } else if (ls.status().code() != StatusCode::kNotFound &&
                 ls.status().code() != StatusCode::kFailedPrecondition) {
        return ls.status().WithContext("list " + pr.ufs_path);
      }
      break;
    }
    auto st = ufs->GetStatus(pr.ufs_path);
    if (!st.ok()) {
      if (st.status().code() != StatusCode::kNotFound) {
        return st.status().WithContext("get status of " + pr.ufs_path);
      }
      target_in_ufs = false;
      break;
    }
    statuses.push_back(std::move(*st));
  }
  if (!target_in_ufs && !target_known) return Status();  // nothing to load

  // Phase 3: reconcile under the exclusive lock and journal one batch.
  journal::SequenceNumber sn = -1;
  {
    ExclusiveLock lock(state_mu_);
    ResolvedPath r = tree_.Resolve(path);
    if (r.inodes.empty()) return Status();
    const int64_t now = NowMs();
    std::vector<journal::JournalEntry> entries;
    auto next_id = [&] { return tree_.PeekInodeId(static_cast<int>(entries.size())); };
    InodeId target_id = kInvalidInodeId;
    bool target_is_dir = false;
    // Ids removed by this batch (their children must not be touched afterwards).
    if (r.found()) {
      const Inode* t = r.target();
      target_id = t->id;
      target_is_dir = t->is_directory;
      if (sync && t != tree_.root() && !t->mount_point && t->persisted()) {
        if (!target_in_ufs) {
          entries.push_back(DeleteEntry(t->id, now));
          target_id = kInvalidInodeId;
        } else if (!statuses.empty() && FileChanged(*t, statuses.back())) {
          entries.push_back(DeleteEntry(t->id, now));
          InodeId id = next_id();
          entries.push_back(
              EntryFromUfs(id, t->parent_id, statuses.back(), now, options_.default_block_size));
          target_id = id;
          target_is_dir = statuses.back().is_directory;
        } else if (!statuses.empty() && t->is_directory &&
                   t->ufs_fingerprint != FingerprintHash(statuses.back().Fingerprint())) {
          journal::JournalEntry u;
          u.mutable_update_inode()->set_id(t->id);
          u.mutable_update_inode()->set_ufs_fingerprint(statuses.back().Fingerprint());
          entries.push_back(std::move(u));
        }
      }
    } else if (target_in_ufs) {
      // Create the missing components from what the UFS said (if the tree still lacks them).
      std::vector<std::string_view> comps = PathComponents(path);
      size_t first_missing = r.inodes.size() - 1;
      size_t probed_first = comps.size() - statuses.size();
      if (first_missing < probed_first || !r.last()->is_directory) {
        return Status();  // the tree changed meanwhile; the caller's lookup decides
      }
      InodeId parent = r.last()->id;
      for (size_t i = first_missing; i < comps.size(); ++i) {
        InodeId id = next_id();
        entries.push_back(
            EntryFromUfs(id, parent, statuses[i - probed_first], now, options_.default_block_size));
        parent = id;
      }
      target_id = parent;
      target_is_dir = statuses.back().is_directory;
    }
    if (listed && target_id != kInvalidInodeId && target_is_dir) {
      const Inode* dir = tree_.Get(target_id);  // null when created by this batch
      absl::flat_hash_set<std::string> ufs_names;
      for (const ufs::UfsStatus& c : children) {
        ufs_names.insert(c.name);
        const Inode* existing = nullptr;
        if (dir != nullptr) existing = tree_.Child(dir, c.name);
        if (existing == nullptr) {
          entries.push_back(
              EntryFromUfs(next_id(), target_id, c, now, options_.default_block_size));
        } else if (sync && existing->persisted() && !existing->mount_point &&
                   FileChanged(*existing, c)) {
          entries.push_back(DeleteEntry(existing->id, now));
          entries.push_back(
              EntryFromUfs(next_id(), target_id, c, now, options_.default_block_size));
        }
      }
      if (sync && dir != nullptr) {
        for (const Inode* child : dir->children()) {
          if (child->persisted() && !child->mount_point && !ufs_names.contains(child->name.str())) {
            entries.push_back(DeleteEntry(child->id, now));
          }
        }
      }
      if (dir == nullptr || !dir->direct_children_loaded) {
        journal::JournalEntry u;
        u.mutable_update_inode()->set_id(target_id);
        u.mutable_update_inode()->set_direct_children_loaded(true);
        entries.push_back(std::move(u));
      }
    }
    if (!entries.empty()) {
      ASSIGN_OR_RETURN(sn,
                       ApplyAndJournal(internal::Batch(std::move(entries)), OperationContext{}));
    }
  }
  if (sync) RecordSync(path);
  if (sn >= 0) RETURN_IF_ERROR(WaitDurable(sn));
  return Status();
}

Status FileSystemMaster::LoadMetadataRecursive(const OperationContext& ctx, const std::string& path,
                                               grpc::LoadMetadataPType load_type,
                                               int64_t sync_interval_ms) {
  std::vector<std::string> queue{path};
  while (!queue.empty()) {
    std::string dir = std::move(queue.back());
    queue.pop_back();
    RETURN_IF_ERROR(LoadMetadataIfNeeded(ctx, dir, load_type, sync_interval_ms, true));
    SharedLock lock(state_mu_);
    ResolvedPath r = tree_.Resolve(dir);
    if (!r.found() || !r.target()->is_directory) continue;
    for (const Inode* child : r.target()->children()) {
      if (child->is_directory) queue.push_back(JoinPath(dir, child->name));
    }
  }
  return Status();
}

}  // namespace alluxio::master
