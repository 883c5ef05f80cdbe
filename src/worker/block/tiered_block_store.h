// SPDX-License-Identifier: Apache-2.0
// TieredBlockStore: the BlockStore over local tier directories (Alluxio's FILE block store).
// Created by BlockStore::Open; callers use the BlockStore interface. Layout and manifest:
// docs/formats/worker-block-store.md. Operations: tiered_block_store.cc; restart:
// tiered_block_store_open.cc.
//
// Locking. Three kinds of mutex, always taken in this order, never the other way:
//   delivery_mu_  ->  Dir::manifest_mu  ->  mu_
//   - mu_ guards all metadata (blocks, temp blocks, locks, dir accounting, annotator, allocator,
//     pinned set, event queue). It is held only for in-memory work: never across file I/O, a
//     listener call or another mutex (the one exception: move_cv_ waits release it).
//   - Dir::manifest_mu serializes appends to and rewrites of one dir's manifest. It is taken
//     without mu_; a rewrite takes mu_ inside it for a snapshot.
//   - delivery_mu_ makes listener delivery one-at-a-time and in queue order (see DeliverEvents).
// Per-block exclusion is state in the metadata, not a mutex: a committed block is kReady (may be
// locked by readers), kMoving or kRemoving; a temp block is kCreating, kWriting, kCommitting or
// kAborting. An operation that does I/O first claims the block by switching its state under mu_,
// does the I/O without mu_, then publishes the result under mu_. Space is claimed the same way:
// a reservation is added, or an evicted block's bytes are released, in the same critical section
// that decides, so two operations never count the same free bytes.
//
// Thread-safety: thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include "worker/block/allocator.h"
#include "worker/block/annotator.h"
#include "worker/block/block_manifest.h"
#include "worker/block/block_store.h"

namespace alluxio::worker {

class TieredBlockStore final : public BlockStore {
 public:
  // See BlockStore::Open. `env` must not be null and must outlive the store.
  static Result<std::unique_ptr<TieredBlockStore>> Open(const StoreOptions& options, env::Env* env);
  ~TieredBlockStore() override;

 protected:
  Result<TempBlockFile> CreateBlockImpl(SessionId session_id, BlockId block_id,
                                        const BlockLocationHint& hint,
                                        int64_t initial_bytes) override;
  Status RequestSpaceImpl(SessionId session_id, BlockId block_id,
                          int64_t additional_bytes) override;
  Status CommitBlockImpl(SessionId session_id, BlockId block_id, bool pinned,
                         const ManifestEntry* written) override;
  Status AbortBlockImpl(SessionId session_id, BlockId block_id) override;
  Result<LockedBlock> LockBlockImpl(SessionId session_id, BlockId block_id) override;
  Status UnlockBlockImpl(LockId lock_id) override;
  Status RemoveBlockImpl(BlockId block_id) override;
  Result<BlockLocation> MoveBlockImpl(SessionId session_id, BlockId block_id,
                                      std::string_view tier_alias) override;
  Status AccessBlockImpl(BlockId block_id) override;
  Result<VerifyOutcome> VerifyBlockImpl(BlockId block_id) override;
  void SetPinnedFilesImpl(absl::flat_hash_set<FileId> file_ids) override;
  void CleanupSessionImpl(SessionId session_id) override;
  std::vector<std::string> CheckStorageImpl() override;
  Result<BlockInfo> GetBlockInfoImpl(BlockId block_id) const override;
  StoreMeta GetStoreMetaImpl(bool include_block_ids) const override;
  RecoveryStats RecoveryStatsImpl() const override;
  void AddListenerImpl(BlockStoreListener* listener) override;

 private:
  struct Dir {
    // Immutable after Open.
    std::string tier_alias;
    int tier_level = 0;
    int dir_index = 0;
    std::string path;      // configured
    std::string data_dir;  // <path>/<data folder>
    std::string tmp_dir;   // <data dir>/<tmp folder>
    std::string medium_type;
    int64_t capacity = 0;
    BlockLocation location;

    // GUARDED_BY(mu_). Invariant while not lost: committed + reserved <= capacity.
    bool lost = false;
    int64_t committed_bytes = 0;  // kReady and kMoving blocks here, not kRemoving ones
    int64_t reserved_bytes = 0;   // temp blocks here and moves into here
    int64_t num_blocks = 0;       // blocks counted in committed_bytes
    int64_t Available() const { return capacity - committed_bytes - reserved_bytes; }

    std::mutex manifest_mu;
    std::unique_ptr<ManifestWriter> manifest;  // GUARDED_BY(manifest_mu); null: unusable
    int64_t manifest_failed_appends = 0;       // GUARDED_BY(manifest_mu)
  };

  struct Tier {
    std::string alias;
    int level = 0;
    std::vector<Dir*> dirs;
  };

  // The packed container of one file's blocks in one dir: <data dir>/.packed/<file id>, block i
  // at i x block_size (format page, "Packed files"). A file has at most one container.
  struct Container {
    Dir* dir = nullptr;
    int64_t block_size = 0;
    int users = 0;    // its committed blocks (any state) and temp blocks
    int writers = 0;  // its temp blocks (their writes move the file's mtime)
    // st_mtim (ns) of the container when its last commit or verification ended with no writer
    // left; LockBlock of a packed block verifies it when the container's mtime differs while
    // nobody writes (see LockBlockImpl).
    int64_t mtime_ns = 0;
    // Bumped when the container changed behind the store's back: its blocks verified at an
    // older epoch are verified again at their next lock.
    uint64_t epoch = 1;
    // block_size 0: unknown (a restart found only block 0); a writer's block size of at least
    // this (block 0's length) is taken.
    int64_t min_block_size = 0;
    bool deleting = false;  // users fell to 0: the file is being deleted; no new blocks
  };

  enum class BlockState : uint8_t { kReady, kMoving, kRemoving };
  struct BlockMeta {
    Dir* dir = nullptr;
    int64_t offset = kOwnFile;  // in its file's container; kOwnFile: a file of its own
    int64_t length = 0;
    uint64_t checksum = 0;
    bool has_checksum = false;
    // st_mtim (ns since the epoch) of the file when committed, moved, adopted or last verified;
    // 0 when unknown (the next LockBlock verifies). LockBlock verifies a file whose mtime or size
    // differs from (mtime_ns, length).
    int64_t mtime_ns = 0;
    uint64_t epoch = 0;  // packed: the container epoch it was last known good at
    BlockState state = BlockState::kReady;
    bool doomed = false;  // corrupt: no new readers; removed when the last one unlocks
    int readers = 0;
    uint64_t generation = 0;  // distinguishes this block from a later one with the same id
    // While kMoving: the destination and, once written there, its manifest record.
    Dir* move_target = nullptr;
    std::optional<ManifestEntry> move_record;
  };

  enum class TempState : uint8_t { kCreating, kWriting, kCommitting, kAborting };
  struct TempBlock {
    SessionId session_id = 0;
    Dir* dir = nullptr;
    int64_t offset = kOwnFile;  // as BlockMeta
    int64_t reserved = 0;
    TempState state = TempState::kCreating;
    std::optional<ManifestEntry> record;  // set during commit before the manifest append
  };

  struct LockRecord {
    SessionId session_id = 0;
    BlockId block_id = 0;
    uint64_t generation = 0;
  };

  // A committed block whose removal has begun (state kRemoving, space released).
  struct Victim {
    BlockId block_id = 0;
    Dir* dir = nullptr;
    int64_t length = 0;
    uint64_t generation = 0;
    int64_t offset = kOwnFile;
  };
  enum class RemovalKind { kRemoved, kEvicted, kLost };

  struct Event {
    enum class Kind { kCommitted, kRemoved, kEvicted, kMoved, kLost, kStorageLost } kind;
    BlockId block_id = 0;
    BlockLocation location;  // for kMoved: the source
    BlockLocation to;        // kMoved only
  };

  // Why blocks in scope could not be evicted, for error messages.
  struct Blockers {
    int64_t pinned = 0;
    int64_t locked = 0;
    int64_t busy = 0;  // being moved, removed or verified-corrupt
  };

  // A manifest is rewritten when it holds more than 2 * live + kManifestSlack records.
  static constexpr int64_t kManifestSlack = 1024;
  // The folder of packed containers in a data dir.
  static constexpr std::string_view kPackedFolder = ".packed";

  TieredBlockStore(const StoreOptions& options, env::Env* env);

  // ---- Open (tiered_block_store_open.cc) ----
  struct FoundBlock;
  struct FoundContainer;
  Status ScanDir(Dir* dir, std::vector<FoundBlock>* found, ParsedManifest* manifest,
                 std::vector<FoundContainer>* containers);
  // Deletes a file or directory that is not the store's, counting it.
  void RemoveGarbage(const std::string& path, bool is_dir);
  // Adopts the packed blocks of `container` that the manifest records (`records`: its COMMITs
  // for that file's blocks) and the file holds.
  void ScanContainer(const FoundContainer& container,
                     const std::vector<std::pair<BlockId, ManifestEntry>>& records,
                     std::vector<FoundBlock>* found);
  // After the blocks to keep are chosen: punches every byte of a container no kept block covers
  // (temp blocks of a crash, dropped blocks) and deletes containers with none left; registers
  // the others.
  void SettleContainers(const std::vector<FoundContainer>& containers,
                        const std::vector<std::pair<Dir*, const FoundBlock*>>& kept);
  void Recover();

  // ---- Paths ----
  std::string CommitPath(const Dir* dir, BlockId block_id) const;
  std::string TempPath(const Dir* dir, SessionId session_id, BlockId block_id) const;
  std::string ContainerPath(const Dir* dir, FileId file_id) const;
  // The file holding a committed block's bytes: CommitPath or ContainerPath.
  std::string BlockPath(const Dir* dir, BlockId block_id, int64_t offset) const;

  // ---- Metadata helpers; REQUIRES: mu_ held ----
  Result<const Tier*> FindTierLocked(std::string_view alias) const;
  // Usable dirs of tier `alias` (or all tiers for kAnyTier) with medium `medium` (empty: any).
  std::vector<Dir*> EligibleDirsLocked(std::string_view alias, std::string_view medium) const;
  Dir* AllocateLocked(const std::vector<Dir*>& candidates, int64_t bytes);
  bool IsPinnedLocked(BlockId block_id) const;
  // Picks blocks to evict, coldest first, until a dir in `scope` has `min_contiguous` bytes
  // available and `scope` as a whole `min_available` (the latter best effort). nullopt, with
  // nothing changed, when `min_contiguous` cannot be reached.
  std::optional<std::vector<BlockId>> PlanEvictionLocked(const std::vector<Dir*>& scope,
                                                         int64_t min_contiguous,
                                                         int64_t min_available,
                                                         Blockers* blockers) const;
  // Marks a kReady block kRemoving and releases its space; the caller finishes the removal.
  Victim BeginRemovalLocked(BlockId block_id, BlockMeta* meta);
  // Evicts per plan: BeginRemovalLocked on each.
  void ApplyEvictionLocked(const std::vector<BlockId>& plan, std::vector<Victim>* victims);
  std::string NoSpaceMessageLocked(std::string_view what, const std::vector<Dir*>& scope,
                                   int64_t bytes, const Blockers& blockers) const;
  // Drops one reader of the block behind `lock`; queues its removal if it was doomed.
  void ReleaseReaderLocked(const LockRecord& lock, std::vector<Victim>* victims);
  void QueueEventLocked(Event event);
  // A packed block or temp block of `file_id` leaves its container. Returns the container's path
  // when that was its last user: the caller deletes the file (DeleteContainer), the container
  // being `deleting` meanwhile.
  std::optional<std::string> LeaveContainerLocked(FileId file_id);
  Result<BlockMeta*> FindReadyBlockLocked(BlockId block_id, std::unique_lock<std::mutex>* lock);

  // ---- Without mu_ ----
  // Deletes temp blocks of `session_id` claimed for aborting (their files, or their places in
  // their containers) and releases their reservations.
  void DiscardTemps(SessionId session_id, const std::vector<BlockId>& ids);
  // CommitBlockImpl of a packed temp block (claimed: kCommitting) at `offset` of its container.
  Status CommitPacked(BlockId block_id, bool pinned, const ManifestEntry* written, Dir* dir,
                      int64_t offset, int64_t reserved);
  // Checks block `block_id` (in `dir`, `length` bytes, XXH64 `expected` if known) while the caller
  // holds reader `self` on it, so it is neither moved nor removed meanwhile: stats, then checksums
  // its file. On success records the checksum if none was known and the mtime seen. On a mismatch
  // or a missing file marks the block doomed and returns DataLoss naming the block and the file;
  // other I/O errors are returned with context. The caller releases `self` afterwards (which
  // removes a doomed block if it was the last reader). Counts nothing.
  Result<VerifyOutcome> VerifyHeld(BlockId block_id, const LockRecord& self, Dir* dir,
                                   int64_t offset, int64_t length,
                                   std::optional<uint64_t> expected);
  // Deletes the victims' files, records their removal in the manifests, erases their metadata
  // and queues events.
  void FinishRemovals(const std::vector<Victim>& victims, RemovalKind kind);
  // Punches [offset, offset + length) out of a container (the bytes read as zeros and take no
  // space); failures are logged. Then adopts the container's new mtime (AdoptMtime).
  void PunchRange(FileId file_id, const std::string& path, int64_t offset, int64_t length);
  // After a change of our own to a container (a commit, a punch): once no writer of ours is left
  // in it, its mtime now is the expected one, so that our change starts no epoch (which would
  // read every block in it again at its next lock). The stat is under mu_: no writer of ours
  // can start meanwhile. AdoptMtime takes mu_.
  void AdoptMtime(FileId file_id, const std::string& path);
  void AdoptMtimeLocked(Container& c, const std::string& path);
  // Deletes a container file LeaveContainerLocked handed over, then forgets it.
  void DeleteContainer(FileId file_id, const std::string& path);
  // Appends to a dir's manifest; failures are logged, never returned (the manifest is a cache).
  void ManifestAppendCommit(Dir* dir, BlockId block_id, const ManifestEntry& entry);
  // The same for a packed block, whose record is the truth: returns the failure, after trying one
  // rewrite (which includes the commits in flight).
  Status ManifestAppendPackedCommit(Dir* dir, BlockId block_id, const ManifestEntry& entry);
  void ManifestAppendRemove(Dir* dir, BlockId block_id, bool sync = false);
  // Rewrites a dir's manifest when it holds many dead records or is unusable.
  void MaybeCompactManifest(Dir* dir);
  // REQUIRES: dir->manifest_mu held (not mu_).
  void RewriteManifest(Dir* dir);
  // Delivers queued events to listeners, in order, one deliverer at a time.
  void DeliverEvents();

  const StoreOptions options_;
  env::Env* const env_;
  std::vector<std::unique_ptr<Dir>> dirs_;  // all dirs, tier order then dir order
  std::vector<Tier> tiers_;                 // immutable after Open

  std::mutex delivery_mu_;
  std::vector<BlockStoreListener*> listeners_;  // GUARDED_BY(delivery_mu_)
  // The thread inside DeliverEvents, if any (so a listener's own store calls do not re-enter).
  std::atomic<std::thread::id> delivering_thread_{};

  mutable std::mutex mu_;
  std::condition_variable move_cv_;                       // signalled when a move ends
  std::unique_ptr<Allocator> allocator_;                  // GUARDED_BY(mu_)
  std::unique_ptr<Annotator> annotator_;                  // GUARDED_BY(mu_)
  absl::flat_hash_map<BlockId, BlockMeta> blocks_;        // GUARDED_BY(mu_)
  absl::flat_hash_map<BlockId, TempBlock> temps_;         // GUARDED_BY(mu_)
  absl::flat_hash_map<FileId, Container> containers_;     // GUARDED_BY(mu_)
  absl::flat_hash_map<LockId, LockRecord> locks_;         // GUARDED_BY(mu_)
  absl::flat_hash_set<FileId> pinned_files_;              // GUARDED_BY(mu_)
  std::map<std::string, std::vector<std::string>> lost_;  // GUARDED_BY(mu_)
  std::vector<Event> pending_events_;                     // GUARDED_BY(mu_)
  bool listeners_empty_ = true;                           // GUARDED_BY(mu_)
  LockId next_lock_id_ = 1;                               // GUARDED_BY(mu_)
  uint64_t next_generation_ = 1;                          // GUARDED_BY(mu_)
  RecoveryStats recovery_;                                // written by Open only
};

}  // namespace alluxio::worker
