// SPDX-License-Identifier: Apache-2.0
// gRPC handlers of FileSystemMasterClientService: translate the request, run the operation on
// FileSystemMaster, translate the result. The one addition: file infos (getStatus, listStatus) get
// their block locations and cached percentages from the BlockMaster after the namespace answered,
// so namespace operations never touch block state.
// Thread-safety: thread-safe (gRPC calls handlers concurrently).
#pragma once

#include "alluxio/grpc/file_system_master.grpc.pb.h"
#include "master/block/block_master.h"
#include "master/file/file_system_master.h"

namespace alluxio::master {

class FileSystemMasterService final : public grpc::file::FileSystemMasterClientService::Service {
 public:
  // Both must outlive the service; without a block master, file infos carry no block locations.
  explicit FileSystemMasterService(FileSystemMaster* master, BlockMaster* block_master = nullptr)
      : master_(master), block_master_(block_master) {}

  ::grpc::Status CreateDirectory(::grpc::ServerContext* ctx,
                                 const grpc::file::CreateDirectoryPRequest* req,
                                 grpc::file::CreateDirectoryPResponse* resp) override;
  ::grpc::Status CreateFile(::grpc::ServerContext* ctx, const grpc::file::CreateFilePRequest* req,
                            grpc::file::CreateFilePResponse* resp) override;
  ::grpc::Status CompleteFile(::grpc::ServerContext* ctx,
                              const grpc::file::CompleteFilePRequest* req,
                              grpc::file::CompleteFilePResponse* resp) override;
  ::grpc::Status GetStatus(::grpc::ServerContext* ctx, const grpc::file::GetStatusPRequest* req,
                           grpc::file::GetStatusPResponse* resp) override;
  ::grpc::Status Exists(::grpc::ServerContext* ctx, const grpc::file::ExistsPRequest* req,
                        grpc::file::ExistsPResponse* resp) override;
  ::grpc::Status ListStatus(::grpc::ServerContext* ctx, const grpc::file::ListStatusPRequest* req,
                            ::grpc::ServerWriter<grpc::file::ListStatusPResponse>* writer) override;
  ::grpc::Status Remove(::grpc::ServerContext* ctx, const grpc::file::DeletePRequest* req,
                        grpc::file::DeletePResponse* resp) override;
  ::grpc::Status Rename(::grpc::ServerContext* ctx, const grpc::file::RenamePRequest* req,
                        grpc::file::RenamePResponse* resp) override;
  ::grpc::Status SetAttribute(::grpc::ServerContext* ctx,
                              const grpc::file::SetAttributePRequest* req,
                              grpc::file::SetAttributePResponse* resp) override;
  ::grpc::Status Mount(::grpc::ServerContext* ctx, const grpc::file::MountPRequest* req,
                       grpc::file::MountPResponse* resp) override;
  ::grpc::Status Unmount(::grpc::ServerContext* ctx, const grpc::file::UnmountPRequest* req,
                         grpc::file::UnmountPResponse* resp) override;
  ::grpc::Status GetMountTable(::grpc::ServerContext* ctx,
                               const grpc::file::GetMountTablePRequest* req,
                               grpc::file::GetMountTablePResponse* resp) override;
  ::grpc::Status Free(::grpc::ServerContext* ctx, const grpc::file::FreePRequest* req,
                      grpc::file::FreePResponse* resp) override;
  ::grpc::Status ScheduleAsyncPersistence(
      ::grpc::ServerContext* ctx, const grpc::file::ScheduleAsyncPersistencePRequest* req,
      grpc::file::ScheduleAsyncPersistencePResponse* resp) override;
  ::grpc::Status GetFilePath(::grpc::ServerContext* ctx, const grpc::file::GetFilePathPRequest* req,
                             grpc::file::GetFilePathPResponse* resp) override;

 private:
  FileSystemMaster* const master_;
  BlockMaster* const block_master_;
};

// The caller's identity and operation id, from gRPC metadata and the request's common options.
OperationContext MakeOperationContext(
    const ::grpc::ServerContext* ctx,
    const ::alluxio::grpc::FileSystemMasterCommonPOptions& common);

}  // namespace alluxio::master
