// SPDX-License-Identifier: Apache-2.0
// Readers and writers of one block on one worker:
//   RemoteBlockReader  ReadBlock stream (a cached block, or the UFS through the worker)
//   LocalBlockReader   short-circuit: OpenLocalBlock holds the block, the client preads its file
//   RemoteBlockWriter  WriteBlock stream (a block into the cache, or a whole file into the UFS)
//   LocalBlockWriter   short-circuit: CreateLocalBlock reserves a temp block, the client writes it
// A writer makes nothing visible until Commit(); destroying it uncommitted aborts.
//
// Thread-safety: not thread-safe (one stream, one user).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <grpcpp/grpcpp.h>
#include <grpcpp/support/byte_buffer.h>

#include "client/internal/context.h"

namespace alluxio::client::internal {

class BlockReader {
 public:
  virtual ~BlockReader() = default;
  // Reads up to `n` bytes at position(); returns 0 at the end of the range.
  virtual Result<size_t> Read(char* buf, size_t n) = 0;
  // Offset in the block of the next byte Read returns.
  virtual int64_t position() const = 0;
  // Moves to `offset` if that is cheap (local files); false if the reader must be reopened.
  virtual bool Seek(int64_t offset) { return offset == position(); }
  // Ends the stream (releases the worker's lock). Errors are only reported, never fatal.
  virtual Status Close() = 0;
  // "host:port" of the worker serving this reader.
  const std::string& worker() const { return worker_; }
  // True when the worker reads the block from the UFS (the request had open_ufs_block_options),
  // so a failure is the UFS read's, not that of the worker's cached copy.
  bool from_ufs() const { return from_ufs_; }

 protected:
  std::string worker_;
  bool from_ufs_ = false;
};

// Reads [offset, offset + length) of a block through a ReadBlock stream. The stream is raw (gRPC
// ByteBuffers): a response's chunk data is copied once, from the received slices into the caller's
// buffer, instead of being parsed into a string first.
class RemoteBlockReader final : public BlockReader {
 public:
  static Result<std::unique_ptr<RemoteBlockReader>> Open(
      Context* ctx, const WorkerNetAddress& worker, ::alluxio::grpc::block::ReadRequest request);
  ~RemoteBlockReader() override;
  Result<size_t> Read(char* buf, size_t n) override;
  int64_t position() const override { return position_; }
  bool Seek(int64_t offset) override { return offset == position_ && position_ < end_; }
  Status Close() override;

 private:
  RemoteBlockReader() = default;
  // Receives the next response into slices_/pieces_; an error ends the stream.
  Status NextChunk();

  int64_t block_id_ = 0;
  int64_t position_ = 0;
  int64_t end_ = 0;
  std::shared_ptr<::grpc::Channel> channel_;
  std::unique_ptr<::grpc::ClientContext> call_;
  std::unique_ptr<::grpc::ClientReaderWriter<::grpc::ByteBuffer, ::grpc::ByteBuffer>> stream_;
  // The current response: the received slices, and the unread part of its chunk data as views
  // into them (or into fallback_, for a response only protobuf could parse).
  std::vector<::grpc::Slice> slices_;
  std::vector<std::string_view> pieces_;
  size_t piece_ = 0;  // first unread piece
  std::string fallback_;
  bool closed_ = false;
};

// Short-circuit read: the worker holds the block locked while this reader is open.
class LocalBlockReader final : public BlockReader {
 public:
  static Result<std::unique_ptr<LocalBlockReader>> Open(Context* ctx,
                                                        const WorkerNetAddress& worker,
                                                        int64_t block_id, bool promote,
                                                        int64_t offset);
  ~LocalBlockReader() override;
  Result<size_t> Read(char* buf, size_t n) override;
  int64_t position() const override { return position_; }
  bool Seek(int64_t offset) override;
  Status Close() override;
  int64_t length() const { return length_; }
  // The open block file (read-only); -1 once closed. The block's bytes start at offset() in it.
  int fd() const { return fd_; }
  int64_t offset() const { return offset_; }

 private:
  LocalBlockReader() = default;

  int64_t block_id_ = 0;
  std::string path_;
  int fd_ = -1;
  int64_t offset_ = 0;  // of the block's bytes in path_ (a packed block)
  int64_t length_ = 0;
  int64_t position_ = 0;
  std::unique_ptr<::grpc::ClientContext> call_;
  std::unique_ptr<::grpc::ClientReaderWriter<::alluxio::grpc::block::OpenLocalBlockRequest,
                                             ::alluxio::grpc::block::OpenLocalBlockResponse>>
      stream_;
  bool closed_ = false;
};

class BlockWriter {
 public:
  virtual ~BlockWriter() = default;
  virtual Status Write(std::string_view data) = 0;
  // Makes the data visible (the block committed, the UFS file in place). Returns the UFS
  // fingerprint for UFS files, else empty. In two steps, so that a caller can write its next
  // block while the worker commits this one: StartCommit hands the data over (Write fails after
  // it), FinishCommit waits for the outcome; call it once StartCommit succeeded.
  Result<std::string> Commit() {
    RETURN_IF_ERROR(StartCommit());
    return FinishCommit();
  }
  virtual Status StartCommit() = 0;
  virtual Result<std::string> FinishCommit() = 0;
  // Discards everything written, a commit started or not (its outcome then is the worker's).
  // Idempotent.
  virtual void Abort() = 0;
  virtual int64_t written() const = 0;
};

// Writes through a WriteBlock stream: a block into the worker's cache (ALLUXIO_BLOCK) or a whole
// file into the UFS (UFS_FILE).
class RemoteBlockWriter final : public BlockWriter {
 public:
  static Result<std::unique_ptr<RemoteBlockWriter>> Open(
      Context* ctx, const WorkerNetAddress& worker,
      ::alluxio::grpc::block::WriteRequestCommand command);
  ~RemoteBlockWriter() override;
  Status Write(std::string_view data) override;
  Status StartCommit() override;
  Result<std::string> FinishCommit() override;
  void Abort() override;
  int64_t written() const override { return written_; }

 private:
  RemoteBlockWriter() = default;
  // The stream's final status, as a Status naming the worker.
  Status Finish();

  std::string worker_;
  int64_t id_ = 0;
  std::string what_;  // "block <id>" or "UFS file <path>", for messages
  int64_t chunk_size_ = 1 << 20;
  int64_t written_ = 0;
  std::unique_ptr<::grpc::ClientContext> call_;
  std::unique_ptr<::grpc::ClientReaderWriter<::alluxio::grpc::block::WriteRequest,
                                             ::alluxio::grpc::block::WriteResponse>>
      stream_;
  ::alluxio::grpc::block::WriteRequest chunk_request_;  // reused for every chunk
  bool done_ = false;
  bool committing_ = false;  // StartCommit sent the commit; FinishCommit reads its answer
};

// Short-circuit write into a temp block file the worker reserved.
class LocalBlockWriter final : public BlockWriter {
 public:
  static Result<std::unique_ptr<LocalBlockWriter>> Open(Context* ctx,
                                                        const WorkerNetAddress& worker,
                                                        int64_t block_id, int64_t block_size);
  ~LocalBlockWriter() override;
  Status Write(std::string_view data) override;
  Status StartCommit() override;
  Result<std::string> FinishCommit() override;
  void Abort() override;
  int64_t written() const override { return written_; }

 private:
  LocalBlockWriter() = default;
  Status Reserve(int64_t bytes);
  Status Finish();

  std::string worker_;
  int64_t block_id_ = 0;
  int64_t block_size_ = 0;
  int64_t reserve_step_ = 8 << 20;
  std::string path_;
  int fd_ = -1;
  int64_t offset_ = 0;  // where the block starts in path_ (a packed block)
  int64_t written_ = 0;
  int64_t reserved_ = 0;
  std::unique_ptr<::grpc::ClientContext> call_;
  std::unique_ptr<::grpc::ClientReaderWriter<::alluxio::grpc::block::CreateLocalBlockRequest,
                                             ::alluxio::grpc::block::CreateLocalBlockResponse>>
      stream_;
  bool done_ = false;
  bool committing_ = false;  // StartCommit sent the commit; FinishCommit reads its answer
};

}  // namespace alluxio::client::internal
