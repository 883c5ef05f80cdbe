// SPDX-License-Identifier: Apache-2.0
#include "worker/service/block_worker_service.h"

#include <fcntl.h>

#include <algorithm>
#include <optional>
#include <random>
#include <thread>
#include <utility>

#include <fmt/format.h>
#include <google/protobuf/io/coded_stream.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/support/method_handler.h>
#include <spdlog/spdlog.h>

#include "alluxio/grpc/block_master.grpc.pb.h"
#include "rpc/grpc_status.h"
#include "rpc/master_client.h"
#include "worker/internal/posix_file.h"
#include "worker/internal/session.h"
#include "worker/internal/slice_pool.h"

namespace alluxio::worker {

namespace {

namespace gb = grpc::block;
using internal::PosixFile;
using internal::SessionScope;
using internal::SlicePool;

constexpr int64_t kDefaultChunkBytes = 1 << 20;  // Alluxio's client default
// The pool of short-circuit writes' store and master calls (CreateLocalReactor): a commit
// checksums and syncs a block and calls the master, so a few run at once; the rest queue.
constexpr int kLocalWriteThreads = 8;
constexpr size_t kLocalWriteQueue = 1 << 16;

std::vector<std::string> TierAliases(BlockStore* store) {
  std::vector<std::string> out;
  for (const TierMeta& t : store->GetStoreMeta().tiers) out.push_back(t.alias);
  return out;
}

Status NotAvailable(BlockId id) {
  return NotFoundError(fmt::format("Block {} is not available in the worker", id));
}

// The range [offset, offset + length) of a block of `block_length` bytes; a missing or negative
// length means "to the end".
Result<std::pair<int64_t, int64_t>> ReadRange(const gb::ReadRequest& req, int64_t block_length) {
  const int64_t offset = req.offset();
  if (offset < 0 || offset > block_length) {
    return InvalidArgumentError(fmt::format("Offset {} is outside block {} of {} bytes", offset,
                                            req.block_id(), block_length));
  }
  int64_t length = block_length - offset;
  if (req.has_length() && req.length() >= 0) {
    if (req.length() > length) {
      return InvalidArgumentError(fmt::format("Range [{}, {}) is outside block {} of {} bytes",
                                              offset, offset + req.length(), req.block_id(),
                                              block_length));
    }
    length = req.length();
  }
  return std::make_pair(offset, length);
}

// Releases a cache claim when the read ends, however it ends.
class ClaimGuard {
 public:
  ClaimGuard(UfsBlockCacher* cacher, BlockId id) : cacher_(cacher), id_(id) {}
  ~ClaimGuard() {
    if (held_) cacher_->Release(id_);
  }
  ClaimGuard(const ClaimGuard&) = delete;
  ClaimGuard& operator=(const ClaimGuard&) = delete;
  bool TryClaim() { return held_ = cacher_->TryClaim(id_); }

 private:
  UfsBlockCacher* const cacher_;
  const BlockId id_;
  bool held_ = false;
};

std::string UfsTempName(const std::string& name) {
  thread_local std::mt19937_64 rng(std::random_device{}());
  // The local UFS hides names of this shape from listings (an in-progress write). The name is
  // cut short so that the whole stays within NAME_MAX (255 bytes) for the longest names.
  constexpr size_t kOverhead = 1 + 9 + 16 + 4;  // ".", ".alluxio.", the token, ".tmp"
  std::string_view base(name);
  if (base.size() > 255 - kOverhead) base = base.substr(0, 255 - kOverhead);
  return fmt::format(".{}.alluxio.{:016x}.tmp", base, rng());
}

// The bytes of a slice made by ::grpc::Slice(n) or a SlicePool, to fill before it is sent.
char* MutableData(::grpc::Slice& slice) { return SlicePool::MutableData(slice); }

// Sends ReadResponse{chunk: {data: `data`}} without copying `data`: the message is the two keys and
// lengths (a few bytes) followed by the bytes, exactly what protobuf would serialise.
bool WriteChunk(BlockWorkerService::RawReadStream* stream, ::grpc::Slice data) {
  using google::protobuf::io::CodedOutputStream;
  constexpr uint32_t kLengthDelimited = 2;
  constexpr uint32_t kChunkTag = (gb::ReadResponse::kChunkFieldNumber << 3) | kLengthDelimited;
  constexpr uint32_t kDataTag = (gb::Chunk::kDataFieldNumber << 3) | kLengthDelimited;
  const uint64_t size = data.size();
  const uint64_t chunk_size =
      CodedOutputStream::VarintSize32(kDataTag) + CodedOutputStream::VarintSize64(size) + size;
  uint8_t head[2 * (5 + 10)];
  uint8_t* p = CodedOutputStream::WriteVarint32ToArray(kChunkTag, head);
  p = CodedOutputStream::WriteVarint64ToArray(chunk_size, p);
  p = CodedOutputStream::WriteVarint32ToArray(kDataTag, p);
  p = CodedOutputStream::WriteVarint64ToArray(size, p);
  const ::grpc::Slice slices[2] = {::grpc::Slice(head, static_cast<size_t>(p - head)),
                                   std::move(data)};
  return stream->Write(::grpc::ByteBuffer(slices, 2));  // references the slices, no copy
}

std::string JoinDir(const std::string& dir, const std::string& name) {
  return !dir.empty() && dir.back() == '/' ? dir + name : dir + "/" + name;
}

}  // namespace

BlockWorkerService::BlockWorkerService(BlockStore* store, UfsManager* ufs, UfsBlockCacher* cacher,
                                       rpc::MasterClient* block_master,
                                       std::function<int64_t()> worker_id,
                                       BlockWorkerServiceOptions options)
    : store_(store),
      ufs_(ufs),
      cacher_(cacher),
      block_master_(block_master),
      worker_id_(std::move(worker_id)),
      options_(options),
      tier_aliases_(TierAliases(store)),
      local_writes_("local-writes", kLocalWriteThreads, kLocalWriteQueue) {
  // ReadBlock is method 0 of the service (as the generated WithRawMethod_ReadBlock assumes); the
  // service takes ownership of the handler, as with the generated ones.
  constexpr int kReadBlockMethod = 0;
  MarkMethodStreamed(
      kReadBlockMethod,
      new ::grpc::internal::BidiStreamingHandler<BlockWorkerService, ::grpc::ByteBuffer,
                                                 ::grpc::ByteBuffer>(
          [](BlockWorkerService* service, ::grpc::ServerContext* ctx, RawReadStream* stream) {
            return service->ReadBlockRaw(ctx, stream);
          },
          this));
}

BlockLocationHint BlockWorkerService::Hint(bool has_level, int level,
                                           const std::string& medium) const {
  BlockLocationHint hint;
  if (has_level && level >= 0 && level < static_cast<int>(tier_aliases_.size())) {
    hint.tier_alias = tier_aliases_[static_cast<size_t>(level)];
  }
  hint.medium_type = medium;
  return hint;
}

void BlockWorkerService::Promote(SessionId session, BlockId block_id) {
  if (tier_aliases_.empty()) return;
  Result<BlockLocation> moved = store_->MoveBlock(session, block_id, tier_aliases_.front());
  if (!moved.ok()) {
    spdlog::debug("Could not promote block {}: {}", block_id, moved.status().ToString());
  }
}

Status BlockWorkerService::CommitToMaster(BlockId block_id, rpc::MasterClient* master) {
  ASSIGN_OR_RETURN(BlockInfo info, store_->GetBlockInfo(block_id));
  gb::CommitBlockPRequest req;
  req.set_worker_id(worker_id_());
  req.set_block_id(block_id);
  req.set_length(info.length);
  req.set_tier_alias(info.location.tier_alias);
  req.set_medium_type(info.location.medium_type);
  for (const TierMeta& t : store_->GetStoreMeta().tiers) {
    if (t.alias == info.location.tier_alias) req.set_used_bytes_on_tier(t.used_bytes);
  }
  gb::CommitBlockPResponse resp;
  Status s = master->Call(
      [&](const std::shared_ptr<::grpc::Channel>& channel, ::grpc::ClientContext* ctx) {
        return gb::BlockMasterWorkerService::NewStub(channel)->CommitBlock(ctx, req, &resp);
      });
  return s.WithContext(fmt::format("Failed to commit block {} on the master", block_id));
}

void BlockWorkerService::ReportCachedBlock(BlockId block_id) {
  if (options_.cache_report_client == nullptr) return;
  Status s = CommitToMaster(block_id, options_.cache_report_client);
  if (!s.ok()) spdlog::debug("{} (the next heartbeat reports it)", s.ToString());
}

// ---- ReadBlock ----

::grpc::Status BlockWorkerService::ReadBlockRaw(::grpc::ServerContext*, RawReadStream* stream) {
  ::grpc::ByteBuffer raw;
  if (!stream->Read(&raw)) return ::grpc::Status::OK;  // the client asked for nothing
  gb::ReadRequest req;
  if (!::grpc::SerializationTraits<gb::ReadRequest>::Deserialize(&raw, &req).ok()) {
    return rpc::ToGrpcStatus(InvalidArgumentError("Malformed ReadRequest"));
  }
  // Later requests (Alluxio's offset_received acks) are not read: flow control paces the stream.
  return rpc::ToGrpcStatus(Read(req, stream));
}

Status BlockWorkerService::Read(const gb::ReadRequest& req, RawReadStream* stream) {
  const BlockId id = req.block_id();
  const int64_t chunk = std::min(req.chunk_size() > 0 ? req.chunk_size() : kDefaultChunkBytes,
                                 std::max<int64_t>(1, options_.max_chunk_bytes));
  SessionScope session(store_);
  if (req.promote()) Promote(session.id(), id);
  Result<LockedBlock> locked = store_->LockBlock(session.id(), id);
  if (!locked.ok()) {
    StatusCode code = locked.status().code();
    if (code != StatusCode::kNotFound && code != StatusCode::kDataLoss) return locked.status();
    // A corrupt copy was dropped by the store (DataLoss names the block and its file). Without
    // the UFS the client must hear why; with it, the read goes on from the UFS right here and
    // caches the block again.
    if (!req.has_open_ufs_block_options()) {
      return code == StatusCode::kDataLoss ? locked.status() : NotAvailable(id);
    }
    ASSIGN_OR_RETURN(auto range, ReadRange(req, req.open_ufs_block_options().block_size()));
    return ReadFromUfs(session.id(), req, range.first, range.second, chunk, stream);
  }
  ASSIGN_OR_RETURN(auto range, ReadRange(req, locked->length));
  store_->AccessBlock(id).IgnoreError();  // only the eviction order; the block is locked
  ASSIGN_OR_RETURN(PosixFile file, PosixFile::Open(locked->path, O_RDONLY));
  const int64_t end = range.first + range.second;
  // Chunks are read straight into the buffers gRPC sends, recycled once sent (SlicePool).
  std::shared_ptr<SlicePool> pool = SlicePool::Create(static_cast<size_t>(chunk));
  for (int64_t pos = range.first; pos < end;) {
    const size_t n = static_cast<size_t>(std::min(chunk, end - pos));
    ::grpc::Slice data = pool->Take(n);
    ASSIGN_OR_RETURN(size_t got, file.PRead(locked->offset + pos, MutableData(data), n));
    if (got < n) {
      // Truncated while locked: have the store check it, which drops it once we unlock.
      store_->VerifyBlock(id).status().IgnoreError();  // DataLoss expected; reported below
      return DataLossError(fmt::format(
          "Block file {} of block {} ends at {} bytes, inside its length {} from {}", locked->path,
          id, locked->offset + pos + static_cast<int64_t>(got), locked->length, locked->offset));
    }
    if (!WriteChunk(stream, std::move(data))) return CancelledError("The reader went away");
    pos += static_cast<int64_t>(n);
  }
  return store_->UnlockBlock(locked->lock_id);
}

Status BlockWorkerService::ReadFromUfs(SessionId session, const gb::ReadRequest& req,
                                       int64_t offset, int64_t length, int64_t chunk,
                                       RawReadStream* stream) {
  const BlockId id = req.block_id();
  const gb::OpenUfsBlockOptions& o = req.open_ufs_block_options();
  const std::string& path = o.ufs_path();
  ASSIGN_OR_RETURN(std::shared_ptr<ufs::UnderFileSystem> ufs,
                   ufs_->Get(o.has_mount_id() ? o.mount_id() : -1, path));
  RETURN_IF_ERROR(UfsManager::CheckFingerprint(ufs.get(), path, o.ufs_fingerprint()));
  ASSIGN_OR_RETURN(std::unique_ptr<ufs::UfsInputStream> in, ufs->Open(path));

  // Cache while streaming when the whole block goes through and nobody else is caching it;
  // otherwise cache the whole block in the background.
  ClaimGuard claim(cacher_, id);
  PosixFile cache_file;
  int64_t cache_at = 0;  // where the block starts in cache_file (its packed container's offset)
  if (!o.no_cache()) {
    if (offset == 0 && length == o.block_size()) {
      if (claim.TryClaim()) {
        BlockLocationHint hint;
        hint.tier_alias = cacher_->top_tier();
        if (options_.packed_files) hint.pack_block_size = PackBlockSize(id, o);
        Result<TempBlockFile> temp = store_->CreateBlockFile(session, id, hint, length);
        if (temp.ok()) cache_at = temp->offset;
        Result<PosixFile> f =
            temp.ok() ? PosixFile::Open(temp->path, O_WRONLY) : Result<PosixFile>(temp.status());
        if (f.ok()) {
          cache_file = *std::move(f);
        } else {
          spdlog::debug("Reading block {} through without caching it: {}", id,
                        f.status().ToString());
        }
      }
    } else {
      cacher_->Submit(id, o);
    }
  }
  auto stop_caching = [&](const Status& why) {
    spdlog::warn("Stopped caching block {} from {}: {}", id, path, why.ToString());
    cache_file.Close().IgnoreError();  // the temp block is aborted below
    store_->AbortBlock(session, id).IgnoreError();
  };

  const int64_t end = offset + length;
  BlockHasher hasher;  // what is cached, so that the commit need not read the block back
  for (int64_t pos = offset; pos < end;) {
    const size_t n = static_cast<size_t>(std::min(chunk, end - pos));
    ::grpc::Slice data(n);
    ASSIGN_OR_RETURN(size_t got, in->PRead(o.offset_in_file() + pos, MutableData(data), n));
    if (got < n) {
      return DataLossError(fmt::format(
          "UFS file {} ends at {} bytes, inside block {} (expected {} bytes from offset {})", path,
          o.offset_in_file() + pos + static_cast<int64_t>(got), id, o.block_size(),
          o.offset_in_file()));
    }
    if (cache_file.is_open()) {
      Status w = cache_file.PWrite(cache_at + pos, std::string_view(MutableData(data), n));
      if (!w.ok()) stop_caching(w);
      hasher.Update(std::string_view(MutableData(data), n));
    }
    if (!WriteChunk(stream, std::move(data))) return CancelledError("The reader went away");
    pos += static_cast<int64_t>(n);
  }
  if (cache_file.is_open()) {
    Status s = cache_file.Close();
    const ManifestEntry written{length, hasher.Digest()};
    if (s.ok()) s = store_->CommitBlock(session, id, /*pinned=*/false, &written);
    if (!s.ok()) stop_caching(s);
    // Tell the master now rather than at the next heartbeat, so the reader's next getStatus
    // already sees the copy. A failure is only logged: the heartbeat reports it anyway.
    if (s.ok()) ReportCachedBlock(id);
  }
  return Status();
}

// ---- WriteBlock ----

::grpc::Status BlockWorkerService::WriteBlock(::grpc::ServerContext*, WriteStream* stream) {
  gb::WriteRequest req;
  if (!stream->Read(&req)) return ::grpc::Status::OK;
  if (!req.has_command()) {
    return rpc::ToGrpcStatus(
        InvalidArgumentError("The first message of a WriteBlock stream must be a command"));
  }
  Status s = req.command().type() == gb::UFS_FILE ? WriteUfsFile(req.command(), stream)
                                                  : WriteAlluxioBlock(req.command(), stream);
  return rpc::ToGrpcStatus(s);
}

Status BlockWorkerService::WriteAlluxioBlock(const gb::WriteRequestCommand& cmd,
                                             WriteStream* stream) {
  const BlockId id = cmd.id();
  SessionScope session(store_);  // its end aborts the temp block unless committed
  int64_t reserved = std::max<int64_t>(0, cmd.space_to_reserve());
  ASSIGN_OR_RETURN(
      std::string path,
      store_->CreateBlock(session.id(), id, Hint(cmd.has_tier(), cmd.tier(), cmd.medium_type()),
                          reserved));
  ASSIGN_OR_RETURN(PosixFile file, PosixFile::Open(path, O_WRONLY));
  int64_t written = 0;
  bool pin = cmd.pin_on_create();
  bool commit = cmd.commit();
  gb::WriteRequest req;
  while (!commit && stream->Read(&req)) {
    if (req.has_chunk()) {
      const std::string& data = req.chunk().data();
      const int64_t need = written + static_cast<int64_t>(data.size()) - reserved;
      if (need > 0) {
        RETURN_IF_ERROR(store_->RequestSpace(session.id(), id, need));
        reserved += need;
      }
      RETURN_IF_ERROR(file.PWrite(written, data));
      written += static_cast<int64_t>(data.size());
    } else if (req.has_command()) {
      commit = req.command().commit();
      pin = pin || req.command().pin_on_create();
    }
  }
  if (!commit) {
    store_->AbortBlock(session.id(), id).IgnoreError();  // the session's end would too
    return CancelledError(
        fmt::format("The write of block {} ended without a commit; the block was discarded", id));
  }
  if (worker_id_() == 0) {
    return UnavailableError(
        fmt::format("Cannot commit block {}: the worker is not registered with a master yet", id));
  }
  RETURN_IF_ERROR(file.Close());
  RETURN_IF_ERROR(store_->CommitBlock(session.id(), id, pin));
  RETURN_IF_ERROR(CommitToMaster(id, block_master_));
  gb::WriteResponse resp;
  resp.set_offset(written);
  stream->Write(resp);
  return Status();
}

Status BlockWorkerService::WriteUfsFile(const gb::WriteRequestCommand& cmd, WriteStream* stream) {
  const gb::CreateUfsFileOptions& o = cmd.create_ufs_file_options();
  const std::string& path = o.ufs_path();
  if (path.empty())
    return InvalidArgumentError("UFS_FILE write without create_ufs_file_options.ufs_path");
  ASSIGN_OR_RETURN(std::shared_ptr<ufs::UnderFileSystem> ufs,
                   ufs_->Get(o.has_mount_id() ? o.mount_id() : -1, path));
  ufs::CreateOptions co;
  if (o.has_mode()) co.mode = o.mode();
  co.owner = o.owner();
  co.group = o.group();
  co.create_parent = true;
  auto [dir, name] = SplitUfsPath(path);
  Status mk = ufs->Mkdirs(dir, /*parents=*/true, co);
  if (!mk.ok() && mk.code() != StatusCode::kAlreadyExists) return mk;
  // Written under a temporary name and renamed at commit: an aborted write leaves nothing at
  // `path`, and nothing at all once the stream is cancelled.
  const std::string temp = JoinDir(dir, UfsTempName(name));
  ASSIGN_OR_RETURN(std::unique_ptr<ufs::UfsOutputStream> out, ufs->Create(temp, co));
  int64_t written = 0;
  bool commit = cmd.commit();
  gb::WriteRequest req;
  while (!commit && stream->Read(&req)) {
    if (req.has_chunk()) {
      Status w = out->Write(req.chunk().data());
      if (!w.ok()) {
        out->Cancel();
        return w.WithContext(fmt::format("Writing {}", path));
      }
      written += static_cast<int64_t>(req.chunk().data().size());
    } else if (req.has_command()) {
      commit = req.command().commit();
    }
  }
  if (!commit) {
    out->Cancel();
    return CancelledError(
        fmt::format("The write of UFS file {} ended without a commit; nothing was created", path));
  }
  RETURN_IF_ERROR(out->Close());
  Status rn = ufs->Rename(temp, path);
  if (!rn.ok()) {
    ufs->DeleteFile(temp).IgnoreError();  // best effort: the write failed anyway
    return rn.WithContext(fmt::format("Committing UFS file {}", path));
  }
  ASSIGN_OR_RETURN(ufs::UfsStatus st, ufs->GetStatus(path));
  gb::WriteResponse resp;
  resp.set_offset(written);
  resp.set_content_hash(st.Fingerprint());
  stream->Write(resp);
  return Status();
}

// ---- Short-circuit ----

// The first request opens the block (its response gives the file); the block then stays locked,
// with no thread waiting, until the client ends the stream or the call is cancelled (the client
// died): the session's end releases the lock in every case.
class BlockWorkerService::OpenLocalReactor final
    : public ::grpc::ServerBidiReactor<gb::OpenLocalBlockRequest, gb::OpenLocalBlockResponse> {
 public:
  explicit OpenLocalReactor(BlockWorkerService* service) : service_(service) { StartRead(&req_); }

  void OnReadDone(bool ok) override {
    if (!ok) {  // the client ended the stream, or the call ended
      Finish(rpc::ToGrpcStatus(locked_ ? service_->store_->UnlockBlock(lock_id_) : Status()));
      return;
    }
    if (opened_) {  // later requests mean nothing
      StartRead(&req_);
      return;
    }
    opened_ = true;
    if (req_.promote()) {
      // Moving the block up a tier copies it: not on one of gRPC's callback threads. The reactor
      // lives until Finish, which only Open's outcome leads to.
      std::thread([this] { Open(); }).detach();
    } else {
      Open();
    }
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(rpc::ToGrpcStatus(CancelledError("The reader went away")));
      return;
    }
    StartRead(&req_);  // wait for the end of the stream
  }

  void OnDone() override { delete this; }  // the session's end releases the lock

 private:
  void Open() {
    BlockStore* store = service_->store_;
    const BlockId id = req_.block_id();
    session_.emplace(store);
    if (req_.promote()) service_->Promote(session_->id(), id);
    Result<LockedBlock> locked = store->LockBlock(session_->id(), id);
    if (!locked.ok()) {
      Finish(rpc::ToGrpcStatus(locked.status().code() == StatusCode::kNotFound ? NotAvailable(id)
                                                                               : locked.status()));
      return;
    }
    locked_ = true;
    lock_id_ = locked->lock_id;
    if (locked->offset != 0 && !req_.accepts_offset()) {
      // Such a client would read the container from its start: it reads through ReadBlock.
      Finish(rpc::ToGrpcStatus(FailedPreconditionError(
          fmt::format("Block {} is packed in {} at offset {}; this client cannot read it there", id,
                      locked->path, locked->offset))));
      return;
    }
    store->AccessBlock(id).IgnoreError();
    resp_.set_path(locked->path);
    resp_.set_length(locked->length);
    resp_.set_offset(locked->offset);
    StartWrite(&resp_);
  }

  BlockWorkerService* const service_;
  gb::OpenLocalBlockRequest req_;
  gb::OpenLocalBlockResponse resp_;
  std::optional<SessionScope> session_;
  bool opened_ = false;
  bool locked_ = false;
  LockId lock_id_ = 0;
};

::grpc::ServerBidiReactor<gb::OpenLocalBlockRequest, gb::OpenLocalBlockResponse>*
BlockWorkerService::OpenLocalBlock(::grpc::CallbackServerContext*) {
  return new OpenLocalReactor(this);
}

// A short-circuit write: the first request creates the temp block (its response gives the file
// to write), later ones reserve more space or commit; the block stays reserved, with no thread
// waiting, while the client writes. Every store or master call runs on the service's
// local_writes_ pool. One read or write is outstanding at a time, and pool tasks run only while
// none is, so the reactor's state needs no lock. A stream that ends without a commit (or any
// failure) aborts the temp block before Finish: nothing partial becomes visible.
class BlockWorkerService::CreateLocalReactor final
    : public ::grpc::ServerBidiReactor<gb::CreateLocalBlockRequest, gb::CreateLocalBlockResponse> {
 public:
  explicit CreateLocalReactor(BlockWorkerService* service) : service_(service) { StartRead(&req_); }

  void OnReadDone(bool ok) override {
    if (!ok) {  // the client ended the stream (or the call ended) without a commit
      if (!created_) {
        Finish(::grpc::Status::OK);  // it asked for nothing
        return;
      }
      Run([this] {
        FinishWith(CancelledError(fmt::format(
            "The local write of block {} ended without a commit; the block was discarded", id_)));
      });
      return;
    }
    if (!created_) {
      Run([this] { Create(); });
    } else if (req_.commit()) {
      pin_ = pin_ || req_.pin_on_create();
      Run([this] { Commit(); });
    } else if (req_.space_to_reserve() > 0) {
      Run([this] { Reserve(); });
    } else {
      StartRead(&req_);
    }
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      Run([this] { FinishWith(CancelledError("The writer went away")); });
      return;
    }
    if (committed_) {
      Finish(::grpc::Status::OK);
      return;
    }
    StartRead(&req_);
  }

  void OnDone() override { delete this; }

 private:
  // Runs `task` on the pool; a full pool fails the write.
  void Run(std::function<void()> task) {
    if (!service_->local_writes_.TrySubmit(std::move(task))) {
      FinishWith(ResourceExhaustedError("The worker has too many local writes in progress"));
    }
  }

  void Create() {
    id_ = req_.block_id();
    session_.emplace(service_->store_);
    BlockLocationHint hint = service_->Hint(req_.has_tier(), req_.tier(), req_.medium_type());
    if (service_->options_.packed_files) hint.pack_block_size = req_.pack_block_size();
    Result<TempBlockFile> file = service_->store_->CreateBlockFile(
        session_->id(), id_, hint, std::max<int64_t>(0, req_.space_to_reserve()));
    if (!file.ok()) {
      FinishWith(file.status());
      return;
    }
    created_ = true;
    file_ = *std::move(file);
    resp_.set_path(file_.path);
    resp_.set_offset(file_.offset);
    pin_ = req_.pin_on_create();
    if (req_.commit()) {
      Commit();
      return;
    }
    StartWrite(&resp_);
  }

  void Reserve() {
    Status s = service_->store_->RequestSpace(session_->id(), id_, req_.space_to_reserve());
    if (!s.ok()) {
      FinishWith(s);
      return;
    }
    StartWrite(&resp_);
  }

  void Commit() {
    Status s;
    if (service_->worker_id_() == 0) {
      s = UnavailableError(fmt::format(
          "Cannot commit block {}: the worker is not registered with a master yet", id_));
    }
    if (s.ok()) s = CommitInStore();
    if (s.ok()) {
      committed_ = true;
      s = service_->CommitToMaster(id_, service_->block_master_);
    }
    if (!s.ok()) {
      FinishWith(s);
      return;
    }
    StartWrite(&resp_);
  }

  // The store's commit. A packed block's file says nothing about where the block ends: the writer
  // tells its length, and its bytes are hashed here, as the store hashes a block file of its own.
  Status CommitInStore() {
    BlockStore* store = service_->store_;
    if (!file_.packed) return store->CommitBlock(session_->id(), id_, pin_);
    if (!req_.has_length() || req_.length() < 0) {
      return InvalidArgumentError(
          fmt::format("The commit of packed block {} needs the length the client wrote", id_));
    }
    ASSIGN_OR_RETURN(ManifestEntry sum, ChecksumRange(file_.path, file_.offset, req_.length()));
    if (sum.length != req_.length()) {
      return DataLossError(fmt::format("Packed block {} holds {} of the {} bytes written", id_,
                                       sum.length, req_.length()));
    }
    const ManifestEntry written{sum.length, sum.checksum};
    return store->CommitBlock(session_->id(), id_, pin_, &written);
  }

  // Ends the call with `s`, aborting the temp block first unless it was committed (on the pool's
  // thread, or gRPC's when the pool refused a task).
  void FinishWith(const Status& s) {
    if (created_ && !committed_) service_->store_->AbortBlock(session_->id(), id_).IgnoreError();
    Finish(rpc::ToGrpcStatus(s));
  }

  BlockWorkerService* const service_;
  gb::CreateLocalBlockRequest req_;
  gb::CreateLocalBlockResponse resp_;
  std::optional<SessionScope> session_;
  BlockId id_ = 0;
  TempBlockFile file_;
  bool created_ = false;
  bool committed_ = false;
  bool pin_ = false;
};

::grpc::ServerBidiReactor<gb::CreateLocalBlockRequest, gb::CreateLocalBlockResponse>*
BlockWorkerService::CreateLocalBlock(::grpc::CallbackServerContext*) {
  return new CreateLocalReactor(this);
}

// ---- Unary calls ----

::grpc::Status BlockWorkerService::AsyncCache(::grpc::ServerContext*,
                                              const gb::AsyncCacheRequest* req,
                                              gb::AsyncCacheResponse*) {
  // Best effort, as in Alluxio: a request that cannot be queued is dropped.
  if (req->has_source_host() && !req->source_host().empty()) {
    // Passive caching: a client read the block from the source worker and wants a copy here.
    if (!req->has_length() || req->length() < 0 || !req->has_source_port()) {
      return rpc::ToGrpcStatus(
          InvalidArgumentError("AsyncCache from a worker needs source_port and the block length"));
    }
    cacher_->SubmitFromWorker(req->block_id(), req->length(),
                              fmt::format("{}:{}", req->source_host(), req->source_port()));
    return ::grpc::Status::OK;
  }
  if (!req->has_open_ufs_block_options()) {
    return rpc::ToGrpcStatus(InvalidArgumentError(
        "AsyncCache needs a source worker (source_host, source_port, length) or "
        "open_ufs_block_options"));
  }
  cacher_->Submit(req->block_id(), req->open_ufs_block_options());
  return ::grpc::Status::OK;
}

::grpc::Status BlockWorkerService::Cache(::grpc::ServerContext* ctx, const gb::CacheRequest* req,
                                         gb::CacheResponse*) {
  if (!req->has_open_ufs_block_options()) {
    return rpc::ToGrpcStatus(InvalidArgumentError("Cache needs open_ufs_block_options"));
  }
  if (req->async()) {
    cacher_->Submit(req->block_id(), req->open_ufs_block_options());
    return ::grpc::Status::OK;
  }
  if (store_->HasBlock(req->block_id())) return ::grpc::Status::OK;
  // A background copy of the block (a client's prefetch) is waited for, not raced.
  Status s = cacher_->CacheWaiting(req->block_id(), req->open_ufs_block_options(), ctx->deadline());
  if (s.ok()) ReportCachedBlock(req->block_id());
  return rpc::ToGrpcStatus(s);
}

::grpc::Status BlockWorkerService::RemoveBlock(::grpc::ServerContext*,
                                               const gb::RemoveBlockRequest* req,
                                               gb::RemoveBlockResponse*) {
  return rpc::ToGrpcStatus(store_->RemoveBlock(req->block_id()));
}

::grpc::Status BlockWorkerService::MoveBlock(::grpc::ServerContext*,
                                             const gb::MoveBlockRequest* req,
                                             gb::MoveBlockResponse*) {
  std::string alias;
  for (const TierMeta& t : store_->GetStoreMeta().tiers) {
    for (const DirMeta& d : t.dirs) {
      if (alias.empty() && d.medium_type == req->medium_type()) alias = t.alias;
    }
  }
  if (alias.empty()) {
    return rpc::ToGrpcStatus(InvalidArgumentError(
        fmt::format("No tier of this worker has medium type '{}'", req->medium_type())));
  }
  SessionScope session(store_);
  return rpc::ToGrpcStatus(store_->MoveBlock(session.id(), req->block_id(), alias).status());
}

::grpc::Status BlockWorkerService::FreeWorker(::grpc::ServerContext*, const gb::FreeWorkerRequest*,
                                              gb::FreeWorkerResponse*) {
  int64_t kept = 0;
  for (const TierMeta& t : store_->GetStoreMeta(/*include_block_ids=*/true).tiers) {
    for (const DirMeta& d : t.dirs) {
      for (BlockId id : d.block_ids) {
        Status s = store_->RemoveBlock(id);
        if (s.code() == StatusCode::kFailedPrecondition) ++kept;  // held by a reader
      }
    }
  }
  if (kept > 0) spdlog::info("FreeWorker kept {} blocks held by readers", kept);
  return ::grpc::Status::OK;
}

::grpc::Status WorkerVersionService::getServiceVersion(
    ::grpc::ServerContext*, const grpc::version::GetServiceVersionPRequest* req,
    grpc::version::GetServiceVersionPResponse* resp) {
  if (req->service_type() == grpc::version::BLOCK_WORKER_CLIENT_SERVICE) {
    resp->set_version(kBlockWorkerClientServiceVersion);
    return ::grpc::Status::OK;
  }
  return ::grpc::Status(::grpc::StatusCode::NOT_FOUND,
                        fmt::format("Service {} is not found.",
                                    grpc::version::ServiceType_Name(req->service_type())));
}

}  // namespace alluxio::worker
