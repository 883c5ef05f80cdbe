// SPDX-License-Identifier: Apache-2.0
#include "client/api/file_system.h"

#include <unistd.h>

#include <mutex>
#include <random>

#include <fmt/format.h>
#include <grpcpp/grpcpp.h>

#include "alluxio/grpc/block_master.grpc.pb.h"
#include "alluxio/grpc/file_system_master.grpc.pb.h"
#include "alluxio/grpc/meta_master.grpc.pb.h"
#include "client/internal/context.h"
#include "rpc/master_client.h"

namespace alluxio::client {

namespace {

using FsStub = grpc::file::FileSystemMasterClientService::Stub;

}  // namespace

// The stub of the current channel, made once per channel (making one per call costs ~20 us).
struct FileSystem::Stubs {
  std::shared_ptr<FsStub> For(const std::shared_ptr<::grpc::Channel>& ch) {
    std::lock_guard<std::mutex> l(mu);
    if (ch != channel) {
      channel = ch;
      fs = grpc::file::FileSystemMasterClientService::NewStub(ch);
    }
    return fs;
  }
  std::mutex mu;
  std::shared_ptr<::grpc::Channel> channel;  // GUARDED_BY(mu)
  std::shared_ptr<FsStub> fs;                // GUARDED_BY(mu)
};

namespace {

::alluxio::grpc::OperationId NewOperationId() {
  thread_local std::mt19937_64 rng(std::random_device{}() ^
                                   (static_cast<uint64_t>(std::random_device{}()) << 32));
  ::alluxio::grpc::OperationId id;
  id.set_most_significant_bits(static_cast<int64_t>(rng() | 1));
  id.set_least_significant_bits(static_cast<int64_t>(rng()));
  return id;
}

}  // namespace

Result<std::unique_ptr<FileSystem>> FileSystem::Create(const conf::Configuration& conf) {
  ASSIGN_OR_RETURN(std::shared_ptr<rpc::MasterClient> master, rpc::MasterClient::Create(conf));
  ASSIGN_OR_RETURN(internal::DataOptions data, internal::DataOptions::FromConfiguration(conf));
  auto fs = std::unique_ptr<FileSystem>(new FileSystem(conf, master));
  char host[256] = {};
  ::gethostname(host, sizeof(host) - 1);
  fs->ctx_ = std::make_shared<internal::Context>(master, data, host);
  ASSIGN_OR_RETURN(fs->sync_interval_ms_,
                   conf.GetDurationMs(conf::keys::kUserFileMetadataSyncInterval));
  ASSIGN_OR_RETURN(std::string load, conf.GetEnum(conf::keys::kUserFileMetadataLoadType));
  ::alluxio::grpc::LoadMetadataPType_Parse(load, &fs->load_type_);
  ASSIGN_OR_RETURN(std::string write_type, conf.GetEnum(conf::keys::kUserFileWriteTypeDefault));
  fs->persist_default_ = write_type != "MUST_CACHE" && write_type != "NONE";
  return fs;
}

FileSystem::FileSystem(const conf::Configuration&, std::shared_ptr<rpc::MasterClient> master)
    : master_(std::move(master)),
      stubs_(std::make_unique<Stubs>()),
      sync_interval_ms_(-1),
      load_type_(::alluxio::grpc::ONCE) {}

FileSystem::~FileSystem() = default;

template <typename Options>
void FileSystem::FillCommon(Options* options, bool mutating) {
  auto* common = options->mutable_common_options();
  if (!common->has_sync_interval_ms()) common->set_sync_interval_ms(sync_interval_ms_);
  if (mutating && !common->has_operation_id()) *common->mutable_operation_id() = NewOperationId();
}

Status FileSystem::CreateDirectory(const std::string& path,
                                   fsopts::CreateDirectoryPOptions options) {
  FillCommon(&options, true);
  if (!options.has_persist()) options.set_persist(persist_default_);
  grpc::file::CreateDirectoryPRequest req;
  req.set_path(path);
  *req.mutable_options() = std::move(options);
  return master_->Call([&](const auto& ch, ::grpc::ClientContext* ctx) {
    grpc::file::CreateDirectoryPResponse resp;
    return stubs_->For(ch)->CreateDirectory(ctx, req, &resp);
  });
}

Result<std::unique_ptr<FileOutStream>> FileSystem::Create(const std::string& path,
                                                          fsopts::CreateFilePOptions options) {
  ::alluxio::grpc::WritePType type =
      options.has_write_type() ? options.write_type() : ctx_->options().write_type;
  if (type == ::alluxio::grpc::TRY_CACHE) type = ::alluxio::grpc::MUST_CACHE;
  if (type == ::alluxio::grpc::NONE) {
    return InvalidArgumentError("Write type NONE stores nothing and is not supported");
  }
  // CACHE_THROUGH and THROUGH write the UFS now; ASYNC_THROUGH asks for persistence at close.
  options.set_persist(type == ::alluxio::grpc::CACHE_THROUGH || type == ::alluxio::grpc::THROUGH);
  if (!options.has_block_size_bytes()) {
    options.set_block_size_bytes(ctx_->options().default_block_size);
  }
  if (options.block_size_bytes() <= 0) {
    return InvalidArgumentError(
        fmt::format("Invalid block size {} for {}", options.block_size_bytes(), path));
  }
  ASSIGN_OR_RETURN(FileInfo info, CreateFile(path, std::move(options)));
  return std::unique_ptr<FileOutStream>(new FileOutStream(ctx_, this, path, std::move(info), type));
}

Result<std::unique_ptr<FileInStream>> FileSystem::Open(const std::string& path,
                                                       fsopts::OpenFilePOptions options) {
  fsopts::GetStatusPOptions g;
  if (options.has_common_options()) *g.mutable_common_options() = options.common_options();
  ASSIGN_OR_RETURN(FileInfo info, GetStatus(path, std::move(g)));
  if (info.folder()) {
    return InvalidArgumentError(fmt::format("Path {} is a directory, not a file", path));
  }
  if (!info.completed()) {
    return FailedPreconditionError(fmt::format("File {} is incomplete", path));
  }
  ::alluxio::grpc::ReadPType type =
      options.has_read_type() ? options.read_type() : ctx_->options().read_type;
  return std::unique_ptr<FileInStream>(new FileInStream(ctx_, this, path, std::move(info), type));
}

Status FileSystem::Free(const std::string& path, fsopts::FreePOptions options) {
  FillCommon(&options, true);
  grpc::file::FreePRequest req;
  req.set_path(path);
  *req.mutable_options() = std::move(options);
  return master_->Call([&](const auto& ch, ::grpc::ClientContext* ctx) {
    grpc::file::FreePResponse resp;
    return stubs_->For(ch)->Free(ctx, req, &resp);
  });
}

Status FileSystem::ScheduleAsyncPersistence(const std::string& path,
                                            fsopts::ScheduleAsyncPersistencePOptions options) {
  FillCommon(&options, true);
  grpc::file::ScheduleAsyncPersistencePRequest req;
  req.set_path(path);
  *req.mutable_options() = std::move(options);
  return master_->Call([&](const auto& ch, ::grpc::ClientContext* ctx) {
    grpc::file::ScheduleAsyncPersistencePResponse resp;
    return stubs_->For(ch)->ScheduleAsyncPersistence(ctx, req, &resp);
  });
}

Result<std::string> FileSystem::GetFilePath(int64_t file_id) {
  grpc::file::GetFilePathPRequest req;
  req.set_file_id(file_id);
  grpc::file::GetFilePathPResponse resp;
  RETURN_IF_ERROR(master_->Call([&](const auto& ch, ::grpc::ClientContext* ctx) {
    return stubs_->For(ch)->GetFilePath(ctx, req, &resp);
  }));
  return resp.path();
}

Result<::alluxio::grpc::BlockInfo> FileSystem::GetBlockInfo(int64_t block_id) {
  grpc::block::GetBlockInfoPRequest req;
  req.set_block_id(block_id);
  grpc::block::GetBlockInfoPResponse resp;
  RETURN_IF_ERROR(master_->Call([&](const auto& ch, ::grpc::ClientContext* ctx) {
    return grpc::block::BlockMasterClientService::NewStub(ch)->GetBlockInfo(ctx, req, &resp);
  }));
  return std::move(*resp.mutable_block_info());
}

Result<::alluxio::grpc::block::BlockMasterInfo> FileSystem::GetBlockMasterInfo() {
  grpc::block::GetBlockMasterInfoPResponse resp;
  RETURN_IF_ERROR(master_->Call([&](const auto& ch, ::grpc::ClientContext* ctx) {
    return grpc::block::BlockMasterClientService::NewStub(ch)->GetBlockMasterInfo(
        ctx, grpc::block::GetBlockMasterInfoPOptions(), &resp);
  }));
  return std::move(*resp.mutable_block_master_info());
}

Result<std::vector<::alluxio::grpc::block::WorkerInfo>> FileSystem::GetWorkerReport(
    ::alluxio::grpc::block::GetWorkerReportPOptions options) {
  grpc::block::GetWorkerInfoListPResponse resp;
  RETURN_IF_ERROR(master_->Call([&](const auto& ch, ::grpc::ClientContext* ctx) {
    resp.Clear();
    return grpc::block::BlockMasterClientService::NewStub(ch)->GetWorkerReport(ctx, options, &resp);
  }));
  return std::vector<::alluxio::grpc::block::WorkerInfo>(resp.worker_infos().begin(),
                                                         resp.worker_infos().end());
}

Result<FileInfo> FileSystem::CreateFile(const std::string& path,
                                        fsopts::CreateFilePOptions options) {
  FillCommon(&options, true);
  if (!options.has_persist()) options.set_persist(persist_default_);
  grpc::file::CreateFilePRequest req;
  req.set_path(path);
  *req.mutable_options() = std::move(options);
  grpc::file::CreateFilePResponse resp;
  RETURN_IF_ERROR(master_->Call([&](const auto& ch, ::grpc::ClientContext* ctx) {
    return stubs_->For(ch)->CreateFile(ctx, req, &resp);
  }));
  return std::move(*resp.mutable_file_info());
}

Status FileSystem::CompleteFile(const std::string& path, fsopts::CompleteFilePOptions options) {
  FillCommon(&options, true);
  grpc::file::CompleteFilePRequest req;
  req.set_path(path);
  *req.mutable_options() = std::move(options);
  return master_->Call([&](const auto& ch, ::grpc::ClientContext* ctx) {
    grpc::file::CompleteFilePResponse resp;
    return stubs_->For(ch)->CompleteFile(ctx, req, &resp);
  });
}

Result<FileInfo> FileSystem::GetStatus(const std::string& path, fsopts::GetStatusPOptions options) {
  FillCommon(&options, false);
  if (!options.has_load_metadata_type()) options.set_load_metadata_type(load_type_);
  grpc::file::GetStatusPRequest req;
  req.set_path(path);
  *req.mutable_options() = std::move(options);
  grpc::file::GetStatusPResponse resp;
  RETURN_IF_ERROR(master_->Call([&](const auto& ch, ::grpc::ClientContext* ctx) {
    return stubs_->For(ch)->GetStatus(ctx, req, &resp);
  }));
  return std::move(*resp.mutable_file_info());
}

Result<bool> FileSystem::Exists(const std::string& path, fsopts::ExistsPOptions options) {
  FillCommon(&options, false);
  if (!options.has_load_metadata_type()) options.set_load_metadata_type(load_type_);
  grpc::file::ExistsPRequest req;
  req.set_path(path);
  *req.mutable_options() = std::move(options);
  grpc::file::ExistsPResponse resp;
  RETURN_IF_ERROR(master_->Call([&](const auto& ch, ::grpc::ClientContext* ctx) {
    return stubs_->For(ch)->Exists(ctx, req, &resp);
  }));
  return resp.exists();
}

Status FileSystem::IterateStatus(const std::string& path, fsopts::ListStatusPOptions options,
                                 const std::function<void(FileInfo&&)>& fn) {
  FillCommon(&options, false);
  if (!options.has_load_metadata_type()) options.set_load_metadata_type(load_type_);
  grpc::file::ListStatusPRequest req;
  req.set_path(path);
  *req.mutable_options() = std::move(options);
  bool delivered = false;
  return master_->Call(
      [&](const auto& ch, ::grpc::ClientContext* ctx) {
        auto reader = stubs_->For(ch)->ListStatus(ctx, req);
        grpc::file::ListStatusPResponse batch;
        while (reader->Read(&batch)) {
          delivered = true;
          for (FileInfo& f : *batch.mutable_file_infos()) fn(std::move(f));
        }
        ::grpc::Status s = reader->Finish();
        // Once entries were delivered a retry would repeat them: report instead.
        if (!s.ok() && delivered && s.error_code() == ::grpc::StatusCode::UNAVAILABLE) {
          return ::grpc::Status(::grpc::StatusCode::ABORTED,
                                "listing interrupted: " + s.error_message());
        }
        return s;
      },
      /*streaming=*/true);
}

Result<std::vector<FileInfo>> FileSystem::ListStatus(const std::string& path,
                                                     fsopts::ListStatusPOptions options) {
  std::vector<FileInfo> out;
  RETURN_IF_ERROR(
      IterateStatus(path, std::move(options), [&](FileInfo&& f) { out.push_back(std::move(f)); }));
  return out;
}

Status FileSystem::Delete(const std::string& path, fsopts::DeletePOptions options) {
  FillCommon(&options, true);
  grpc::file::DeletePRequest req;
  req.set_path(path);
  *req.mutable_options() = std::move(options);
  return master_->Call([&](const auto& ch, ::grpc::ClientContext* ctx) {
    grpc::file::DeletePResponse resp;
    return stubs_->For(ch)->Remove(ctx, req, &resp);
  });
}

Status FileSystem::Rename(const std::string& src, const std::string& dst,
                          fsopts::RenamePOptions options) {
  FillCommon(&options, true);
  grpc::file::RenamePRequest req;
  req.set_path(src);
  req.set_dst_path(dst);
  *req.mutable_options() = std::move(options);
  return master_->Call([&](const auto& ch, ::grpc::ClientContext* ctx) {
    grpc::file::RenamePResponse resp;
    return stubs_->For(ch)->Rename(ctx, req, &resp);
  });
}

Status FileSystem::SetAttribute(const std::string& path, fsopts::SetAttributePOptions options) {
  FillCommon(&options, true);
  grpc::file::SetAttributePRequest req;
  req.set_path(path);
  *req.mutable_options() = std::move(options);
  return master_->Call([&](const auto& ch, ::grpc::ClientContext* ctx) {
    grpc::file::SetAttributePResponse resp;
    return stubs_->For(ch)->SetAttribute(ctx, req, &resp);
  });
}

Status FileSystem::Mount(const std::string& alluxio_path, const std::string& ufs_path,
                         fsopts::MountPOptions options) {
  FillCommon(&options, true);
  grpc::file::MountPRequest req;
  req.set_alluxio_path(alluxio_path);
  req.set_ufs_path(ufs_path);
  *req.mutable_options() = std::move(options);
  return master_->Call([&](const auto& ch, ::grpc::ClientContext* ctx) {
    grpc::file::MountPResponse resp;
    return stubs_->For(ch)->Mount(ctx, req, &resp);
  });
}

Status FileSystem::Unmount(const std::string& alluxio_path) {
  grpc::file::UnmountPRequest req;
  req.set_alluxio_path(alluxio_path);
  FillCommon(req.mutable_options(), true);
  return master_->Call([&](const auto& ch, ::grpc::ClientContext* ctx) {
    grpc::file::UnmountPResponse resp;
    return stubs_->For(ch)->Unmount(ctx, req, &resp);
  });
}

Result<std::map<std::string, MountPointInfo>> FileSystem::GetMountTable() {
  grpc::file::GetMountTablePResponse resp;
  RETURN_IF_ERROR(master_->Call([&](const auto& ch, ::grpc::ClientContext* ctx) {
    return stubs_->For(ch)->GetMountTable(ctx, grpc::file::GetMountTablePRequest(), &resp);
  }));
  return std::map<std::string, MountPointInfo>(resp.mount_points().begin(),
                                               resp.mount_points().end());
}

Result<::alluxio::grpc::meta::MasterInfo> FileSystem::GetMasterInfo() {
  grpc::meta::GetMasterInfoPResponse resp;
  RETURN_IF_ERROR(master_->Call([&](const auto& ch, ::grpc::ClientContext* ctx) {
    return grpc::meta::MetaMasterClientService::NewStub(ch)->GetMasterInfo(
        ctx, grpc::meta::GetMasterInfoPOptions(), &resp);
  }));
  return std::move(*resp.mutable_master_info());
}

Result<std::string> FileSystem::Checkpoint() {
  grpc::meta::CheckpointPResponse resp;
  RETURN_IF_ERROR(master_->Call([&](const auto& ch, ::grpc::ClientContext* ctx) {
    return grpc::meta::MetaMasterClientService::NewStub(ch)->Checkpoint(
        ctx, grpc::meta::CheckpointPOptions(), &resp);
  }));
  return resp.master_hostname();
}

Result<grpc::meta::BackupPStatus> FileSystem::Backup(const grpc::meta::BackupPRequest& request) {
  grpc::meta::BackupPStatus resp;
  RETURN_IF_ERROR(master_->Call([&](const auto& ch, ::grpc::ClientContext* ctx) {
    return grpc::meta::MetaMasterClientService::NewStub(ch)->Backup(ctx, request, &resp);
  }));
  return resp;
}

Result<grpc::meta::BackupPStatus> FileSystem::GetBackupStatus(const std::string& backup_id) {
  grpc::meta::BackupStatusPRequest req;
  req.set_backup_id(backup_id);
  grpc::meta::BackupPStatus resp;
  RETURN_IF_ERROR(master_->Call([&](const auto& ch, ::grpc::ClientContext* ctx) {
    return grpc::meta::MetaMasterClientService::NewStub(ch)->GetBackupStatus(ctx, req, &resp);
  }));
  return resp;
}

Result<std::string> FileSystem::GetPrimaryAddress() { return master_->PrimaryAddress(); }

Result<std::vector<std::string>> FileSystem::ConfiguredMasterAddresses(
    const conf::Configuration& conf) {
  return rpc::MasterClient::MasterAddresses(conf);
}

}  // namespace alluxio::client
