// SPDX-License-Identifier: Apache-2.0
// gRPC handlers of the block master (reference §5, §7): BlockMasterWorkerService (workers get an
// id, register, heartbeat and commit blocks) and BlockMasterClientService (block locations,
// capacity, worker reports). They translate requests and replies; BlockMaster does the work.
// Thread-safety: thread-safe (gRPC calls handlers concurrently).
#pragma once

#include "alluxio/grpc/block_master.grpc.pb.h"
#include "master/block/block_master.h"

namespace alluxio::master {

class BlockMasterWorkerService final : public grpc::block::BlockMasterWorkerService::Service {
 public:
  // `master` must outlive the service.
  explicit BlockMasterWorkerService(BlockMaster* master) : master_(master) {}

  ::grpc::Status GetWorkerId(::grpc::ServerContext* ctx,
                             const grpc::block::GetWorkerIdPRequest* req,
                             grpc::block::GetWorkerIdPResponse* resp) override;
  // Reads the whole stream, then applies it in one pass (BlockMaster::RegisterWorker).
  ::grpc::Status RegisterWorker(::grpc::ServerContext* ctx,
                                ::grpc::ServerReader<grpc::block::RegisterWorkerPRequest>* reader,
                                grpc::block::RegisterWorkerPResponse* resp) override;
  ::grpc::Status BlockHeartbeat(::grpc::ServerContext* ctx,
                                const grpc::block::BlockHeartbeatPRequest* req,
                                grpc::block::BlockHeartbeatPResponse* resp) override;
  ::grpc::Status CommitBlock(::grpc::ServerContext* ctx,
                             const grpc::block::CommitBlockPRequest* req,
                             grpc::block::CommitBlockPResponse* resp) override;
  // Blocks kept only in the UFS need no record here: accepted and ignored.
  ::grpc::Status CommitBlockInUfs(::grpc::ServerContext* ctx,
                                  const grpc::block::CommitBlockInUfsPRequest* req,
                                  grpc::block::CommitBlockInUfsPResponse* resp) override;

 private:
  BlockMaster* const master_;
};

class BlockMasterClientService final : public grpc::block::BlockMasterClientService::Service {
 public:
  // `master` must outlive the service.
  explicit BlockMasterClientService(BlockMaster* master) : master_(master) {}

  ::grpc::Status GetBlockInfo(::grpc::ServerContext* ctx,
                              const grpc::block::GetBlockInfoPRequest* req,
                              grpc::block::GetBlockInfoPResponse* resp) override;
  ::grpc::Status GetBlockMasterInfo(::grpc::ServerContext* ctx,
                                    const grpc::block::GetBlockMasterInfoPOptions* req,
                                    grpc::block::GetBlockMasterInfoPResponse* resp) override;
  ::grpc::Status GetWorkerReport(::grpc::ServerContext* ctx,
                                 const grpc::block::GetWorkerReportPOptions* req,
                                 grpc::block::GetWorkerInfoListPResponse* resp) override;

 private:
  BlockMaster* const master_;
};

}  // namespace alluxio::master
