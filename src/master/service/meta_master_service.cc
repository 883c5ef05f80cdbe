// SPDX-License-Identifier: Apache-2.0
#include "master/service/meta_master_service.h"

#include <grpcpp/grpcpp.h>

#include <fmt/format.h>

#include "master/master_process.h"
#include "master/service/journal_master_service.h"
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

namespace {

void ToProto(const BackupStatus& s, grpc::meta::BackupPStatus* out) {
  out->set_backup_id(s.id);
  out->set_backup_state(static_cast<grpc::meta::BackupState>(static_cast<int>(s.state)));
  out->set_backup_host(s.host);
  if (!s.uri.empty()) out->set_backup_uri(s.uri);
  out->set_entry_count(s.entry_count);
  if (s.state == BackupState::kFailed) out->set_backup_error(s.error.ToString());
}

}  // namespace

::grpc::Status MetaMasterService::Backup(::grpc::ServerContext*,
                                         const grpc::meta::BackupPRequest* req,
                                         grpc::meta::BackupPStatus* resp) {
  BackupManager* m = process_->backup_manager();
  if (m == nullptr) return rpc::ToGrpcStatus(UnavailableError("The master is not started"));
  BackupRequest r;
  r.target_directory = req->target_directory();
  r.local = req->options().local_file_system();
  r.run_async = req->options().run_async();
  Result<BackupStatus> s = m->Backup(r);
  if (!s.ok()) return rpc::ToGrpcStatus(s.status());
  // A synchronous backup that failed fails the call, as in Alluxio.
  if (!r.run_async && s->state == BackupState::kFailed) return rpc::ToGrpcStatus(s->error);
  ToProto(*s, resp);
  return ::grpc::Status::OK;
}

::grpc::Status MetaMasterService::GetBackupStatus(::grpc::ServerContext*,
                                                  const grpc::meta::BackupStatusPRequest* req,
                                                  grpc::meta::BackupPStatus* resp) {
  BackupManager* m = process_->backup_manager();
  if (m == nullptr) return rpc::ToGrpcStatus(UnavailableError("The master is not started"));
  Result<BackupStatus> s = m->GetStatus(req->backup_id());
  if (!s.ok()) return rpc::ToGrpcStatus(s.status());
  ToProto(*s, resp);
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
    case grpc::version::JOURNAL_MASTER_CLIENT_SERVICE:
      resp->set_version(kJournalMasterClientServiceVersion);
      return ::grpc::Status::OK;
    default:
      return ::grpc::Status(::grpc::StatusCode::NOT_FOUND,
                            fmt::format("Service {} is not found.",
                                        grpc::version::ServiceType_Name(req->service_type())));
  }
}

}  // namespace alluxio::master
