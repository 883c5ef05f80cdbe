// SPDX-License-Identifier: Apache-2.0
// TieredBlockStore operations. Locking rules: tiered_block_store.h.
#include "worker/block/tiered_block_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>
#include <thread>
#include <utility>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace alluxio::worker {
namespace {

constexpr size_t kCopyChunk = 1 << 20;
// After a failed manifest append, a rewrite is retried once per this many skipped appends.
constexpr int64_t kManifestRetryEvery = 64;

Status NoBlock(BlockId block_id) {
  return NotFoundError(fmt::format("BlockId {} not found", block_id));
}

Status NoTempBlock(BlockId block_id) {
  return NotFoundError(fmt::format("Temp block {} not found (it is not being written)", block_id));
}

// A temp block may be written, committed or aborted only by its session, while it is writing.
template <typename Temp, typename State>
Status CheckWritableTemp(const Temp& t, SessionId session_id, BlockId block_id, State writing) {
  if (t.session_id != session_id) {
    return FailedPreconditionError(fmt::format("BlockId {} is owned by sessionId {}, not {}",
                                               block_id, t.session_id, session_id));
  }
  if (t.state != writing) {
    return FailedPreconditionError(
        fmt::format("Temp block {} is being created, committed or aborted", block_id));
  }
  return Status();
}

// What stat says about a block file: enough to notice that it changed since it was recorded.
struct FileStamp {
  int64_t size = 0;
  int64_t mtime_ns = 0;
};

// The Env has no stat with times; block files are always local (as in CheckStorage and Open).
Result<FileStamp> StatFile(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return ErrnoToStatus(errno, "stat", path);
  return FileStamp{static_cast<int64_t>(st.st_size),
                   static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Paths

std::string TieredBlockStore::CommitPath(const Dir* dir, BlockId block_id) const {
  return fmt::format("{}/{}", dir->data_dir, block_id);
}

std::string TieredBlockStore::TempPath(const Dir* dir, SessionId session_id,
                                       BlockId block_id) const {
  // Alluxio: <tmp>/<sessionId % subdir.max>/<"%x-%x" of sessionId, blockId>; Java's % keeps the
  // sign of the dividend like C++'s, and %x prints two's complement.
  return fmt::format("{}/{}/{:x}-{:x}", dir->tmp_dir, session_id % options_.tmp_subdir_max,
                     static_cast<uint64_t>(session_id), static_cast<uint64_t>(block_id));
}

std::string TieredBlockStore::ContainerPath(const Dir* dir, FileId file_id) const {
  return fmt::format("{}/{}/{}", dir->data_dir, kPackedFolder, file_id);
}

std::string TieredBlockStore::BlockPath(const Dir* dir, BlockId block_id, int64_t offset) const {
  return offset == kOwnFile ? CommitPath(dir, block_id)
                            : ContainerPath(dir, FileIdOfBlock(block_id));
}

// ---------------------------------------------------------------------------------------------
// Metadata helpers (REQUIRES: mu_ held)

Result<const TieredBlockStore::Tier*> TieredBlockStore::FindTierLocked(
    std::string_view alias) const {
  for (const Tier& tier : tiers_) {
    if (tier.alias == alias) return &tier;
  }
  std::vector<std::string> aliases;
  for (const Tier& tier : tiers_) aliases.push_back(tier.alias);
  return InvalidArgumentError(fmt::format("Tier '{}' is not configured on this worker (tiers: {})",
                                          alias, fmt::join(aliases, ", ")));
}

std::vector<TieredBlockStore::Dir*> TieredBlockStore::EligibleDirsLocked(
    std::string_view alias, std::string_view medium) const {
  std::vector<Dir*> out;
  for (const auto& dir : dirs_) {
    if (dir->lost) continue;
    if (alias != kAnyTier && dir->tier_alias != alias) continue;
    if (!medium.empty() && dir->medium_type != medium) continue;
    out.push_back(dir.get());
  }
  return out;
}

TieredBlockStore::Dir* TieredBlockStore::AllocateLocked(const std::vector<Dir*>& candidates,
                                                        int64_t bytes) {
  std::vector<TierSpace> view;
  for (Dir* dir : candidates) {
    if (view.empty() || view.back().tier_level != dir->tier_level) {
      view.push_back(TierSpace{dir->tier_level, {}});
    }
    view.back().dirs.push_back(DirSpace{dir->dir_index, dir->Available()});
  }
  std::optional<DirChoice> choice = allocator_->Allocate(view, bytes);
  if (!choice) return nullptr;
  for (Dir* dir : candidates) {
    if (dir->tier_level == choice->tier_level && dir->dir_index == choice->dir_index) return dir;
  }
  return nullptr;
}

bool TieredBlockStore::IsPinnedLocked(BlockId block_id) const {
  return !pinned_files_.empty() && pinned_files_.contains(FileIdOfBlock(block_id));
}

std::optional<std::vector<BlockId>> TieredBlockStore::PlanEvictionLocked(
    const std::vector<Dir*>& scope, int64_t min_contiguous, int64_t min_available,
    Blockers* blockers) const {
  std::vector<int64_t> available;
  int64_t total = 0;
  for (Dir* dir : scope) {
    available.push_back(dir->Available());
    total += dir->Available();
  }
  auto contiguous_ok = [&] {
    return std::any_of(available.begin(), available.end(),
                       [&](int64_t a) { return a >= min_contiguous; });
  };
  std::vector<BlockId> plan;
  if (contiguous_ok() && total >= min_available) return plan;
  annotator_->ForEachInEvictionOrder([&](BlockId id) {
    auto it = blocks_.find(id);
    if (it == blocks_.end()) return true;
    const BlockMeta& m = it->second;
    auto pos = std::find(scope.begin(), scope.end(), m.dir);
    if (pos == scope.end()) return true;
    if (m.state != BlockState::kReady || m.doomed) {
      blockers->busy++;
      return true;
    }
    if (m.readers > 0) {
      blockers->locked++;
      return true;
    }
    if (IsPinnedLocked(id)) {
      blockers->pinned++;
      return true;
    }
    plan.push_back(id);
    available[pos - scope.begin()] += m.length;
    total += m.length;
    return !(contiguous_ok() && total >= min_available);
  });
  if (!contiguous_ok()) return std::nullopt;
  return plan;
}

TieredBlockStore::Victim TieredBlockStore::BeginRemovalLocked(BlockId block_id, BlockMeta* meta) {
  meta->state = BlockState::kRemoving;
  annotator_->Remove(block_id);
  meta->dir->committed_bytes -= meta->length;
  meta->dir->num_blocks--;
  return Victim{block_id, meta->dir, meta->length, meta->generation, meta->offset};
}

void TieredBlockStore::ApplyEvictionLocked(const std::vector<BlockId>& plan,
                                           std::vector<Victim>* victims) {
  int64_t bytes = 0;
  for (BlockId id : plan) {
    auto it = blocks_.find(id);
    victims->push_back(BeginRemovalLocked(id, &it->second));
    bytes += victims->back().length;
  }
  if (!plan.empty()) CountEvicted(static_cast<int64_t>(plan.size()), bytes);
}

std::string TieredBlockStore::NoSpaceMessageLocked(std::string_view what,
                                                   const std::vector<Dir*>& scope, int64_t bytes,
                                                   const Blockers& blockers) const {
  const Dir* largest = nullptr;
  int64_t total = 0;
  std::vector<std::string> tiers;
  for (const Dir* dir : scope) {
    if (largest == nullptr || dir->Available() > largest->Available()) largest = dir;
    total += dir->Available();
    if (std::find(tiers.begin(), tiers.end(), dir->tier_alias) == tiers.end()) {
      tiers.push_back(dir->tier_alias);
    }
  }
  if (largest == nullptr) {
    return fmt::format("{}: no usable storage dir for {} bytes", what, bytes);
  }
  return fmt::format(
      "{}: not enough space in tier {} for {} bytes: {} bytes available in the emptiest dir ({}, "
      "capacity {}), {} bytes in the tier{} in all, and no evictable block can make room "
      "(blocks that cannot be evicted: {} pinned, {} locked by readers, {} busy)",
      what, fmt::join(tiers, ", "), bytes, largest->Available(), largest->path, largest->capacity,
      total, tiers.size() > 1 ? "s" : "", blockers.pinned, blockers.locked, blockers.busy);
}

void TieredBlockStore::ReleaseReaderLocked(const LockRecord& lock, std::vector<Victim>* victims) {
  auto it = blocks_.find(lock.block_id);
  if (it == blocks_.end() || it->second.generation != lock.generation) return;
  BlockMeta& m = it->second;
  m.readers--;
  if (m.readers == 0 && m.doomed && m.state == BlockState::kReady) {
    victims->push_back(BeginRemovalLocked(lock.block_id, &m));
  }
}

std::optional<std::string> TieredBlockStore::LeaveContainerLocked(FileId file_id) {
  auto it = containers_.find(file_id);
  if (it == containers_.end()) return std::nullopt;
  Container& c = it->second;
  if (--c.users > 0) return std::nullopt;
  c.deleting = true;
  return ContainerPath(c.dir, file_id);
}

void TieredBlockStore::QueueEventLocked(Event event) {
  if (!listeners_empty_) pending_events_.push_back(std::move(event));
}

Result<TieredBlockStore::BlockMeta*> TieredBlockStore::FindReadyBlockLocked(
    BlockId block_id, std::unique_lock<std::mutex>* lock) {
  for (;;) {
    auto it = blocks_.find(block_id);
    if (it == blocks_.end() || it->second.state == BlockState::kRemoving) {
      return NoBlock(block_id);
    }
    BlockMeta& m = it->second;
    if (m.state == BlockState::kMoving) {
      move_cv_.wait(*lock);  // The move ends in bounded time; re-find: the map may have changed.
      continue;
    }
    if (m.doomed) {
      return DataLossError(
          fmt::format("Block {} is corrupt and is being removed from this worker", block_id));
    }
    return &m;
  }
}

// ---------------------------------------------------------------------------------------------
// Without mu_

void TieredBlockStore::FinishRemovals(const std::vector<Victim>& victims, RemovalKind kind) {
  if (victims.empty()) return;
  for (const Victim& v : victims) {
    if (v.offset != kOwnFile) {
      // A restart drops a COMMIT whose range is all hole; the REMOVE is synced before the range
      // can be written again.
      PunchRange(FileIdOfBlock(v.block_id), ContainerPath(v.dir, FileIdOfBlock(v.block_id)),
                 v.offset, v.length);
      ManifestAppendRemove(v.dir, v.block_id, /*sync=*/true);
      continue;
    }
    std::string path = CommitPath(v.dir, v.block_id);
    Status s = env_->RemoveFile(path);
    if (!s.ok() && s.code() != StatusCode::kNotFound) {
      // The file stays behind; a restart adopts or drops it. The accounting already let it go.
      spdlog::warn("Failed to delete block file {}: {}", path, s.ToString());
    }
    ManifestAppendRemove(v.dir, v.block_id);
  }
  std::vector<std::pair<FileId, std::string>> emptied;
  {
    std::lock_guard<std::mutex> l(mu_);
    for (const Victim& v : victims) {
      if (v.offset != kOwnFile) {
        if (auto path = LeaveContainerLocked(FileIdOfBlock(v.block_id))) {
          emptied.emplace_back(FileIdOfBlock(v.block_id), *std::move(path));
        }
      }
      auto it = blocks_.find(v.block_id);
      if (it != blocks_.end() && it->second.generation == v.generation) blocks_.erase(it);
      Event e{kind == RemovalKind::kEvicted ? Event::Kind::kEvicted
              : kind == RemovalKind::kLost  ? Event::Kind::kLost
                                            : Event::Kind::kRemoved,
              v.block_id,
              v.dir->location,
              {}};
      QueueEventLocked(std::move(e));
    }
  }
  for (const auto& [file_id, path] : emptied) DeleteContainer(file_id, path);
  if (kind == RemovalKind::kLost) CountLost(static_cast<int64_t>(victims.size()));
  std::vector<Dir*> touched;
  for (const Victim& v : victims) {
    if (std::find(touched.begin(), touched.end(), v.dir) == touched.end()) {
      touched.push_back(v.dir);
    }
  }
  for (Dir* dir : touched) MaybeCompactManifest(dir);
}

void TieredBlockStore::ManifestAppendCommit(Dir* dir, BlockId block_id,
                                            const ManifestEntry& entry) {
  std::lock_guard<std::mutex> l(dir->manifest_mu);
  if (dir->manifest == nullptr || !dir->manifest->usable()) {
    dir->manifest_failed_appends++;
    return;
  }
  Status s = dir->manifest->AppendCommit(block_id, entry);
  if (!s.ok()) {
    dir->manifest_failed_appends++;
    spdlog::warn(
        "Failed to record block {} in the manifest of {}: {}; the block stays but cannot "
        "be verified after a restart",
        block_id, dir->data_dir, s.ToString());
  }
}

void TieredBlockStore::PunchRange(FileId file_id, const std::string& path, int64_t offset,
                                  int64_t length) {
  if (length <= 0) return;
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0 || ::fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, length) != 0) {
    // The bytes stay (and take space the quota no longer counts) until a restart punches them.
    spdlog::warn("Failed to punch [{}, {}) out of {}: {}", offset, offset + length, path,
                 std::strerror(errno));
  }
  if (fd >= 0) ::close(fd);
  AdoptMtime(file_id, path);
}

void TieredBlockStore::AdoptMtime(FileId file_id, const std::string& path) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = containers_.find(file_id);
  if (it != containers_.end()) AdoptMtimeLocked(it->second, path);
}

void TieredBlockStore::AdoptMtimeLocked(Container& c, const std::string& path) {
  if (c.writers > 0) return;  // the last writer to leave adopts it
  if (Result<FileStamp> stamp = StatFile(path); stamp.ok()) c.mtime_ns = stamp->mtime_ns;
}

void TieredBlockStore::DeleteContainer(FileId file_id, const std::string& path) {
  Status s = env_->RemoveFile(path);
  if (!s.ok() && s.code() != StatusCode::kNotFound) {
    spdlog::warn("Failed to delete the empty container {}: {}", path, s.ToString());
  }
  std::lock_guard<std::mutex> l(mu_);
  auto it = containers_.find(file_id);
  if (it != containers_.end() && it->second.deleting) containers_.erase(it);
}

Status TieredBlockStore::ManifestAppendPackedCommit(Dir* dir, BlockId block_id,
                                                    const ManifestEntry& entry) {
  std::lock_guard<std::mutex> l(dir->manifest_mu);
  Status s = dir->manifest != nullptr && dir->manifest->usable()
                 ? dir->manifest->AppendCommit(block_id, entry)
                 : FailedPreconditionError("the manifest is unusable");
  if (s.ok()) return s;
  // The rewrite holds every commit in flight, this one included (its temp block's record is set).
  RewriteManifest(dir);
  if (dir->manifest != nullptr && dir->manifest->usable()) return Status::OK();
  dir->manifest_failed_appends++;
  return s.WithContext(
      fmt::format("Cannot record packed block {} in the manifest of {}", block_id, dir->data_dir));
}

void TieredBlockStore::ManifestAppendRemove(Dir* dir, BlockId block_id, bool sync) {
  std::lock_guard<std::mutex> l(dir->manifest_mu);
  if (dir->manifest == nullptr || !dir->manifest->usable()) {
    dir->manifest_failed_appends++;
    return;
  }
  Status s = dir->manifest->AppendRemove(block_id, sync);
  if (!s.ok()) {
    dir->manifest_failed_appends++;
    spdlog::warn("Failed to record the removal of block {} in the manifest of {}: {}", block_id,
                 dir->data_dir, s.ToString());
  }
}

void TieredBlockStore::MaybeCompactManifest(Dir* dir) {
  std::lock_guard<std::mutex> l(dir->manifest_mu);
  bool unusable = dir->manifest == nullptr || !dir->manifest->usable();
  if (unusable) {
    // Retry a broken manifest now and then, not on every operation.
    if (dir->manifest_failed_appends == 0 ||
        dir->manifest_failed_appends % kManifestRetryEvery != 0) {
      return;
    }
  } else {
    int64_t live;
    {
      std::lock_guard<std::mutex> m(mu_);
      if (dir->lost) return;
      live = dir->num_blocks;
    }
    if (dir->manifest->records() <= 2 * live + kManifestSlack) return;
  }
  RewriteManifest(dir);
}

void TieredBlockStore::RewriteManifest(Dir* dir) {
  std::vector<std::pair<BlockId, ManifestEntry>> entries;
  {
    // Everything whose commit record this manifest may already hold or is about to receive:
    // blocks here (not being removed), blocks being moved here whose record is written, and temp
    // blocks whose commit record is written. Appends wait for manifest_mu, held by our caller.
    std::lock_guard<std::mutex> l(mu_);
    if (dir->lost) return;
    entries.reserve(static_cast<size_t>(dir->num_blocks));
    for (const auto& [id, m] : blocks_) {
      if (m.dir == dir && m.state != BlockState::kRemoving && m.has_checksum) {
        entries.emplace_back(id, ManifestEntry{m.length, m.checksum, m.offset});
      } else if (m.move_target == dir && m.move_record) {
        entries.emplace_back(id, *m.move_record);
      }
    }
    for (const auto& [id, t] : temps_) {
      if (t.dir == dir && t.record) entries.emplace_back(id, *t.record);
    }
  }
  Status s;
  if (dir->manifest == nullptr) {
    Result<std::unique_ptr<ManifestWriter>> w =
        ManifestWriter::Create(env_, dir->data_dir, entries);
    if (w.ok()) {
      dir->manifest = *std::move(w);
    } else {
      s = w.status();
    }
  } else {
    s = dir->manifest->Rewrite(entries);
  }
  if (s.ok()) {
    dir->manifest_failed_appends = 0;
  } else {
    spdlog::warn("Failed to rewrite the block manifest of {}: {}", dir->data_dir, s.ToString());
  }
}

void TieredBlockStore::DeliverEvents() {
  // Called from inside a listener: the delivery loop below, further up this stack, will deliver
  // what this call queued once the current listener returns.
  if (delivering_thread_.load(std::memory_order_relaxed) == std::this_thread::get_id()) return;
  for (;;) {
    std::unique_lock<std::mutex> d(delivery_mu_, std::try_to_lock);
    // Another thread is delivering: it re-checks the queue after it stops, so it will deliver
    // what we queued.
    if (!d.owns_lock()) return;
    delivering_thread_.store(std::this_thread::get_id(), std::memory_order_relaxed);
    for (;;) {
      std::vector<Event> batch;
      {
        std::lock_guard<std::mutex> l(mu_);
        batch.swap(pending_events_);
      }
      if (batch.empty()) break;
      for (const Event& e : batch) {
        for (BlockStoreListener* listener : listeners_) {
          switch (e.kind) {
            case Event::Kind::kCommitted:
              listener->OnBlockCommitted(e.block_id, e.location);
              break;
            case Event::Kind::kRemoved:
              listener->OnBlockRemoved(e.block_id, e.location, RemovalCause::kRemoved);
              break;
            case Event::Kind::kEvicted:
              listener->OnBlockRemoved(e.block_id, e.location, RemovalCause::kEvicted);
              break;
            case Event::Kind::kMoved:
              listener->OnBlockMoved(e.block_id, e.location, e.to);
              break;
            case Event::Kind::kLost:
              listener->OnBlockLost(e.block_id, e.location);
              break;
            case Event::Kind::kStorageLost:
              listener->OnStorageLost(e.location.tier_alias, e.location.dir_path);
              break;
          }
        }
      }
    }
    delivering_thread_.store(std::thread::id(), std::memory_order_relaxed);
    d.unlock();
    std::lock_guard<std::mutex> l(mu_);
    if (pending_events_.empty()) return;
  }
}

// ---------------------------------------------------------------------------------------------
// Operations

TieredBlockStore::~TieredBlockStore() = default;

Result<TempBlockFile> TieredBlockStore::CreateBlockImpl(SessionId session_id, BlockId block_id,
                                                        const BlockLocationHint& hint,
                                                        int64_t initial_bytes) {
  std::vector<Victim> victims;
  Dir* dir = nullptr;
  const FileId file_id = FileIdOfBlock(block_id);
  const int64_t pack = hint.pack_block_size;
  int64_t offset = kOwnFile;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (auto t = temps_.find(block_id); t != temps_.end()) {
      return AlreadyExistsError(
          fmt::format("Temp block {} is not available: session {} is already writing it", block_id,
                      t->second.session_id));
    }
    if (blocks_.contains(block_id)) {
      return AlreadyExistsError(
          fmt::format("Temp block {} is not available: the block is already committed", block_id));
    }
    if (hint.tier_alias != kAnyTier) RETURN_IF_ERROR(FindTierLocked(hint.tier_alias).status());
    if (!hint.medium_type.empty() && std::find(kMediumTypes.begin(), kMediumTypes.end(),
                                               hint.medium_type) == kMediumTypes.end()) {
      return InvalidArgumentError(fmt::format(
          "Unknown medium type '{}' in the location hint of block {}; expected MEM, SSD or HDD",
          hint.medium_type, block_id));
    }
    // Packed: into the file's container, in its dir (evicting there if needed), else a new
    // container in the dir chosen below; an own file when that cannot be.
    const bool packable = pack > 0 && initial_bytes <= pack &&
                          BlockIndexOf(block_id) < std::numeric_limits<int64_t>::max() / pack;
    bool new_container = false;
    if (packable) {
      auto c = containers_.find(file_id);
      if (c == containers_.end()) {
        new_container = true;
      } else if (!c->second.deleting && !c->second.dir->lost &&
                 (c->second.block_size == pack ||
                  (c->second.block_size == 0 && pack >= c->second.min_block_size))) {
        c->second.block_size = pack;
        Dir* cd = c->second.dir;
        if (cd->Available() < initial_bytes) {
          Blockers blockers;
          std::optional<std::vector<BlockId>> plan = PlanEvictionLocked(
              {cd}, initial_bytes, initial_bytes + options_.free_ahead_bytes, &blockers);
          if (plan) ApplyEvictionLocked(*plan, &victims);
        }
        if (cd->Available() >= initial_bytes) {
          dir = cd;
          offset = BlockIndexOf(block_id) * pack;
        }
      }
    }
    if (dir == nullptr) {
      std::vector<Dir*> all = EligibleDirsLocked(kAnyTier, "");
      dir = AllocateLocked(EligibleDirsLocked(hint.tier_alias, hint.medium_type), initial_bytes);
      if (dir == nullptr) dir = AllocateLocked(all, initial_bytes);
      if (dir == nullptr) {
        Blockers blockers;
        std::optional<std::vector<BlockId>> plan = PlanEvictionLocked(
            all, initial_bytes, initial_bytes + options_.free_ahead_bytes, &blockers);
        if (!plan) {
          CountOutOfSpace();
          return ResourceExhaustedError(NoSpaceMessageLocked(
              fmt::format("Cannot create block {}", block_id), all, initial_bytes, blockers));
        }
        ApplyEvictionLocked(*plan, &victims);
        dir = AllocateLocked(all, initial_bytes);
        if (dir == nullptr) {  // The plan guarantees a dir with room; an allocator bug otherwise.
          spdlog::critical("Allocator {} found no dir for {} bytes after eviction",
                           allocator_->name(), initial_bytes);
          std::abort();
        }
      }
      if (new_container) {
        containers_.emplace(file_id, Container{dir, pack});
        offset = BlockIndexOf(block_id) * pack;
      }
    }
    if (offset != kOwnFile) {
      Container& c = containers_.find(file_id)->second;
      c.users++;
      c.writers++;
    }
    dir->reserved_bytes += initial_bytes;
    temps_.emplace(block_id,
                   TempBlock{session_id, dir, offset, initial_bytes, TempState::kCreating, {}});
  }
  FinishRemovals(victims, RemovalKind::kEvicted);

  const bool packed = offset != kOwnFile;
  std::string path = packed ? ContainerPath(dir, file_id) : TempPath(dir, session_id, block_id);
  Status s = env_->CreateDirs(std::filesystem::path(path).parent_path().string());
  if (s.ok() && packed) {
    // Shared with the file's other blocks: created if missing, never truncated.
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) s = ErrnoToStatus(errno, "open", path);
    if (fd >= 0) ::close(fd);
  } else if (s.ok()) {
    Result<std::unique_ptr<env::WritableFile>> f = env_->NewWritableFile(path);
    s = f.ok() ? (*f)->Close() : f.status();
  }
  std::optional<std::string> emptied;
  {
    std::lock_guard<std::mutex> l(mu_);
    auto it = temps_.find(block_id);
    if (s.ok()) {
      it->second.state = TempState::kWriting;
    } else {
      it->second.dir->reserved_bytes -= it->second.reserved;
      temps_.erase(it);
      if (packed) {
        containers_.find(file_id)->second.writers--;
        emptied = LeaveContainerLocked(file_id);
      }
    }
  }
  if (emptied) DeleteContainer(file_id, *emptied);
  DeliverEvents();
  if (!s.ok()) return s.WithContext(fmt::format("Cannot create block {}", block_id));
  return TempBlockFile{path, packed ? offset : 0, packed};
}

Status TieredBlockStore::RequestSpaceImpl(SessionId session_id, BlockId block_id,
                                          int64_t additional_bytes) {
  std::vector<Victim> victims;
  {
    std::lock_guard<std::mutex> l(mu_);
    auto it = temps_.find(block_id);
    if (it == temps_.end()) return NoTempBlock(block_id);
    TempBlock& t = it->second;
    RETURN_IF_ERROR(CheckWritableTemp(t, session_id, block_id, TempState::kWriting));
    Dir* dir = t.dir;
    if (dir->lost) {
      return AbortedError(
          fmt::format("The storage dir {} of temp block {} was lost", dir->path, block_id));
    }
    if (t.offset != kOwnFile) {
      const int64_t slot = containers_.find(FileIdOfBlock(block_id))->second.block_size;
      if (additional_bytes > slot - t.reserved) {
        return FailedPreconditionError(fmt::format(
            "Cannot reserve {} more bytes for packed block {}: it would grow past its file's "
            "block size {} (it has {} bytes)",
            additional_bytes, block_id, slot, t.reserved));
      }
    }
    if (dir->Available() < additional_bytes) {
      Blockers blockers;
      std::optional<std::vector<BlockId>> plan = PlanEvictionLocked(
          {dir}, additional_bytes, additional_bytes + options_.free_ahead_bytes, &blockers);
      if (!plan) {
        CountOutOfSpace();
        return ResourceExhaustedError(NoSpaceMessageLocked(
            fmt::format("Cannot reserve {} more bytes for block {}", additional_bytes, block_id),
            {dir}, additional_bytes, blockers));
      }
      ApplyEvictionLocked(*plan, &victims);
    }
    dir->reserved_bytes += additional_bytes;
    t.reserved += additional_bytes;
  }
  FinishRemovals(victims, RemovalKind::kEvicted);
  DeliverEvents();
  return Status::OK();
}

Status TieredBlockStore::CommitBlockImpl(SessionId session_id, BlockId block_id, bool pinned,
                                         const ManifestEntry* written) {
  Dir* dir = nullptr;
  int64_t reserved = 0;
  int64_t offset = kOwnFile;
  std::string tmp_path;
  {
    std::lock_guard<std::mutex> l(mu_);
    auto it = temps_.find(block_id);
    if (it == temps_.end()) {
      if (blocks_.contains(block_id)) {
        return AlreadyExistsError(fmt::format("Block {} is already committed", block_id));
      }
      return NoTempBlock(block_id);
    }
    TempBlock& t = it->second;
    RETURN_IF_ERROR(CheckWritableTemp(t, session_id, block_id, TempState::kWriting));
    if (t.offset != kOwnFile && written == nullptr) {
      return InvalidArgumentError(fmt::format(
          "Cannot commit packed block {}: the writer must give the length and checksum it wrote",
          block_id));
    }
    t.state = TempState::kCommitting;
    dir = t.dir;
    reserved = t.reserved;
    offset = t.offset;
    tmp_path = TempPath(dir, session_id, block_id);
  }
  if (offset != kOwnFile) return CommitPacked(block_id, pinned, written, dir, offset, reserved);
  std::string context = fmt::format("Cannot commit block {}", block_id);
  // Before the rename: on failure the temp block stays writable.
  auto revert = [&](const Status& s) {
    std::lock_guard<std::mutex> l(mu_);
    TempBlock& t = temps_.find(block_id)->second;
    t.state = TempState::kWriting;
    t.record.reset();
    return s.WithContext(context);
  };
  std::string commit_path = CommitPath(dir, block_id);
  // After the rename: on failure the block is discarded.
  auto discard = [&](const Status& s) {
    Status rm = env_->RemoveFile(commit_path);
    if (!rm.ok() && rm.code() != StatusCode::kNotFound) {
      spdlog::warn("Failed to delete discarded block file {}: {}", commit_path, rm.ToString());
    }
    ManifestAppendRemove(dir, block_id);
    std::lock_guard<std::mutex> l(mu_);
    auto it = temps_.find(block_id);
    it->second.dir->reserved_bytes -= it->second.reserved;
    temps_.erase(it);
    return s.WithContext(context + "; the block was discarded");
  };

  // Stamped before the checksum: a write that races with it changes the mtime, so the first
  // LockBlock verifies the block instead of trusting the checksum.
  Result<FileStamp> stamp = StatFile(tmp_path);
  Result<ManifestEntry> sum =
      written != nullptr ? Result<ManifestEntry>(*written) : ChecksumFile(env_, tmp_path);
  if (!sum.ok()) return revert(sum.status());
  if (written != nullptr) {
    // The writer hashed what it wrote; the file must at least hold that many bytes.
    Result<uint64_t> size = env_->GetFileSize(tmp_path);
    if (!size.ok()) return revert(size.status());
    if (static_cast<int64_t>(*size) != written->length) {
      return revert(DataLossError(
          fmt::format("the temp file holds {} bytes but {} were written", *size, written->length)));
    }
  }
  if (sum->length > reserved) {
    return revert(FailedPreconditionError(fmt::format(
        "the temp file holds {} bytes but only {} bytes were reserved; call RequestSpace before "
        "writing past the reservation",
        sum->length, reserved)));
  }
  {
    Result<std::unique_ptr<env::WritableFile>> f = env_->NewAppendableFile(tmp_path);
    Status s = f.ok() ? (*f)->Sync() : f.status();
    if (f.ok()) {
      Status c = (*f)->Close();
      if (s.ok()) s = c;
    }
    if (!s.ok()) return revert(s);
  }
  {
    std::lock_guard<std::mutex> l(mu_);
    temps_.find(block_id)->second.record = *sum;  // A manifest rewrite from now on includes it.
  }
  if (Status s = env_->RenameFile(tmp_path, commit_path); !s.ok()) return revert(s);
  if (Status s = env_->SyncDir(dir->data_dir); !s.ok()) return discard(s);
  ManifestAppendCommit(dir, block_id, *sum);
  {
    std::unique_lock<std::mutex> l(mu_);
    if (dir->lost) {
      l.unlock();
      return discard(AbortedError(fmt::format("the storage dir {} was lost", dir->path)));
    }
    auto it = temps_.find(block_id);
    dir->reserved_bytes -= it->second.reserved;
    temps_.erase(it);
    dir->committed_bytes += sum->length;
    dir->num_blocks++;
    BlockMeta m;
    m.dir = dir;
    m.length = sum->length;
    m.checksum = sum->checksum;
    m.has_checksum = true;
    m.mtime_ns = stamp.ok() ? stamp->mtime_ns : 0;  // unknown: the first LockBlock verifies
    m.generation = next_generation_++;
    blocks_.emplace(block_id, m);
    annotator_->Insert(block_id);
    if (pinned) pinned_files_.insert(FileIdOfBlock(block_id));
    QueueEventLocked(Event{Event::Kind::kCommitted, block_id, dir->location, {}});
  }
  MaybeCompactManifest(dir);
  DeliverEvents();
  return Status::OK();
}

Status TieredBlockStore::CommitPacked(BlockId block_id, bool pinned, const ManifestEntry* written,
                                      Dir* dir, int64_t offset, int64_t reserved) {
  const FileId file_id = FileIdOfBlock(block_id);
  const std::string path = ContainerPath(dir, file_id);
  const std::string context = fmt::format("Cannot commit block {}", block_id);
  auto revert = [&](const Status& s) {  // the temp block stays writable
    std::lock_guard<std::mutex> l(mu_);
    TempBlock& t = temps_.find(block_id)->second;
    t.state = TempState::kWriting;
    t.record.reset();
    return s.WithContext(context);
  };
  if (written->length > reserved) {
    return revert(FailedPreconditionError(fmt::format(
        "{} bytes were written but only {} bytes were reserved; call RequestSpace before writing "
        "past the reservation",
        written->length, reserved)));
  }
  {
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    struct stat st;
    Status s;
    if (fd < 0 || ::fstat(fd, &st) != 0) {
      s = ErrnoToStatus(errno, fd < 0 ? "open" : "fstat", path);
    } else if (st.st_size < offset + written->length) {
      s = DataLossError(
          fmt::format("the container {} ends at {}, inside the block's bytes [{}, {})", path,
                      st.st_size, offset, offset + written->length));
    } else if (::fdatasync(fd) != 0) {
      s = ErrnoToStatus(errno, "fdatasync", path);
    }
    if (fd >= 0) ::close(fd);
    if (!s.ok()) return revert(s);
  }
  const ManifestEntry record{written->length, written->checksum, offset};
  {
    std::lock_guard<std::mutex> l(mu_);
    temps_.find(block_id)->second.record = record;  // a manifest rewrite from now on includes it
  }
  // The record makes the block: without it a restart would not know it.
  Status m = ManifestAppendPackedCommit(dir, block_id, record);
  std::optional<std::string> emptied;
  {
    std::lock_guard<std::mutex> l(mu_);
    auto it = temps_.find(block_id);
    dir->reserved_bytes -= it->second.reserved;
    temps_.erase(it);
    Container& c = containers_.find(file_id)->second;
    c.writers--;
    if (m.ok() && dir->lost)
      m = AbortedError(fmt::format("the storage dir {} was lost", dir->path));
    if (!m.ok()) {
      emptied = LeaveContainerLocked(file_id);
    } else {
      // Our own writes moved the mtime: once nobody writes, the new one is the expected one.
      AdoptMtimeLocked(c, path);
      dir->committed_bytes += record.length;
      dir->num_blocks++;
      BlockMeta meta;
      meta.dir = dir;
      meta.offset = offset;
      meta.length = record.length;
      meta.checksum = record.checksum;
      meta.has_checksum = true;
      meta.epoch = c.epoch;
      meta.generation = next_generation_++;
      blocks_.emplace(block_id, meta);
      annotator_->Insert(block_id);
      if (pinned) pinned_files_.insert(file_id);
      QueueEventLocked(Event{Event::Kind::kCommitted, block_id, dir->location, {}});
    }
  }
  if (!m.ok()) {
    PunchRange(file_id, path, offset, reserved);
    if (emptied) DeleteContainer(file_id, *emptied);
    return m.WithContext(context + "; the block was discarded");
  }
  MaybeCompactManifest(dir);
  DeliverEvents();
  return Status::OK();
}

Status TieredBlockStore::AbortBlockImpl(SessionId session_id, BlockId block_id) {
  {
    std::lock_guard<std::mutex> l(mu_);
    auto it = temps_.find(block_id);
    if (it == temps_.end()) return NoTempBlock(block_id);
    TempBlock& t = it->second;
    RETURN_IF_ERROR(CheckWritableTemp(t, session_id, block_id, TempState::kWriting));
    t.state = TempState::kAborting;
  }
  DiscardTemps(session_id, {block_id});
  return Status::OK();
}

void TieredBlockStore::DiscardTemps(SessionId session_id, const std::vector<BlockId>& ids) {
  struct Doomed {
    BlockId id;
    std::string path;
    int64_t offset;
    int64_t slot;  // packed: the bytes of the block's place in its container
  };
  std::vector<Doomed> doomed;
  {
    std::lock_guard<std::mutex> l(mu_);
    for (BlockId id : ids) {
      const TempBlock& t = temps_.find(id)->second;
      if (t.offset == kOwnFile) {
        doomed.push_back({id, TempPath(t.dir, session_id, id), kOwnFile, 0});
      } else {
        const FileId file_id = FileIdOfBlock(id);
        doomed.push_back({id, ContainerPath(t.dir, file_id), t.offset,
                          containers_.find(file_id)->second.block_size});
      }
    }
  }
  for (const Doomed& d : doomed) {
    if (d.offset != kOwnFile) {
      // Whatever the writer wrote there. Its writer still counts until below, which adopts the
      // mtime once the last one is gone.
      PunchRange(FileIdOfBlock(d.id), d.path, d.offset, d.slot);
      continue;
    }
    Status s = env_->RemoveFile(d.path);
    if (!s.ok() && s.code() != StatusCode::kNotFound) {
      // The reservation is released anyway; the file is garbage that a restart deletes.
      spdlog::warn("Failed to delete aborted temp block {}: {}", d.path, s.ToString());
    }
  }
  std::vector<std::pair<FileId, std::string>> emptied;
  {
    std::lock_guard<std::mutex> l(mu_);
    for (const Doomed& d : doomed) {
      auto it = temps_.find(d.id);
      it->second.dir->reserved_bytes -= it->second.reserved;
      temps_.erase(it);
      if (d.offset != kOwnFile) {
        const FileId file_id = FileIdOfBlock(d.id);
        Container& c = containers_.find(file_id)->second;
        c.writers--;
        AdoptMtimeLocked(c, d.path);
        if (auto path = LeaveContainerLocked(file_id)) emptied.emplace_back(file_id, *path);
      }
    }
  }
  for (const auto& [file_id, path] : emptied) DeleteContainer(file_id, path);
}

Result<LockedBlock> TieredBlockStore::LockBlockImpl(SessionId session_id, BlockId block_id) {
  LockedBlock locked;
  LockRecord self;
  Dir* dir = nullptr;
  int64_t mtime_ns = 0;
  int64_t offset = kOwnFile;
  std::optional<uint64_t> expected;
  {
    std::unique_lock<std::mutex> l(mu_);
    ASSIGN_OR_RETURN(BlockMeta * m, FindReadyBlockLocked(block_id, &l));
    m->readers++;
    self = LockRecord{session_id, block_id, m->generation};
    offset = m->offset;
    locked = LockedBlock{next_lock_id_++, block_id,         BlockPath(m->dir, block_id, offset),
                         m->length,       m->dir->location, offset == kOwnFile ? 0 : offset};
    locks_.emplace(locked.lock_id, self);
    dir = m->dir;
    mtime_ns = m->mtime_ns;
    if (m->has_checksum) expected = m->checksum;
  }
  // The hot path: one stat, outside mu_. Our reader keeps the block in place meanwhile.
  Result<FileStamp> stamp = StatFile(locked.path);
  if (offset == kOwnFile) {
    if (stamp.ok() && stamp->size == locked.length && stamp->mtime_ns == mtime_ns) return locked;
  } else if (stamp.ok() && stamp->size >= offset + locked.length) {
    // A packed block: its container's mtime moves with every write into it. While nobody of
    // ours writes there, a new mtime means a change behind our back: every block in it is
    // checked again at its next lock (a new epoch).
    std::lock_guard<std::mutex> l(mu_);
    auto c = containers_.find(FileIdOfBlock(block_id));
    auto b = blocks_.find(block_id);
    if (c != containers_.end() && b != blocks_.end() && b->second.generation == self.generation) {
      Container& container = c->second;
      if (container.writers == 0 && stamp->mtime_ns != container.mtime_ns) {
        container.mtime_ns = stamp->mtime_ns;
        container.epoch++;
      }
      if (b->second.epoch >= container.epoch) return locked;
    }
  }

  // The file changed (or vanished) behind the store's back: check it before anyone reads it.
  CountVerification();
  Result<VerifyOutcome> verified = VerifyHeld(block_id, self, dir, offset, locked.length, expected);
  if (verified.ok()) return locked;
  spdlog::warn("LockBlock: {}", verified.status().ToString());
  std::vector<Victim> victims;
  {
    std::lock_guard<std::mutex> l(mu_);
    // CleanupSession may have released it already.
    if (auto it = locks_.find(locked.lock_id); it != locks_.end()) {
      ReleaseReaderLocked(it->second, &victims);
      locks_.erase(it);
    }
  }
  FinishRemovals(victims, RemovalKind::kLost);
  DeliverEvents();
  return verified.status();
}

Status TieredBlockStore::UnlockBlockImpl(LockId lock_id) {
  std::vector<Victim> victims;
  {
    std::lock_guard<std::mutex> l(mu_);
    auto it = locks_.find(lock_id);
    if (it == locks_.end()) {
      return NotFoundError(fmt::format("Lock id {} has no lock record", lock_id));
    }
    ReleaseReaderLocked(it->second, &victims);
    locks_.erase(it);
  }
  FinishRemovals(victims, RemovalKind::kLost);
  DeliverEvents();
  return Status::OK();
}

Status TieredBlockStore::RemoveBlockImpl(BlockId block_id) {
  Victim victim;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (auto t = temps_.find(block_id); t != temps_.end()) {
      return FailedPreconditionError(
          fmt::format("Block {} is being written by session {}; abort it instead of removing it",
                      block_id, t->second.session_id));
    }
    auto it = blocks_.find(block_id);
    if (it == blocks_.end() || it->second.state == BlockState::kRemoving) return NoBlock(block_id);
    BlockMeta& m = it->second;
    if (m.state == BlockState::kMoving) {
      return FailedPreconditionError(
          fmt::format("Block {} is being moved between tiers; remove it after the move", block_id));
    }
    if (m.readers > 0) {
      return FailedPreconditionError(
          fmt::format("Block {} is locked by {} reader(s); remove it after they unlock it",
                      block_id, m.readers));
    }
    victim = BeginRemovalLocked(block_id, &m);
  }
  FinishRemovals({victim}, RemovalKind::kRemoved);
  DeliverEvents();
  return Status::OK();
}

Result<BlockLocation> TieredBlockStore::MoveBlockImpl(SessionId session_id, BlockId block_id,
                                                      std::string_view tier_alias) {
  std::vector<Victim> victims;
  int64_t src_offset = kOwnFile;
  Dir* src = nullptr;
  Dir* dst = nullptr;
  int64_t length = 0;
  std::optional<uint64_t> expected;
  {
    std::unique_lock<std::mutex> l(mu_);
    ASSIGN_OR_RETURN(const Tier* tier, FindTierLocked(tier_alias));
    ASSIGN_OR_RETURN(BlockMeta * m, FindReadyBlockLocked(block_id, &l));
    if (m->dir->tier_level == tier->level) return m->dir->location;
    if (m->readers > 0) {
      return FailedPreconditionError(
          fmt::format("Block {} is locked by {} reader(s); move it after they unlock it", block_id,
                      m->readers));
    }
    std::vector<Dir*> candidates = EligibleDirsLocked(tier_alias, "");
    dst = AllocateLocked(candidates, m->length);
    if (dst == nullptr) {
      Blockers blockers;
      std::optional<std::vector<BlockId>> plan = PlanEvictionLocked(
          candidates, m->length, m->length + options_.free_ahead_bytes, &blockers);
      if (!plan) {
        CountOutOfSpace();
        return ResourceExhaustedError(NoSpaceMessageLocked(
            fmt::format("Cannot move block {} to tier {}", block_id, tier_alias), candidates,
            m->length, blockers));
      }
      ApplyEvictionLocked(*plan, &victims);  // Never evicts the block itself: other tier.
      dst = AllocateLocked(candidates, m->length);
      if (dst == nullptr) {
        spdlog::critical("Allocator {} found no dir for {} bytes after eviction",
                         allocator_->name(), m->length);
        std::abort();
      }
    }
    dst->reserved_bytes += m->length;
    m->state = BlockState::kMoving;
    m->move_target = dst;
    src = m->dir;
    src_offset = m->offset;
    length = m->length;
    if (m->has_checksum) expected = m->checksum;
  }
  FinishRemovals(victims, RemovalKind::kEvicted);

  // A packed block leaves its container: the destination is a file of its own.
  std::string src_path = BlockPath(src, block_id, src_offset);
  std::string tmp_path = TempPath(dst, session_id, block_id);
  std::string dst_path = CommitPath(dst, block_id);
  ManifestEntry copied;
  int64_t copied_mtime_ns = 0;  // of the destination file; 0 if stat failed
  bool corrupt = false;
  // Copies, checksumming on the way, into a temp file of the destination, then makes it durable
  // and renames it into place. The source stays until the destination is durable: a crash leaves
  // at worst two good copies, and Open keeps the faster one.
  auto copy = [&]() -> Status {
    RETURN_IF_ERROR(env_->CreateDirs(std::filesystem::path(tmp_path).parent_path().string()));
    // Block files are always local (as in StatFile): read with pread, at the block's offset.
    const int in = ::open(src_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0 && errno == ENOENT) {
      corrupt = true;
      return DataLossError(fmt::format("Block {} is missing its file {}; the block was dropped",
                                       block_id, src_path));
    }
    if (in < 0) return ErrnoToStatus(errno, "open", src_path);
    struct CloseFd {
      int fd;
      ~CloseFd() { ::close(fd); }
    } close_in{in};
    ASSIGN_OR_RETURN(std::unique_ptr<env::WritableFile> out, env_->NewWritableFile(tmp_path));
    std::string scratch(kCopyChunk, '\0');
    BlockHasher hasher;
    // An own file is copied to its end (a longer file shows as corrupt); a packed block's bytes
    // are its range.
    const int64_t start = src_offset == kOwnFile ? 0 : src_offset;
    const int64_t limit = src_offset == kOwnFile ? std::numeric_limits<int64_t>::max() : length;
    while (copied.length < limit) {
      const size_t want =
          static_cast<size_t>(std::min<int64_t>(limit - copied.length, scratch.size()));
      ssize_t n = ::pread(in, scratch.data(), want, static_cast<off_t>(start + copied.length));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return ErrnoToStatus(errno, "pread", src_path);
      if (n == 0) break;
      std::string_view chunk(scratch.data(), static_cast<size_t>(n));
      hasher.Update(chunk);
      copied.length += static_cast<int64_t>(chunk.size());
      RETURN_IF_ERROR(out->Append(chunk));
    }
    copied.checksum = hasher.Digest();
    if (copied.length != length || (expected && copied.checksum != *expected)) {
      corrupt = true;
      return DataLossError(fmt::format(
          "Block {} at {} is corrupt: expected {} bytes{}, found {} bytes with XXH64 {:016x}; "
          "the block was dropped",
          block_id, src_path, length,
          expected ? fmt::format(" with XXH64 {:016x}", *expected) : std::string(), copied.length,
          copied.checksum));
    }
    RETURN_IF_ERROR(out->Sync());
    RETURN_IF_ERROR(out->Close());
    if (Result<FileStamp> st = StatFile(tmp_path); st.ok()) copied_mtime_ns = st->mtime_ns;
    RETURN_IF_ERROR(env_->RenameFile(tmp_path, dst_path));
    return env_->SyncDir(dst->data_dir);
  };
  Status s = copy();
  if (s.ok()) {
    {
      std::lock_guard<std::mutex> l(mu_);
      blocks_.find(block_id)->second.move_record = copied;
    }
    ManifestAppendCommit(dst, block_id, copied);
    std::lock_guard<std::mutex> l(mu_);
    if (dst->lost) s = AbortedError(fmt::format("the storage dir {} was lost", dst->path));
  }
  if (!s.ok()) {
    Status rm = env_->RemoveFile(tmp_path);
    if (!rm.ok() && rm.code() != StatusCode::kNotFound) {
      spdlog::warn("Failed to delete temp copy {}: {}", tmp_path, rm.ToString());
    }
    if (!corrupt && env_->FileExists(dst_path)) {
      // Renamed but not usable: a later restart must not find two copies.
      env_->RemoveFile(dst_path).IgnoreError();  // Best effort; Open resolves duplicates.
      ManifestAppendRemove(dst, block_id);
    }
    std::vector<Victim> lost;
    {
      std::lock_guard<std::mutex> l(mu_);
      dst->reserved_bytes -= length;
      BlockMeta& m = blocks_.find(block_id)->second;
      m.state = BlockState::kReady;
      m.move_target = nullptr;
      m.move_record.reset();
      if (corrupt) {
        m.doomed = true;
        if (m.readers == 0) lost.push_back(BeginRemovalLocked(block_id, &m));
      }
    }
    move_cv_.notify_all();
    FinishRemovals(lost, RemovalKind::kLost);
    DeliverEvents();
    if (corrupt) return s;
    return s.WithContext(fmt::format("Cannot move block {} to tier {}", block_id, tier_alias));
  }

  // The destination is durable and recorded: drop the source, then publish. Readers wait for
  // kMoving to end, so nobody reads the source in between.
  std::optional<std::string> emptied;
  if (src_offset != kOwnFile) {
    PunchRange(FileIdOfBlock(block_id), src_path, src_offset, length);
    ManifestAppendRemove(src, block_id, /*sync=*/true);
  } else {
    Status rm = env_->RemoveFile(src_path);
    if (!rm.ok() && rm.code() != StatusCode::kNotFound) {
      spdlog::warn("Failed to delete the source {} of moved block {}: {}", src_path, block_id,
                   rm.ToString());
    }
    ManifestAppendRemove(src, block_id);
  }
  {
    std::lock_guard<std::mutex> l(mu_);
    if (src_offset != kOwnFile) emptied = LeaveContainerLocked(FileIdOfBlock(block_id));
    BlockMeta& m = blocks_.find(block_id)->second;
    m.offset = kOwnFile;
    src->committed_bytes -= length;
    src->num_blocks--;
    dst->reserved_bytes -= length;
    dst->committed_bytes += length;
    dst->num_blocks++;
    m.dir = dst;
    m.state = BlockState::kReady;
    m.move_target = nullptr;
    m.move_record.reset();
    m.checksum = copied.checksum;
    m.has_checksum = true;
    m.mtime_ns = copied_mtime_ns;
    QueueEventLocked(Event{Event::Kind::kMoved, block_id, src->location, dst->location});
  }
  move_cv_.notify_all();
  if (emptied) DeleteContainer(FileIdOfBlock(block_id), *emptied);
  MaybeCompactManifest(src);
  MaybeCompactManifest(dst);
  DeliverEvents();
  return dst->location;
}

Status TieredBlockStore::AccessBlockImpl(BlockId block_id) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = blocks_.find(block_id);
  if (it == blocks_.end() || it->second.state == BlockState::kRemoving) return NoBlock(block_id);
  annotator_->Access(block_id);
  return Status::OK();
}

Result<VerifyOutcome> TieredBlockStore::VerifyBlockImpl(BlockId block_id) {
  Dir* dir = nullptr;
  int64_t offset = kOwnFile;
  LockRecord self;
  int64_t length = 0;
  std::optional<uint64_t> expected;
  {
    std::unique_lock<std::mutex> l(mu_);
    ASSIGN_OR_RETURN(BlockMeta * m, FindReadyBlockLocked(block_id, &l));
    m->readers++;  // Pins the block in place (no move, removal or eviction) while we read.
    self = LockRecord{0, block_id, m->generation};
    dir = m->dir;
    offset = m->offset;
    length = m->length;
    if (m->has_checksum) expected = m->checksum;
  }
  Result<VerifyOutcome> r = VerifyHeld(block_id, self, dir, offset, length, expected);
  std::vector<Victim> victims;
  {
    std::lock_guard<std::mutex> l(mu_);
    ReleaseReaderLocked(self, &victims);
  }
  FinishRemovals(victims, RemovalKind::kLost);
  DeliverEvents();
  return r;
}

Result<VerifyOutcome> TieredBlockStore::VerifyHeld(BlockId block_id, const LockRecord& self,
                                                   Dir* dir, int64_t offset, int64_t length,
                                                   std::optional<uint64_t> expected) {
  const bool packed = offset != kOwnFile;
  std::string path = BlockPath(dir, block_id, offset);
  // Stamped before reading: a change during the read shows as a new mtime at the next lock.
  Result<FileStamp> stamp = StatFile(path);
  Result<ManifestEntry> actual =
      packed ? ChecksumRange(path, offset, length) : ChecksumFile(env_, path);
  bool missing = !actual.ok() && actual.status().code() == StatusCode::kNotFound;
  if (!actual.ok() && !missing) {
    return actual.status().WithContext(fmt::format("Cannot verify block {}", block_id));
  }
  bool corrupt = missing || actual->length != length || (expected && actual->checksum != *expected);
  // Record a first checksum while the caller still holds its reader: no removal (and so no newer
  // record for a new block with this id) can overtake this append.
  if (!corrupt && !expected) {
    ManifestAppendCommit(dir, block_id, ManifestEntry{actual->length, actual->checksum, offset});
  }
  {
    std::lock_guard<std::mutex> l(mu_);
    auto it = blocks_.find(block_id);
    if (it != blocks_.end() && it->second.generation == self.generation) {
      BlockMeta& m = it->second;
      if (corrupt) {
        m.doomed = true;
      } else {
        if (!expected) {
          m.checksum = actual->checksum;
          m.has_checksum = true;
        }
        if (packed) {
          m.epoch = containers_.find(FileIdOfBlock(block_id))->second.epoch;
        } else if (stamp.ok() && stamp->size == length) {
          m.mtime_ns = stamp->mtime_ns;
        }
      }
    }
  }
  if (missing) {
    return DataLossError(
        fmt::format("Block {} is missing its file {}; the block was dropped", block_id, path));
  }
  if (corrupt) {
    return DataLossError(fmt::format(
        "Block {} at {} is corrupt: expected {} bytes{}, found {} bytes with XXH64 {:016x}; the "
        "block was dropped",
        block_id, path, length,
        expected ? fmt::format(" with XXH64 {:016x}", *expected) : std::string(), actual->length,
        actual->checksum));
  }
  return expected ? VerifyOutcome::kVerified : VerifyOutcome::kChecksumRecorded;
}

void TieredBlockStore::SetPinnedFilesImpl(absl::flat_hash_set<FileId> file_ids) {
  std::lock_guard<std::mutex> l(mu_);
  pinned_files_ = std::move(file_ids);
}

void TieredBlockStore::CleanupSessionImpl(SessionId session_id) {
  std::vector<BlockId> temps;
  std::vector<Victim> victims;
  {
    std::lock_guard<std::mutex> l(mu_);
    for (auto& [id, t] : temps_) {
      if (t.session_id == session_id && t.state == TempState::kWriting) {
        t.state = TempState::kAborting;
        temps.push_back(id);
      }
    }
    for (auto it = locks_.begin(); it != locks_.end();) {
      if (it->second.session_id == session_id) {
        ReleaseReaderLocked(it->second, &victims);
        locks_.erase(it++);
      } else {
        ++it;
      }
    }
  }
  if (!temps.empty()) DiscardTemps(session_id, temps);
  FinishRemovals(victims, RemovalKind::kLost);
  DeliverEvents();
}

std::vector<std::string> TieredBlockStore::CheckStorageImpl() {
  std::vector<Dir*> candidates;
  {
    std::lock_guard<std::mutex> l(mu_);
    for (const auto& dir : dirs_) {
      if (!dir->lost) candidates.push_back(dir.get());
    }
  }
  std::vector<std::string> newly_lost;
  for (Dir* dir : candidates) {
    // The Env has no "is a writable directory" query; this is a read-only probe.
    struct stat st;
    bool ok = ::stat(dir->data_dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode) &&
              ::access(dir->data_dir.c_str(), W_OK | X_OK) == 0;
    if (ok) continue;
    int err = errno;
    spdlog::error("Storage dir {} of tier {} is lost ({}); dropping its blocks", dir->path,
                  dir->tier_alias, std::strerror(err));
    int64_t dropped = 0;
    {
      std::lock_guard<std::mutex> l(mu_);
      if (dir->lost) continue;
      dir->lost = true;
      lost_[dir->tier_alias].push_back(dir->path);
      for (auto it = blocks_.begin(); it != blocks_.end();) {
        BlockMeta& m = it->second;
        // Blocks mid-move or mid-removal are settled by the operation that owns them.
        if (m.dir == dir && m.state == BlockState::kReady) {
          annotator_->Remove(it->first);
          dir->committed_bytes -= m.length;
          dir->num_blocks--;
          QueueEventLocked(Event{Event::Kind::kLost, it->first, dir->location, {}});
          dropped++;
          blocks_.erase(it++);
        } else {
          ++it;
        }
      }
      QueueEventLocked(Event{Event::Kind::kStorageLost, 0, dir->location, {}});
    }
    CountLost(dropped);
    newly_lost.push_back(dir->path);
  }
  DeliverEvents();
  return newly_lost;
}

Result<BlockInfo> TieredBlockStore::GetBlockInfoImpl(BlockId block_id) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = blocks_.find(block_id);
  if (it == blocks_.end() || it->second.state == BlockState::kRemoving) return NoBlock(block_id);
  const BlockMeta& m = it->second;
  BlockInfo info;
  info.block_id = block_id;
  info.path = BlockPath(m.dir, block_id, m.offset);
  info.offset = m.offset == kOwnFile ? 0 : m.offset;
  info.length = m.length;
  info.location = m.dir->location;
  info.pinned = IsPinnedLocked(block_id);
  info.has_checksum = m.has_checksum;
  info.readers = m.readers;
  return info;
}

StoreMeta TieredBlockStore::GetStoreMetaImpl(bool include_block_ids) const {
  std::lock_guard<std::mutex> l(mu_);
  StoreMeta meta;
  absl::flat_hash_map<const Dir*, DirMeta*> by_dir;
  for (const Tier& tier : tiers_) {
    TierMeta& t = meta.tiers.emplace_back();
    t.alias = tier.alias;
    t.level = tier.level;
    for (const Dir* dir : tier.dirs) {
      if (dir->lost) continue;
      DirMeta& d = t.dirs.emplace_back();
      d.dir_index = dir->dir_index;
      d.path = dir->path;
      d.data_dir = dir->data_dir;
      d.medium_type = dir->medium_type;
      d.capacity_bytes = dir->capacity;
      d.committed_bytes = dir->committed_bytes;
      d.reserved_bytes = dir->reserved_bytes;
      d.used_bytes = dir->committed_bytes + dir->reserved_bytes;
      d.num_blocks = dir->num_blocks;
      t.capacity_bytes += d.capacity_bytes;
      t.used_bytes += d.used_bytes;
      meta.num_blocks += d.num_blocks;
    }
    meta.capacity_bytes += t.capacity_bytes;
    meta.used_bytes += t.used_bytes;
  }
  if (include_block_ids) {
    // meta.tiers[i] is tiers_[i]; its dirs are the usable dirs of tiers_[i], in order.
    for (size_t i = 0; i < tiers_.size(); i++) {
      size_t j = 0;
      for (const Dir* dir : tiers_[i].dirs) {
        if (!dir->lost) by_dir[dir] = &meta.tiers[i].dirs[j++];
      }
    }
    for (const auto& [id, m] : blocks_) {
      if (m.state == BlockState::kRemoving) continue;
      auto it = by_dir.find(m.dir);
      if (it != by_dir.end()) it->second->block_ids.push_back(id);
    }
    for (auto& [dir, d] : by_dir) std::sort(d->block_ids.begin(), d->block_ids.end());
  }
  meta.lost_storage = lost_;
  return meta;
}

RecoveryStats TieredBlockStore::RecoveryStatsImpl() const { return recovery_; }

void TieredBlockStore::AddListenerImpl(BlockStoreListener* listener) {
  std::lock_guard<std::mutex> d(delivery_mu_);
  listeners_.push_back(listener);
  std::lock_guard<std::mutex> l(mu_);
  listeners_empty_ = false;
}

}  // namespace alluxio::worker
