// SPDX-License-Identifier: Apache-2.0
#include "master/service/meta_master_service.h"

#include <grpcpp/grpcpp.h>

#include <fmt/format.h>

#include "master/master_process.h"
#include "rpc/grpc_status.h"

namespace alluxio::master {

::grpc::Status MetaMasterService::GetMasterInfo(::grpc::ServerContext*,
                                                const grpc::meta::GetMasterInfoPOptions*,
                                                grpc::meta::GetMasterInfoPResponse* resp) {
  *resp->mutable_master_info() = process_->GetMasterInfo();
  return ::grpc::Status::OK;
}

::grpc::Status MetaMasterService::Checkpoint(::grpc::ServerContext*,
                                             const grpc::meta::CheckpointPOptions*,
                                             grpc::meta::CheckpointPResponse* resp) {
  Status s = process_->journal()->Checkpoint();
  if (!s.ok()) return rpc::ToGrpcStatus(s);
  resp->set_master_hostname(process_->hostname());
  return ::grpc::Status::OK;
}

::grpc::Status ServiceVersionService::getServiceVersion(
    ::grpc::ServerContext*, const grpc::version::GetServiceVersionPRequest* req,
    grpc::version::GetServiceVersionPResponse* resp) {
  switch (req->service_type()) {
    case grpc::version::FILE_SYSTEM_MASTER_CLIENT_SERVICE:
      resp->set_version(kFileSystemMasterClientServiceVersion);
      return ::grpc::Status::OK;
    case grpc::version::META_MASTER_CLIENT_SERVICE:
      resp->set_version(kMetaMasterClientServiceVersion);
      return ::grpc::Status::OK;
    case grpc::version::FILE_SYSTEM_MASTER_WORKER_SERVICE:
      resp->set_version(kFileSystemMasterWorkerServiceVersion);
      return ::grpc::Status::OK;
    case grpc::version::BLOCK_MASTER_CLIENT_SERVICE:
      resp->set_version(kBlockMasterClientServiceVersion);
      return ::grpc::Status::OK;
    case grpc::version::BLOCK_MASTER_WORKER_SERVICE:
      resp->set_version(kBlockMasterWorkerServiceVersion);
      return ::grpc::Status::OK;
    default:
      return ::grpc::Status(::grpc::StatusCode::NOT_FOUND,
                            fmt::format("Service {} is not found.",
                                        grpc::version::ServiceType_Name(req->service_type())));
  }
}

}  // namespace alluxio::master
