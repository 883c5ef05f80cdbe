// SPDX-License-Identifier: Apache-2.0
#include "client/api/file_in_stream.h"

#include <sys/stat.h>

#include <algorithm>
#include <random>

#include <fmt/format.h>
#include <grpcpp/grpcpp.h>

#include "client/api/file_system.h"
#include "client/internal/block_io.h"
#include "client/internal/context.h"
#include "common/block_id.h"
#include "rpc/grpc_status.h"

namespace alluxio::client {

namespace pb = ::alluxio::grpc::block;
using internal::BlockReader;
using CachingWait = internal::Context::CachingWait;

namespace {

// Attempts per read before giving up (each failed source is skipped afterwards).
constexpr int kMaxAttempts = 8;
// Smallest block worth caching before reading it (smaller ones stream).
constexpr int64_t kCacheFirstMinBytes = 1 << 20;
// Blocks after the one being read that a sequential read has the local worker cache meanwhile.
// Two: the worker then copies one block while it checksums and commits the one before.
constexpr int64_t kPrefetchBlocks = 2;
// How long a positioned read waits for another stream's copy of its block (then it streams its
// range from the UFS after all).
constexpr auto kCachingWait = std::chrono::seconds(30);

std::string BlockKey(const std::string& worker, int64_t block_id) {
  return fmt::format("{}#{}", worker, block_id);
}

// A failed read of the block from the UFS through `worker`. Kept apart from BlockKey: a worker
// whose cached copy failed (corrupt, dropped) can still read the block from the UFS.
std::string UfsKey(const std::string& worker, int64_t block_id) {
  return fmt::format("{}#{}#ufs", worker, block_id);
}

}  // namespace

FileInStream::FileInStream(std::shared_ptr<internal::Context> ctx, FileSystem* fs, std::string path,
                           ::alluxio::grpc::FileInfo info, ::alluxio::grpc::ReadPType type)
    : ctx_(std::move(ctx)),
      fs_(fs),
      path_(std::move(path)),
      info_(std::move(info)),
      type_(type),
      block_size_(info_.block_size_bytes() > 0 ? info_.block_size_bytes()
                                               : ctx_->options().default_block_size) {}

FileInStream::~FileInStream() { Close().IgnoreError(); }

Status FileInStream::Close() {
  for (auto& r : whole_file_) r->Close().IgnoreError();
  whole_file_.clear();
  if (reader_) reader_->Close().IgnoreError();
  reader_.reset();
  for (auto& [index, p] : positional_) {
    if (p.reader) p.reader->Close().IgnoreError();
  }
  positional_.clear();
  return Status();
}

Result<int> FileInStream::WholeFileDescriptor() {
  if (!whole_file_.empty()) return whole_file_.front()->fd();
  if (info_.length() <= 0 || !ctx_->options().short_circuit) {
    return FailedPreconditionError(fmt::format("{} cannot be read locally as one file", path_));
  }
  // Every block local, each at its place in one file (one block of its own, or a packed
  // container holding them all), and that file no longer than the Alluxio file (the kernel reads
  // the backing file to its own end).
  std::vector<std::unique_ptr<internal::LocalBlockReader>> held;
  struct stat first {};
  for (int64_t i = 0; i < NumBlocks(); ++i) {
    const int64_t block_id = BlockId(i);
    std::unique_ptr<internal::LocalBlockReader> local;
    for (const auto& loc : LocationsOf(i)) {
      if (!ctx_->IsLocal(loc.worker_address())) continue;
      ASSIGN_OR_RETURN(local, internal::LocalBlockReader::Open(
                                  ctx_.get(), loc.worker_address(), block_id,
                                  type_ == ::alluxio::grpc::CACHE_PROMOTE, /*offset=*/0));
      break;
    }
    if (local == nullptr) {
      return FailedPreconditionError(
          fmt::format("block {} of {} is not cached on this host's worker", i, path_));
    }
    if (local->length() != BlockLength(i)) {
      return DataLossError(fmt::format("block {} of {} holds {} bytes, not {}", block_id, path_,
                                       local->length(), BlockLength(i)));
    }
    struct stat st;
    if (::fstat(local->fd(), &st) != 0) return ErrnoToStatus(errno, "fstat", path_);
    if (i == 0) first = st;
    if (local->offset() != i * block_size_ || st.st_dev != first.st_dev ||
        st.st_ino != first.st_ino) {
      return FailedPreconditionError(
          fmt::format("the blocks of {} are not one file on this host's worker", path_));
    }
    held.push_back(std::move(local));
  }
  if (first.st_size != info_.length()) {
    return FailedPreconditionError(fmt::format("the file holding {} is {} bytes, the file {}",
                                               path_, first.st_size, info_.length()));
  }
  whole_file_ = std::move(held);
  return whole_file_.front()->fd();
}

int64_t FileInStream::BlockLength(int64_t index) const {
  return std::min(block_size_, info_.length() - index * block_size_);
}

int64_t FileInStream::BlockId(int64_t index) const {
  if (index < info_.block_ids_size()) return info_.block_ids(static_cast<int>(index));
  return BlockIdOfFile(info_.file_id(), index);
}

Status FileInStream::Seek(int64_t pos) {
  if (pos < 0 || pos > info_.length()) {
    return OutOfRangeError(
        fmt::format("Seek position {} is outside [0, {}] of {}", pos, info_.length(), path_));
  }
  position_ = pos;
  return Status();
}

int64_t FileInStream::NumBlocks() const { return (info_.length() + block_size_ - 1) / block_size_; }

bool FileInStream::HasLocation(int64_t index) const { return !LocationsOf(index).empty(); }

std::vector<::alluxio::grpc::BlockLocation> FileInStream::LocationsOf(int64_t index) const {
  const int64_t block_id = BlockId(index);
  for (const auto& fbi : info_.file_block_infos()) {
    if (fbi.block_info().block_id() != block_id) continue;
    return {fbi.block_info().locations().begin(), fbi.block_info().locations().end()};
  }
  return {};
}

bool FileInStream::CachesBeforeReading(int64_t index) const {
  return type_ != ::alluxio::grpc::NO_CACHE && BlockLength(index) >= kCacheFirstMinBytes;
}

pb::OpenUfsBlockOptions FileInStream::UfsBlockOptions(int64_t index) const {
  pb::OpenUfsBlockOptions ufs;
  ufs.set_ufs_path(info_.ufs_path());
  ufs.set_offset_in_file(index * block_size_);
  ufs.set_block_size(BlockLength(index));
  ufs.set_mount_id(info_.mount_id());
  ufs.set_no_cache(type_ == ::alluxio::grpc::NO_CACHE);
  ufs.set_user(ctx_->user());
  return ufs;
}

Status FileInStream::CacheOnWorker(const ::alluxio::grpc::WorkerNetAddress& worker, int64_t index,
                                   bool async) {
  pb::CacheRequest req;
  req.set_block_id(BlockId(index));
  req.set_async(async);
  *req.mutable_open_ufs_block_options() = UfsBlockOptions(index);
  pb::CacheResponse resp;
  ::grpc::ClientContext call;
  ctx_->PrepareDataCall(&call);
  return rpc::FromGrpcStatus(ctx_->Worker(worker)->Cache(&call, req, &resp))
      .WithContext(
          fmt::format("Cache of block {} on {}", BlockId(index), internal::WorkerKey(worker)));
}

void FileInStream::PassiveCache(int64_t index, const ::alluxio::grpc::WorkerNetAddress& source) {
  // As Alluxio: a block read from another host's worker is copied into this host's worker, in
  // the background (best effort), unless the read type caches nothing.
  if (!ctx_->options().passive_cache || type_ == ::alluxio::grpc::NO_CACHE ||
      ctx_->IsLocal(source) || !passively_cached_.insert(index).second) {
    return;
  }
  Result<std::vector<internal::WorkerEntry>> workers = ctx_->Workers(false);
  if (!workers.ok()) return;
  for (const internal::WorkerEntry& w : *workers) {
    if (!w.local) continue;
    pb::AsyncCacheRequest req;
    req.set_block_id(BlockId(index));
    req.set_source_host(source.host());
    req.set_source_port(source.rpc_port());
    req.set_length(BlockLength(index));
    if (info_.persisted()) *req.mutable_open_ufs_block_options() = UfsBlockOptions(index);
    pb::AsyncCacheResponse resp;
    ::grpc::ClientContext call;
    ctx_->PrepareDataCall(&call);
    ctx_->Worker(w.address)->AsyncCache(&call, req, &resp);  // best effort
    return;
  }
}

Result<std::unique_ptr<BlockReader>> FileInStream::OpenBlock(int64_t index, int64_t offset,
                                                             int64_t max_length, bool scanning) {
  const int64_t block_id = BlockId(index);
  const int64_t length = BlockLength(index);
  const int64_t range = max_length < 0 ? length - offset : std::min(max_length, length - offset);
  const bool promote = type_ == ::alluxio::grpc::CACHE_PROMOTE;
  Status last;  // across rounds: the refresh round may find nothing new to try
  for (int round = 0; round < 2; ++round) {
    // Cached copies: this host's worker first, then the others in random order.
    std::vector<::alluxio::grpc::BlockLocation> locations = LocationsOf(index);
    thread_local std::mt19937 rng(std::random_device{}());
    std::shuffle(locations.begin(), locations.end(), rng);
    std::stable_partition(locations.begin(), locations.end(),
                          [&](const auto& l) { return ctx_->IsLocal(l.worker_address()); });
    for (const auto& loc : locations) {
      const std::string key = internal::WorkerKey(loc.worker_address());
      if (failed_workers_.count(key) || failed_workers_.count(BlockKey(key, block_id))) continue;
      if (ctx_->options().short_circuit && ctx_->IsLocal(loc.worker_address())) {
        auto local = internal::LocalBlockReader::Open(ctx_.get(), loc.worker_address(), block_id,
                                                      promote, offset);
        if (local.ok()) return std::unique_ptr<BlockReader>(std::move(*local));
        last = local.status();
        failed_workers_.insert(last.code() == StatusCode::kUnavailable ? key
                                                                       : BlockKey(key, block_id));
        continue;
      }
      pb::ReadRequest req;
      req.set_block_id(block_id);
      req.set_offset(offset);
      req.set_length(range);
      req.set_promote(promote);
      auto remote = internal::RemoteBlockReader::Open(ctx_.get(), loc.worker_address(), req);
      if (remote.ok()) {
        PassiveCache(index, loc.worker_address());
        return std::unique_ptr<BlockReader>(std::move(*remote));
      }
      last = remote.status();
      failed_workers_.insert(key);
    }
    // Not cached (or every copy failed): a worker reads it from the UFS.
    if (info_.persisted()) {
      ASSIGN_OR_RETURN(std::vector<internal::WorkerEntry> workers, ctx_->Workers(round > 0));
      std::shuffle(workers.begin(), workers.end(), rng);
      std::stable_partition(workers.begin(), workers.end(), [](const auto& w) { return w.local; });
      for (const auto& w : workers) {
        const std::string key = internal::WorkerKey(w.address);
        if (failed_workers_.count(key) || failed_workers_.count(UfsKey(key, block_id))) continue;
        pb::OpenUfsBlockOptions ufs = UfsBlockOptions(index);
        if (w.local && ctx_->options().short_circuit && CachesBeforeReading(index)) {
          const bool whole = max_length < 0 && (offset == 0 || scanning);
          if (auto local = FromLocalCopy(w.address, index, offset, whole, promote)) return local;
        }
        pb::ReadRequest req;
        req.set_block_id(block_id);
        req.set_offset(offset);
        req.set_length(range);
        req.set_promote(promote);
        *req.mutable_open_ufs_block_options() = std::move(ufs);
        auto remote = internal::RemoteBlockReader::Open(ctx_.get(), w.address, req);
        if (remote.ok()) return std::unique_ptr<BlockReader>(std::move(*remote));
        last = remote.status();
        failed_workers_.insert(key);
      }
      if (workers.empty() && round > 0) {
        return UnavailableError(fmt::format(
            "No Alluxio worker available to read block {} of {} from the UFS", block_id, path_));
      }
    }
    // Locations may have changed since the file was opened: ask the master once more.
    if (round == 0 && !refreshed_) {
      refreshed_ = true;
      fsopts::GetStatusPOptions o;
      o.set_load_metadata_type(::alluxio::grpc::NEVER);
      o.mutable_common_options()->set_sync_interval_ms(-1);
      ASSIGN_OR_RETURN(::alluxio::grpc::FileInfo fresh, fs_->GetStatus(path_, o));
      if (fresh.file_id() == info_.file_id()) info_ = std::move(fresh);
      continue;
    }
    if (!last.ok() && !info_.persisted()) {
      return last.WithContext(fmt::format("Block {} of {}", block_id, path_));
    }
    break;
  }
  return UnavailableError(
      fmt::format("Block {} is unavailable in both Alluxio and UFS.", block_id));
}

// Reading a whole block sequentially through this host's worker (from its start, or anywhere in a
// scan, see PositionedRead): let it cache the block first, then read the block file directly. One
// UFS read and one local copy beat streaming every byte through gRPC; a block another reader is
// caching right now, or a failure, falls back to streaming. The worker also caches the next
// kPrefetchBlocks ones (prefetch), asked for before the wait for this one: their copies overlap
// this block's copy (block 0 alone ran one UFS stream, slower than two on the disks measured) and
// the caller's reading of it; the Cache call for block N+1 then waits for that copy instead of
// starting another.
std::unique_ptr<BlockReader> FileInStream::FromLocalCopy(
    const ::alluxio::grpc::WorkerNetAddress& worker, int64_t index, int64_t offset, bool copy_now,
    bool promote) {
  const int64_t block_id = BlockId(index);
  const auto deadline = std::chrono::steady_clock::now() + kCachingWait;
  auto open_local = [&]() -> std::unique_ptr<BlockReader> {
    auto local = internal::LocalBlockReader::Open(ctx_.get(), worker, block_id, promote, offset);
    return local.ok() ? std::move(*local) : nullptr;
  };
  // Another stream of this client cached the block here (its locations, from this stream's
  // open, do not say so) or is caching it: read that copy.
  if (ctx_->WaitForCaching(block_id, deadline) == CachingWait::kCached) {
    if (auto local = open_local()) return local;
  }
  if (!copy_now) return nullptr;
  for (int64_t next = std::max(index + 1, prefetched_ + 1);
       next <= index + kPrefetchBlocks && next < NumBlocks(); ++next) {
    prefetched_ = next;
    if (!CachesBeforeReading(next) || HasLocation(next)) continue;
    // Best effort: a prefetch that fails or is dropped leaves the block to be cached when it is
    // reached, as without prefetching. One the worker has or is caching already is not copied
    // again.
    CacheOnWorker(worker, next, /*async=*/true).IgnoreError();
  }
  bool copied;
  if (ctx_->TryBeginCaching(block_id)) {
    copied = CacheOnWorker(worker, index, /*async=*/false).ok();
    ctx_->EndCaching(block_id, copied);
  } else {
    copied = ctx_->WaitForCaching(block_id, deadline) == CachingWait::kCached;
  }
  return copied ? open_local() : nullptr;
}

Result<size_t> FileInStream::ReadAt(int64_t pos, char* buf, size_t n, bool sequential,
                                    bool scanning, std::unique_ptr<BlockReader>* reader,
                                    int64_t* index) {
  const int64_t idx = pos / block_size_;
  const int64_t offset = pos % block_size_;
  const size_t want =
      static_cast<size_t>(std::min<int64_t>(static_cast<int64_t>(n), BlockLength(idx) - offset));
  Status last;
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    if (!*reader || *index != idx || !(*reader)->Seek(offset)) {
      if (*reader) (*reader)->Close().IgnoreError();
      reader->reset();
      Result<std::unique_ptr<BlockReader>> opened = OpenBlock(
          idx, offset, sequential || scanning ? -1 : static_cast<int64_t>(want), scanning);
      // No source left after one failed here: that failure (e.g. a corrupt copy) says more.
      if (!opened.ok()) return last.ok() ? opened.status() : last;
      *reader = *std::move(opened);
      *index = idx;
    }
    Result<size_t> got = (*reader)->Read(buf, want);
    if (got.ok() && *got > 0) return got;
    last =
        got.ok()
            ? DataLossError(fmt::format("block {} ended early at offset {}", BlockId(idx), offset))
            : got.status();
    // This source failed: skip it (the worker if it is down, else this block on it) and retry.
    const std::string worker = (*reader)->worker();
    const std::string block_key =
        (*reader)->from_ufs() ? UfsKey(worker, BlockId(idx)) : BlockKey(worker, BlockId(idx));
    failed_workers_.insert(last.code() == StatusCode::kUnavailable ? worker : block_key);
    (*reader)->Close().IgnoreError();
    reader->reset();
    if (last.code() == StatusCode::kResourceExhausted ||
        last.code() == StatusCode::kPermissionDenied) {
      return last;
    }
  }
  return last;
}

Result<size_t> FileInStream::Read(char* buf, size_t n) {
  size_t total = 0;
  while (total < n && position_ < info_.length()) {
    ASSIGN_OR_RETURN(size_t got, ReadAt(position_, buf + total, n - total, /*sequential=*/true,
                                        /*scanning=*/false, &reader_, &reader_index_));
    position_ += static_cast<int64_t>(got);
    total += got;
  }
  return total;
}

Result<size_t> FileInStream::PositionedRead(int64_t pos, char* buf, size_t n, bool scanning) {
  if (pos < 0) return InvalidArgumentError(fmt::format("Negative read position {}", pos));
  size_t total = 0;
  const bool sequential = pos == positional_next_;
  while (total < n && pos < info_.length()) {
    const int64_t idx = pos / block_size_;
    auto it = positional_.find(idx);
    if (it == positional_.end()) {
      if (positional_.size() >= kMaxPositionalReaders) {
        auto lru = positional_.begin();
        for (auto i = positional_.begin(); i != positional_.end(); ++i) {
          if (i->second.last_use < lru->second.last_use) lru = i;
        }
        if (lru->second.reader) lru->second.reader->Close().IgnoreError();
        positional_.erase(lru);
      }
      it = positional_.emplace(idx, PositionalReader()).first;
    }
    PositionalReader& p = it->second;
    p.last_use = ++positional_tick_;
    ASSIGN_OR_RETURN(
        size_t got, ReadAt(pos, buf + total, n - total, sequential, scanning, &p.reader, &p.index));
    pos += static_cast<int64_t>(got);
    total += got;
  }
  positional_next_ = pos;
  return total;
}

}  // namespace alluxio::client
