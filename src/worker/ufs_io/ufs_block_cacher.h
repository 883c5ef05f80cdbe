// SPDX-License-Identifier: Apache-2.0
// UfsBlockCacher: copies blocks of persisted files from the UFS into the block store.
//   - Claims: at most one copy of a block is being cached at a time, whether by a ReadBlock stream
//     that caches as it streams (TryClaim/Release) or by a background task (Submit). Whoever does
//     not get the claim reads through without caching.
//   - Background caching (partial reads, AsyncCache RPCs, a client's prefetch of the next block):
//     Submit queues the whole block on a bounded pool; requests beyond the queue are dropped (a
//     later read asks again).
//   - Caching on request (the Cache RPC): CacheWaiting waits for a background copy of the block
//     already queued or running instead of failing, so a client that prefetched block N+1 and then
//     asks for it gets it without a second UFS read. A block a reader is caching (a ReadBlock
//     stream, which may stall for as long as its client does) is not waited for.
//   - The copy reads the UFS on the calling thread and writes and hashes the block file on a
//     second one, one piece behind, so the UFS read and the block write overlap.
//   - Where the UFS reads a file fastest as one stream (UfsCapabilities::sequential_reads_fastest:
//     a local disk), copies of one file's blocks take turns in block order, and a copy that starts
//     where the previous one ended goes on with its stream (one descriptor, its readahead warm):
//     a reader's block and its prefetches read the disk as one sequential stream.
// Cached blocks land in the top tier, each block of a UFS file at its place in the file's packed
// container (format page worker-block-store.md, "Packed files") when packed files are enabled, so
// that a file cached by reading it is one file on the tier, as one written by a short-circuit
// client is; the master learns about them from the next heartbeat.
//
// Thread-safety: thread-safe. Stop() joins the pool; `store` and `ufs` must outlive the cacher.
#pragma once

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include <absl/container/flat_hash_map.h>

#include "alluxio/grpc/block_worker.pb.h"
#include "common/result.h"
#include "worker/block/block_store.h"
#include "worker/internal/task_pool.h"
#include "worker/ufs_io/ufs_manager.h"

namespace alluxio::worker {

// The block size of the file a UFS block belongs to, for packing the block with the file's other
// blocks (BlockLocationHint::pack_block_size): offset_in_file / index, or for block 0 its own
// length (a file's first block is as long as its blocks, unless it is the file's only one, which
// is then at offset 0 whatever the size). 0, for a block of its own, when the options do not
// describe a block of such a file (an offset that is not index x size, a block longer than size).
int64_t PackBlockSize(BlockId block_id, const grpc::block::OpenUfsBlockOptions& options);

class UfsBlockCacher {
 public:
  // Copies go `piece_bytes` at a time (two pieces in memory per copy). With `packed_files`
  // (alluxio.worker.tieredstore.packed.files.enabled) blocks copied from the UFS go into their
  // file's packed container.
  UfsBlockCacher(BlockStore* store, UfsManager* ufs, int threads, size_t max_queued,
                 bool packed_files, int64_t piece_bytes = 2 << 20);
  ~UfsBlockCacher();

  // Who holds a claim: a reader caching while it streams, or a background task (Submit).
  enum class Claimant { kReader, kBackground };

  // Claims `block_id` for caching: false when someone else holds the claim.
  bool TryClaim(BlockId block_id, Claimant claimant = Claimant::kReader);
  void Release(BlockId block_id);

  // Queues a background copy of the whole block described by `options`. False when it is not
  // needed or not possible now: the block is cached or claimed, the queue is full, or the cacher
  // stopped.
  bool Submit(BlockId block_id, const grpc::block::OpenUfsBlockOptions& options);

  // Copies the block now, on the calling thread (the caller holds no claim), after its turn at
  // the file (see the class comment). OK also when the block is cached meanwhile.
  // FailedPrecondition when the UFS file's fingerprint differs from options.ufs_fingerprint;
  // DataLoss when the file is shorter than the block; DeadlineExceeded when the turn has not
  // come at `deadline`; the store's errors (ResourceExhausted) otherwise.
  Status CacheNow(BlockId block_id, const grpc::block::OpenUfsBlockOptions& options,
                  std::chrono::system_clock::time_point deadline =
                      std::chrono::system_clock::time_point::max());

  // Caches the block before returning, for a caller that holds no claim: OK at once when it is
  // cached; while a background task holds the claim, waits for it to finish and then caches the
  // block here unless that task did (so a failed background copy is retried once, with this
  // call's error). Aborted when a reader holds the claim (read through instead), Unavailable when
  // the cacher stops, DeadlineExceeded at `deadline` (the background copy goes on); else as
  // CacheNow.
  Status CacheWaiting(BlockId block_id, const grpc::block::OpenUfsBlockOptions& options,
                      std::chrono::system_clock::time_point deadline);

  // Passive caching (AsyncCache with a source worker): queues a background copy of the block
  // (`length` bytes) read from the worker at `source` ("host:port") with ReadBlock. Same claims
  // and queue as Submit; false when not needed or not possible now.
  bool SubmitFromWorker(BlockId block_id, int64_t length, const std::string& source);
  // The copy itself, on the calling thread (the caller holds no claim).
  Status CacheFromWorker(BlockId block_id, int64_t length, const std::string& source);

  // Callers blocked in CacheWaiting right now (for tests).
  int waiting() const;
  // Copies waiting for their turn at a UFS file right now (for tests).
  int waiting_for_turn() const;

  // Alias of the tier new cached blocks go to.
  const std::string& top_tier() const { return top_tier_; }

  void Stop();

 private:
  // Writes `length` bytes into a new block of the top tier (packed with pack_block_size > 0, see
  // BlockLocationHint), reading them with `read` (block-relative position, buffer, size -> bytes
  // read) one piece behind the writes.
  Status Copy(BlockId block_id, int64_t length, int64_t pack_block_size,
              const std::function<Result<size_t>(int64_t, char*, size_t)>& read,
              const std::string& what);

  // A copy's turn at reading its UFS file (see the class comment): waits while a copy of an
  // earlier part of the file runs or waits; a copy of an earlier part than the one running (a
  // reader's block asked for after its prefetches started) does not wait but runs beside it.
  class FileTurn;
  struct FileLane {
    std::multiset<int64_t> offsets;  // where the copies running or waiting start
    // The stream of the last copy that ended here, where it ended and the fingerprint it checked.
    std::unique_ptr<ufs::UfsInputStream> stream;
    int64_t stream_at = -1;
    std::string stream_fingerprint;
  };

  BlockStore* const store_;
  UfsManager* const ufs_;
  const std::string top_tier_;
  const bool packed_files_;
  // Copies into the same packed container (a reader's block and its prefetches) write one at a
  // time, by file id modulo the stripes: a write into a tmpfs file holds the file's lock for the
  // whole piece anyway, and the others would spin on it in the kernel (0.73-0.92 CPU-seconds per
  // GiB of cold read on a 4 KiB-page ramdisk instead of 0.70-0.82); here they sleep.
  std::array<std::mutex, 16> write_locks_;
  const int64_t piece_bytes_;
  mutable std::mutex mu_;
  std::condition_variable released_;                  // a claim was released, or Stop()
  absl::flat_hash_map<BlockId, Claimant> claimed_;    // GUARDED_BY(mu_)
  int waiting_ = 0;                                   // GUARDED_BY(mu_)
  int waiting_for_turn_ = 0;                          // GUARDED_BY(mu_)
  bool stopped_ = false;                              // GUARDED_BY(mu_)
  absl::flat_hash_map<std::string, FileLane> lanes_;  // by UFS path; GUARDED_BY(mu_)
  std::condition_variable turn_ended_;                // a copy left its lane, or Stop()
  std::unique_ptr<internal::TaskPool> pool_;
};

}  // namespace alluxio::worker
