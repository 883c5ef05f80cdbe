// SPDX-License-Identifier: Apache-2.0
#include "master/file/file_system_master.h"

#include <cassert>

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <random>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/path.h"

namespace alluxio::master {

namespace pj = ::alluxio::proto::journal;

namespace {

std::string OsUserName() {
  passwd pw{};
  passwd* result = nullptr;
  std::vector<char> buf(16384);
  if (getpwuid_r(geteuid(), &pw, buf.data(), buf.size(), &result) == 0 && result) {
    return pw.pw_name;
  }
  return std::to_string(geteuid());
}

std::string NewUuid() {
  std::random_device rd;
  std::mt19937_64 gen((static_cast<uint64_t>(rd()) << 32) ^ rd());
  uint64_t a = gen(), b = gen();
  a = (a & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;
  b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", a >> 32, (a >> 16) & 0xffff, a & 0xffff,
                     b >> 48, b & 0xffffffffffffULL);
}

// The whole namespace at one sequence number, written without locks (see Snapshot()).
class FileSystemSnapshot : public journal::StateSnapshot {
 public:
  journal::SequenceNumber next_sn = 0;
  std::string cluster_id;
  int64_t next_container_id = 0;
  InodeTreeCopy inodes;  // done and ordered for replay
  std::vector<journal::JournalEntry> mounts;
  std::vector<OperationId> operation_ids;

  journal::SequenceNumber next_sequence_number() const override { return next_sn; }

  Status WriteTo(journal::EntrySink* sink) const override {
    journal::JournalEntry e;
    if (!cluster_id.empty()) {
      e.mutable_cluster_info()->set_cluster_id(cluster_id);
      RETURN_IF_ERROR(sink->Write(e));
    }
    e.Clear();
    e.mutable_inode_id_generator()->set_next_container_id(next_container_id);
    RETURN_IF_ERROR(sink->Write(e));
    // Every directory (parents first), then the files: each inode's parent is written before it.
    e.Clear();
    for (const auto* group : {&inodes.directories(), &inodes.files()}) {
      for (const InodeAttributes& inode : *group) {
        InodeTree::ToEntry(inode, inodes.TtlOf(inode.id), &e,
                           inodes.XAttrsOf(inode.id));  // reuses e's payload
        RETURN_IF_ERROR(sink->Write(e));
      }
    }
    for (const journal::JournalEntry& m : mounts) RETURN_IF_ERROR(sink->Write(m));
    // The retry cache, in chunks.
    constexpr size_t kChunk = 10000;
    for (size_t i = 0; i < operation_ids.size(); i += kChunk) {
      e.Clear();
      auto* rc = e.mutable_retry_cache();
      for (size_t j = i; j < std::min(operation_ids.size(), i + kChunk); ++j) {
        auto* id = rc->add_operation_ids();
        id->set_most_significant_bits(operation_ids[j].first);
        id->set_least_significant_bits(operation_ids[j].second);
      }
      RETURN_IF_ERROR(sink->Write(e));
    }
    return Status();
  }
};

}  // namespace

Result<FileSystemMasterOptions> FileSystemMasterOptions::FromConfiguration(
    const conf::Configuration& conf) {
  namespace k = conf::keys;
  FileSystemMasterOptions o;
  o.root_ufs = conf.Get(k::kMasterMountTableRootUfs);
  ASSIGN_OR_RETURN(o.root_readonly, conf.GetBool(k::kMasterMountTableRootReadonly));
  ASSIGN_OR_RETURN(o.root_shared, conf.GetBool(k::kMasterMountTableRootShared));
  ASSIGN_OR_RETURN(o.permission_enabled, conf.GetBool(k::kSecurityAuthorizationPermissionEnabled));
  ASSIGN_OR_RETURN(std::string auth, conf.GetEnum(k::kSecurityAuthenticationType));
  if (auth == "NOSASL") o.permission_enabled = false;
  o.superuser =
      conf.IsSet(k::kSecurityLoginUsername) ? conf.Get(k::kSecurityLoginUsername) : OsUserName();
  o.supergroup = conf.Get(k::kSecurityAuthorizationPermissionSupergroup);
  std::string umask = conf.Get(k::kSecurityAuthorizationPermissionUmask);
  char* end = nullptr;
  long parsed = std::strtol(umask.c_str(), &end, 8);
  if (umask.empty() || *end != '\0' || parsed < 0 || parsed > 0777) {
    return InvalidArgumentError(
        fmt::format("Invalid value '{}' for {}: expected an octal umask such as 022", umask,
                    k::kSecurityAuthorizationPermissionUmask.name));
  }
  o.umask = static_cast<int32_t>(parsed);
  ASSIGN_OR_RETURN(o.ttl_checker_interval_ms, conf.GetDurationMs(k::kMasterTtlCheckerInterval));
  ASSIGN_OR_RETURN(o.default_block_size, conf.GetBytes(k::kUserBlockSizeBytesDefault));
  ASSIGN_OR_RETURN(o.persistence_scheduler_interval_ms,
                   conf.GetDurationMs(k::kMasterPersistenceSchedulerInterval));
  ASSIGN_OR_RETURN(o.persistence_initial_interval_ms,
                   conf.GetDurationMs(k::kMasterPersistenceInitialIntervalMs));
  ASSIGN_OR_RETURN(o.persistence_max_interval_ms,
                   conf.GetDurationMs(k::kMasterPersistenceMaxIntervalMs));
  ASSIGN_OR_RETURN(o.persistence_max_total_wait_ms,
                   conf.GetDurationMs(k::kMasterPersistenceMaxTotalWaitTimeMs));
  return o;
}

FileSystemMaster::FileSystemMaster(FileSystemMasterOptions options, journal::Journal* journal,
                                   BlockMaster* block_master)
    : options_(std::move(options)),
      journal_(journal),
      permissions_(options_.permission_enabled, options_.superuser, options_.supergroup),
      block_master_(block_master) {
  if (!options_.clock) {
    options_.clock = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
}

Result<std::unique_ptr<FileSystemMaster>> FileSystemMaster::Create(FileSystemMasterOptions options,
                                                                   journal::Journal* journal,
                                                                   BlockMaster* block_master) {
  if (options.superuser.empty()) options.superuser = OsUserName();
  std::unique_ptr<FileSystemMaster> m(
      new FileSystemMaster(std::move(options), journal, block_master));
  RETURN_IF_ERROR(m->mount_table_.SetRoot(m->options_.root_ufs, m->options_.root_ufs_options,
                                          m->options_.root_readonly, m->options_.root_shared));
  return m;
}

FileSystemMaster::~FileSystemMaster() { Stop(); }

Status FileSystemMaster::Initialize() {
  journal::SequenceNumber last = -1;
  {
    ExclusiveLock lock(state_mu_);
    if (tree_.root() == nullptr) {
      // A fresh namespace: the root is owned by the master's user, like Alluxio.
      int64_t now = NowMs();
      // Owner and group: the master's user and its primary group (Alluxio's initializeRoot).
      std::vector<std::string> groups = permissions_.GroupsOf(options_.superuser);
      journal::JournalEntry root =
          NewDirectoryEntry(tree_.NextInodeId(), kInvalidInodeId, "", options_.superuser,
                            groups.empty() ? options_.superuser : groups[0], 0755, now);
      root.mutable_inode_directory()->clear_parent_id();
      root.mutable_inode_directory()->set_mount_point(true);
      root.mutable_inode_directory()->set_persistence_state(pj::PERSISTED);
      ASSIGN_OR_RETURN(last, ApplyAndJournal(std::move(root), {}));
    }
    if (cluster_id_.empty()) {
      journal::JournalEntry info;
      info.mutable_cluster_info()->set_cluster_id(NewUuid());
      ASSIGN_OR_RETURN(last, ApplyAndJournal(std::move(info), {}));
    }
  }
  if (last >= 0) RETURN_IF_ERROR(WaitDurable(last));
  {
    std::lock_guard<std::mutex> l(ttl_mu_);
    stopping_ = false;
  }
  ttl_thread_ = std::thread([this] { TtlLoop(); });
  if (block_master_ != nullptr) persist_thread_ = std::thread([this] { PersistLoop(); });
  return Status();
}

Status FileSystemMaster::MarkRootForMetadataSync() {
  journal::SequenceNumber sn;
  {
    ExclusiveLock lock(state_mu_);
    if (tree_.root() == nullptr) return FailedPreconditionError("no root inode");
    journal::JournalEntry u;
    u.mutable_update_inode()->set_id(tree_.root()->id);
    u.mutable_update_inode()->set_direct_children_loaded(false);
    ASSIGN_OR_RETURN(sn, ApplyAndJournal(std::move(u), OperationContext{}));
  }
  {
    std::lock_guard<std::mutex> l(sync_mu_);
    last_sync_ms_.clear();
  }
  return WaitDurable(sn);
}

void FileSystemMaster::Stop() {
  {
    std::lock_guard<std::mutex> l(ttl_mu_);
    stopping_ = true;
  }
  ttl_cv_.notify_all();
  if (ttl_thread_.joinable()) ttl_thread_.join();
  if (persist_thread_.joinable()) persist_thread_.join();
}

void FileSystemMaster::TtlLoop() {
  std::unique_lock<std::mutex> l(ttl_mu_);
  while (!stopping_) {
    ttl_cv_.wait_for(
        l, std::chrono::milliseconds(std::max<int64_t>(options_.ttl_checker_interval_ms, 10)));
    if (stopping_) break;
    l.unlock();
    Status s = CheckTtl(NowMs());
    if (!s.ok()) spdlog::warn("TTL check failed: {}", s.ToString());
    l.lock();
  }
}

// --- Journaled ---

Status FileSystemMaster::Apply(const journal::JournalEntry& entry) {
  // Replay at start, or a standby applying committed entries while a backup may read the state.
  ExclusiveLock lock(state_mu_);
  return ApplyEntry(entry);
}

Status FileSystemMaster::ApplyEntry(const journal::JournalEntry& entry) {
  if (entry.has_operation_id()) {
    RememberOperation({entry.operation_id().most_significant_bits(),
                       entry.operation_id().least_significant_bits()});
  }
  switch (entry.payload_case()) {
    case pj::JournalEntry::PAYLOAD_NOT_SET:
      break;
    case pj::JournalEntry::kAddMountPoint:
    case pj::JournalEntry::kDeleteMountPoint:
      RETURN_IF_ERROR(mount_table_.Apply(entry));
      break;
    case pj::JournalEntry::kClusterInfo:
      cluster_id_ = entry.cluster_info().cluster_id();
      break;
    case pj::JournalEntry::kRetryCache:
      for (const auto& id : entry.retry_cache().operation_ids()) {
        RememberOperation({id.most_significant_bits(), id.least_significant_bits()});
      }
      break;
    case pj::JournalEntry::kDeleteFile: {
      // The removed files' blocks leave every worker (on a fresh primary, or in replay, no worker
      // has registered yet, so this finds nothing).
      std::vector<InodeId> files;
      if (tree_.Get(entry.delete_file().id()) != nullptr) {
        files = FilesInSubtree(entry.delete_file().id());
      }
      RETURN_IF_ERROR(tree_.Apply(entry));
      for (InodeId id : files) pinned_files_.erase(id);
      {
        std::lock_guard<std::mutex> l(persist_mu_);
        for (InodeId id : files) persist_jobs_.erase(id);
      }
      if (block_master_ != nullptr && !files.empty()) block_master_->RemoveBlocksOfFiles(files);
      break;
    }
    case pj::JournalEntry::kInodeFile:
      RETURN_IF_ERROR(tree_.Apply(entry));
      // A new id is in neither set: only a file that joins one needs OnInodeChanged (most do not,
      // and a checkpoint replays millions).
      if (entry.inode_file().pinned() ||
          entry.inode_file().persistence_state() == pj::TO_BE_PERSISTED) {
        OnInodeChanged(entry.inode_file().id());
      }
      break;
    case pj::JournalEntry::kUpdateInode:
      RETURN_IF_ERROR(tree_.Apply(entry));
      OnInodeChanged(entry.update_inode().id());
      break;
    case pj::JournalEntry::kCompleteFile:
      RETURN_IF_ERROR(tree_.Apply(entry));
      OnInodeChanged(entry.complete_file().id());
      break;
    default:
      RETURN_IF_ERROR(tree_.Apply(entry));
  }
  for (const journal::JournalEntry& child : entry.journal_entries()) {
    RETURN_IF_ERROR(ApplyEntry(child));
  }
  return Status();
}

void FileSystemMaster::OnInodeChanged(InodeId id) {
  const Inode* inode = tree_.Get(id);
  if (inode == nullptr || inode->is_directory) return;
  if (inode->pinned) {
    pinned_files_.insert(id);
  } else {
    pinned_files_.erase(id);
  }
  const bool wants_persist =
      inode->completed && inode->length > 0 && inode->persistence_state == pj::TO_BE_PERSISTED;
  std::lock_guard<std::mutex> l(persist_mu_);
  if (wants_persist) {
    persist_jobs_.try_emplace(id);
  } else {
    persist_jobs_.erase(id);
  }
}

std::vector<InodeId> FileSystemMaster::FilesInSubtree(InodeId id) const {
  std::vector<InodeId> files;
  std::vector<const Inode*> stack{tree_.Get(id)};
  while (!stack.empty()) {
    const Inode* n = stack.back();
    stack.pop_back();
    if (n == nullptr) continue;
    if (!n->is_directory) {
      files.push_back(n->id);
      continue;
    }
    for (const Inode* child : n->children()) stack.push_back(child);
  }
  return files;
}

void FileSystemMaster::Reset() {
  ExclusiveLock lock(state_mu_);
  tree_.Reset();
  mount_table_.Reset();
  cluster_id_.clear();
  pinned_files_.clear();
  {
    std::lock_guard<std::mutex> l(persist_mu_);
    persist_jobs_.clear();
    pending_persists_.clear();
  }
  std::lock_guard<std::mutex> l(retry_mu_);
  retry_ids_.clear();
  retry_order_.clear();
}

std::unique_ptr<journal::StateSnapshot> FileSystemMaster::Snapshot(journal::Journal* journal) {
  // The snapshot is the state at the sequence number read under the exclusive lock (the epoch).
  // Everything but the inodes is small (the retry cache is bounded) and copied right then. The
  // inodes are copied copy-on-write (InodeTreeCopy): in steps of options_.snapshot_step_slots
  // arena slots under the shared lock, while writers, in between, hand the copy each inode they
  // are about to change or remove before changing it. No step depends on the size of the namespace,
  // so writers wait at most for one step (16,384 slots: ~1 ms), not for a copy of every inode.
  auto snap = std::make_unique<FileSystemSnapshot>();
  {
    ExclusiveLock lock(state_mu_);
    snap->next_sn = journal->NextSequenceNumber();
    snap->cluster_id = cluster_id_;
    snap->next_container_id = tree_.next_container_id();
    snap->mounts = mount_table_.ToEntries();
    {
      std::lock_guard<std::mutex> l(retry_mu_);
      snap->operation_ids.assign(retry_order_.begin(), retry_order_.end());
    }
    tree_.BeginCopy(&snap->inodes);
  }
  for (bool done = false; !done;) {
    {
      SharedLock lock(state_mu_);
      done = tree_.ContinueCopy(&snap->inodes, std::max<size_t>(options_.snapshot_step_slots, 1));
    }
    if (!done && options_.between_snapshot_steps) options_.between_snapshot_steps();
  }
  {
    ExclusiveLock lock(state_mu_);
    tree_.EndCopy(&snap->inodes);
  }
  snap->inodes.OrderForReplay();
  return snap;
}

// --- helpers ---

void FileSystemMaster::RememberOperation(OperationId id) {
  if (id == OperationId{0, 0}) return;
  std::lock_guard<std::mutex> l(retry_mu_);
  if (!retry_ids_.insert(id).second) return;
  retry_order_.push_back(id);
  if (retry_order_.size() > kRetryCacheCapacity) {
    retry_ids_.erase(retry_order_.front());
    retry_order_.pop_front();
  }
}

bool FileSystemMaster::IsRetryOfCompletedOperation(const OperationContext& ctx) {
  if (ctx.op_id == OperationId{0, 0}) return false;
  {
    std::lock_guard<std::mutex> l(retry_mu_);
    if (!retry_ids_.contains(ctx.op_id)) return false;
  }
  // The first attempt may still be in flight: answer only once it is durable.
  journal::SequenceNumber last;
  {
    SharedLock lock(state_mu_);
    last = journal_->NextSequenceNumber() - 1;
  }
  return last < 0 || WaitDurable(last).ok();
}

Result<journal::SequenceNumber> FileSystemMaster::ApplyAndJournal(journal::JournalEntry entry,
                                                                  const OperationContext& ctx) {
  if (ctx.op_id != OperationId{0, 0}) {
    entry.mutable_operation_id()->set_most_significant_bits(ctx.op_id.first);
    entry.mutable_operation_id()->set_least_significant_bits(ctx.op_id.second);
  }
  Status s = ApplyEntry(entry);
  if (!s.ok()) {
    // Operations validate before they build entries, so this is a bug; the in-memory state may
    // now differ from the journal. Stop rather than serve diverged metadata.
    spdlog::critical("Failed to apply a journal entry on the primary: {} (entry: {})", s.ToString(),
                     entry.ShortDebugString());
    std::abort();
  }
  return journal_->Append(std::move(entry));
}

namespace {
thread_local DeferDurability* tls_deferral = nullptr;
}  // namespace

DeferDurability::DeferDurability() {
  assert(tls_deferral == nullptr && "DeferDurability is not nestable");
  tls_deferral = this;
}

DeferDurability::~DeferDurability() { tls_deferral = nullptr; }

Status FileSystemMaster::WaitDurable(journal::SequenceNumber sn) {
  if (tls_deferral != nullptr) {
    tls_deferral->sn_ = std::max(tls_deferral->sn_, sn);
    return Status::OK();
  }
  return journal_->WaitForDurable(sn);
}

std::string FileSystemMaster::EffectiveUser(const OperationContext& ctx) const {
  return ctx.user.empty() ? options_.superuser : ctx.user;
}

Result<ResolvedPath> FileSystemMaster::ResolveChecked(const OperationContext& ctx,
                                                      const std::string& path) {
  ResolvedPath r = tree_.Resolve(path);
  RETURN_IF_ERROR(permissions_.CheckTraverse(EffectiveUser(ctx), r, tree_, path));
  return r;
}

Status FileSystemMaster::CheckWritable(std::string_view path) const {
  MountResolution res = mount_table_.Resolve(path);
  if (res.mount != nullptr && res.mount->read_only) {
    return PermissionDeniedError(
        fmt::format("A write operation on {} under a readonly mount point {} is not allowed", path,
                    res.mount->alluxio_path));
  }
  return Status();
}

FileInfo FileSystemMaster::ToFileInfo(const Inode& inode, std::string path) const {
  FileInfo info;
  info.set_file_id(inode.id);
  info.set_name(inode.name.str());
  MountResolution res = mount_table_.Resolve(path);
  if (res.mount) {
    info.set_ufs_path(res.ufs_path);
    info.set_mount_id(res.mount->mount_id);
  }
  info.set_path(std::move(path));
  // As in Alluxio, a directory's length is its number of children.
  info.set_length(inode.is_directory ? static_cast<int64_t>(inode.child_count()) : inode.length);
  info.set_block_size_bytes(inode.block_size_bytes);
  info.set_creation_time_ms(inode.creation_time_ms);
  info.set_last_modification_time_ms(inode.last_modification_time_ms);
  info.set_last_access_time_ms(inode.last_modification_time_ms);
  info.set_completed(inode.is_directory || inode.completed);
  info.set_folder(inode.is_directory);
  info.set_pinned(inode.pinned);
  info.set_cacheable(!inode.is_directory && inode.cacheable);
  info.set_persisted(inode.persisted());
  for (int64_t i = 0, n = FileBlockCount(inode); i < n; ++i) {
    info.add_block_ids(BlockIdOf(inode.id, i));
  }
  info.set_ttl(tree_.TtlOf(inode.id));
  info.set_ttl_action(static_cast<::alluxio::grpc::TtlAction>(inode.ttl_action));
  info.set_owner(inode.owner.str());
  info.set_group(inode.group.str());
  info.set_mode(inode.mode);
  info.set_persistence_state(pj::PersistenceState_Name(inode.persistence()));
  info.set_mount_point(inode.mount_point);
  // Cached data is the block master's: the RPC layer fills block locations and percentages
  // (FillFileBlockInfos). Without it, only empty files are wholly in Alluxio.
  int pct = (!inode.is_directory && inode.length == 0) ? 100 : 0;
  info.set_in_alluxio_percentage(pct);
  info.set_in_memory_percentage(pct);
  info.set_ufs_fingerprint(FingerprintString(inode.ufs_fingerprint));
  if (inode.is_directory) info.set_child_count(static_cast<int64_t>(inode.child_count()));
  if (const XAttrs* xattrs = tree_.XAttrsOf(inode.id)) {
    for (const auto& [name, value] : *xattrs) (*info.mutable_xattr())[name] = value;
  }
  return info;
}

journal::JournalEntry FileSystemMaster::NewDirectoryEntry(InodeId id, InodeId parent,
                                                          std::string_view name,
                                                          const std::string& owner,
                                                          const std::string& group, int32_t mode,
                                                          int64_t now) const {
  journal::JournalEntry entry;
  auto* d = entry.mutable_inode_directory();
  d->set_id(id);
  d->set_parent_id(parent);
  d->set_name(std::string(name));
  d->set_owner(owner);
  d->set_group(group);
  d->set_mode(mode);
  d->set_creation_time_ms(now);
  d->set_last_modification_time_ms(now);
  d->set_persistence_state(pj::NOT_PERSISTED);
  d->set_ttl(-1);
  return entry;
}

size_t FileSystemMaster::inode_count() {
  SharedLock lock(state_mu_);
  return tree_.size();
}

std::string FileSystemMaster::cluster_id() {
  SharedLock lock(state_mu_);
  return cluster_id_;
}

std::vector<std::pair<std::string, ::alluxio::grpc::MountPointInfo>>
FileSystemMaster::GetMountTable() {
  SharedLock lock(state_mu_);
  std::vector<std::pair<std::string, ::alluxio::grpc::MountPointInfo>> out;
  for (const MountInfo* m : mount_table_.All()) {
    ::alluxio::grpc::MountPointInfo info;
    info.set_ufs_uri(m->ufs_uri);
    std::string type = m->ufs ? std::string(m->ufs->scheme()) : "";
    info.set_ufs_type(type == "file" ? "local" : type);  // Alluxio's name for the local UFS
    info.set_read_only(m->read_only);
    info.set_shared(m->shared);
    info.set_mount_id(m->mount_id);
    for (const auto& [k, v] : m->options) (*info.mutable_properties())[k] = v;
    out.emplace_back(m->alluxio_path, std::move(info));
  }
  return out;
}

}  // namespace alluxio::master

namespace alluxio::master {

// --- FileBlockIndex ---

std::vector<BlockId> FileSystemMaster::FindOrphanBlocks(const std::vector<BlockId>& block_ids) {
  std::vector<BlockId> orphans;
  SharedLock lock(state_mu_);
  for (BlockId b : block_ids) {
    const Inode* f = tree_.Get(InodeIdForContainer(ContainerIdOf(b)));
    if (f == nullptr || f->is_directory ||
        (f->completed && (b & kMaxBlockIndex) >= FileBlockCount(*f))) {
      orphans.push_back(b);
    }
  }
  return orphans;
}

Result<int64_t> FileSystemMaster::BlockLength(BlockId block_id) {
  SharedLock lock(state_mu_);
  const Inode* f = tree_.Get(InodeIdForContainer(ContainerIdOf(block_id)));
  const int64_t index = block_id & kMaxBlockIndex;
  if (f == nullptr || f->is_directory || (f->completed && index >= FileBlockCount(*f))) {
    return NotFoundError(fmt::format("Block {} does not exist.", block_id));
  }
  if (!f->completed) return int64_t{0};  // being written: only CommitBlock knows
  return std::min(f->block_size_bytes, f->length - index * f->block_size_bytes);
}

// --- What workers ask ---

Result<grpc::file::UfsInfo> FileSystemMaster::GetUfsInfo(int64_t mount_id) {
  SharedLock lock(state_mu_);
  for (const MountInfo* m : mount_table_.All()) {
    if (m->mount_id != mount_id) continue;
    grpc::file::UfsInfo info;
    info.set_uri(m->ufs_uri);
    auto* p = info.mutable_properties();
    p->set_read_only(m->read_only);
    p->set_shared(m->shared);
    for (const auto& [k, v] : m->options) (*p->mutable_properties())[k] = v;
    return info;
  }
  return NotFoundError(fmt::format("No mount point with mount id {}", mount_id));
}

std::vector<InodeId> FileSystemMaster::GetPinnedFileIds() {
  SharedLock lock(state_mu_);
  std::vector<InodeId> ids(pinned_files_.begin(), pinned_files_.end());
  std::sort(ids.begin(), ids.end());
  return ids;
}

Result<FileInfo> FileSystemMaster::GetFileInfo(InodeId id) {
  SharedLock lock(state_mu_);
  const Inode* inode = tree_.Get(id);
  if (inode == nullptr) return NotFoundError(fmt::format("inodeId {} does not exist", id));
  return ToFileInfo(*inode, tree_.PathOf(inode));
}

}  // namespace alluxio::master
