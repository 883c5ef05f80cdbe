// SPDX-License-Identifier: Apache-2.0
#include "master/service/block_master_service.h"

#include <grpcpp/grpcpp.h>

#include "rpc/grpc_status.h"

namespace alluxio::master {

namespace gb = ::alluxio::grpc::block;
using rpc::ToGrpcStatus;

::grpc::Status BlockMasterWorkerService::GetWorkerId(::grpc::ServerContext*,
                                                     const gb::GetWorkerIdPRequest* req,
                                                     gb::GetWorkerIdPResponse* resp) {
  resp->set_worker_id(master_->GetWorkerId(req->worker_net_address()));
  return ::grpc::Status::OK;
}

::grpc::Status BlockMasterWorkerService::RegisterWorker(
    ::grpc::ServerContext*, ::grpc::ServerReader<gb::RegisterWorkerPRequest>* reader,
    gb::RegisterWorkerPResponse*) {
  std::vector<gb::RegisterWorkerPRequest> messages;
  gb::RegisterWorkerPRequest m;
  while (reader->Read(&m)) {
    messages.push_back(std::move(m));
    m.Clear();
  }
  return ToGrpcStatus(master_->RegisterWorker(messages));
}

::grpc::Status BlockMasterWorkerService::BlockHeartbeat(::grpc::ServerContext*,
                                                        const gb::BlockHeartbeatPRequest* req,
                                                        gb::BlockHeartbeatPResponse* resp) {
  *resp->mutable_command() = master_->Heartbeat(*req);
  return ::grpc::Status::OK;
}

::grpc::Status BlockMasterWorkerService::CommitBlock(::grpc::ServerContext*,
                                                     const gb::CommitBlockPRequest* req,
                                                     gb::CommitBlockPResponse*) {
  return ToGrpcStatus(master_->CommitBlock(*req));
}

::grpc::Status BlockMasterWorkerService::CommitBlockInUfs(::grpc::ServerContext*,
                                                          const gb::CommitBlockInUfsPRequest*,
                                                          gb::CommitBlockInUfsPResponse*) {
  return ::grpc::Status::OK;
}

::grpc::Status BlockMasterClientService::GetBlockInfo(::grpc::ServerContext*,
                                                      const gb::GetBlockInfoPRequest* req,
                                                      gb::GetBlockInfoPResponse* resp) {
  Result<::alluxio::grpc::BlockInfo> info = master_->GetBlockInfo(req->block_id());
  if (!info.ok()) return ToGrpcStatus(info.status());
  *resp->mutable_block_info() = std::move(*info);
  return ::grpc::Status::OK;
}

::grpc::Status BlockMasterClientService::GetBlockMasterInfo(::grpc::ServerContext*,
                                                            const gb::GetBlockMasterInfoPOptions*,
                                                            gb::GetBlockMasterInfoPResponse* resp) {
  *resp->mutable_block_master_info() = master_->GetBlockMasterInfo();
  return ::grpc::Status::OK;
}

::grpc::Status BlockMasterClientService::GetWorkerReport(::grpc::ServerContext*,
                                                         const gb::GetWorkerReportPOptions* req,
                                                         gb::GetWorkerInfoListPResponse* resp) {
  // Alluxio's DefaultBlockMaster: the worker list is incomplete until workers registered.
  if (master_->InSafeMode()) {
    return rpc::ToGrpcStatus(
        UnavailableError("Alluxio master is in safe mode. Please try again later."));
  }
  for (gb::WorkerInfo& w : master_->GetWorkerReport(*req)) {
    *resp->add_worker_infos() = std::move(w);
  }
  return ::grpc::Status::OK;
}

}  // namespace alluxio::master
