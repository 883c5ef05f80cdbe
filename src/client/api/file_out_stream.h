// SPDX-License-Identifier: Apache-2.0
// FileOutStream: writes a new file, block by block, according to its write type:
//   MUST_CACHE     blocks go to workers only
//   CACHE_THROUGH  blocks go to workers and, in the same pass, the file goes to the UFS
//   THROUGH        the file goes to the UFS only
//   ASYNC_THROUGH  blocks go to workers; the master persists the file later
// Each block goes to the worker the location policy picks (LocalFirst: this host's worker, else
// the one with most free space), by short-circuit when that worker is local. Nothing is visible
// until Close(): it commits the last block, closes the UFS file, and completes the file. A stream
// destroyed without Close() is cancelled: its blocks are aborted and the incomplete file deleted.
//
// Thread-safety: not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "alluxio/grpc/common.pb.h"
#include "common/result.h"

namespace alluxio::client {

namespace internal {
class Context;
class BlockWriter;
}  // namespace internal

class FileSystem;

class FileOutStream {
 public:
  ~FileOutStream();
  FileOutStream(const FileOutStream&) = delete;
  FileOutStream& operator=(const FileOutStream&) = delete;

  Status Write(std::string_view data);
  // Commits everything and completes the file. After an error the file is left incomplete (and
  // deleted), nothing half-written is visible.
  Status Close();
  // Discards what was written and deletes the incomplete file. Idempotent.
  void Cancel();

  int64_t bytes_written() const { return position_; }
  const std::string& path() const { return path_; }

 private:
  friend class FileSystem;
  FileOutStream(std::shared_ptr<internal::Context> ctx, FileSystem* fs, std::string path,
                ::alluxio::grpc::FileInfo info, ::alluxio::grpc::WritePType type);

  bool caches() const;
  bool writes_ufs() const;
  // Opens the writer of the block at position_.
  Status OpenBlock();
  // Starts the commit of block_ after waiting for the one before (one commit in flight: the
  // worker checksums and commits a block while the next one is written).
  Status CommitBlock();
  // Waits for the commit in flight, if any.
  Status FinishCommit();
  Status OpenUfs();
  Status Fail(Status s);

  std::shared_ptr<internal::Context> ctx_;
  FileSystem* fs_;
  std::string path_;
  ::alluxio::grpc::FileInfo info_;
  ::alluxio::grpc::WritePType type_;
  int64_t block_size_;
  int64_t position_ = 0;
  std::unique_ptr<internal::BlockWriter> block_;
  int64_t block_index_ = -1;
  std::unique_ptr<internal::BlockWriter> committing_;  // the previous block, commit started
  std::unique_ptr<internal::BlockWriter> ufs_;
  size_t next_worker_ = 0;  // round robin
  bool closed_ = false;
  Status failure_;  // the error that cancelled the stream: every later call returns it
};

}  // namespace alluxio::client
