// SPDX-License-Identifier: Apache-2.0
// gRPC handlers of FileSystemMasterClientService: translate the request, run the operation on
// FileSystemMaster, translate the result. The one addition: file infos (getStatus, listStatus) get
// their block locations and cached percentages from the BlockMaster after the namespace answered,
// so namespace operations never touch block state.
// Thread-safety: thread-safe (gRPC calls handlers concurrently).
#pragma once

#include <functional>
#include <memory>

#include "alluxio/grpc/file_system_master.grpc.pb.h"
#include "master/block/block_master.h"
#include "master/file/file_system_master.h"

namespace alluxio::master {

// The frequent, in-memory operations (create, complete, getStatus, exists, delete, rename,
// setAttribute, getFilePath) use gRPC's callback API: they run on the thread that received the
// call and, instead of blocking it in the journal's group commit (DeferDurability), finish the
// call from the journal once their entries are durable. No thread per waiting call, no wake-up
// storm: bench/RESULTS.md. Listing and the operations that may spend long in an under-store
// (mount, unmount, free, persist) stay on the synchronous API's thread pool. A getStatus or exists
// that must first load or sync metadata from the under-store, and a mutation that writes to it
// (a persisted create, or a change of a persisted path or of a directory), run on a pool of their
// own (kUfsThreads): gRPC has as few callback threads as cores, and a slow store must not hold
// them.
using FsmService = grpc::file::FileSystemMasterClientService;
using FileSystemMasterServiceBase =
    FsmService::WithCallbackMethod_CreateDirectory<FsmService::WithCallbackMethod_CreateFile<
        FsmService::WithCallbackMethod_CompleteFile<FsmService::WithCallbackMethod_GetStatus<
            FsmService::WithCallbackMethod_Exists<FsmService::WithCallbackMethod_Remove<
                FsmService::WithCallbackMethod_Rename<FsmService::WithCallbackMethod_SetAttribute<
                    FsmService::WithCallbackMethod_GetFilePath<FsmService::Service>>>>>>>>>;

class FileSystemMasterService final : public FileSystemMasterServiceBase {
 public:
  static constexpr int kUfsThreads = 16;

  // Both must outlive the service; without a block master, file infos carry no block locations.
  explicit FileSystemMasterService(FileSystemMaster* master, BlockMaster* block_master = nullptr);
  // Runs what the UFS pool holds, then stops it. The RPC server must be shut down first.
  ~FileSystemMasterService() override;

  ::grpc::ServerUnaryReactor* CreateDirectory(::grpc::CallbackServerContext* ctx,
                                              const grpc::file::CreateDirectoryPRequest* req,
                                              grpc::file::CreateDirectoryPResponse* resp) override;
  ::grpc::ServerUnaryReactor* CreateFile(::grpc::CallbackServerContext* ctx,
                                         const grpc::file::CreateFilePRequest* req,
                                         grpc::file::CreateFilePResponse* resp) override;
  ::grpc::ServerUnaryReactor* CompleteFile(::grpc::CallbackServerContext* ctx,
                                           const grpc::file::CompleteFilePRequest* req,
                                           grpc::file::CompleteFilePResponse* resp) override;
  ::grpc::ServerUnaryReactor* GetStatus(::grpc::CallbackServerContext* ctx,
                                        const grpc::file::GetStatusPRequest* req,
                                        grpc::file::GetStatusPResponse* resp) override;
  ::grpc::ServerUnaryReactor* Exists(::grpc::CallbackServerContext* ctx,
                                     const grpc::file::ExistsPRequest* req,
                                     grpc::file::ExistsPResponse* resp) override;
  ::grpc::Status ListStatus(::grpc::ServerContext* ctx, const grpc::file::ListStatusPRequest* req,
                            ::grpc::ServerWriter<grpc::file::ListStatusPResponse>* writer) override;
  ::grpc::ServerUnaryReactor* Remove(::grpc::CallbackServerContext* ctx,
                                     const grpc::file::DeletePRequest* req,
                                     grpc::file::DeletePResponse* resp) override;
  ::grpc::ServerUnaryReactor* Rename(::grpc::CallbackServerContext* ctx,
                                     const grpc::file::RenamePRequest* req,
                                     grpc::file::RenamePResponse* resp) override;
  ::grpc::ServerUnaryReactor* SetAttribute(::grpc::CallbackServerContext* ctx,
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
  ::grpc::ServerUnaryReactor* GetFilePath(::grpc::CallbackServerContext* ctx,
                                          const grpc::file::GetFilePathPRequest* req,
                                          grpc::file::GetFilePathPResponse* resp) override;

 private:
  // Runs `op` here under a DeferDurability and finishes the call with its status once what it
  // journaled is durable (at once when it journaled nothing).
  ::grpc::ServerUnaryReactor* Run(::grpc::CallbackServerContext* ctx,
                                  const std::function<Status()>& op);
  // Run here, or (`needs_ufs`: the operation may wait on an under-store) on the UFS pool. `op`
  // must own or point to what it uses: on the pool the handler returns before it runs.
  ::grpc::ServerUnaryReactor* RunWhere(::grpc::CallbackServerContext* ctx, bool needs_ufs,
                                       std::function<Status()> op);
  static void Complete(FileSystemMaster* master, ::grpc::ServerUnaryReactor* reactor,
                       const std::function<Status()>& op);

  class UfsPool;
  FileSystemMaster* const master_;
  BlockMaster* const block_master_;
  std::unique_ptr<UfsPool> ufs_pool_;
};

// The caller's identity and operation id, from gRPC metadata and the request's common options.
OperationContext MakeOperationContext(
    const ::grpc::ServerContextBase* ctx,
    const ::alluxio::grpc::FileSystemMasterCommonPOptions& common);

}  // namespace alluxio::master
