// SPDX-License-Identifier: Apache-2.0
#include "client/api/file_out_stream.h"

#include <algorithm>

#include <fmt/format.h>

#include "client/api/file_system.h"
#include "client/internal/block_io.h"
#include "client/internal/context.h"
#include "common/block_id.h"

namespace alluxio::client {

namespace pb = ::alluxio::grpc::block;
using internal::WorkerEntry;

FileOutStream::FileOutStream(std::shared_ptr<internal::Context> ctx, FileSystem* fs,
                             std::string path, ::alluxio::grpc::FileInfo info,
                             ::alluxio::grpc::WritePType type)
    : ctx_(std::move(ctx)),
      fs_(fs),
      path_(std::move(path)),
      info_(std::move(info)),
      type_(type),
      block_size_(info_.block_size_bytes() > 0 ? info_.block_size_bytes()
                                               : ctx_->options().default_block_size) {}

FileOutStream::~FileOutStream() { Cancel(); }

bool FileOutStream::caches() const {
  return type_ == ::alluxio::grpc::MUST_CACHE || type_ == ::alluxio::grpc::TRY_CACHE ||
         type_ == ::alluxio::grpc::CACHE_THROUGH || type_ == ::alluxio::grpc::ASYNC_THROUGH;
}

bool FileOutStream::writes_ufs() const {
  return type_ == ::alluxio::grpc::CACHE_THROUGH || type_ == ::alluxio::grpc::THROUGH;
}

namespace {

// LocalFirst: this host's worker, else the one with most free space; RoundRobin: in turn.
// Workers in `skip` (by key) are not chosen. nullptr when none is left.
const WorkerEntry* ChooseWorker(const std::vector<WorkerEntry>& workers, bool round_robin,
                                size_t* next, const std::vector<std::string>& skip) {
  auto skipped = [&](const WorkerEntry& w) {
    return std::find(skip.begin(), skip.end(), internal::WorkerKey(w.address)) != skip.end();
  };
  if (round_robin) {
    for (size_t i = 0; i < workers.size(); ++i) {
      const WorkerEntry& w = workers[(*next)++ % workers.size()];
      if (!skipped(w)) return &w;
    }
    return nullptr;
  }
  const WorkerEntry* best = nullptr;
  for (const WorkerEntry& w : workers) {
    if (skipped(w)) continue;
    if (w.local) return &w;
    if (!best || w.capacity_bytes - w.used_bytes > best->capacity_bytes - best->used_bytes) {
      best = &w;
    }
  }
  return best;
}

}  // namespace

Status FileOutStream::Fail(Status s) {
  Cancel();
  failure_ = s;
  return s;
}

Status FileOutStream::OpenBlock() {
  block_index_ = position_ / block_size_;
  const int64_t block_id = BlockIdOfFile(info_.file_id(), block_index_);
  std::vector<std::string> tried;
  Status last;
  for (int attempt = 0; attempt < 4; ++attempt) {
    ASSIGN_OR_RETURN(std::vector<WorkerEntry> workers, ctx_->Workers(attempt > 0));
    const WorkerEntry* w =
        ChooseWorker(workers, ctx_->options().round_robin_writes, &next_worker_, tried);
    if (!w) break;
    tried.push_back(internal::WorkerKey(w->address));
    if (w->local && ctx_->options().short_circuit) {
      auto local = internal::LocalBlockWriter::Open(ctx_.get(), w->address, block_id, block_size_);
      if (local.ok()) {
        block_ = std::move(*local);
        return Status();
      }
      last = local.status();
      if (last.code() != StatusCode::kUnavailable) return last;
      continue;
    }
    pb::WriteRequestCommand cmd;
    cmd.set_type(pb::ALLUXIO_BLOCK);
    cmd.set_id(block_id);
    cmd.set_tier(0);
    cmd.set_space_to_reserve(std::min<int64_t>(block_size_, 8 << 20));
    auto remote = internal::RemoteBlockWriter::Open(ctx_.get(), w->address, std::move(cmd));
    if (remote.ok()) {
      block_ = std::move(*remote);
      return Status();
    }
    last = remote.status();
    if (last.code() != StatusCode::kUnavailable) return last;
  }
  if (!last.ok()) return last;
  return UnavailableError(
      fmt::format("No Alluxio worker available to write block {} of {}", block_id, path_));
}

Status FileOutStream::CommitBlock() {
  RETURN_IF_ERROR(FinishCommit());
  std::unique_ptr<internal::BlockWriter> block = std::move(block_);
  RETURN_IF_ERROR(block->StartCommit());
  committing_ = std::move(block);
  return Status();
}

Status FileOutStream::FinishCommit() {
  if (!committing_) return Status();
  Status s = committing_->FinishCommit().status();
  committing_.reset();
  return s;
}

Status FileOutStream::OpenUfs() {
  pb::WriteRequestCommand cmd;
  cmd.set_type(pb::UFS_FILE);
  cmd.set_id(info_.file_id());
  auto* o = cmd.mutable_create_ufs_file_options();
  o->set_ufs_path(info_.ufs_path());
  o->set_owner(info_.owner());
  o->set_group(info_.group());
  o->set_mode(info_.mode());
  o->set_mount_id(info_.mount_id());
  std::vector<std::string> tried;
  Status last;
  for (int attempt = 0; attempt < 4; ++attempt) {
    ASSIGN_OR_RETURN(std::vector<WorkerEntry> workers, ctx_->Workers(attempt > 0));
    const WorkerEntry* w = ChooseWorker(workers, false, &next_worker_, tried);
    if (!w) break;
    tried.push_back(internal::WorkerKey(w->address));
    auto writer = internal::RemoteBlockWriter::Open(ctx_.get(), w->address, cmd);
    if (writer.ok()) {
      ufs_ = std::move(*writer);
      return Status();
    }
    last = writer.status();
    if (last.code() != StatusCode::kUnavailable) return last;
  }
  if (!last.ok()) return last;
  return UnavailableError(fmt::format("No Alluxio worker available to write {} to the UFS", path_));
}

Status FileOutStream::Write(std::string_view data) {
  if (!failure_.ok()) return failure_;
  if (closed_) return FailedPreconditionError(fmt::format("{} is closed", path_));
  if (writes_ufs() && !ufs_ && !data.empty()) {
    Status s = OpenUfs();
    if (!s.ok()) return Fail(s);
  }
  while (!data.empty()) {
    size_t n = data.size();
    if (caches()) {
      if (block_ && position_ / block_size_ != block_index_) {
        Status s = CommitBlock();
        if (!s.ok()) return Fail(s);
      }
      if (!block_) {
        Status s = OpenBlock();
        if (!s.ok()) return Fail(s);
      }
      n = std::min<size_t>(n, static_cast<size_t>(block_size_ - position_ % block_size_));
      Status s = block_->Write(data.substr(0, n));
      if (!s.ok()) return Fail(s);
    }
    if (ufs_) {
      Status s = ufs_->Write(data.substr(0, n));
      if (!s.ok()) return Fail(s);
    }
    position_ += static_cast<int64_t>(n);
    data.remove_prefix(n);
  }
  return Status();
}

Status FileOutStream::Close() {
  if (!failure_.ok()) return failure_;
  if (closed_) return Status();
  if (block_) {
    Status s = CommitBlock();
    if (!s.ok()) return Fail(s);
  }
  if (Status s = FinishCommit(); !s.ok()) return Fail(s);
  fsopts::CompleteFilePOptions options;
  options.set_ufs_length(position_);
  if (ufs_) {
    Result<std::string> hash = ufs_->Commit();
    ufs_.reset();
    if (!hash.ok()) return Fail(hash.status());
    if (!hash->empty()) options.set_content_hash(*hash);
  }
  if (type_ == ::alluxio::grpc::ASYNC_THROUGH && ctx_->options().persistence_wait_ms >= 0) {
    options.mutable_async_persist_options()->set_persistence_wait_time(
        ctx_->options().persistence_wait_ms);
  }
  Status s = fs_->CompleteFile(path_, std::move(options));
  if (!s.ok()) return Fail(s);
  closed_ = true;
  return Status();
}

void FileOutStream::Cancel() {
  if (closed_) return;
  closed_ = true;
  if (block_) block_->Abort();
  block_.reset();
  if (committing_) committing_->Abort();
  committing_.reset();
  if (ufs_) ufs_->Abort();
  ufs_.reset();
  fsopts::DeletePOptions options;
  options.set_alluxio_only(true);
  fs_->Delete(path_, options).IgnoreError();
}

}  // namespace alluxio::client
