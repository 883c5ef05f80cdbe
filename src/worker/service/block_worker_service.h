// SPDX-License-Identifier: Apache-2.0
// BlockWorkerService: the worker's data service (proto/alluxio/grpc/block_worker.proto), the
// contract of docs/design/data-path.md "Worker":
//   - ReadBlock streams a range of a block from the store, or from the UFS when the block is not
//     cached and the request says where it lives (caching it on the way, or in the background for
//     a partial read, unless no_cache).
//   - WriteBlock writes a block into the store (ALLUXIO_BLOCK) or a whole file into the UFS
//     (UFS_FILE); only a final command with commit makes anything visible.
//   - OpenLocalBlock / CreateLocalBlock (short-circuit) hand out block file paths and hold the lock
//     or the temp block for as long as the stream stays open. Both are callback-API reactors: a
//     client may hold a block open for as long as it has the file open (a FUSE passthrough file,
//     a file being written), and a held block costs no worker thread. The store and master calls
//     of a local write (create, reserve, commit) run on a small pool, never on gRPC's threads.
//   - AsyncCache, RemoveBlock, MoveBlock, FreeWorker.
// ReadBlock is served raw (gRPC ByteBuffers instead of protobuf messages) so that block bytes are
// never copied by protobuf: each response is a ReadResponse whose chunk data is the slice the bytes
// were read into, with its few bytes of framing in front. The wire format is the generated one.
// Every stream works in its own store session, cleaned up when the handler returns, so a client
// that disappears never leaks a lock, a reservation or a temp file.
//
// Thread-safety: thread-safe; gRPC runs handlers concurrently. Handlers block on disk, the UFS and
// the master (CommitBlock), never while holding a block-store lock.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <grpcpp/support/byte_buffer.h>

#include "alluxio/grpc/block_worker.grpc.pb.h"
#include "alluxio/grpc/version.grpc.pb.h"
#include "common/result.h"
#include "worker/block/block_store.h"
#include "worker/internal/task_pool.h"
#include "worker/ufs_io/ufs_block_cacher.h"
#include "worker/ufs_io/ufs_manager.h"

namespace alluxio::rpc {
class MasterClient;
}

namespace alluxio::worker {

struct BlockWorkerServiceOptions {
  // Largest chunk of a read response (alluxio.worker.network.reader.max.chunk.size.bytes).
  int64_t max_chunk_bytes = 2 << 20;
  // Client for reporting blocks cached from the UFS right away (short retry budget, so a read never
  // waits long on an absent master); null: the next heartbeat reports them.
  rpc::MasterClient* cache_report_client = nullptr;
  // Short-circuit writers that give their file's block size get packed blocks
  // (alluxio.worker.tieredstore.packed.files.enabled).
  bool packed_files = true;
};

class BlockWorkerService final
    : public grpc::block::BlockWorker::WithCallbackMethod_CreateLocalBlock<
          grpc::block::BlockWorker::WithCallbackMethod_OpenLocalBlock<
              grpc::block::BlockWorker::Service>> {
 public:
  // Everything must outlive the service. `block_master` is a client of BlockMasterWorkerService
  // (for CommitBlock); `worker_id` returns this worker's id (0 until it has one).
  BlockWorkerService(BlockStore* store, UfsManager* ufs, UfsBlockCacher* cacher,
                     rpc::MasterClient* block_master, std::function<int64_t()> worker_id,
                     BlockWorkerServiceOptions options);

  // ReadBlock, registered in place of the generated handler (see above).
  using RawReadStream = ::grpc::ServerReaderWriter<::grpc::ByteBuffer, ::grpc::ByteBuffer>;
  ::grpc::Status ReadBlockRaw(::grpc::ServerContext* ctx, RawReadStream* stream);
  ::grpc::Status WriteBlock(::grpc::ServerContext* ctx,
                            ::grpc::ServerReaderWriter<grpc::block::WriteResponse,
                                                       grpc::block::WriteRequest>* stream) override;
  ::grpc::ServerBidiReactor<grpc::block::OpenLocalBlockRequest,
                            grpc::block::OpenLocalBlockResponse>*
  OpenLocalBlock(::grpc::CallbackServerContext* ctx) override;
  ::grpc::ServerBidiReactor<grpc::block::CreateLocalBlockRequest,
                            grpc::block::CreateLocalBlockResponse>*
  CreateLocalBlock(::grpc::CallbackServerContext* ctx) override;
  ::grpc::Status AsyncCache(::grpc::ServerContext* ctx, const grpc::block::AsyncCacheRequest* req,
                            grpc::block::AsyncCacheResponse* resp) override;
  ::grpc::Status Cache(::grpc::ServerContext* ctx, const grpc::block::CacheRequest* req,
                       grpc::block::CacheResponse* resp) override;
  ::grpc::Status RemoveBlock(::grpc::ServerContext* ctx, const grpc::block::RemoveBlockRequest* req,
                             grpc::block::RemoveBlockResponse* resp) override;
  ::grpc::Status MoveBlock(::grpc::ServerContext* ctx, const grpc::block::MoveBlockRequest* req,
                           grpc::block::MoveBlockResponse* resp) override;
  ::grpc::Status FreeWorker(::grpc::ServerContext* ctx, const grpc::block::FreeWorkerRequest* req,
                            grpc::block::FreeWorkerResponse* resp) override;

 private:
  using WriteStream =
      ::grpc::ServerReaderWriter<grpc::block::WriteResponse, grpc::block::WriteRequest>;

  Status Read(const grpc::block::ReadRequest& req, RawReadStream* stream);
  Status ReadFromUfs(SessionId session, const grpc::block::ReadRequest& req, int64_t offset,
                     int64_t length, int64_t chunk, RawReadStream* stream);
  Status WriteAlluxioBlock(const grpc::block::WriteRequestCommand& cmd, WriteStream* stream);
  Status WriteUfsFile(const grpc::block::WriteRequestCommand& cmd, WriteStream* stream);
  class OpenLocalReactor;
  class CreateLocalReactor;

  // Where a new block of tier level `level` (negative: any) and `medium` should go.
  BlockLocationHint Hint(bool has_level, int level, const std::string& medium) const;
  // Tells the master about a block this worker just committed for a client.
  Status CommitToMaster(BlockId block_id, rpc::MasterClient* master);
  // CommitToMaster for a block cached from the UFS; failures are logged only.
  void ReportCachedBlock(BlockId block_id);
  // Moves the block to the top tier (CACHE_PROMOTE); failures only cost speed.
  void Promote(SessionId session, BlockId block_id);

  BlockStore* const store_;
  UfsManager* const ufs_;
  UfsBlockCacher* const cacher_;
  rpc::MasterClient* const block_master_;
  const std::function<int64_t()> worker_id_;
  const BlockWorkerServiceOptions options_;
  const std::vector<std::string> tier_aliases_;  // fastest first
  // Store and master calls of short-circuit writes (CreateLocalReactor). Last member: destroyed
  // (joined) first, while everything its tasks use is still there.
  internal::TaskPool local_writes_;
};

// ServiceVersionClientService of a worker: BLOCK_WORKER_CLIENT_SERVICE is version 1.
inline constexpr int64_t kBlockWorkerClientServiceVersion = 1;

class WorkerVersionService final : public grpc::version::ServiceVersionClientService::Service {
 public:
  ::grpc::Status getServiceVersion(::grpc::ServerContext* ctx,
                                   const grpc::version::GetServiceVersionPRequest* req,
                                   grpc::version::GetServiceVersionPResponse* resp) override;
};

}  // namespace alluxio::worker
