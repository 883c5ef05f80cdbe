// SPDX-License-Identifier: Apache-2.0
// FileInStream: reads a file, crossing block boundaries. For each block it uses, in order: a copy
// on this host's worker (short-circuit: the block file is read directly), a copy on another
// worker (a ReadBlock stream), or, for persisted files, a worker reading the UFS for it (which
// caches the block unless the read type is NO_CACHE). When a worker fails mid-read the read
// continues from the next copy or from the UFS. CACHE_PROMOTE moves blocks to the top tier.
//
// Thread-safety: not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "alluxio/grpc/common.pb.h"
#include "common/result.h"

namespace alluxio::grpc::block {
class OpenUfsBlockOptions;
}  // namespace alluxio::grpc::block

namespace alluxio::client {

namespace internal {
class Context;
class BlockReader;
class LocalBlockReader;
}  // namespace internal

class FileSystem;

class FileInStream {
 public:
  ~FileInStream();
  FileInStream(const FileInStream&) = delete;
  FileInStream& operator=(const FileInStream&) = delete;

  // Reads up to `n` bytes at the current position; fewer only at the end of the file (0 there).
  Result<size_t> Read(char* buf, size_t n);
  // Reads up to `n` bytes at `pos` without moving the position; fewer only at the end. `scanning`:
  // the caller reads the file on from here, possibly through several streams at once (a FUSE
  // mount's readahead), so a block not cached anywhere is cached whole on this host's worker and
  // read from there, as Read does from a block's start, rather than streamed range by range.
  Result<size_t> PositionedRead(int64_t pos, char* buf, size_t n, bool scanning = false);
  Status Seek(int64_t pos);
  int64_t position() const { return position_; }
  int64_t length() const { return info_.length(); }
  const ::alluxio::grpc::FileInfo& info() const { return info_; }
  // When this host's worker holds the whole file as one file on disk (and short-circuit reads are
  // on): a file of exactly one block, or a file whose blocks all sit at their places in one packed
  // container (docs/formats/worker-block-store.md, "Packed files") that holds nothing past the
  // file's end. Returns a read-only descriptor of that file, owned by the stream and valid until
  // Close; the worker keeps every block (no eviction, no move) until then. Reads through it see
  // exactly the file's bytes. FailedPrecondition when the file is empty, a block is not cached on
  // this host, or the blocks are not one such file; other errors when the worker cannot open a
  // block. For callers that hand the file to another reader, such as the FUSE mount's kernel
  // passthrough.
  Result<int> WholeFileDescriptor();
  Status Close();

 private:
  friend class FileSystem;
  FileInStream(std::shared_ptr<internal::Context> ctx, FileSystem* fs, std::string path,
               ::alluxio::grpc::FileInfo info, ::alluxio::grpc::ReadPType type);

  int64_t BlockLength(int64_t index) const;
  int64_t BlockId(int64_t index) const;
  int64_t NumBlocks() const;
  // Whether the master listed a cached copy of block `index` when the stream last asked.
  bool HasLocation(int64_t index) const;
  // Where block `index` is cached, as the master said when the file was opened (or refreshed).
  std::vector<::alluxio::grpc::BlockLocation> LocationsOf(int64_t index) const;
  // Whether a whole read of block `index` through this host's worker has it cached first.
  bool CachesBeforeReading(int64_t index) const;
  ::alluxio::grpc::block::OpenUfsBlockOptions UfsBlockOptions(int64_t index) const;
  // Asks `worker` to cache block `index` from the UFS: before returning, or (`async`) in the
  // background.
  Status CacheOnWorker(const ::alluxio::grpc::WorkerNetAddress& worker, int64_t index, bool async);
  // Passive caching: asks this host's worker to copy block `index`, just opened on `source`.
  void PassiveCache(int64_t index, const ::alluxio::grpc::WorkerNetAddress& source);
  // Opens a reader of block `index` from `offset`, choosing the source. A remote reader covers
  // `max_length` bytes (-1: to the block's end). `scanning`: see PositionedRead.
  Result<std::unique_ptr<internal::BlockReader>> OpenBlock(int64_t index, int64_t offset,
                                                           int64_t max_length, bool scanning);
  // A reader of block `index` (not cached anywhere the stream knows of) from the copy on this
  // host's `worker` that this client made or is making, or, with `copy_now`, one made now (with
  // the next blocks prefetched); null when the block is to be streamed instead.
  std::unique_ptr<internal::BlockReader> FromLocalCopy(
      const ::alluxio::grpc::WorkerNetAddress& worker, int64_t index, int64_t offset, bool copy_now,
      bool promote);
  // Reads at `pos` with `reader` (for block `*index`), reopening it on failure. `sequential`:
  // more reads are likely to follow this one (a remote reader then streams to the block's end).
  Result<size_t> ReadAt(int64_t pos, char* buf, size_t n, bool sequential, bool scanning,
                        std::unique_ptr<internal::BlockReader>* reader, int64_t* index);

  std::shared_ptr<internal::Context> ctx_;
  FileSystem* fs_;
  std::string path_;
  ::alluxio::grpc::FileInfo info_;
  ::alluxio::grpc::ReadPType type_;
  int64_t block_size_;
  int64_t position_ = 0;
  std::unique_ptr<internal::BlockReader> reader_;  // sequential reads
  int64_t reader_index_ = -1;
  // Positioned reads keep one reader per recently used block (at most kMaxPositionalReaders),
  // so random reads of cached blocks cost one pread each, not an OpenLocalBlock each.
  static constexpr size_t kMaxPositionalReaders = 16;
  struct PositionalReader {
    std::unique_ptr<internal::BlockReader> reader;
    int64_t index = -1;
    uint64_t last_use = 0;
  };
  std::map<int64_t, PositionalReader> positional_;  // by block index
  uint64_t positional_tick_ = 0;
  int64_t positional_next_ = -1;          // where the last positioned read ended
  std::set<std::string> failed_workers_;  // workers that failed during this stream
  bool refreshed_ = false;                // info_ re-read from the master once
  std::set<int64_t> passively_cached_;    // blocks this stream asked the local worker to copy
  int64_t prefetched_ = -1;               // last block index the local worker was asked to prefetch
  // WholeFileDescriptor's: every block, held (locked on the worker) until Close.
  std::vector<std::unique_ptr<internal::LocalBlockReader>> whole_file_;
};

}  // namespace alluxio::client
