// SPDX-License-Identifier: Apache-2.0
#include "master/service/file_system_master_service.h"

#include <grpcpp/grpcpp.h>

#include "rpc/grpc_status.h"

namespace alluxio::master {

using rpc::ToGrpcStatus;

OperationContext MakeOperationContext(
    const ::grpc::ServerContext* ctx,
    const ::alluxio::grpc::FileSystemMasterCommonPOptions& common) {
  OperationContext oc;
  const auto& md = ctx->client_metadata();
  auto it = md.find(rpc::kUserMetadataKey);
  if (it != md.end()) oc.user.assign(it->second.data(), it->second.size());
  if (common.has_operation_id()) {
    oc.op_id = {common.operation_id().most_significant_bits(),
                common.operation_id().least_significant_bits()};
  }
  return oc;
}

::grpc::Status FileSystemMasterService::CreateDirectory(
    ::grpc::ServerContext* ctx, const grpc::file::CreateDirectoryPRequest* req,
    grpc::file::CreateDirectoryPResponse*) {
  return ToGrpcStatus(master_->CreateDirectory(
      MakeOperationContext(ctx, req->options().common_options()), req->path(), req->options()));
}

::grpc::Status FileSystemMasterService::CreateFile(::grpc::ServerContext* ctx,
                                                   const grpc::file::CreateFilePRequest* req,
                                                   grpc::file::CreateFilePResponse* resp) {
  Result<FileInfo> r = master_->CreateFile(
      MakeOperationContext(ctx, req->options().common_options()), req->path(), req->options());
  if (!r.ok()) return ToGrpcStatus(r.status());
  *resp->mutable_file_info() = std::move(*r);
  return ::grpc::Status::OK;
}

::grpc::Status FileSystemMasterService::CompleteFile(::grpc::ServerContext* ctx,
                                                     const grpc::file::CompleteFilePRequest* req,
                                                     grpc::file::CompleteFilePResponse*) {
  return ToGrpcStatus(master_->CompleteFile(
      MakeOperationContext(ctx, req->options().common_options()), req->path(), req->options()));
}

::grpc::Status FileSystemMasterService::GetStatus(::grpc::ServerContext* ctx,
                                                  const grpc::file::GetStatusPRequest* req,
                                                  grpc::file::GetStatusPResponse* resp) {
  Result<FileInfo> r = master_->GetStatus(
      MakeOperationContext(ctx, req->options().common_options()), req->path(), req->options());
  if (!r.ok()) return ToGrpcStatus(r.status());
  if (block_master_ != nullptr) block_master_->FillFileBlockInfos(&*r);
  *resp->mutable_file_info() = std::move(*r);
  return ::grpc::Status::OK;
}

::grpc::Status FileSystemMasterService::Exists(::grpc::ServerContext* ctx,
                                               const grpc::file::ExistsPRequest* req,
                                               grpc::file::ExistsPResponse* resp) {
  Result<bool> r = master_->Exists(MakeOperationContext(ctx, req->options().common_options()),
                                   req->path(), req->options());
  if (!r.ok()) return ToGrpcStatus(r.status());
  resp->set_exists(*r);
  return ::grpc::Status::OK;
}

::grpc::Status FileSystemMasterService::ListStatus(
    ::grpc::ServerContext* ctx, const grpc::file::ListStatusPRequest* req,
    ::grpc::ServerWriter<grpc::file::ListStatusPResponse>* writer) {
  Status s =
      master_->ListStatus(MakeOperationContext(ctx, req->options().common_options()), req->path(),
                          req->options(), [&](std::vector<FileInfo>&& batch) -> Status {
                            if (ctx->IsCancelled())
                              return CancelledError("listing cancelled by the client");
                            if (block_master_ != nullptr) block_master_->FillFileBlockInfos(&batch);
                            grpc::file::ListStatusPResponse resp;
                            resp.mutable_file_infos()->Reserve(static_cast<int>(batch.size()));
                            for (FileInfo& f : batch) *resp.add_file_infos() = std::move(f);
                            if (!writer->Write(resp))
                              return CancelledError("client went away during listing");
                            return Status();
                          });
  return ToGrpcStatus(s);
}

::grpc::Status FileSystemMasterService::Remove(::grpc::ServerContext* ctx,
                                               const grpc::file::DeletePRequest* req,
                                               grpc::file::DeletePResponse*) {
  return ToGrpcStatus(master_->Delete(MakeOperationContext(ctx, req->options().common_options()),
                                      req->path(), req->options()));
}

::grpc::Status FileSystemMasterService::Rename(::grpc::ServerContext* ctx,
                                               const grpc::file::RenamePRequest* req,
                                               grpc::file::RenamePResponse*) {
  return ToGrpcStatus(master_->Rename(MakeOperationContext(ctx, req->options().common_options()),
                                      req->path(), req->dst_path(), req->options()));
}

::grpc::Status FileSystemMasterService::SetAttribute(::grpc::ServerContext* ctx,
                                                     const grpc::file::SetAttributePRequest* req,
                                                     grpc::file::SetAttributePResponse*) {
  return ToGrpcStatus(master_->SetAttribute(
      MakeOperationContext(ctx, req->options().common_options()), req->path(), req->options()));
}

::grpc::Status FileSystemMasterService::Mount(::grpc::ServerContext* ctx,
                                              const grpc::file::MountPRequest* req,
                                              grpc::file::MountPResponse*) {
  return ToGrpcStatus(master_->Mount(MakeOperationContext(ctx, req->options().common_options()),
                                     req->alluxio_path(), req->ufs_path(), req->options()));
}

::grpc::Status FileSystemMasterService::Unmount(::grpc::ServerContext* ctx,
                                                const grpc::file::UnmountPRequest* req,
                                                grpc::file::UnmountPResponse*) {
  return ToGrpcStatus(master_->Unmount(MakeOperationContext(ctx, req->options().common_options()),
                                       req->alluxio_path()));
}

::grpc::Status FileSystemMasterService::GetMountTable(::grpc::ServerContext*,
                                                      const grpc::file::GetMountTablePRequest*,
                                                      grpc::file::GetMountTablePResponse* resp) {
  for (auto& [path, info] : master_->GetMountTable()) {
    (*resp->mutable_mount_points())[path] = std::move(info);
  }
  return ::grpc::Status::OK;
}

::grpc::Status FileSystemMasterService::Free(::grpc::ServerContext* ctx,
                                             const grpc::file::FreePRequest* req,
                                             grpc::file::FreePResponse*) {
  return ToGrpcStatus(master_->Free(MakeOperationContext(ctx, req->options().common_options()),
                                    req->path(), req->options()));
}

::grpc::Status FileSystemMasterService::ScheduleAsyncPersistence(
    ::grpc::ServerContext* ctx, const grpc::file::ScheduleAsyncPersistencePRequest* req,
    grpc::file::ScheduleAsyncPersistencePResponse*) {
  return ToGrpcStatus(master_->ScheduleAsyncPersistence(
      MakeOperationContext(ctx, req->options().common_options()), req->path(), req->options()));
}

::grpc::Status FileSystemMasterService::GetFilePath(::grpc::ServerContext*,
                                                    const grpc::file::GetFilePathPRequest* req,
                                                    grpc::file::GetFilePathPResponse* resp) {
  Result<FileInfo> info = master_->GetFileInfo(req->file_id());
  if (!info.ok()) return ToGrpcStatus(info.status());
  resp->set_path(info->path());
  return ::grpc::Status::OK;
}

}  // namespace alluxio::master
