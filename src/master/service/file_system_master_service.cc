// SPDX-License-Identifier: Apache-2.0
#include "master/service/file_system_master_service.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "rpc/grpc_status.h"

namespace alluxio::master {

using rpc::ToGrpcStatus;

OperationContext MakeOperationContext(
    const ::grpc::ServerContextBase* ctx,
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

// A fixed pool of threads for calls that may block on an under-store.
class FileSystemMasterService::UfsPool {
 public:
  explicit UfsPool(int threads) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Loop(); });
  }
  ~UfsPool() {
    {
      std::lock_guard<std::mutex> l(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (std::thread& t : threads_) t.join();
  }
  void Submit(std::function<void()> task) {
    {
      std::lock_guard<std::mutex> l(mu_);
      tasks_.push_back(std::move(task));
    }
    cv_.notify_one();
  }

 private:
  void Loop() {
    std::unique_lock<std::mutex> l(mu_);
    for (;;) {
      cv_.wait(l, [&] { return stop_ || !tasks_.empty(); });
      if (tasks_.empty()) return;  // stopping, and nothing left to run
      std::function<void()> task = std::move(tasks_.front());
      tasks_.pop_front();
      l.unlock();
      task();
      l.lock();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;  // GUARDED_BY(mu_)
  bool stop_ = false;                        // GUARDED_BY(mu_)
  std::vector<std::thread> threads_;
};

FileSystemMasterService::FileSystemMasterService(FileSystemMaster* master,
                                                 BlockMaster* block_master)
    : master_(master),
      block_master_(block_master),
      ufs_pool_(std::make_unique<UfsPool>(kUfsThreads)) {}

FileSystemMasterService::~FileSystemMasterService() = default;

void FileSystemMasterService::Complete(FileSystemMaster* master,
                                       ::grpc::ServerUnaryReactor* reactor,
                                       const std::function<Status()>& op) {
  Status status;
  journal::SequenceNumber sn;
  {
    DeferDurability deferral;
    status = op();
    sn = deferral.sn();
  }
  if (sn < 0) {
    reactor->Finish(ToGrpcStatus(status));
  } else {
    master->WhenDurable(sn, [reactor, status = std::move(status)](Status durable) {
      reactor->Finish(ToGrpcStatus(durable.ok() ? status : durable));
    });
  }
}

::grpc::ServerUnaryReactor* FileSystemMasterService::Run(::grpc::CallbackServerContext* ctx,
                                                         const std::function<Status()>& op) {
  ::grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  Complete(master_, reactor, op);
  return reactor;
}

::grpc::ServerUnaryReactor* FileSystemMasterService::RunWhere(::grpc::CallbackServerContext* ctx,
                                                              bool needs_ufs,
                                                              std::function<Status()> op) {
  if (!needs_ufs) return Run(ctx, op);
  ::grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  ufs_pool_->Submit(
      [master = master_, reactor, op = std::move(op)] { Complete(master, reactor, op); });
  return reactor;
}

::grpc::ServerUnaryReactor* FileSystemMasterService::CreateDirectory(
    ::grpc::CallbackServerContext* ctx, const grpc::file::CreateDirectoryPRequest* req,
    grpc::file::CreateDirectoryPResponse*) {
  return RunWhere(ctx, master_->MutationNeedsUfs(req->path(), req->options().persist()),
                  [this, ctx, req] {  // pointers: see GetStatus
                    return master_->CreateDirectory(
                        MakeOperationContext(ctx, req->options().common_options()), req->path(),
                        req->options());
                  });
}

::grpc::ServerUnaryReactor* FileSystemMasterService::CreateFile(
    ::grpc::CallbackServerContext* ctx, const grpc::file::CreateFilePRequest* req,
    grpc::file::CreateFilePResponse* resp) {
  return RunWhere(ctx, master_->MutationNeedsUfs(req->path(), req->options().persist()),
                  [this, ctx, req, resp]() -> Status {  // pointers: see GetStatus
                    Result<FileInfo> r = master_->CreateFile(
                        MakeOperationContext(ctx, req->options().common_options()), req->path(),
                        req->options());
                    if (!r.ok()) return r.status();
                    *resp->mutable_file_info() = std::move(*r);
                    return Status();
                  });
}

::grpc::ServerUnaryReactor* FileSystemMasterService::CompleteFile(
    ::grpc::CallbackServerContext* ctx, const grpc::file::CompleteFilePRequest* req,
    grpc::file::CompleteFilePResponse*) {
  return RunWhere(ctx, master_->MutationNeedsUfs(req->path(), false), [this, ctx, req] {
    return master_->CompleteFile(MakeOperationContext(ctx, req->options().common_options()),
                                 req->path(), req->options());
  });
}

::grpc::ServerUnaryReactor* FileSystemMasterService::GetStatus(
    ::grpc::CallbackServerContext* ctx, const grpc::file::GetStatusPRequest* req,
    grpc::file::GetStatusPResponse* resp) {
  // Pointers, not references: with the UFS pool the handler returns before `op` runs (the call
  // keeps `ctx`, `req` and `resp` until it is finished).
  auto op = [this, ctx, req, resp]() -> Status {
    Result<FileInfo> r = master_->GetStatus(
        MakeOperationContext(ctx, req->options().common_options()), req->path(), req->options());
    if (!r.ok()) return r.status();
    if (block_master_ != nullptr) block_master_->FillFileBlockInfos(&*r);
    *resp->mutable_file_info() = std::move(*r);
    return Status();
  };
  return RunWhere(ctx, master_->GetStatusNeedsUfs(req->path(), req->options()), op);
}

::grpc::ServerUnaryReactor* FileSystemMasterService::Exists(::grpc::CallbackServerContext* ctx,
                                                            const grpc::file::ExistsPRequest* req,
                                                            grpc::file::ExistsPResponse* resp) {
  auto op = [this, ctx, req, resp]() -> Status {  // pointers: see GetStatus
    Result<bool> r = master_->Exists(MakeOperationContext(ctx, req->options().common_options()),
                                     req->path(), req->options());
    if (!r.ok()) return r.status();
    resp->set_exists(*r);
    return Status();
  };
  return RunWhere(ctx, master_->ExistsNeedsUfs(req->path(), req->options()), op);
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

::grpc::ServerUnaryReactor* FileSystemMasterService::Remove(::grpc::CallbackServerContext* ctx,
                                                            const grpc::file::DeletePRequest* req,
                                                            grpc::file::DeletePResponse*) {
  return RunWhere(ctx, master_->MutationNeedsUfs(req->path(), false), [this, ctx, req] {
    return master_->Delete(MakeOperationContext(ctx, req->options().common_options()), req->path(),
                           req->options());
  });
}

::grpc::ServerUnaryReactor* FileSystemMasterService::Rename(::grpc::CallbackServerContext* ctx,
                                                            const grpc::file::RenamePRequest* req,
                                                            grpc::file::RenamePResponse*) {
  return RunWhere(ctx, master_->MutationNeedsUfs(req->path(), false), [this, ctx, req] {
    return master_->Rename(MakeOperationContext(ctx, req->options().common_options()), req->path(),
                           req->dst_path(), req->options());
  });
}

::grpc::ServerUnaryReactor* FileSystemMasterService::SetAttribute(
    ::grpc::CallbackServerContext* ctx, const grpc::file::SetAttributePRequest* req,
    grpc::file::SetAttributePResponse*) {
  return RunWhere(ctx, master_->MutationNeedsUfs(req->path(), false), [this, ctx, req] {
    return master_->SetAttribute(MakeOperationContext(ctx, req->options().common_options()),
                                 req->path(), req->options());
  });
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

::grpc::ServerUnaryReactor* FileSystemMasterService::GetFilePath(
    ::grpc::CallbackServerContext* ctx, const grpc::file::GetFilePathPRequest* req,
    grpc::file::GetFilePathPResponse* resp) {
  return Run(ctx, [&]() -> Status {
    Result<FileInfo> info = master_->GetFileInfo(req->file_id());
    if (!info.ok()) return info.status();
    resp->set_path(info->path());
    return Status();
  });
}

}  // namespace alluxio::master
