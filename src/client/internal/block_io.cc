// SPDX-License-Identifier: Apache-2.0
#include "client/internal/block_io.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include <grpcpp/support/sync_stream.h>

#include "client/internal/read_response.h"
#include "rpc/grpc_status.h"

namespace alluxio::client::internal {

namespace pb = ::alluxio::grpc::block;

namespace {

Status ErrnoStatus(std::string_view what, const std::string& path) {
  return ErrnoToStatus(errno, what, path);
}

// The final status of a write stream that failed while the client still wanted it. A worker that
// stops (or dies) mid-stream shows as CANCELLED, which would read as if the client had given up.
Status FailedWriteStatus(const ::grpc::Status& status) {
  Status s = rpc::FromGrpcStatus(status);
  if (s.ok()) return UnavailableError("the worker closed the stream");
  if (s.code() == StatusCode::kCancelled) {
    return UnavailableError(
        fmt::format("the worker ended the stream (stopping or gone): {}", s.message()));
  }
  return s;
}

// The method name of BlockWorker.ReadBlock, as the generated stub calls it.
const ::grpc::internal::RpcMethod& ReadBlockMethod() {
  static const std::string name =
      fmt::format("/{}/ReadBlock", pb::BlockWorker::service_full_name());
  static const ::grpc::internal::RpcMethod method(name.c_str(),
                                                  ::grpc::internal::RpcMethod::BIDI_STREAMING);
  return method;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// RemoteBlockReader

Result<std::unique_ptr<RemoteBlockReader>> RemoteBlockReader::Open(Context* ctx,
                                                                   const WorkerNetAddress& worker,
                                                                   pb::ReadRequest request) {
  std::unique_ptr<RemoteBlockReader> r(new RemoteBlockReader());
  r->worker_ = WorkerKey(worker);
  r->from_ufs_ = request.has_open_ufs_block_options();
  r->block_id_ = request.block_id();
  r->position_ = request.offset();
  r->end_ = request.offset() + request.length();
  if (!request.has_chunk_size()) request.set_chunk_size(ctx->options().reader_chunk_size);
  r->call_ = std::make_unique<::grpc::ClientContext>();
  ctx->PrepareDataCall(r->call_.get());
  r->channel_ = ctx->WorkerChannel(worker);
  r->stream_.reset(
      ::grpc::internal::ClientReaderWriterFactory<::grpc::ByteBuffer, ::grpc::ByteBuffer>::Create(
          r->channel_.get(), ReadBlockMethod(), r->call_.get()));
  ::grpc::ByteBuffer raw;
  bool own = false;
  if (!::grpc::SerializationTraits<pb::ReadRequest>::Serialize(request, &raw, &own).ok() ||
      !r->stream_->Write(raw)) {
    r->closed_ = true;
    Status s = rpc::FromGrpcStatus(r->stream_->Finish());
    if (s.ok()) s = UnavailableError("stream closed");
    return s.WithContext(fmt::format("read block {} from worker {}", r->block_id_, r->worker_));
  }
  return r;
}

RemoteBlockReader::~RemoteBlockReader() { Close().IgnoreError(); }

Status RemoteBlockReader::NextChunk() {
  slices_.clear();
  pieces_.clear();
  piece_ = 0;
  ::grpc::ByteBuffer raw;
  if (!stream_->Read(&raw)) {
    closed_ = true;
    Status s = rpc::FromGrpcStatus(stream_->Finish());
    if (s.ok()) {
      s = DataLossError(fmt::format("the stream ended at offset {}, before {}", position_, end_));
    }
    return s.WithContext(fmt::format("read block {} from worker {}", block_id_, worker_));
  }
  // The slices are references to what gRPC received, not copies.
  if (!raw.Dump(&slices_).ok() || !FindChunkData(slices_, &pieces_)) {
    pb::ReadResponse response;
    if (!::grpc::SerializationTraits<pb::ReadResponse>::Deserialize(&raw, &response).ok()) {
      return DataLossError(
          fmt::format("read block {} from worker {}: malformed response at offset {}", block_id_,
                      worker_, position_));
    }
    fallback_ = std::move(*response.mutable_chunk()->mutable_data());
    slices_.clear();
    pieces_.assign(1, fallback_);
  }
  std::erase_if(pieces_, [](std::string_view p) { return p.empty(); });
  if (pieces_.empty()) {
    return DataLossError(fmt::format("read block {} from worker {}: empty chunk at offset {}",
                                     block_id_, worker_, position_));
  }
  return Status();
}

Result<size_t> RemoteBlockReader::Read(char* buf, size_t n) {
  if (closed_) return FailedPreconditionError("reader closed");
  if (position_ >= end_ || n == 0) return size_t{0};
  if (piece_ >= pieces_.size()) RETURN_IF_ERROR(NextChunk());
  // Copies what the current chunk has, up to n bytes (and never past the end of the range).
  size_t want = std::min(n, static_cast<size_t>(end_ - position_));
  size_t done = 0;
  while (done < want && piece_ < pieces_.size()) {
    std::string_view& p = pieces_[piece_];
    const size_t take = std::min(want - done, p.size());
    std::memcpy(buf + done, p.data(), take);
    done += take;
    p.remove_prefix(take);
    if (p.empty()) ++piece_;
  }
  position_ += static_cast<int64_t>(done);
  return done;
}

Status RemoteBlockReader::Close() {
  if (closed_) return Status();
  closed_ = true;
  if (position_ < end_) call_->TryCancel();
  stream_->WritesDone();
  Status s = rpc::FromGrpcStatus(stream_->Finish());
  if (position_ < end_) return Status();  // cancelled on purpose
  return s;
}

// ---------------------------------------------------------------------------------------------
// LocalBlockReader

Result<std::unique_ptr<LocalBlockReader>> LocalBlockReader::Open(Context* ctx,
                                                                 const WorkerNetAddress& worker,
                                                                 int64_t block_id, bool promote,
                                                                 int64_t offset) {
  std::unique_ptr<LocalBlockReader> r(new LocalBlockReader());
  r->worker_ = WorkerKey(worker);
  r->block_id_ = block_id;
  r->call_ = std::make_unique<::grpc::ClientContext>();
  ctx->PrepareDataCall(r->call_.get());
  r->stream_ = ctx->Worker(worker)->OpenLocalBlock(r->call_.get());
  pb::OpenLocalBlockRequest req;
  req.set_block_id(block_id);
  req.set_promote(promote);
  req.set_accepts_offset(true);
  pb::OpenLocalBlockResponse resp;
  if (!r->stream_->Write(req) || !r->stream_->Read(&resp)) {
    r->closed_ = true;
    Status s = rpc::FromGrpcStatus(r->stream_->Finish());
    if (s.ok()) s = UnavailableError("stream closed");
    return s.WithContext(
        fmt::format("open local block {} on worker {}", block_id, WorkerKey(worker)));
  }
  r->path_ = resp.path();
  r->offset_ = resp.offset();
  r->length_ = resp.length();
  r->fd_ = ::open(r->path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (r->fd_ < 0) return ErrnoStatus("open block file", r->path_);
  r->position_ = offset;
  return r;
}

LocalBlockReader::~LocalBlockReader() { Close().IgnoreError(); }

bool LocalBlockReader::Seek(int64_t offset) {
  if (closed_ || offset < 0 || offset > length_) return false;
  position_ = offset;
  return true;
}

Result<size_t> LocalBlockReader::Read(char* buf, size_t n) {
  if (closed_) return FailedPreconditionError("reader closed");
  size_t want = std::min(n, static_cast<size_t>(std::max<int64_t>(0, length_ - position_)));
  size_t done = 0;
  while (done < want) {
    ssize_t got =
        ::pread(fd_, buf + done, want - done, offset_ + position_ + static_cast<int64_t>(done));
    if (got < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("read block file", path_);
    }
    if (got == 0) {
      return DataLossError(fmt::format("block file {} ends at {}, expected {} bytes from {}", path_,
                                       offset_ + position_ + static_cast<int64_t>(done), length_,
                                       offset_));
    }
    done += static_cast<size_t>(got);
  }
  position_ += static_cast<int64_t>(done);
  return done;
}

Status LocalBlockReader::Close() {
  if (closed_) return Status();
  closed_ = true;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  stream_->WritesDone();
  return rpc::FromGrpcStatus(stream_->Finish());
}

// ---------------------------------------------------------------------------------------------
// RemoteBlockWriter

Result<std::unique_ptr<RemoteBlockWriter>> RemoteBlockWriter::Open(
    Context* ctx, const WorkerNetAddress& worker, pb::WriteRequestCommand command) {
  std::unique_ptr<RemoteBlockWriter> w(new RemoteBlockWriter());
  w->worker_ = WorkerKey(worker);
  w->id_ = command.id();
  w->what_ = command.type() == pb::UFS_FILE
                 ? fmt::format("UFS file {}", command.create_ufs_file_options().ufs_path())
                 : fmt::format("block {}", command.id());
  w->chunk_size_ = ctx->options().writer_chunk_size;
  w->call_ = std::make_unique<::grpc::ClientContext>();
  ctx->PrepareDataCall(w->call_.get());
  w->stream_ = ctx->Worker(worker)->WriteBlock(w->call_.get());
  pb::WriteRequest req;
  *req.mutable_command() = std::move(command);
  if (!w->stream_->Write(req)) {
    w->done_ = true;
    return w->Finish();
  }
  return w;
}

RemoteBlockWriter::~RemoteBlockWriter() { Abort(); }

Status RemoteBlockWriter::Finish() {
  return FailedWriteStatus(stream_->Finish())
      .WithContext(fmt::format("write {} to worker {}", what_, worker_));
}

Status RemoteBlockWriter::Write(std::string_view data) {
  if (done_) return FailedPreconditionError("writer closed");
  while (!data.empty()) {
    size_t n = std::min(data.size(), static_cast<size_t>(chunk_size_));
    chunk_request_.mutable_chunk()->set_data(data.data(), n);
    if (!stream_->Write(chunk_request_)) {
      done_ = true;
      return Finish();
    }
    written_ += static_cast<int64_t>(n);
    data.remove_prefix(n);
  }
  return Status();
}

Status RemoteBlockWriter::StartCommit() {
  if (done_) return FailedPreconditionError("writer closed");
  done_ = true;
  pb::WriteRequest req;
  req.mutable_command()->set_id(id_);
  req.mutable_command()->set_commit(true);
  if (!stream_->Write(req)) return Finish();
  committing_ = true;
  return Status();
}

Result<std::string> RemoteBlockWriter::FinishCommit() {
  if (!committing_) return FailedPreconditionError("no commit started");
  committing_ = false;
  pb::WriteResponse resp;
  if (!stream_->Read(&resp)) return Finish();
  stream_->WritesDone();
  if (::grpc::Status g = stream_->Finish(); !g.ok()) {
    return FailedWriteStatus(g).WithContext(fmt::format("write {} to worker {}", what_, worker_));
  }
  if (resp.offset() != written_) {
    return DataLossError(fmt::format("worker {} committed {} bytes of {}, {} were sent", worker_,
                                     resp.offset(), what_, written_));
  }
  return resp.content_hash();
}

void RemoteBlockWriter::Abort() {
  if ((done_ && !committing_) || !stream_) return;
  done_ = true;
  committing_ = false;
  call_->TryCancel();
  stream_->Finish().ok();
}

// ---------------------------------------------------------------------------------------------
// LocalBlockWriter

Result<std::unique_ptr<LocalBlockWriter>> LocalBlockWriter::Open(Context* ctx,
                                                                 const WorkerNetAddress& worker,
                                                                 int64_t block_id,
                                                                 int64_t block_size) {
  std::unique_ptr<LocalBlockWriter> w(new LocalBlockWriter());
  w->worker_ = WorkerKey(worker);
  w->block_id_ = block_id;
  w->block_size_ = block_size;
  w->reserve_step_ = std::max<int64_t>(ctx->options().writer_chunk_size, 8 << 20);
  w->call_ = std::make_unique<::grpc::ClientContext>();
  ctx->PrepareDataCall(w->call_.get());
  w->stream_ = ctx->Worker(worker)->CreateLocalBlock(w->call_.get());
  pb::CreateLocalBlockRequest req;
  req.set_block_id(block_id);
  req.set_space_to_reserve(std::min(block_size, w->reserve_step_));
  req.set_pack_block_size(block_size);  // the worker may put it in the file's packed container
  pb::CreateLocalBlockResponse resp;
  if (!w->stream_->Write(req) || !w->stream_->Read(&resp)) {
    w->done_ = true;
    return w->Finish();
  }
  w->reserved_ = req.space_to_reserve();
  w->path_ = resp.path();
  w->offset_ = resp.offset();
  w->fd_ = ::open(w->path_.c_str(), O_WRONLY | O_CLOEXEC);
  if (w->fd_ < 0) {
    Status s = ErrnoStatus("open temp block file", w->path_);
    w->Abort();
    return s;
  }
  return w;
}

LocalBlockWriter::~LocalBlockWriter() { Abort(); }

Status LocalBlockWriter::Finish() {
  return FailedWriteStatus(stream_->Finish())
      .WithContext(fmt::format("write block {} to worker {}", block_id_, worker_));
}

Status LocalBlockWriter::Reserve(int64_t bytes) {
  pb::CreateLocalBlockRequest req;
  req.set_block_id(block_id_);
  req.set_space_to_reserve(bytes);
  req.set_only_reserve_space(true);
  pb::CreateLocalBlockResponse resp;
  if (!stream_->Write(req) || !stream_->Read(&resp)) {
    done_ = true;
    return Finish();
  }
  reserved_ += bytes;
  return Status();
}

Status LocalBlockWriter::Write(std::string_view data) {
  if (done_) return FailedPreconditionError("writer closed");
  int64_t end = written_ + static_cast<int64_t>(data.size());
  if (end > reserved_) {
    int64_t need = end - reserved_;
    int64_t step = std::min(reserve_step_, std::max<int64_t>(0, block_size_ - reserved_));
    RETURN_IF_ERROR(Reserve(std::max(need, step)));
  }
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::pwrite(fd_, data.data() + done, data.size() - done,
                         offset_ + written_ + static_cast<int64_t>(done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("write temp block file", path_);
    }
    done += static_cast<size_t>(n);
  }
  written_ = end;
  return Status();
}

Status LocalBlockWriter::StartCommit() {
  if (done_) return FailedPreconditionError("writer closed");
  done_ = true;
  if (::close(fd_) != 0) {
    fd_ = -1;
    Status s = ErrnoStatus("close temp block file", path_);
    call_->TryCancel();
    stream_->Finish().ok();
    return s;
  }
  fd_ = -1;
  pb::CreateLocalBlockRequest req;
  req.set_block_id(block_id_);
  req.set_commit(true);
  req.set_length(written_);
  if (!stream_->Write(req)) return Finish();
  committing_ = true;
  return Status();
}

Result<std::string> LocalBlockWriter::FinishCommit() {
  if (!committing_) return FailedPreconditionError("no commit started");
  committing_ = false;
  pb::CreateLocalBlockResponse resp;
  if (!stream_->Read(&resp)) return Finish();
  stream_->WritesDone();
  if (::grpc::Status g = stream_->Finish(); !g.ok()) {
    return FailedWriteStatus(g).WithContext(
        fmt::format("commit block {} on worker {}", block_id_, worker_));
  }
  return std::string();
}

void LocalBlockWriter::Abort() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if ((done_ && !committing_) || !stream_) return;
  done_ = true;
  committing_ = false;
  call_->TryCancel();
  stream_->Finish().ok();
}

}  // namespace alluxio::client::internal
