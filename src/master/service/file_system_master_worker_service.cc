// SPDX-License-Identifier: Apache-2.0
#include "master/service/file_system_master_worker_service.h"

#include <grpcpp/grpcpp.h>

#include "rpc/grpc_status.h"

namespace alluxio::master {

namespace fs = ::alluxio::grpc::file;
using rpc::ToGrpcStatus;

::grpc::Status FileSystemMasterWorkerService::FileSystemHeartbeat(
    ::grpc::ServerContext*, const fs::FileSystemHeartbeatPRequest* req,
    fs::FileSystemHeartbeatPResponse* resp) {
  std::vector<fs::PersistedFile> persisted(req->persisted_files().begin(),
                                           req->persisted_files().end());
  Result<fs::FileSystemCommand> cmd = master_->WorkerHeartbeat(req->worker_id(), persisted);
  if (!cmd.ok()) return ToGrpcStatus(cmd.status());
  *resp->mutable_command() = std::move(*cmd);
  return ::grpc::Status::OK;
}

::grpc::Status FileSystemMasterWorkerService::GetFileInfo(::grpc::ServerContext*,
                                                          const fs::GetFileInfoPRequest* req,
                                                          fs::GetFileInfoPResponse* resp) {
  Result<FileInfo> info = master_->GetFileInfo(req->file_id());
  if (!info.ok()) return ToGrpcStatus(info.status());
  if (block_master_ != nullptr) block_master_->FillFileBlockInfos(&*info);
  *resp->mutable_file_info() = std::move(*info);
  return ::grpc::Status::OK;
}

::grpc::Status FileSystemMasterWorkerService::GetPinnedFileIds(
    ::grpc::ServerContext*, const fs::GetPinnedFileIdsPRequest*,
    fs::GetPinnedFileIdsPResponse* resp) {
  for (InodeId id : master_->GetPinnedFileIds()) resp->add_pinned_file_ids(id);
  return ::grpc::Status::OK;
}

::grpc::Status FileSystemMasterWorkerService::GetUfsInfo(::grpc::ServerContext*,
                                                         const fs::GetUfsInfoPRequest* req,
                                                         fs::GetUfsInfoPResponse* resp) {
  Result<fs::UfsInfo> info = master_->GetUfsInfo(req->mount_id());
  if (!info.ok()) return ToGrpcStatus(info.status());
  *resp->mutable_ufs_info() = std::move(*info);
  return ::grpc::Status::OK;
}

}  // namespace alluxio::master
