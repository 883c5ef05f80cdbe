// SPDX-License-Identifier: Apache-2.0
// gRPC handlers of FileSystemMasterWorkerService: what workers ask the file system master (the
// UFS of a mount, pinned files, a file by id) and the file system heartbeat that carries persist
// outcomes one way and PersistFile commands the other (docs/design/data-path.md, Persistence).
// Thread-safety: thread-safe.
#pragma once

#include "alluxio/grpc/file_system_master.grpc.pb.h"
#include "master/block/block_master.h"
#include "master/file/file_system_master.h"

namespace alluxio::master {

class FileSystemMasterWorkerService final
    : public grpc::file::FileSystemMasterWorkerService::Service {
 public:
  // Both must outlive the service; `block_master` may be null (no block locations in
  // GetFileInfo).
  FileSystemMasterWorkerService(FileSystemMaster* master, BlockMaster* block_master)
      : master_(master), block_master_(block_master) {}

  ::grpc::Status FileSystemHeartbeat(::grpc::ServerContext* ctx,
                                     const grpc::file::FileSystemHeartbeatPRequest* req,
                                     grpc::file::FileSystemHeartbeatPResponse* resp) override;
  ::grpc::Status GetFileInfo(::grpc::ServerContext* ctx, const grpc::file::GetFileInfoPRequest* req,
                             grpc::file::GetFileInfoPResponse* resp) override;
  ::grpc::Status GetPinnedFileIds(::grpc::ServerContext* ctx,
                                  const grpc::file::GetPinnedFileIdsPRequest* req,
                                  grpc::file::GetPinnedFileIdsPResponse* resp) override;
  ::grpc::Status GetUfsInfo(::grpc::ServerContext* ctx, const grpc::file::GetUfsInfoPRequest* req,
                            grpc::file::GetUfsInfoPResponse* resp) override;

 private:
  FileSystemMaster* const master_;
  BlockMaster* const block_master_;
};

}  // namespace alluxio::master
