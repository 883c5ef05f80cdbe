// SPDX-License-Identifier: Apache-2.0
#include "worker/ufs_io/ufs_block_cacher.h"

#include <fcntl.h>

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "alluxio/grpc/block_worker.grpc.pb.h"
#include "common/block_id.h"
#include "rpc/channel.h"
#include "rpc/grpc_status.h"
#include "worker/internal/posix_file.h"
#include "worker/internal/session.h"

namespace alluxio::worker {

namespace {

std::string TopTier(BlockStore* store) {
  StoreMeta meta = store->GetStoreMeta();
  return meta.tiers.empty() ? std::string(kAnyTier) : meta.tiers.front().alias;
}

// Writes and hashes pieces of a block file on its own thread while the caller reads the next
// piece: Write hands over a filled buffer and returns once the previous piece is done, so the
// caller may refill that one. The first write error is returned by every later call. The reading
// thread does nothing but read: a disk read ahead by the kernel idles while its reader computes
// (one stream of 2 MiB preads from this machine's disk: 3.25 GiB/s alone, 2.9 with a hash and a
// copy of each piece between the reads).
class PipelinedWriter {
 public:
  // `serial` (may be null) is held around each write (see UfsBlockCacher::write_locks_); each
  // piece is added to `hasher` after it is written, in order.
  PipelinedWriter(const internal::PosixFile* file, std::mutex* serial, BlockHasher* hasher)
      : file_(file), serial_(serial), hasher_(hasher), thread_([this] { Run(); }) {}
  ~PipelinedWriter() {
    Finish().IgnoreError();  // an error path: the caller already returns an error
    thread_.join();
  }
  PipelinedWriter(const PipelinedWriter&) = delete;
  PipelinedWriter& operator=(const PipelinedWriter&) = delete;

  // Queues `data` (which must stay valid until the next Write or Finish returns) for `pos`.
  Status Write(int64_t pos, std::string_view data) {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [&] { return !pending_; });
    if (!status_.ok()) return status_;
    pending_ = true;
    pos_ = pos;
    data_ = data;
    cv_.notify_all();
    return Status();
  }

  // Waits for the queued piece and stops the thread; the status of all writes.
  Status Finish() {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [&] { return !pending_; });
    done_ = true;
    cv_.notify_all();
    return status_;
  }

 private:
  void Run() {
    std::unique_lock<std::mutex> l(mu_);
    for (;;) {
      cv_.wait(l, [&] { return pending_ || done_; });
      if (!pending_) return;
      const int64_t pos = pos_;
      const std::string_view data = data_;
      const bool failed = !status_.ok();
      l.unlock();
      Status s;
      if (!failed) {
        std::unique_lock<std::mutex> one_at_a_time;
        if (serial_ != nullptr) one_at_a_time = std::unique_lock<std::mutex>(*serial_);
        s = file_->PWrite(pos, data);
        if (one_at_a_time.owns_lock()) one_at_a_time.unlock();
        if (s.ok()) hasher_->Update(data);
      }
      l.lock();
      if (status_.ok()) status_ = std::move(s);
      pending_ = false;
      cv_.notify_all();
    }
  }

  const internal::PosixFile* const file_;
  std::mutex* const serial_;
  BlockHasher* const hasher_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool pending_ = false;   // a piece waits for or is in PWrite; GUARDED_BY(mu_)
  bool done_ = false;      // GUARDED_BY(mu_)
  int64_t pos_ = 0;        // GUARDED_BY(mu_)
  std::string_view data_;  // GUARDED_BY(mu_)
  Status status_;          // first write error; GUARDED_BY(mu_)
  std::thread thread_;     // last: starts after the members above exist
};

}  // namespace

int64_t PackBlockSize(BlockId block_id, const grpc::block::OpenUfsBlockOptions& options) {
  const int64_t index = BlockIndexOf(block_id);
  const int64_t offset = options.offset_in_file();
  const int64_t length = options.block_size();
  if (offset < 0 || length <= 0) return 0;
  const int64_t size = index == 0 ? length : offset / index;
  if (size <= 0 || length > size || (index == 0 ? offset != 0 : offset % index != 0)) return 0;
  return size;
}

UfsBlockCacher::UfsBlockCacher(BlockStore* store, UfsManager* ufs, int threads, size_t max_queued,
                               bool packed_files, int64_t piece_bytes)
    : store_(store),
      ufs_(ufs),
      top_tier_(TopTier(store)),
      packed_files_(packed_files),
      piece_bytes_(std::max<int64_t>(piece_bytes, 1)),
      pool_(std::make_unique<internal::TaskPool>("ufs-cache", threads, max_queued)) {}

UfsBlockCacher::~UfsBlockCacher() { Stop(); }

void UfsBlockCacher::Stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stopped_ = true;
  }
  released_.notify_all();
  turn_ended_.notify_all();
  pool_->Stop();  // drops queued tasks with their claims: nobody waits for them any more
}

bool UfsBlockCacher::TryClaim(BlockId block_id, Claimant claimant) {
  std::lock_guard<std::mutex> l(mu_);
  return claimed_.emplace(block_id, claimant).second;
}

void UfsBlockCacher::Release(BlockId block_id) {
  {
    std::lock_guard<std::mutex> l(mu_);
    claimed_.erase(block_id);
  }
  released_.notify_all();
}

int UfsBlockCacher::waiting() const {
  std::lock_guard<std::mutex> l(mu_);
  return waiting_;
}

int UfsBlockCacher::waiting_for_turn() const {
  std::lock_guard<std::mutex> l(mu_);
  return waiting_for_turn_;
}

Status UfsBlockCacher::CacheWaiting(BlockId block_id,
                                    const grpc::block::OpenUfsBlockOptions& options,
                                    std::chrono::system_clock::time_point deadline) {
  {
    std::unique_lock<std::mutex> l(mu_);
    ++waiting_;
    for (;;) {
      if (stopped_) {
        --waiting_;
        return UnavailableError("The worker is stopping");
      }
      auto it = claimed_.find(block_id);
      if (it == claimed_.end()) break;
      if (it->second == Claimant::kReader) {
        --waiting_;
        return AbortedError(fmt::format("Block {} is being cached by another request", block_id));
      }
      if (deadline == std::chrono::system_clock::time_point::max()) {
        released_.wait(l);
      } else if (released_.wait_until(l, deadline) == std::cv_status::timeout) {
        --waiting_;
        return DeadlineExceededError(
            fmt::format("Block {} is still being cached in the background", block_id));
      }
    }
    --waiting_;
    claimed_.emplace(block_id, Claimant::kReader);
  }
  // OK at once if the background copy cached it.
  Status s = CacheNow(block_id, options, deadline);
  Release(block_id);
  return s;
}

bool UfsBlockCacher::Submit(BlockId block_id, const grpc::block::OpenUfsBlockOptions& options) {
  if (store_->HasBlock(block_id) || !TryClaim(block_id, Claimant::kBackground)) return false;
  bool queued = pool_->TrySubmit([this, block_id, options] {
    Status s = CacheNow(block_id, options);
    Release(block_id);
    if (!s.ok()) {
      spdlog::warn("Failed to cache block {} from {}: {}", block_id, options.ufs_path(),
                   s.ToString());
    }
  });
  if (!queued) Release(block_id);
  return queued;
}

class UfsBlockCacher::FileTurn {
 public:
  // Enters the lane of `path` at `offset` (no lane, and no waiting, unless `in_lane`).
  FileTurn(UfsBlockCacher* cacher, const std::string& path, int64_t offset, bool in_lane)
      : cacher_(cacher), path_(path), offset_(offset), in_lane_(in_lane) {
    if (!in_lane_) return;
    std::lock_guard<std::mutex> l(cacher_->mu_);
    cacher_->lanes_[path_].offsets.insert(offset_);
  }

  ~FileTurn() {
    if (!in_lane_) return;
    std::unique_ptr<ufs::UfsInputStream> closing;  // closed outside the lock
    {
      std::lock_guard<std::mutex> l(cacher_->mu_);
      auto it = cacher_->lanes_.find(path_);
      it->second.offsets.erase(it->second.offsets.find(offset_));
      if (it->second.offsets.empty()) {
        closing = std::move(it->second.stream);
        cacher_->lanes_.erase(it);
      }
    }
    cacher_->turn_ended_.notify_all();
  }

  // Waits until no copy of an earlier part of the file runs or waits. Unavailable when the
  // cacher stops, DeadlineExceeded at `deadline`.
  Status Wait(std::chrono::system_clock::time_point deadline) {
    if (!in_lane_) return Status();
    std::unique_lock<std::mutex> l(cacher_->mu_);
    auto turn = [&] {
      // Looked up each time: other lanes come and go meanwhile (a flat map moves its values).
      return cacher_->stopped_ || *cacher_->lanes_.at(path_).offsets.begin() == offset_;
    };
    ++cacher_->waiting_for_turn_;
    bool ready = true;
    if (deadline == std::chrono::system_clock::time_point::max()) {
      cacher_->turn_ended_.wait(l, turn);
    } else {
      ready = cacher_->turn_ended_.wait_until(l, deadline, turn);
    }
    --cacher_->waiting_for_turn_;
    if (cacher_->stopped_) return UnavailableError("The worker is stopping");
    if (!ready) {
      return DeadlineExceededError(
          fmt::format("Still waiting for copies of earlier parts of {}", path_));
    }
    return Status();
  }

  // The stream the previous copy left, when it ended at this copy's offset after checking the
  // same fingerprint; else null.
  std::unique_ptr<ufs::UfsInputStream> TakeStream(const std::string& fingerprint) {
    if (!in_lane_) return nullptr;
    std::lock_guard<std::mutex> l(cacher_->mu_);
    FileLane& lane = cacher_->lanes_.at(path_);
    if (lane.stream == nullptr || lane.stream_at != offset_ ||
        lane.stream_fingerprint != fingerprint) {
      return nullptr;
    }
    return std::move(lane.stream);
  }

  // Leaves `stream` (read up to `end`) to the next copy of the file.
  void KeepStream(std::unique_ptr<ufs::UfsInputStream> stream, int64_t end,
                  const std::string& fingerprint) {
    if (!in_lane_) return;
    std::unique_ptr<ufs::UfsInputStream> replaced;  // closed outside the lock
    std::lock_guard<std::mutex> l(cacher_->mu_);
    FileLane& lane = cacher_->lanes_.at(path_);
    replaced = std::move(lane.stream);
    lane.stream = std::move(stream);
    lane.stream_at = end;
    lane.stream_fingerprint = fingerprint;
  }

 private:
  UfsBlockCacher* const cacher_;
  const std::string path_;
  const int64_t offset_;
  const bool in_lane_;
};

Status UfsBlockCacher::CacheNow(BlockId block_id, const grpc::block::OpenUfsBlockOptions& options,
                                std::chrono::system_clock::time_point deadline) {
  if (store_->HasBlock(block_id)) return Status();
  const std::string& path = options.ufs_path();
  const int64_t length = options.block_size();
  if (length < 0) return InvalidArgumentError(fmt::format("Invalid block size {}", length));
  ASSIGN_OR_RETURN(std::shared_ptr<ufs::UnderFileSystem> ufs,
                   ufs_->Get(options.has_mount_id() ? options.mount_id() : -1, path));
  FileTurn turn(this, path, options.offset_in_file(), ufs->capabilities().sequential_reads_fastest);
  RETURN_IF_ERROR(turn.Wait(deadline).WithContext(fmt::format("Block {}", block_id)));
  if (store_->HasBlock(block_id)) return Status();  // cached while this copy waited
  RETURN_IF_ERROR(UfsManager::CheckFingerprint(ufs.get(), path, options.ufs_fingerprint()));
  std::unique_ptr<ufs::UfsInputStream> in = turn.TakeStream(options.ufs_fingerprint());
  if (in == nullptr) {
    ASSIGN_OR_RETURN(in, ufs->Open(path));
  }

  Status copied = Copy(
      block_id, length, packed_files_ ? PackBlockSize(block_id, options) : 0,
      [&](int64_t pos, char* buf, size_t n) -> Result<size_t> {
        ASSIGN_OR_RETURN(size_t got, in->PRead(options.offset_in_file() + pos, buf, n));
        if (got < n) {
          return DataLossError(fmt::format(
              "UFS file {} ends at {} bytes, inside block {} (expected {} bytes from offset {})",
              path, options.offset_in_file() + pos + static_cast<int64_t>(got), block_id, length,
              options.offset_in_file()));
        }
        return got;
      },
      path);
  if (copied.ok()) {
    turn.KeepStream(std::move(in), options.offset_in_file() + length, options.ufs_fingerprint());
  }
  return copied;
}

Status UfsBlockCacher::Copy(BlockId block_id, int64_t length, int64_t pack_block_size,
                            const std::function<Result<size_t>(int64_t, char*, size_t)>& read,
                            const std::string& what) {
  internal::SessionScope session(store_);
  BlockLocationHint hint;
  hint.tier_alias = top_tier_;
  hint.pack_block_size = pack_block_size;
  Result<TempBlockFile> temp = store_->CreateBlockFile(session.id(), block_id, hint, length);
  if (temp.status().code() == StatusCode::kAlreadyExists) return Status();  // cached meanwhile
  if (!temp.ok()) return temp.status();
  const int64_t at = temp->offset;  // 0 in a block file of its own
  ASSIGN_OR_RETURN(internal::PosixFile file, internal::PosixFile::Open(temp->path, O_WRONLY));
  const size_t piece = static_cast<size_t>(std::max<int64_t>(std::min(length, piece_bytes_), 1));
  std::unique_ptr<char[]> bufs[2] = {std::make_unique_for_overwrite<char[]>(piece),
                                     std::make_unique_for_overwrite<char[]>(piece)};
  // Hashed as it is written: the commit then need not read the block back to checksum it (that
  // pass was a quarter of a cold read's CPU).
  BlockHasher hasher;
  {
    // Copies into one packed container take turns at writing (see write_locks_).
    std::mutex* serial =
        temp->packed
            ? &write_locks_[static_cast<size_t>(FileIdOfBlock(block_id)) % write_locks_.size()]
            : nullptr;
    PipelinedWriter writer(&file, serial, &hasher);  // joined before `bufs` and `file` go
    for (int64_t pos = 0, i = 0; pos < length; ++i) {
      char* buf = bufs[i % 2].get();
      size_t n = static_cast<size_t>(std::min(length - pos, piece_bytes_));
      ASSIGN_OR_RETURN(size_t got, read(pos, buf, n));
      if (got < n) {
        return DataLossError(fmt::format("{} ended inside block {} at offset {} (of {})", what,
                                         block_id, pos + static_cast<int64_t>(got), length));
      }
      RETURN_IF_ERROR(writer.Write(at + pos, std::string_view(buf, n)));
      pos += static_cast<int64_t>(n);
    }
    RETURN_IF_ERROR(writer.Finish());
  }
  RETURN_IF_ERROR(file.Close());
  // On any early return above the session's end aborts the temp block.
  const ManifestEntry written{length, hasher.Digest()};
  return store_->CommitBlock(session.id(), block_id, /*pinned=*/false, &written);
}

bool UfsBlockCacher::SubmitFromWorker(BlockId block_id, int64_t length, const std::string& source) {
  if (length < 0 || store_->HasBlock(block_id) || !TryClaim(block_id, Claimant::kBackground)) {
    return false;
  }
  bool queued = pool_->TrySubmit([this, block_id, length, source] {
    Status s = CacheFromWorker(block_id, length, source);
    Release(block_id);
    if (!s.ok()) {
      spdlog::warn("Failed to cache block {} from worker {}: {}", block_id, source, s.ToString());
    }
  });
  if (!queued) Release(block_id);
  return queued;
}

Status UfsBlockCacher::CacheFromWorker(BlockId block_id, int64_t length,
                                       const std::string& source) {
  if (store_->HasBlock(block_id)) return Status();
  if (length < 0) return InvalidArgumentError(fmt::format("Invalid block size {}", length));
  auto stub = grpc::block::BlockWorker::NewStub(rpc::CreateChannel(source));
  ::grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(10));
  auto stream = stub->ReadBlock(&ctx);
  grpc::block::ReadRequest req;
  req.set_block_id(block_id);
  req.set_offset(0);
  req.set_length(length);
  req.set_chunk_size(1 << 20);
  const std::string what = fmt::format("the stream of block {} from worker {}", block_id, source);
  if (!stream->Write(req)) {
    return rpc::FromGrpcStatus(stream->Finish()).WithContext(what);
  }
  std::string pending;
  size_t pending_at = 0;
  bool ended = false;
  Status s = Copy(
      block_id, length, /*pack_block_size=*/0,  // the source's file is unknown here
      [&](int64_t, char* buf, size_t n) -> Result<size_t> {
        size_t done = 0;
        while (done < n) {
          if (pending_at == pending.size()) {
            grpc::block::ReadResponse resp;
            if (!stream->Read(&resp)) {
              ended = true;
              Status st = rpc::FromGrpcStatus(stream->Finish());
              if (!st.ok()) return st.WithContext(what);
              return done;
            }
            pending = std::move(*resp.mutable_chunk()->mutable_data());
            pending_at = 0;
            continue;
          }
          size_t take = std::min(n - done, pending.size() - pending_at);
          std::memcpy(buf + done, pending.data() + pending_at, take);
          pending_at += take;
          done += take;
        }
        return done;
      },
      what);
  if (!ended) {
    if (!s.ok()) ctx.TryCancel();
    stream->WritesDone();
    Status fin = rpc::FromGrpcStatus(stream->Finish());
    if (s.ok() && !fin.ok()) s = fin.WithContext(what);
  }
  return s;
}

}  // namespace alluxio::worker
