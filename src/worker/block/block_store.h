// SPDX-License-Identifier: Apache-2.0
// BlockStore: the worker's local block cache (Alluxio's BlockStore / TieredBlockStore). Blocks
// live as files in tier directories (MEM, SSD, HDD), each dir with a quota. A block is written by
// one session into a temp file, then committed atomically; readers lock a committed block to read
// its file directly (short-circuit) or through the worker. Space is reserved before it is
// written; reserving evicts cold blocks synchronously. On-disk layout and manifest:
// docs/formats/worker-block-store.md.
//
// Lifecycle of a block:
//   CreateBlock -> (write the temp file at the returned path; RequestSpace before growing it past
//   the reservation) -> CommitBlock | AbortBlock
//   committed: LockBlock/UnlockBlock (read), AccessBlock (eviction order), MoveBlock, VerifyBlock,
//   RemoveBlock, or eviction.
//
// Errors (codes are abseil's, see common/status.h):
//   InvalidArgument     bad argument (negative size, unknown tier alias or medium).
//   NotFound            no such committed block / temp block / lock id ("BlockId 5 not found").
//   AlreadyExists       CreateBlock of an id that is committed or being written.
//   FailedPrecondition  wrong state: the temp block belongs to another session or is busy,
//                       removing or moving a block that readers hold locked.
//   ResourceExhausted   no room even after evicting every evictable block; the message names the
//                       tier, the bytes needed and the bytes available.
//   DataLoss            a block file failed verification; the block has been dropped.
//   Aborted             the block's storage dir was lost while the operation ran.
//   others              I/O errors from the file system, with the path.
//
// Readers and removal: a block locked by a reader is never evicted, removed or moved. RemoveBlock
// and MoveBlock on a locked block fail at once with FailedPrecondition (they do not wait), so an
// RPC thread never blocks behind a slow reader; the caller retries later (the master repeats a
// free command on the next heartbeat). A block found corrupt while locked is hidden from new
// readers (DataLoss) and removed when its last reader unlocks. LockBlock on a block being moved
// waits for the move to finish (a bounded copy).
//
// Corruption (format page, "Corruption"): the store records each committed block's file size and
// modification time (nanoseconds) when it commits, moves, adopts (Open) or verifies it. LockBlock
// stats the file (one syscall, no read); when size or mtime differ from the record, the file was
// changed behind the store's back and LockBlock runs VerifyBlock's check (length, and XXH64 when
// one is recorded) before handing the block out. A block that fails is dropped (reported lost to
// listeners, so the master drops the location) and LockBlock returns DataLoss naming the block and
// its file; one that passes (only touched) gets its new mtime recorded. An untouched block is never
// read on the lock path. Not detected cheaply: a same-size rewrite that keeps the old mtime (or
// lands within the file system's timestamp granularity of the record); VerifyBlock and
// verify_checksums_on_open catch those.
//
// Thread-safety: thread-safe. Operations on different blocks run concurrently; file I/O (data
// fsync, checksums, copies, unlinks) happens outside the store's metadata lock.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <absl/container/flat_hash_set.h>

#include "common/result.h"
#include "env/env.h"
#include "worker/block/block_manifest.h"
#include "worker/block/block_store_listener.h"
#include "worker/block/block_types.h"
#include "worker/block/store_options.h"

namespace alluxio::worker {

// A committed block held by a reader: its bytes, [offset, offset + length) of `path`, may be
// read until UnlockBlock(lock_id).
struct LockedBlock {
  LockId lock_id = 0;
  BlockId block_id = 0;
  std::string path;  // the block file, or its file's packed container
  int64_t length = 0;
  BlockLocation location;
  int64_t offset = 0;  // 0 in a block file of its own
};

// Where a temp block is written: from `offset` of `path` on.
struct TempBlockFile {
  std::string path;
  int64_t offset = 0;
  bool packed = false;  // `path` is the file's packed container, shared with its other blocks
};

// A snapshot of one committed block (no lock: it may go away at once).
struct BlockInfo {
  BlockId block_id = 0;
  std::string path;  // as LockedBlock
  int64_t offset = 0;
  int64_t length = 0;
  BlockLocation location;
  bool pinned = false;        // its file id is pinned
  bool has_checksum = false;  // a checksum was recorded (at commit, or by VerifyBlock)
  int readers = 0;            // locks held
};

enum class VerifyOutcome {
  kVerified,          // length and XXH64 match the recorded ones
  kChecksumRecorded,  // no checksum was known (a block found at restart without a manifest
                      // record); the length matched and the checksum is now recorded
};

struct DirMeta {
  int dir_index = 0;
  std::string path;      // configured tier directory
  std::string data_dir;  // <path>/<data folder>
  std::string medium_type;
  int64_t capacity_bytes = 0;
  int64_t used_bytes = 0;       // committed + reserved
  int64_t committed_bytes = 0;  // committed blocks
  int64_t reserved_bytes = 0;   // reserved by temp blocks and moves in flight
  int64_t num_blocks = 0;
  std::vector<BlockId> block_ids;  // sorted; filled only when asked for
};

struct TierMeta {
  std::string alias;
  int level = 0;
  int64_t capacity_bytes = 0;
  int64_t used_bytes = 0;
  std::vector<DirMeta> dirs;  // usable dirs only; lost ones are in StoreMeta::lost_storage
};

struct StoreMeta {
  std::vector<TierMeta> tiers;  // fastest first
  int64_t capacity_bytes = 0;
  int64_t used_bytes = 0;
  int64_t num_blocks = 0;
  // Tier alias -> configured paths of its lost dirs.
  std::map<std::string, std::vector<std::string>> lost_storage;
};

// What Open found.
struct RecoveryStats {
  int64_t blocks = 0;              // committed blocks kept
  int64_t bytes = 0;               // their total length
  int64_t verified = 0;            // kept blocks with a manifest checksum (size matched)
  int64_t unverified = 0;          // kept blocks without one
  int64_t dropped_corrupt = 0;     // size (or, if asked, checksum) differed from the manifest
  int64_t dropped_over_quota = 0;  // did not fit in their dir's quota (Alluxio #15171)
  int64_t dropped_duplicate = 0;   // same id in a faster tier (a move cut short)
  int64_t garbage_removed = 0;     // other files and directories deleted
  int64_t dirs_lost = 0;
};

// Operation counters (monotonic since Open).
struct BlockStoreCounters {
  int64_t blocks_created = 0;
  int64_t blocks_committed = 0;
  int64_t blocks_aborted = 0;
  int64_t blocks_removed = 0;
  int64_t blocks_evicted = 0;
  int64_t bytes_evicted = 0;
  int64_t blocks_moved = 0;
  int64_t blocks_lost = 0;  // corrupt, missing, or on lost storage
  int64_t space_requests = 0;
  int64_t out_of_space = 0;  // ResourceExhausted returned
  int64_t locks = 0;
  int64_t verifications = 0;  // VerifyBlock calls, and LockBlock checks of a changed file
  int64_t failed_calls = 0;   // any non-OK status returned
};

class BlockStore {
 public:
  // Opens the tiered file store described by `options` (validated first): creates missing data
  // dirs, deletes temp blocks and foreign files, and adopts every committed block file (see the
  // format page, "Restart"). A dir that cannot be used is reported as lost storage, not an error.
  // `env` (default Env::Default()) must outlive the store. Errors: InvalidArgument for bad
  // options.
  static Result<std::unique_ptr<BlockStore>> Open(const StoreOptions& options,
                                                  env::Env* env = nullptr);
  virtual ~BlockStore() = default;
  BlockStore(const BlockStore&) = delete;
  BlockStore& operator=(const BlockStore&) = delete;

  // Starts block `block_id` for `session_id`, reserving `initial_bytes` in a dir chosen by the
  // allocator: in the hinted tier/medium if it has room, else in any tier, else after evicting
  // (coldest first, across all tiers, plus alluxio.worker.tieredstore.free.ahead.bytes when
  // possible). Creates the empty temp file and returns its path, where the caller writes.
  // `hint.pack_block_size` must be 0 (InvalidArgument): the block is a file of its own.
  Result<std::string> CreateBlock(SessionId session_id, BlockId block_id,
                                  const BlockLocationHint& hint, int64_t initial_bytes);
  // CreateBlock for a writer that writes at an offset. With hint.pack_block_size = B > 0 the block
  // goes, when it can, into its file's packed container (format page, "Packed files"): at
  // (block index) x B, in the dir that holds the container (evicting there if needed), else the
  // dir chosen as for CreateBlock, which then holds the container; a block larger than B, or one
  // that finds the container's dir full even after eviction, is a file of its own. The writer
  // writes [offset, offset + length) with positioned writes, never truncates or appends, and
  // passes `written` to CommitBlock; RequestSpace never grows a packed block past B.
  Result<TempBlockFile> CreateBlockFile(SessionId session_id, BlockId block_id,
                                        const BlockLocationHint& hint, int64_t initial_bytes);
  // Reserves `additional_bytes` more for a temp block of `session_id`, in its dir, evicting there
  // if needed. ResourceExhausted when even eviction cannot make room (nothing is evicted then).
  Status RequestSpace(SessionId session_id, BlockId block_id, int64_t additional_bytes);
  // Makes the temp block a committed block: checksums the file, fsyncs it, renames it to its
  // committed path, fsyncs the dir, records the checksum in the manifest, and releases unused
  // reservation. The file must not be larger than the reservation (FailedPrecondition; the temp
  // block stays). With `pinned`, the block's file id joins the pinned set. Blocks until durable.
  // `written`: the length and XXH64 (BlockHasher) of what the caller wrote, computed while
  // writing; the store then checks the file's length instead of reading it back (DataLoss, and
  // the temp block stays, when the length differs). Required for a packed block (InvalidArgument
  // without it), whose file says nothing about its length; its commit is durable only with its
  // manifest record, so a manifest that cannot be written fails the commit.
  Status CommitBlock(SessionId session_id, BlockId block_id, bool pinned = false,
                     const ManifestEntry* written = nullptr);
  // Deletes a temp block of `session_id` and releases its reservation.
  Status AbortBlock(SessionId session_id, BlockId block_id);

  // Takes a read lock on a committed block; the file stays in place until UnlockBlock. Several
  // sessions may lock one block. Does not count as an access (call AccessBlock). Stats the block
  // file; if its size or mtime changed since recorded, verifies it first (see "Corruption" above):
  // DataLoss, and the block is dropped, when it is missing or fails; I/O errors of that check are
  // returned as they are (the block stays). NotFound for no such block.
  Result<LockedBlock> LockBlock(SessionId session_id, BlockId block_id);
  Status UnlockBlock(LockId lock_id);

  // Deletes a committed block. FailedPrecondition if readers hold it or it is being moved.
  Status RemoveBlock(BlockId block_id);
  // Moves a committed block to a dir of tier `tier_alias` (CACHE_PROMOTE moves to tier 0),
  // evicting there if needed; verifies the recorded checksum while copying (DataLoss and the
  // block is dropped on mismatch). A block already in that tier stays. Returns the new location.
  Result<BlockLocation> MoveBlock(SessionId session_id, BlockId block_id,
                                  std::string_view tier_alias);
  // Marks a block as just used, for the eviction order.
  Status AccessBlock(BlockId block_id);
  // Reads the whole block and checks length and XXH64 against the recorded ones. DataLoss, and the
  // block is dropped (reported lost), on mismatch or if the file is missing. On success the file's
  // current mtime is recorded (a later LockBlock does not verify it again).
  Result<VerifyOutcome> VerifyBlock(BlockId block_id);

  // Replaces the set of pinned file ids (from the master's pin list). Blocks of pinned files are
  // never evicted.
  void SetPinnedFiles(absl::flat_hash_set<FileId> file_ids);
  // Aborts the session's temp blocks and releases its locks (the session ended or timed out).
  void CleanupSession(SessionId session_id);
  // Checks that every dir is still a writable directory; a dir that is not becomes lost storage:
  // its blocks are reported lost and its capacity leaves the store. Returns the newly lost paths.
  std::vector<std::string> CheckStorage();

  bool HasBlock(BlockId block_id) const;
  Result<BlockInfo> GetBlockInfo(BlockId block_id) const;
  // Capacity and usage per tier and dir; with `include_block_ids`, the block ids per dir.
  StoreMeta GetStoreMeta(bool include_block_ids = false) const;
  RecoveryStats recovery_stats() const;
  BlockStoreCounters counters() const;

  // Registers a listener; it must outlive the store. Register before the store is shared.
  void AddListener(BlockStoreListener* listener);

 protected:
  BlockStore() = default;

  // Implementations; arguments have been validated as documented above.
  virtual Result<TempBlockFile> CreateBlockImpl(SessionId session_id, BlockId block_id,
                                                const BlockLocationHint& hint,
                                                int64_t initial_bytes) = 0;
  virtual Status RequestSpaceImpl(SessionId session_id, BlockId block_id,
                                  int64_t additional_bytes) = 0;
  virtual Status CommitBlockImpl(SessionId session_id, BlockId block_id, bool pinned,
                                 const ManifestEntry* written) = 0;
  virtual Status AbortBlockImpl(SessionId session_id, BlockId block_id) = 0;
  virtual Result<LockedBlock> LockBlockImpl(SessionId session_id, BlockId block_id) = 0;
  virtual Status UnlockBlockImpl(LockId lock_id) = 0;
  virtual Status RemoveBlockImpl(BlockId block_id) = 0;
  virtual Result<BlockLocation> MoveBlockImpl(SessionId session_id, BlockId block_id,
                                              std::string_view tier_alias) = 0;
  virtual Status AccessBlockImpl(BlockId block_id) = 0;
  virtual Result<VerifyOutcome> VerifyBlockImpl(BlockId block_id) = 0;
  virtual void SetPinnedFilesImpl(absl::flat_hash_set<FileId> file_ids) = 0;
  virtual void CleanupSessionImpl(SessionId session_id) = 0;
  virtual std::vector<std::string> CheckStorageImpl() = 0;
  virtual Result<BlockInfo> GetBlockInfoImpl(BlockId block_id) const = 0;
  virtual StoreMeta GetStoreMetaImpl(bool include_block_ids) const = 0;
  virtual RecoveryStats RecoveryStatsImpl() const = 0;
  virtual void AddListenerImpl(BlockStoreListener* listener) = 0;

  // For implementations: counts what only they see.
  void CountEvicted(int64_t blocks, int64_t bytes);
  void CountLost(int64_t blocks);
  void CountOutOfSpace();
  // A verification the implementation ran by itself (LockBlock found the file changed).
  void CountVerification();

 private:
  // Counts a finished call: `on_success` (may be null) when OK, failed_calls otherwise.
  void Count(const Status& status, std::atomic<int64_t>* on_success);

  struct AtomicCounters {
    std::atomic<int64_t> blocks_created{0};
    std::atomic<int64_t> blocks_committed{0};
    std::atomic<int64_t> blocks_aborted{0};
    std::atomic<int64_t> blocks_removed{0};
    std::atomic<int64_t> blocks_evicted{0};
    std::atomic<int64_t> bytes_evicted{0};
    std::atomic<int64_t> blocks_moved{0};
    std::atomic<int64_t> blocks_lost{0};
    std::atomic<int64_t> space_requests{0};
    std::atomic<int64_t> out_of_space{0};
    std::atomic<int64_t> locks{0};
    std::atomic<int64_t> verifications{0};
    std::atomic<int64_t> failed_calls{0};
  };
  AtomicCounters counters_;
};

}  // namespace alluxio::worker
